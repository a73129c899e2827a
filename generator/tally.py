"""Tally workbooks for blind double entry (双人背对背录入) of the 评议票, and their reader.

`forms` writes 计票表-录入A.xlsx and 计票表-录入B.xlsx, identical but for the entry letter they
show, so two clerks type the same paper ballots without seeing each other's work; `letters` reads
both back with `read_tally` and compares them.

Layout: sheet 填写说明 explains the work; then one sheet per source (上述, 下评, in the order of
campaign.evaluators), one row per issued serial in register order, columns A–H fixed. Row 1 is
the only header: each cell shows the Chinese label over the contract's machine name ("得分" and
"score" on two lines), so the clerk reads Chinese and the reader checks the machine name. A hidden
second header row was rejected: a clerk can unhide, sort or delete it without noticing. The reader
refuses a moved column rather than guess, so every cell a message names is where the clerk looks.

Status: the clerk picks 有效 / 空白票 / 废票, read as the contract's valid / blank / invalid; the
contract names are accepted too, and an empty status means 有效, as in the contract.

Untouched rows: a row with its serial and nothing entered (no score, status or text) is a sheet
that did not come back. It is not a ballot: `read_tally` lists it under `untouched`, so `letters`
tells "not returned" from "returned blank" (a 空白票, which the clerk marks). Texts are read with
surrounding whitespace removed.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .errors import InputError, Problem
from .fields import Invalid
from .model import Campaign, Secretary
from .render.docx import deterministic_zip
from .serials import IssuedBallot
from .yamlmarks import file_problem

ENTRIES = ("A", "B")
FILE_NAME = "forms/计票表-录入{entry}.xlsx"
INSTRUCTIONS = "填写说明"
STATUS_LABELS = {"有效": "valid", "空白票": "blank", "废票": "invalid"}
STATUS_NAMES = {name: label for label, name in STATUS_LABELS.items()}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a source sheet: its contract name, Chinese label and width."""

    field: str
    label: str
    width: float
    prefilled: bool


COLUMNS = (
    Column("ballot_id", "选票编号", 13, True),
    Column("secretary_id", "述职人编号", 11, True),
    Column("name", "述职人", 10, True),
    Column("organization", "党组织", 26, True),
    Column("score", "得分", 8, False),
    Column("status", "票状态", 10, False),
    Column("problems", "存在的问题和不足", 44, False),
    Column("suggestions", "意见建议", 44, False),
)
LETTER = {c.field: get_column_letter(n) for n, c in enumerate(COLUMNS, start=1)}
ENTERED = ("score", "status", "problems", "suggestions")
FROZEN_AT = "D2"  # below the header, right of the 述职人's name
INSTRUCTIONS_WIDTH = 80  # characters of 填写说明's one column
LINE_HEIGHT = 18  # points: one line of 11-point text with Chinese characters

GREY = PatternFill("solid", fgColor="F2F2F2")  # prefilled: do not type here
HEADER_GREY = PatternFill("solid", fgColor="D9D9D9")
THIN = Side("thin", color="A6A6A6")
BOX = Border(THIN, THIN, THIN, THIN)


def tally_files(run) -> dict[str, bytes]:
    """Return the two clerks' tally workbooks, forms/计票表-录入A.xlsx and -录入B.xlsx."""
    return {
        FILE_NAME.format(entry=e): tally_workbook(run.campaign, run.secretaries, run.issued, e)
        for e in ENTRIES
    }


def tally_workbook(
    campaign: Campaign, secretaries: list[Secretary], issued: list[IssuedBallot], entry: str
) -> bytes:
    """Return one clerk's workbook; the entry letter shown is its only difference."""
    if entry not in ENTRIES:
        raise ValueError(f"entry must be one of {ENTRIES}, got {entry!r}")
    book = Workbook()
    _write_instructions(book.active, campaign, entry)
    by_id = {s.id: s for s in secretaries}
    for source in sources_of(campaign):
        sheet = book.create_sheet(source)
        _write_source_sheet(sheet, [b for b in issued if b.source == source], by_id, entry)
    return _save(book, campaign, entry)


def sources_of(campaign: Campaign) -> list[str]:
    """Return every source once, in the order campaign.evaluators names them across roles."""
    return list(dict.fromkeys(s for per_role in campaign.evaluators.values() for s in per_role))


