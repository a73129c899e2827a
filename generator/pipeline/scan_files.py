"""What `scan` writes under OUT/scan/: the page list, the ballots, the pictures, the review page."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Iterator

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
    decided = dict(settled.ballots and ((b.serial, r) for b, r in settled.ballots))
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


def text_images(settled: Settled) -> Iterator[tuple[str, bytes]]:
    """The text boxes of each counted sheet, for transcription and the archive, and
    text/index.csv saying of each whether something is written in it."""
    counted = {ballot.serial for ballot, _ in settled.ballots}
    index = []
    for sheet in sorted(settled.sheets, key=lambda s: s.ballot.serial if s.ballot else ""):
        if sheet.ballot is None or sheet.ballot.serial not in counted:
            continue
        for name, image in sorted(sheet.text_images.items()):
            picture = f"{sheet.ballot.serial}-{TEXT_NAMES.get(name, name)}.png"
            written = "written" if sheet.written.get(name) else "empty"
            index.append((sheet.ballot.serial, TEXT_NAMES.get(name, name), written, picture))
            yield f"text/{picture}", png(image)
    yield "text/index.csv", csv_bytes(("ballot_id", "box", "content", "image"), index)


def review_page(settled: Settled, campaign: Campaign) -> Iterator[tuple[str, bytes]]:
    """review.html: each page awaiting a person, its picture, the score cells outlined."""
    items: list[str] = []
    for index, sheet in enumerate(settled.sheets):
        if sheet.reading.decision != "review" or index in settled.notes:
            continue
        picture = f"review/{len(items) + 1:04d}.png"
        if sheet.preview is not None:
            yield picture, png(sheet.preview)
        items.append(_review_item(sheet, picture, campaign))
    body = "\n".join(items) or "<p>没有待人工判定的页面 / nothing awaits review</p>"
    yield "review.html", REVIEW_HTML.format(count=len(items), items=body).encode("utf-8")


def _review_item(sheet: SheetRead, picture: str, campaign: Campaign) -> str:
    ballot = sheet.ballot
    cells = ""
    if (
        ballot is not None
        and sheet.preview is not None
        and sheet.reading.reason != "not_registered"
    ):
        boxes = campaign.layout.kinds[campaign.role_of[ballot.secretary_id]]
        cells = "".join(
            f'<div class="cell" style="left:{x * PREVIEW_PX_PER_MM}px;top:{y * PREVIEW_PX_PER_MM}px;'
            f'width:{w * PREVIEW_PX_PER_MM}px;height:{h * PREVIEW_PX_PER_MM}px" title="{score}"></div>'
            for score, (x, y, w, h) in boxes.score_cells
        )
    serial = ballot.serial if ballot else "（二维码未识别 / QR unread）"
    return (
        f"<section><h2>{html.escape(serial)} — {html.escape(sheet.file)} 第 {sheet.page} 页</h2>"
        f"<p>{html.escape(sheet.reading.describe())}</p>"
        f'<div class="sheet"><img src="{picture}" alt="{html.escape(serial)}">{cells}</div>'
        "</section>"
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
