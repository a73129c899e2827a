"""Tally workbooks (计票表-录入A/B.xlsx): which clerk's, read, and compared serial by serial."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass

from openpyxl.workbook import Workbook

from ...model.ballot import Ballot
from ...model.campaign import SEED_SCALE, Scale
from ...model.errors import Problem
from ...model.tally import INSTRUCTIONS
from .rows import STATUS_LABELS, Candidate
from .tally import Tally, TallyRow, read_tally

ENTRY = re.compile(r"录入\s*([AB])(?![A-Za-z])", re.IGNORECASE)
TALLY_TITLE = re.compile(r"计票表\s*[（(]\s*录入\s*[AB]\s*[）)]", re.IGNORECASE)
COMPARED = ("secretary_id", "source", "score", "status", "problems", "suggestions")
ROW_CELLS = ("ballot_id", "secretary_id", "score", "status", "problems", "suggestions")


@dataclass(frozen=True)
class DoubleEntryMismatch(Problem):
    """A serial the two clerks entered differently.

    Printed in the contract's form, at 录入A's cell (录入B's when A lacks the row), with the
    serial and both values first in the message, `serial: A=… B=…`, then 录入B's cell.
    """

    serial: str
    a: str  # the value as shown: a score, a status label, a quoted text, entered/untouched/missing
    b: str
    a_at: str  # FILE:CELL in 录入A (just FILE when the serial has no row there)
    b_at: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.where}: {self.field}: {self.serial}: A={self.a} B={self.b}"
            f"（两人录入不一致，另见 {self.b_at}）/ double entry differs (see also {self.b_at})"
        )


@dataclass
class TallyFile:
    """One tally workbook in the ballots folder: which clerk's, and what it holds if readable."""

    book: Workbook
    file: str  # as shown in messages
    entry: str | None  # "A" or "B"; None when neither the title nor the file name says
    home: str  # the cell for problems with the whole workbook: its first sheet's A1
    tally: Tally | None = None  # None when it could not be read (its problems are reported)
    _cells: dict[str, str] | None = None

    def cell_of(self, serial: str) -> str | None:
        """Return the cell of a serial's row (its ballot_id cell); None when it has no row."""
        if self._cells is None:
            self._cells = _serial_cells(self.book)
        return self._cells.get(serial)


def is_tally_workbook(book: Workbook) -> bool:
    """Return whether a workbook is a tally: 填写说明 first, or the title 计票表（录入A/B）."""
    return book.worksheets[0].title == INSTRUCTIONS or bool(
        TALLY_TITLE.search(book.properties.title or "")
    )


def open_tally(
    stem: str,
    file: str,
    book: Workbook,
    sources: Collection[str],
    problems: list[Problem],
    scale: Scale = SEED_SCALE,
) -> TallyFile:
    """Return the tally workbook read with `read_tally`; its problems go to `problems`.

    `stem` is the file's name without its suffix, where 录入A or 录入B may be written.
    """
    letters = [ENTRY.search(s) for s in (book.properties.title or "", stem)]
    entry = next((m.group(1).upper() for m in letters if m), None)
    workbook = TallyFile(book, file, entry, f"{book.worksheets[0].title}!A1")
    workbook.tally = read_tally(book, file, sources, problems, scale)  # sound rows, still compared
    return workbook


@dataclass(frozen=True, slots=True)
class Merged:
    """One candidate per serial entered in either workbook; a ballot only where both agree."""

    file: str | None  # the workbook whose place in the file order the candidates take
    candidates: tuple[Candidate, ...]


def merge_tallies(workbooks: list[TallyFile], problems: list[Problem]) -> Merged:
    """Return the rows both clerks entered alike; report every difference and a missing entry."""
    first: dict[str, TallyFile] = {}
    for workbook in workbooks:
        if workbook.entry is None:
            zh = "无法判断是录入A还是录入B：文档标题和文件名都没有写明"
            en = "cannot tell 录入A from 录入B: neither the title nor the file name says"
            problems.append(Problem(workbook.file, workbook.home, "entry", zh, en))
        elif workbook.entry in first:
            other = first[workbook.entry].file
            zh, en = (
                f"录入{workbook.entry} 有两份，另一份是 {other}",
                f"a second 录入{workbook.entry}",
            )
            problems.append(Problem(workbook.file, workbook.home, "entry", zh, f"{en}: {other}"))
        else:
            first[workbook.entry] = workbook
    a, b = first.get("A"), first.get("B")
    if (a is None) != (b is None):
        lone, missing = (a, "B") if a is not None else (b, "A")
        zh = f"双人背对背录入不完整：缺少录入{missing}（计票表-录入{missing}.xlsx）"
        en = f"double entry incomplete: 录入{missing} missing"
        problems.append(Problem(lone.file, lone.home, "entry", zh, en))  # type: ignore[union-attr]
    if a is not None and b is not None:
        return _compare(a, b, problems)
    lone = a or b
    if lone is None or lone.tally is None:
        return Merged(None, ())
    return Merged(lone.file, tuple(_candidate(lone, row) for row in lone.tally.rows))


def _compare(a: TallyFile, b: TallyFile, problems: list[Problem]) -> Merged:
    """Return one candidate per serial either clerk entered: a ballot only where both agree."""
    if a.tally is None or b.tally is None:
        return Merged(a.file, ())
    faulty = a.tally.faulty | b.tally.faulty  # their problems are reported: no difference on top
    a_rows = {row.ballot_id: row for row in a.tally.rows if row.ballot_id not in faulty}
    b_rows = {row.ballot_id: row for row in b.tally.rows if row.ballot_id not in faulty}
    candidates = []
    for serial, row in a_rows.items():
        other = b_rows.get(serial)
        if other is None:
            differences = [_row_mismatch(serial, a, row, b, None)]
        else:
            differences = [
                _field_mismatch(a, row, b, other, f) for f in COMPARED if _differs(row, other, f)
            ]
        problems.extend(differences)
        candidates.append(_candidate(a, row, agreed=not differences))
    for serial, row in b_rows.items():
        if serial not in a_rows:
            problems.append(_row_mismatch(serial, a, None, b, row))
            candidates.append(_candidate(b, row, agreed=False))
    return Merged(a.file, tuple(candidates))


def _differs(row: TallyRow, other: TallyRow, field: str) -> bool:
    return getattr(row, field) != getattr(other, field)


def _field_mismatch(
    a: TallyFile, row: TallyRow, b: TallyFile, other: TallyRow, field: str
) -> DoubleEntryMismatch:
    """Return the difference in one field of a serial both clerks entered."""
    column = "ballot_id" if field == "source" else field  # the source is the sheet itself
    a_value, b_value = _shown(row, field), _shown(other, field)
    zh, en = _wording(a_value, b_value)
    at = row.cell(column)
    return DoubleEntryMismatch(
        a.file, at, field, zh, en, row.ballot_id, a_value, b_value,
        f"{a.file}:{at}", f"{b.file}:{other.cell(column)}",
    )  # fmt: skip


def _row_mismatch(
    serial: str, a: TallyFile, a_row: TallyRow | None, b: TallyFile, b_row: TallyRow | None
) -> DoubleEntryMismatch:
    """Return a serial entered by one clerk and left untouched (or deleted) by the other.

    It is located in 录入A when A has the serial's row, else at the row 录入B entered.
    """
    a_value, a_cell = _entered(serial, a, a_row)
    b_value, b_cell = _entered(serial, b, b_row)
    file, where = (a.file, a_cell) if a_cell else (b.file, b_cell)
    zh, en = _wording(a_value, b_value)
    return DoubleEntryMismatch(
        file, where or "1", "row", zh, en, serial, a_value, b_value,
        _at(a.file, a_cell), _at(b.file, b_cell),
    )  # fmt: skip


def _at(file: str, cell: str | None) -> str:
    return f"{file}:{cell}" if cell else file


def _entered(serial: str, workbook: TallyFile, row: TallyRow | None) -> tuple[str, str | None]:
    """Return how a workbook holds a serial (entered, untouched, missing) and its cell if any."""
    if row is not None:
        return "entered", row.cell("ballot_id")
    cell = workbook.cell_of(serial)
    return ("untouched" if cell else "missing"), cell


def _shown(row: TallyRow, field: str) -> str:
    """Return a value as the message shows it: texts quoted, so an empty one is visible."""
    value = getattr(row, field)
    if field == "status":
        return STATUS_LABELS[value]
    if field in ("secretary_id", "source") or isinstance(value, int):
        return str(value)
    return json.dumps("" if value is None else value, ensure_ascii=False)


def _wording(a: str, b: str) -> tuple[str, str]:
    return f"录入A与录入B不一致：A={a}，B={b}", f"entries A and B differ: A={a}, B={b}"


def _candidate(workbook: TallyFile, row: TallyRow, agreed: bool = True) -> Candidate:
    """Return an entered row as a candidate located at its serial's cell; no ballot unless agreed."""
    cells = {column: row.cell(column) for column in ROW_CELLS}
    home = cells["ballot_id"]
    ballot = Ballot(
        row.ballot_id, row.secretary_id, row.source, row.score, row.status,
        row.problems, row.suggestions, f"{workbook.file}:{home}",
    )  # fmt: skip
    return Candidate(
        row.ballot_id, row.secretary_id, row.source, workbook.file, home, cells,
        ballot if agreed else None,
    )  # fmt: skip


def _serial_cells(book: Workbook) -> dict[str, str]:
    """Return serial → its ballot_id cell in every sheet but 填写说明 (first occurrence)."""
    cells: dict[str, str] = {}
    for sheet in book.worksheets:
        if sheet.title == INSTRUCTIONS:
            continue
        for number, (value,) in enumerate(
            sheet.iter_rows(min_row=2, max_col=1, values_only=True), start=2
        ):
            if value is not None:
                cells.setdefault(str(value).strip(), f"{sheet.title}!A{number}")
    return cells