def instructions(campaign: Campaign, entry: str) -> list[str]:
    """Return the lines of 填写说明, in plain words for the clerk."""
    title = f"{campaign.year}年度{campaign.issuer.town}党组织书记抓基层党建述职评议考核"
    return [
        f"计票表（录入{entry}）",
        title,
        "一、本表由两名录入人员背对背录入：各录一份（录入A、录入B），独立录入，互不查看、不商量。"
        "两份结果由程序逐格比对，不一致之处再对照原票核实。",
        "二、每个工作表对应一类评议（"
        + "、".join(sources_of(campaign))
        + "）。每张选票已预先占一行；"
        "灰色列（选票编号、述职人编号、述职人、党组织）已填好，请勿改动。",
        "三、按选票上印的编号找到对应的行，只在白色列中填写。",
        "四、得分：照票上所勾分值填写1至10的整数，不换算、不取平均。",
        "五、票状态：从下拉列表中选择（不选视为“有效”）：",
        "    有效 —— 勾选了一个分值的票，须填写得分（程序中记为 valid）；",
        "    空白票 —— 未勾选任何分值的票，得分留空（记为 blank）；",
        "    废票 —— 勾选两个及以上分值等无法确定得分的票，得分留空（记为 invalid）。",
        "六、存在的问题和不足、意见建议：按票面原文逐字照录，不改字、不概括、不补标点；"
        "票上没写的留空。单元格内换行按 Alt+Enter。",
        "七、没有收回的选票，整行留空（不要标为空白票）。",
        "八、不得调整行的顺序，不得删除、插入行或列，不得删除、改名或增加工作表。",
        f"九、录完后按原格式 .xlsx 保存，文件名不变（计票表-录入{entry}.xlsx），不要另存为 .xls 或 .csv。",
    ]


def _write_instructions(sheet: Worksheet, campaign: Campaign, entry: str) -> None:
    """Fill 填写说明: a bold title, then one wrapped line per row."""
    sheet.title = INSTRUCTIONS
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    for number, line in enumerate(instructions(campaign, entry), start=1):
        cell = sheet.cell(number, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[number].height = LINE_HEIGHT * _wrapped_lines(line)
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.row_dimensions[1].height = 2 * LINE_HEIGHT
    sheet["A2"].font = Font(bold=True)
    _fit_to_page_width(sheet)


def _wrapped_lines(text: str) -> int:
    """Return the lines a text wraps to in 填写说明: rows are not sized by every spreadsheet."""
    units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return max(1, math.ceil(units / (INSTRUCTIONS_WIDTH - 2)))


def _fit_to_page_width(sheet: Worksheet) -> None:
    """Print the sheet one page wide, however many pages long."""
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_source_sheet(
    sheet: Worksheet, ballots: list[IssuedBallot], by_id: dict[str, Secretary], entry: str
) -> None:
    """Fill one source's sheet: header, one prefilled row per serial, validation, layout."""
    for number, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, number, f"{column.label}\n{column.field}")
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_GREY, BOX
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    for row, ballot in enumerate(ballots, start=2):
        secretary = by_id[ballot.secretary_id]
        values = [ballot.serial, secretary.id, secretary.name, secretary.organization]
        for number, column in enumerate(COLUMNS, start=1):
            value = values[number - 1] if column.prefilled else None
            _style_cell(sheet.cell(row, number, value), column)
    sheet.row_dimensions[1].height = 2.5 * LINE_HEIGHT  # the label over the machine name
    sheet.freeze_panes = FROZEN_AT
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    _fit_to_page_width(sheet)
    sheet.oddHeader.center.text = f"计票表（录入{entry}） &A"
    if ballots:
        _add_validation(sheet, len(ballots) + 1)


def _style_cell(cell, column: Column) -> None:
    """Grey the prefilled columns, leave the entry columns white; wrap the two text columns."""
    cell.border = BOX
    if column.prefilled:
        cell.fill = GREY
    texts = column.field in ("problems", "suggestions")
    if texts:
        cell.number_format = "@"  # typed "=..." or "007" stays text
    horizontal = None if texts or column.field == "organization" else "center"
    cell.alignment = Alignment(wrap_text=texts, vertical="top", horizontal=horizontal)


def _add_validation(sheet: Worksheet, last_row: int) -> None:
    """Allow only a whole score 1–10 and one of the three status labels."""
    score = DataValidation(
        type="whole", operator="between", formula1="1", formula2="10", allow_blank=True,
        showErrorMessage=True, showInputMessage=True, errorTitle="得分有误",
        error="得分须为1至10的整数，照票上所勾分值填写；空白票、废票不填得分。",
        promptTitle="得分", prompt="1至10的整数；空白票、废票留空",
    )  # fmt: skip
    status = DataValidation(
        type="list", formula1='"' + ",".join(STATUS_LABELS) + '"', allow_blank=True,
        showErrorMessage=True, showInputMessage=True, errorTitle="票状态有误",
        error="请从下拉列表中选择：有效、空白票或废票。",
        promptTitle="票状态", prompt="有效 / 空白票 / 废票；不选视为有效",
    )  # fmt: skip
    score.add(f"{LETTER['score']}2:{LETTER['score']}{last_row}")
    status.add(f"{LETTER['status']}2:{LETTER['status']}{last_row}")
    sheet.add_data_validation(score)
    sheet.add_data_validation(status)


