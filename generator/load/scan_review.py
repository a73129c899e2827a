"""A person's decisions on scanned pages: `DIR/scan-review.csv` (ballot_id, score, status, note).

Each row says what the sheet with that serial reads: `valid` with its score, `blank` or
`invalid` without one. The note says why (“淡痕为误触”), and goes into `OUT/scan/sheets.csv`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..model.ballot import STATUSES
from ..model.campaign import Scale
from ..model.errors import InputError, Problem
from ..model.limits import FILE_MAX_BYTES
from .ballots.tables import decode
from .fields import Invalid

REVIEW_FILE = "scan-review.csv"
COLUMNS = ("ballot_id", "score", "status", "note")


@dataclass(frozen=True, slots=True)
class Decision:
    ballot_id: str
    score: int | None
    status: str
    note: str
    file: str
    line: str


def read_review(data_dir: Path, scale: Scale) -> dict[str, Decision]:
    """Return the decisions by serial (none when the file is absent), or raise every problem."""
    path = data_dir / REVIEW_FILE
    shown = str(path)
    if not path.is_file():
        return {}
    problems: list[Problem] = []
    if path.stat().st_size > FILE_MAX_BYTES:
        raise InputError([Problem(shown, "1", "", "文件过大", "the file is too large")])
    try:
        text = decode(path.read_bytes())
    except Invalid as e:
        raise InputError([Problem(shown, "1", "", e.zh, e.en)]) from None
    rows = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(rows, [])]
    if tuple(header[: len(COLUMNS)]) != COLUMNS:
        zh = f"表头应为 {','.join(COLUMNS)}"
        raise InputError([Problem(shown, "1", "", zh, f"the header must be {','.join(COLUMNS)}")])
    decisions: dict[str, Decision] = {}
    for line, row in enumerate(rows, start=2):
        cells = dict(zip(COLUMNS, (c.strip() for c in row), strict=False))
        if not any(cells.values()):
            continue
        decision = _decision(cells, scale, problems, shown, str(line))
        if decision is None:
            continue
        if decision.ballot_id in decisions:
            problems.append(
                Problem(shown, str(line), "ballot_id", "同一编号重复判定", "a serial decided twice")
            )
        decisions[decision.ballot_id] = decision
    if problems:
        raise InputError(problems)
    return decisions


def _decision(
    cells: dict[str, str], scale: Scale, problems: list[Problem], file: str, line: str
) -> Decision | None:
    serial, status, score = (
        cells.get("ballot_id", ""),
        cells.get("status", ""),
        cells.get("score", ""),
    )
    before = len(problems)
    if not serial:
        problems.append(Problem(file, line, "ballot_id", "缺少选票编号", "the serial is missing"))
    if status not in STATUSES:
        zh = f"状态应为 {'、'.join(STATUSES)} 之一"
        problems.append(Problem(file, line, "status", zh, f"status must be one of {STATUSES}"))
    value = None
    if status == "valid":
        if not (score.isdigit() and scale.low <= int(score) <= scale.high):
            zh = f"有效票须填 {scale.low}～{scale.high} 的整数分"
            en = f"a valid ballot needs a whole score from {scale.low} to {scale.high}"
            problems.append(Problem(file, line, "score", zh, en))
        else:
            value = int(score)
    elif score and status in STATUSES:
        zh, en = "空白票、废票不填分数", "a blank or invalid ballot has no score"
        problems.append(Problem(file, line, "score", zh, en))
    if len(problems) > before:
        return None
    return Decision(serial, value, status, cells.get("note", ""), file, line)
