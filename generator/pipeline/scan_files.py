"""What `scan` writes under OUT/scan/: the page list, the ballots, the pictures, the review page."""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

import cv2
import numpy as np

from ..model.ballot import IssuedBallot
from ..scan.decide import Reading
from ..scan.settle import Settled
from ..scan.sheet import Campaign, SheetRead

SHEET_COLUMNS = (
    "file", "page", "ballot_id", "secretary_id", "source", "score", "status", "decision", "reason",
)  # fmt: skip
BALLOT_COLUMNS = (
    "ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions",
)  # fmt: skip
TEXT_NAMES = {"problems": "问题和不足", "suggestions": "意见建议"}
PREVIEW_PX_PER_MM = 4  # the review pictures: the layout's frame at half the reading's resolution


def csv_bytes(header: tuple[str, ...], rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _reason(sheet: SheetRead, note: str | None) -> str:
    described = sheet.reading.describe()
    if note is None:
        return described
    return f"{described} | 人工判定 / decided: {note}" if described else note


def sheets_csv(settled: Settled, campaign: Campaign) -> bytes:
    """Every page read, in the order read, with its decision and reason."""
    decided = {ballot.serial: reading for ballot, reading in settled.ballots}
    rows = []
    for index, sheet in enumerate(settled.sheets):
        ballot, reading = sheet.ballot, sheet.reading
        note = settled.notes.get(index)
        if note is not None and ballot is not None:
            reading = decided.get(ballot.serial, reading)
        rows.append((
            sheet.file, sheet.page,
            ballot.serial if ballot else "", ballot.secretary_id if ballot else "",
            ballot.source if ballot else "",
            "" if reading.score is None else reading.score, reading.status,
            sheet.reading.decision, _reason(sheet, note),
        ))  # fmt: skip
    return csv_bytes(SHEET_COLUMNS, rows)


def ballots_csv(ballots: tuple[tuple[IssuedBallot, Reading], ...]) -> bytes:
    """The contract-format ballots, by serial: what `letters` reads beside DIR/ballots/. The
    handwritten texts stay pictures (text/): nobody has typed them."""
    rows = [
        (
            ballot.serial, ballot.secretary_id, ballot.source,
            "" if reading.score is None else reading.score, reading.status, "", "",
        )
        for ballot, reading in ballots
    ]  # fmt: skip
    return csv_bytes(BALLOT_COLUMNS, rows)


def png(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return encoded.tobytes()


def keep_pictures(
    sheet: SheetRead, index: int, seen: Counter, write: Callable[[str, bytes], None]
) -> SheetRead:
    """Write the page's pictures now (text boxes under text/, the sheet under review/ when a
    person must see it); return the reading holding only their names."""
    pictures = {}
    if sheet.ballot is not None and sheet.text_images:
        serial = sheet.ballot.serial
        seen[serial] += 1
        again = "" if seen[serial] == 1 else f"-{seen[serial]}"  # the same sheet scanned again
        for name, image in sorted(sheet.text_images.items()):
            pictures[name] = f"text/{serial}-{TEXT_NAMES.get(name, name)}{again}.png"
            write(pictures[name], png(image))
    preview_file = ""
    if sheet.preview is not None:
        preview_file = f"review/{index:05d}.png"
        write(preview_file, png(sheet.preview))
    return replace(
        sheet, text_images={}, preview=None, pictures=pictures, preview_file=preview_file
    )


def text_index(settled: Settled) -> bytes:
    """text/index.csv: the pictures of each counted ballot's text boxes, and whether something
    is written in each."""
    counted = {ballot.serial for ballot, _ in settled.ballots}
    rows = []
    for index, sheet in enumerate(settled.sheets):
        ballot = sheet.ballot
        if ballot is None or ballot.serial not in counted or not sheet.pictures:
            continue
        if sheet.reading.decision != "auto" and index not in settled.notes:
            continue
        for name, picture in sorted(sheet.pictures.items()):
            written = "written" if sheet.written.get(name) else "empty"
            rows.append(
                (ballot.serial, TEXT_NAMES.get(name, name), written, picture.removeprefix("text/"))
            )
    return csv_bytes(("ballot_id", "box", "content", "image"), sorted(rows))


def review_page(settled: Settled, campaign: Campaign) -> bytes:
    """review.html: each page awaiting a person, its picture, the score cells outlined."""
    items = [_review_item(sheet, sheet.preview_file, campaign) for sheet in settled.pending()]
    body = "\n".join(items) or "<p>没有待人工判定的页面 / nothing awaits review</p>"
    return REVIEW_HTML.format(count=len(items), items=body).encode("utf-8")


def _review_item(sheet: SheetRead, picture: str, campaign: Campaign) -> str:
    ballot = sheet.ballot
    cells = ""
    if ballot is not None and sheet.preview_file and sheet.reading.reason != "not_registered":
        boxes = campaign.layout.kinds[campaign.role_of[ballot.secretary_id]]
        cells = "".join(
            f'<div class="cell" style="left:{x * PREVIEW_PX_PER_MM}px;top:{y * PREVIEW_PX_PER_MM}px;'
            f'width:{w * PREVIEW_PX_PER_MM}px;height:{h * PREVIEW_PX_PER_MM}px" title="{score}"></div>'
            for score, (x, y, w, h) in boxes.score_cells
        )
    serial = ballot.serial if ballot else "（二维码未识别 / QR unread）"
    image = (
        f'<div class="sheet"><img src="{picture}" alt="{html.escape(serial)}">{cells}</div>'
        if picture
        else ""
    )
    return (
        f"<section><h2>{html.escape(serial)} — {html.escape(sheet.file)} 第 {sheet.page} 页</h2>"
        f"<p>{html.escape(sheet.reading.describe())}</p>{image}</section>"
    )


REVIEW_HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>待人工判定的扫描页 ({count})</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
.sheet {{ position: relative; display: inline-block; border: 1px solid #999; }}
.cell {{ position: absolute; outline: 2px solid #e60000; }}
</style></head><body>
<h1>待人工判定的扫描页：{count} 页 / pages awaiting review: {count}</h1>
<p>在数据目录的 scan-review.csv 中每页写一行（ballot_id,score,status,note），再运行 scan。
Write one row per page in the data folder's scan-review.csv, then run scan again.</p>
{items}
</body></html>
"""
