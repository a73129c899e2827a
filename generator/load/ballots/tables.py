"""Contract-format ballot files (CSV or the first sheet of an XLSX) read into located rows."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from functools import partial

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ...model.errors import Problem
from ...model.limits import FILE_MAX_BYTES
from ..fields import Invalid
from ..yamlmarks import file_problem
from .rows import COLUMNS, OPTIONAL, Row, text

# A multi-byte UTF-8 sequence: counted to tell a damaged UTF-8 file from a GB18030 one.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# At least this many well-formed UTF-8 sequences, and as many per stray byte: UTF-8 with damage.
# GB18030 text forms such sequences by chance, but never so many so densely (measured on GB2312).
DAMAGED_UTF8_RATIO = 8


def decode(data: bytes) -> str:
    """Return the text of a CSV file in UTF-8 (with or without BOM) or GB18030.

    Strict UTF-8 is tried first: GB18030 decodes almost any bytes, so it is the fallback, and a
    file that is plainly UTF-8 with a few bad bytes is refused rather than read as GB18030 gibberish.
    """
    if b"\x00" in data:
        raise Invalid(
            "文件无法解码：含空字节（可能是 UTF-16“Unicode 文本”），请另存为 CSV UTF-8",
            "undecodable file: it has NUL bytes (UTF-16 text?); save it as CSV UTF-8",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = e
    utf8_line = _line_at(data, utf8_error.start)
    if _damaged_utf8(data):
        raise Invalid(
            f"文件无法解码：看似 UTF-8，但第 {utf8_line} 行有无效字节",
            f"undecodable file: UTF-8 with invalid bytes on line {utf8_line}",
        ) from utf8_error
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        gb_line = _line_at(data, e.start)
        raise Invalid(
            f"文件无法解码：既不是 UTF-8（第 {utf8_line} 行出错）也不是 GB18030（第 {gb_line} 行出错）",
            f"undecodable file: neither UTF-8 (fails on line {utf8_line}) "
            f"nor GB18030 (fails on line {gb_line})",
        ) from e


def _line_at(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _damaged_utf8(data: bytes) -> bool:
    """Return whether nearly every non-ASCII byte belongs to a well-formed UTF-8 sequence."""
    good = UTF8_SEQUENCE.findall(data)
    bad = sum(byte >= 0x80 for byte in data) - sum(map(len, good))
    return len(good) >= DAMAGED_UTF8_RATIO * max(bad, 1)


def csv_rows(data: bytes, file: str, problems: list[Problem]) -> list[Row]:
    """Return the data rows of a CSV file, each located at the line where its record starts."""
    try:
        content = decode(data)
    except Invalid as e:
        problems.append(file_problem(file, e.zh, e.en))
        return []
    csv.field_size_limit(FILE_MAX_BYTES)  # a long field is read, then refused as too long
    records = csv.reader(io.StringIO(content, newline=""), strict=True)
    rows: list[Row] = []
    columns: dict[str, int] | None = None
    start = 1
    try:
        for record in records:
            line, start = start, records.line_num + 1
            if not any(value.strip() for value in record):
                continue  # empty lines and rows of empty fields
            if columns is None:
                columns = _header(record, partial(_field_at, line), str(line), file, problems)
                if columns is None:
                    return []  # the rows cannot be read without knowing the columns
                continue
            rows.append(_csv_row(record, line, columns, file, problems))
    except csv.Error as e:
        zh, en = (
            f"CSV 格式错误（多半是引号不成对）：{e}",
            f"malformed CSV (an unpaired quote?): {e}",
        )
        problems.append(Problem(file, str(start), "csv", zh, en))
    if columns is None:  # no header at all: an empty file
        _header([], lambda i: f"1:{i + 1}", "1", file, problems)
    return rows


def _header(
    cells: list, where_of: Callable[[int], str], free: str, file: str, problems: list[Problem]
) -> dict[str, int] | None:
    """Return {column: index}; None after reporting an unknown, repeated or missing column."""
    found: dict[str, int] = {}
    before = len(problems)
    for index, cell in enumerate(cells):
        name = text(cell)
        if not name:
            continue
        key = name.lower()
        if key in COLUMNS and key not in found:
            found[key] = index
            continue
        zh, en = _column_problem(name, key in found)
        problems.append(Problem(file, where_of(index), name, zh, en))
    for name in COLUMNS:
        if name not in found and name not in OPTIONAL:
            problems.append(Problem(file, free, name, f"缺少列 {name}", f"missing column {name}"))
    return found if len(problems) == before else None


def _column_problem(name: str, repeated: bool) -> tuple[str, str]:
    """Return why a header cell is refused, with the likely column it meant."""
    if repeated:
        return f"列 {name} 重复", f"column {name} repeated"
    close = difflib.get_close_matches(name.lower(), COLUMNS, n=1)
    zh_hint, en_hint = (
        (f"（是否应为 {close[0]}？）", f" (did you mean {close[0]}?)") if close else ("", "")
    )
    return (
        f"未知的列 {name}{zh_hint}，应为 {'、'.join(COLUMNS)} 之一",
        f"unknown column {name}{en_hint}; expected one of {', '.join(COLUMNS)}",
    )


def _field_at(line: int, index: int) -> str:
    """Return where a CSV field is: LINE:COLUMN, the column counted from 1 as in Excel."""
    return f"{line}:{index + 1}"


def _csv_row(record: list[str], line: int, columns: dict[str, int], file: str, problems) -> Row:
    """Return one CSV record as a row; a value in a column without a header is reported."""
    named = set(columns.values())
    for index, value in enumerate(record):
        if index not in named and value.strip():
            problems.append(_unheaded(file, f"{line}:{index + 1}", f"column {index + 1}", value))
    values = {name: record[index] if index < len(record) else "" for name, index in columns.items()}
    return Row(file, values, str(line))


def _unheaded(file: str, where: str, column: str, value: object) -> Problem:
    shown = text(value)
    zh = f"此列没有表头，内容“{shown}”无法识别：请补上列名或删除"
    en = f"a value in a column without a header ({shown!r}): name the column or delete it"
    return Problem(file, where, column, zh, en)


def xlsx_rows(book: Workbook, file: str, problems: list[Problem]) -> list[Row]:
    """Return the data rows of the first sheet, located by cell; other sheets must be empty."""
    sheet = book.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = grid[0] if grid else []
    last = max((i for i, cell in enumerate(header) if text(cell)), default=-1)
    free = f"{sheet.title}!{get_column_letter(last + 2)}1"  # where a missing column could go
    where_of = lambda i: f"{sheet.title}!{get_column_letter(i + 1)}1"  # noqa: E731
    columns = _header(header, where_of, free, file, problems)
    rows = []
    if columns is not None:
        for number, cells in enumerate(grid[1:], start=2):
            rows.append(_xlsx_row(cells, number, sheet.title, columns, file, problems))
    problems.extend(_other_sheets(book, file))
    return rows


def _xlsx_row(cells: list, number: int, sheet: str, columns, file: str, problems) -> Row:
    """Return one sheet row as a row whose columns are located at their cells."""
    named = set(columns.values())

    def cell(index: int) -> str:
        return f"{sheet}!{get_column_letter(index + 1)}{number}"

    for index, value in enumerate(cells):
        if index not in named and text(value):
            letter = get_column_letter(index + 1)
            problems.append(_unheaded(file, cell(index), f"column {letter}", value))
    values = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
    located = {name: cell(index) for name, index in columns.items()}
    return Row(file, values, located["ballot_id"], located)


def _other_sheets(book: Workbook, file: str) -> list[Problem]:
    """Report every sheet but the first that has content: only the first is read."""
    problems = []
    for sheet in book.worksheets[1:]:
        filled = next((c for row in sheet.iter_rows() for c in row if text(c.value)), None)
        if filled is not None:
            zh = f"只读取第一个工作表；工作表“{sheet.title}”有内容，请移到单独的文件或删除"
            en = (
                f"only the first sheet is read; sheet {sheet.title} has content: "
                "move it to a file of its own or delete it"
            )
            problems.append(Problem(file, f"{sheet.title}!{filled.coordinate}", "sheet", zh, en))
    return problems
