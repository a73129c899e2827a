"""The ballots `scan` read (OUT/scan/ballots.csv), and the pages still awaiting a person.

`letters` counts the scanned ballots with the typed ones, and refuses while a page scanned into
review has no decision: a ballot in doubt is never dropped silently. The texts typed from the
scanned handwriting (DIR/scan-text.csv) become the scanned ballots' texts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from ...model.campaign import Campaign
from ...model.errors import Problem
from ..folder import DataFolder
from .rows import Candidate, Row, read_row
from .tables import csv_rows
from .transcribed import TEXT_FILE, Transcription, read_transcriptions

SCANNED = Path("scan") / "ballots.csv"
SHEETS = Path("scan") / "sheets.csv"


def scanned_candidates(
    folder: DataFolder, out_dir: Path, campaign: Campaign, problems: list[Problem]
) -> tuple[str, list[Candidate]] | None:
    """Return the scanned ballots' file name and candidates, their texts as transcribed, or
    None when nothing was scanned."""
    path = out_dir / SCANNED
    if not path.is_file():
        return None
    file = f"{out_dir.as_posix()}/{SCANNED.as_posix()}"
    rows = csv_rows(path.read_bytes(), file, problems)
    typed = read_transcriptions(folder, problems)
    candidates = [read_row(with_texts(row, typed), problems, campaign.rules.scale) for row in rows]
    counted = {c.serial for c in candidates if c is not None}
    _pending(out_dir, counted, problems)
    _unmatched(folder, typed, counted, problems)
    return file, [c for c in candidates if c is not None]


def with_texts(row: Row, typed: dict[str, Transcription]) -> Row:
    """Return the row with the texts typed from its sheet's handwriting, when there are any."""
    found = typed.get(str(row.values.get("ballot_id") or "").strip())
    if found is None:
        return row
    texts = {"problems": found.problems, "suggestions": found.suggestions}
    return replace(row, values={**row.values, **texts})


def _unmatched(
    folder: DataFolder, typed: dict[str, Transcription], counted: set[str], problems: list[Problem]
) -> None:
    """Report a transcription of a sheet the scan did not count: its text would be lost."""
    for serial, found in typed.items():
        if serial not in counted:
            zh = f"转录的选票 {serial} 不在扫描读取的选票中（未扫描、被拒收或待判定）"
            en = f"ballot {serial} is transcribed but not among the scanned ballots"
            problems.append(Problem(folder.shown(TEXT_FILE), found.line, "ballot_id", zh, en))


def _pending(out_dir: Path, counted: set[str], problems: list[Problem]) -> None:
    """Report every page in review whose ballot is not among the scanned ballots."""
    path = out_dir / SHEETS
    if not path.is_file():
        return
    file = f"{out_dir.as_posix()}/{SHEETS.as_posix()}"
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    for line, row in enumerate(reader, start=2):
        serial = row.get("ballot_id") or ""
        if row.get("decision") == "review" and serial not in counted:
            shown = serial or f"{row.get('file', '')} 第 {row.get('page', '')} 页 / page"
            zh = f"扫描页待人工判定：{shown}（在 scan-review.csv 中判定后重新运行 scan）"
            en = f"a scanned page awaits review: {shown} (decide it in scan-review.csv, run scan)"
            problems.append(Problem(file, str(line), "decision", zh, en))


TEXT_INDEX = Path("scan") / "text" / "index.csv"
TEXT_FIELDS = {"问题和不足": "problems", "意见建议": "suggestions"}  # scan's picture names


def scanned_texts(out_dir: Path) -> dict[tuple[str, str], str]:
    """Return (serial, text box) → file URI of the picture of what was written there, for the
    text boxes `scan` found written in (scan/text/index.csv)."""
    path = out_dir / TEXT_INDEX
    if not path.is_file():
        return {}
    found = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        picture = path.parent / row.get("image", "")
        name = TEXT_FIELDS.get(row.get("box", ""))
        if row.get("content") == "written" and name and picture.is_file():
            found[(row["ballot_id"], name)] = picture.resolve().as_uri()
    return found
