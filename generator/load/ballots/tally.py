"""Read a tally workbook (计票表-录入A/B.xlsx) back, every problem located at its cell.

Status: the clerk picks 有效 / 空白票 / 废票, read as the contract's valid / blank / invalid; the
contract names are accepted too, and an empty status means 有效, as in the contract.

Untouched rows: a row with its serial and nothing entered (no score, status or text) is a sheet
that did not come back. It is not a ballot: `read_tally` lists it under `untouched`, so `letters`
tells "not returned" from "returned blank" (a 空白票, which the clerk marks). Texts are read with
surrounding whitespace removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ...model.ballot import IssuedBallot
from ...model.campaign import SEED_SCALE, Scale
from ...model.errors import InputError, Problem
from ...model.limits import TEXT_MAX
from ...model.tally import (
    COLUMNS,
    ENTERED,
    INSTRUCTIONS,
    LETTER,
    STATUS_LABELS,
    STATUS_NAMES,
    Column,
)
from ..fields import Invalid, check_text
from ..workbooks import open_workbook

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TallyRow:
    """One entered ballot as the clerk typed it; `where` is its score cell, e.g. 上述!E7."""

    ballot_id: str
    secretary_id: str
    source: str
    score: int | None
    status: str  # the contract's valid | blank | invalid
    problems: str
    suggestions: str
    where: str

    def cell(self, field: str) -> str:
        """Return the cell of `field` in this row, to name it in a message."""
        sheet, score_cell = self.where.rsplit("!", 1)
        return f"{sheet}!{LETTER[field]}{score_cell[len(LETTER['score']) :]}"


@dataclass(frozen=True, slots=True)
class Tally:
    """What one clerk entered, and the issued sheets left untouched (not returned)."""

    rows: tuple[TallyRow, ...]
    untouched: tuple[IssuedBallot, ...]
    faulty: frozenset[str] = frozenset()  # serials whose rows have a problem (reported)


def read_tally(
    workbook: bytes | Workbook,
    shown_as: str,
    sources: Collection[str] | None = None,
    problems: list[Problem] | None = None,
    scale: Scale = SEED_SCALE,
) -> Tally:
    """Return what a clerk entered, or raise one InputError listing every problem.

    Given the campaign's `sources`, any other sheet but 填写说明 is refused and a missing one
    reported; without them, every sheet but 填写说明 must carry the tally header. Given a list of
    `problems`, they go there instead and the rows that are sound are returned, so that the two
    clerks' workbooks are still compared on those. A score off the campaign's `scale` is a
    problem at its cell.
    """
    book = open_workbook(workbook, shown_as) if isinstance(workbook, bytes) else workbook
    found: list[Problem] = []
    seen: dict[str, str] = {}  # serial → its first cell
    rows, left, faulty = [], [], set()
    for sheet in book.worksheets:
        if sheet.title == INSTRUCTIONS or not _is_tally_sheet(sheet, sources, shown_as, found):
            continue
        for cells in sheet.iter_rows(min_row=2, max_col=len(COLUMNS)):
            before = len(found)
            read = _read_row(cells, sheet.title, shown_as, found, seen, scale)
            if isinstance(read, TallyRow):
                rows.append(read)
            elif read is not None:
                left.append(read)
            elif len(found) > before:
                faulty.add(_text(cells[0].value))
    for source in sources or ():
        if source not in book.sheetnames:
            zh, en = f"缺少工作表“{source}”", f"the sheet {source} is missing"
            found.append(Problem(shown_as, f"{source}!A1", "source", zh, en))
    if problems is not None:
        problems.extend(found)
    elif found:
        raise InputError(found)
    return Tally(tuple(rows), tuple(left), frozenset(faulty))


def _is_tally_sheet(
    sheet: Worksheet, sources: Collection[str] | None, file: str, problems: list[Problem]
) -> bool:
    """Return whether the sheet is a source's with the header as written; report it if not."""
    header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=len(COLUMNS), values_only=True))
    wrong = [
        (n, c) for n, (c, v) in enumerate(zip(COLUMNS, header, strict=True), 1) if not _heads(v, c)
    ]
    if (sources is not None and sheet.title not in sources) or len(wrong) == len(COLUMNS):
        listed = "、".join(sources) if sources is not None else "上述、下评等"
        zh = f"工作表“{sheet.title}”不是评议来源（应为{listed}），请删除或改回"
        en = f"sheet {sheet.title} is not a source sheet; delete it or restore its name"
        problems.append(Problem(file, f"{sheet.title}!A1", "source", zh, en))
        return False
    for number, column in wrong:
        zh = f"表头应为“{column.label} {column.field}”：列不得移动、删除或插入"
        en = f"header must be {column.label} {column.field}: do not move, delete or insert columns"
        where = f"{sheet.title}!{get_column_letter(number)}1"
        problems.append(Problem(file, where, column.field, zh, en))
    return not wrong