def _save(book: Workbook, campaign: Campaign, entry: str) -> bytes:
    """Return the workbook's bytes, stamped with the meeting date so equal inputs give equal bytes."""
    stamp = datetime.combine(campaign.meeting.date, time(0, 0))
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = book.properties.lastModifiedBy = campaign.issuer.name
    book.properties.title = f"计票表（录入{entry}）"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # save_workbook would stamp the current time
    return deterministic_zip(buffer.getvalue())


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


def read_tally_workbook(
    path: Path, shown_as: str, sources: Collection[str] | None = None
) -> list[TallyRow]:
    """Return the entered ballots of a tally workbook (see `read_tally`)."""
    return list(read_tally(path, shown_as, sources).rows)


def untouched(
    path: Path, shown_as: str, sources: Collection[str] | None = None
) -> list[IssuedBallot]:
    """Return the issued sheets a clerk left untouched: not returned, so not entered."""
    return list(read_tally(path, shown_as, sources).untouched)


def read_tally(path: Path, shown_as: str, sources: Collection[str] | None = None) -> Tally:
    """Return what a clerk entered, or raise one InputError listing every problem.

    Given the campaign's `sources`, any other sheet but 填写说明 is refused and a missing one
    reported; without them, every sheet but 填写说明 must carry the tally header.
    """
    book = _open(path, shown_as)
    problems: list[Problem] = []
    seen: dict[str, str] = {}  # serial → its first cell
    rows, left = [], []
    for sheet in book.worksheets:
        if sheet.title == INSTRUCTIONS or not _is_tally_sheet(sheet, sources, shown_as, problems):
            continue
        for cells in sheet.iter_rows(min_row=2, max_col=len(COLUMNS)):
            read = _read_row(cells, sheet.title, shown_as, problems, seen)
            if isinstance(read, TallyRow):
                rows.append(read)
            elif read is not None:
                left.append(read)
    for source in sources or ():
        if source not in book.sheetnames:
            zh, en = f"缺少工作表“{source}”", f"the sheet {source} is missing"
            problems.append(Problem(shown_as, f"{source}!A1", "source", zh, en))
    if problems:
        raise InputError(problems)
    return Tally(tuple(rows), tuple(left))


def _open(path: Path, shown_as: str) -> Workbook:
    """Return the workbook with cell values as the clerk sees them."""
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError) as e:
        raise InputError([file_problem(shown_as, f"无法读取：{e}", f"cannot read: {e}")]) from e


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
    cells: tuple, sheet: str, file: str, problems: list[Problem], seen: dict[str, str]
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
    score, status = _field(raw, "score", _score, report), _field(raw, "status", _status, report)
    if status == "valid" and not _text(raw["score"]):
        report("score", "有效票须填写得分（1至10）", "a valid ballot needs a score 1–10")
    if status in ("blank", "invalid") and _text(raw["score"]):
        zh, en = f"{STATUS_NAMES[status]}不填得分", f"a {status} ballot must have no score"
        report("score", zh, en)
    if len(problems) > before or status is None:
        return None
    texts = _text(raw["problems"]), _text(raw["suggestions"])
    where = f"{sheet}!{LETTER['score']}{number}"
    return TallyRow(serial, secretary_id, sheet, score, status, *texts, where)


def _field(
    raw: dict, field: str, read: Callable[[object], object], report: Callable[[str, str, str], None]
) -> object:
    """Return read(raw[field]); report what is wrong with it and return None."""
    try:
        return read(raw[field])
    except Invalid as e:
        report(field, e.zh, e.en)
        return None


def _text(value: object) -> str:
    """Return a cell's text without surrounding whitespace; '' for an empty cell."""
    return "" if value is None else str(value).strip()


def _score(value: object) -> int | None:
    """Return the score 1–10, or None for an empty cell; decimals and words are refused."""
    text = _text(value)
    if not text:
        return None
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if isinstance(value, bool) or not re.fullmatch(r"\d+", text):
        raise Invalid(
            f"须为1至10的整数，现为“{text}”", f"must be a whole number 1–10, got {text!r}"
        )
    if not 1 <= int(text) <= 10:
        raise Invalid(f"须在1至10之间，现为 {text}", f"must be 1–10, got {text}")
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
