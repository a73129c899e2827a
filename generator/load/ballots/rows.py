"""One row of a ballot file: its own cells checked, its identity kept for the checks across files."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

from ...model.ballot import STATUSES, Ballot
from ...model.campaign import SEED_SCALE, Scale
from ...model.errors import Problem
from ...model.limits import LINE_TEXT_MAX, TEXT_MAX
from ..fields import Invalid, check_text

COLUMNS = ("ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions")
OPTIONAL = ("status", "problems", "suggestions")
STATUS_WORDS = {"有效": "valid", "空白票": "blank", "废票": "invalid"}
STATUS_LABELS = {name: word for word, name in STATUS_WORDS.items()}
DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Row:
    """A data row of a contract-format file: its values by column and where each cell is."""

    file: str
    values: Mapping[str, object]  # column → value as read: text from CSV, a cell's value from XLSX
    home: str  # WHERE of the row: its line (CSV) or its ballot_id cell (XLSX)
    cells: Mapping[str, str] = field(default_factory=dict)  # column → WHERE of its cell (XLSX)

    def where(self, column: str) -> str:
        """Return WHERE of a column's cell in this row (the row itself in a CSV file)."""
        return self.cells.get(column, self.home)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row that has a serial: who and what it is about, and its ballot if its cells were fine."""

    serial: str
    secretary_id: str
    source: str
    file: str
    home: str
    cells: Mapping[str, str]
    ballot: Ballot | None  # None once a problem was found in the row's own cells

    def problem(self, column: str, zh: str, en: str) -> Problem:
        """Return a problem at a column's cell of this row."""
        return Problem(self.file, self.cells.get(column, self.home), column, zh, en)

    @property
    def located(self) -> str:
        """Return FILE:WHERE of the row, to name it in another row's problem."""
        return f"{self.file}:{self.home}"


def text(value: object) -> str:
    """Return a cell's text without surrounding whitespace, a whole Excel float without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def read_row(row: Row, problems: list[Problem], scale: Scale = SEED_SCALE) -> Candidate | None:
    """Return the row's candidate ballot, reporting what is wrong in its own cells (a score off
    the campaign's scale among them).

    An empty row gives None and no problem; a row with content but no serial gives None and
    one problem; a row with a serial always gives a candidate (its ballot None if faulty).
    """
    texts = {column: text(row.values.get(column)) for column in COLUMNS}
    if not any(texts.values()):
        return None

    def report(column: str, zh: str, en: str) -> None:
        problems.append(Problem(row.file, row.where(column), column, zh, en))

    serial = texts["ballot_id"]
    if not serial:
        report(
            "ballot_id",
            "缺少选票编号：请按原票补填",
            "the serial is missing: copy it from the sheet",
        )
        return None
    before = len(problems)
    for column, zh, en in (
        ("secretary_id", "缺少述职人编号", "the secretary id is missing"),
        ("source", "缺少评议来源（如 上述、下评）", "the source (e.g. 上述, 下评) is missing"),
    ):
        if not texts[column]:
            report(column, zh, en)
    for column in COLUMNS:
        limit = TEXT_MAX if column in ("problems", "suggestions") else LINE_TEXT_MAX
        _read(partial(check_text, limit=limit), texts[column], column, report)
    status = _read(status_of, row.values.get("status"), "status", report)
    score = _read(partial(score_of, scale=scale), row.values.get("score"), "score", report)
    _check_score_and_status(texts["score"], status, scale, report)
    ballot = None
    if len(problems) == before:
        ballot = Ballot(
            serial, texts["secretary_id"], texts["source"], score, status,  # type: ignore[arg-type]
            texts["problems"], texts["suggestions"], f"{row.file}:{row.home}",
        )  # fmt: skip
    cells = {column: row.where(column) for column in COLUMNS}
    return Candidate(
        serial, texts["secretary_id"], texts["source"], row.file, row.home, cells, ballot
    )


def _read(read, value: object, column: str, report) -> object:
    """Return read(value); report why it cannot be read and return None."""
    try:
        return read(value)
    except Invalid as e:
        report(column, e.zh, e.en)
        return None


def _check_score_and_status(score: str, status: object, scale: Scale, report) -> None:
    """Report a valid ballot without a score, and a blank or invalid one with a score."""
    if status == "valid" and not score:
        zh = f"有效票须填写得分（{scale.low}至{scale.high}的整数）"
        report("score", zh, f"a valid ballot needs a score {scale.low}–{scale.high}")
    if status in ("blank", "invalid") and score:
        zh = f"{STATUS_LABELS[status]}不填得分，现为“{score}”"
        report("score", zh, f"a {status} ballot must have no score, got {score!r}")


def score_of(value: object, scale: Scale = SEED_SCALE) -> int | None:
    """Return the score, a whole number on the scale (an Excel float 8.0 is 8), or None for an
    empty cell."""
    shown = text(value)
    if not shown:
        return None
    digits = unicodedata.normalize("NFKC", shown)  # full-width ８ typed with a Chinese IME
    low, high = scale.low, scale.high
    if isinstance(value, bool) or not DIGITS.fullmatch(digits) or not low <= int(digits) <= high:
        raise Invalid(
            f"得分须为{low}至{high}的整数，现为“{shown}”",
            f"score out of range or not an integer: {shown!r} (the scale is {low}–{high})",
        )
    return int(digits)


def status_of(value: object) -> str:
    """Return valid, blank or invalid from the contract word (any case) or 有效/空白票/废票."""
    shown = text(value)
    if not shown:
        return "valid"
    if shown.lower() in STATUSES:
        return shown.lower()
    if shown in STATUS_WORDS:
        return STATUS_WORDS[shown]
    raise Invalid(
        f"票状态须为 valid、blank、invalid 或 有效、空白票、废票，现为“{shown}”",
        f"status must be valid, blank or invalid (有效, 空白票, 废票), got {shown!r}",
    )
