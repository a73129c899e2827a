"""The ballots `scan` read (OUT/scan/ballots.csv), and the pages still awaiting a person.

`letters` counts the scanned ballots with the typed ones, and refuses while a page scanned into
review has no decision: a ballot in doubt is never dropped silently.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ...model.campaign import Campaign
from ...model.errors import Problem
from .rows import Candidate, read_row
from .tables import csv_rows

SCANNED = Path("scan") / "ballots.csv"
SHEETS = Path("scan") / "sheets.csv"


def scanned_candidates(
    out_dir: Path, campaign: Campaign, problems: list[Problem]
) -> tuple[str, list[Candidate]] | None:
    """Return the scanned ballots' file name and candidates, or None when nothing was scanned."""
    path = out_dir / SCANNED
    if not path.is_file():
        return None
    file = f"{out_dir.as_posix()}/{SCANNED.as_posix()}"
    rows = csv_rows(path.read_bytes(), file, problems)
    candidates = [read_row(row, problems, campaign.rules.scale) for row in rows]
    _pending(out_dir, {c.serial for c in candidates if c is not None}, problems)
    return file, [c for c in candidates if c is not None]


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