def _heads(value: object, column: Column) -> bool:
    """Return whether a header cell names the column, by machine name or Chinese label."""
    words = str(value).split() if value is not None else []
    return column.field in words or column.label in words


def _read_row(
    cells: tuple,
    sheet: str,
    file: str,
    problems: list[Problem],
    seen: dict[str, str],
    scale: Scale,
) -> TallyRow | IssuedBallot | None:
    """Return the row's ballot, its issued sheet if untouched, or None if empty or wrong."""
    raw = {column.field: cell.value for column, cell in zip(COLUMNS, cells, strict=True)}
    number, before = cells[0].row, len(problems)

    def report(field: str, zh: str, en: str) -> None:
        problems.append(Problem(file, f"{sheet}!{LETTER[field]}{number}", field, zh, en))

    serial, secretary_id = _text(raw["ballot_id"]), _text(raw["secretary_id"])
    touched = any(_text(raw[field]) for field in ENTERED)
    if not serial:
        if touched:
            report("ballot_id", "缺少选票编号：请按原票补回", "the serial is missing")
        return None
    if serial in seen:
        zh, en = f"选票编号 {serial} 重复（首次在 {seen[serial]}）", f"serial {serial} repeated"
        report("ballot_id", zh, f"{en} (first at {seen[serial]})")
        return None
    seen[serial] = f"{sheet}!{LETTER['ballot_id']}{number}"
    if not touched:
        return IssuedBallot(serial, secretary_id, sheet)
    if not secretary_id:
        report("secretary_id", "缺少述职人编号", "the secretary id is missing")
    score = _field(raw, "score", partial(_score, scale=scale), report)
    status = _field(raw, "status", _status, report)
    for column in ("problems", "suggestions"):
        _field(raw, column, _long_text, report)
    if status == "valid" and not _text(raw["score"]):
        zh, en = f"有效票须填写得分（{scale.low}至{scale.high}）", "a valid ballot needs a score"
        report("score", zh, f"{en} {scale.low}–{scale.high}")
    if status in ("blank", "invalid") and _text(raw["score"]):
        zh, en = f"{STATUS_NAMES[status]}不填得分", f"a {status} ballot must have no score"
        report("score", zh, en)
    if len(problems) > before or status is None:
        return None
    texts = _text(raw["problems"]), _text(raw["suggestions"])
    where = f"{sheet}!{LETTER['score']}{number}"
    return TallyRow(serial, secretary_id, sheet, score, status, *texts, where)


def _field(
    raw: dict, field: str, read: Callable[[object], T], report: Callable[[str, str, str], None]
) -> T | None:
    """Return read(raw[field]); report what is wrong with it and return None."""
    try:
        return read(raw[field])
    except Invalid as e:
        report(field, e.zh, e.en)
        return None


def _long_text(value: object) -> str:
    """Return a text box's transcription, within its bound."""
    return check_text(_text(value), TEXT_MAX)


def _text(value: object) -> str:
    """Return a cell's text without surrounding whitespace; '' for an empty cell."""
    return "" if value is None else str(value).strip()


def _score(value: object, scale: Scale) -> int | None:
    """Return the score, a whole number on the scale, or None for an empty cell; decimals and
    words are refused."""
    text = _text(value)
    if not text:
        return None
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    low, high = scale.low, scale.high
    if isinstance(value, bool) or not re.fullmatch(r"\d+", text):
        raise Invalid(
            f"须为{low}至{high}的整数，现为“{text}”",
            f"must be a whole number {low}–{high}, got {text!r}",
        )
    if not low <= int(text) <= high:
        raise Invalid(f"须在{low}至{high}之间，现为 {text}", f"must be {low}–{high}, got {text}")
    return int(text)


def _status(value: object) -> str:
    """Return valid, blank or invalid from a label, a contract name or an empty cell (有效)."""
    text = _text(value)
    if not text:
        return "valid"
    if text in STATUS_LABELS:
        return STATUS_LABELS[text]
    if text.lower() in STATUS_NAMES:
        return text.lower()
    zh = f"须为 有效、空白票 或 废票，现为“{text}”"
    raise Invalid(zh, f"must be 有效, 空白票 or 废票 (valid, blank, invalid), got {text!r}")
