"""Write the tally workbooks for blind double entry (双人背对背录入): 填写说明, then one sheet per
source, one row per issued serial with the secretary prefilled (grey), the entry columns white.
Every sheet is protected without a password: only the entry cells take typing.

Their shape, shared with the reader, is in model/tally.py.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator, Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..model.ballot import IssuedBallot
from ..model.campaign import Campaign, Scale, Secretary
from ..model.tally import (
    COLUMNS,
    ENTRIES,
    INSTRUCTIONS,
    LETTER,
    STATUS_LABELS,
    WORKBOOK_NAME,
    Column,
    sources_of,
)
from ..render.xlsx import workbook_bytes
from .context import FormsContext
from .evaluation_form import ticked
from .kind import Document, Kind

FROZEN_AT = "D2"  # below the header, right of the 述职人's name
INSTRUCTIONS_WIDTH = 80  # characters of 填写说明's one column
LINE_HEIGHT = 18  # points: one line of 11-point text with Chinese characters
GREY = PatternFill("solid", fgColor="F2F2F2")  # prefilled: do not type here
HEADER_GREY = PatternFill("solid", fgColor="D9D9D9")
THIN = Side("thin", color="A6A6A6")
BOX = Border(THIN, THIN, THIN, THIN)
LOCKED, UNLOCKED = Protection(locked=True), Protection(locked=False)


def tally_files(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield the two clerks' tally workbooks, 计票表-录入A.xlsx and 计票表-录入B.xlsx."""
    for entry in ENTRIES:
        content = tally_workbook(context.campaign, context.secretaries, context.issued, entry)
        yield Document(KIND, ".xlsx", content, name=WORKBOOK_NAME.format(entry=entry))


def tally_workbook(
    campaign: Campaign,
    secretaries: Sequence[Secretary],
    issued: Sequence[IssuedBallot],
    entry: str,
) -> bytes:
    """Return one clerk's workbook; the entry letter shown is its only difference."""
    if entry not in ENTRIES:
        raise ValueError(f"entry must be one of {ENTRIES}, got {entry!r}")
    book = Workbook()
    _write_instructions(book.active, campaign, entry)
    by_id = {s.id: s for s in secretaries}
    for source in sources_of(campaign):
        sheet = book.create_sheet(source)
        ballots = [b for b in issued if b.source == source]
        _write_source_sheet(sheet, ballots, by_id, entry, campaign.rules.scale)
    return _save(book, campaign, entry)


def instructions(campaign: Campaign, entry: str) -> list[str]:
    """Return the lines of 填写说明, in plain words for the clerk."""
    title = f"{campaign.year}年度{campaign.issuer.town}党组织书记抓基层党建述职评议考核"
    scale = campaign.rules.scale
    return [
        f"计票表（录入{entry}）",
        title,
        "一、本表由两名录入人员背对背录入：各录一份（录入A、录入B），独立录入，互不查看、不商量。"
        "两份结果由程序逐格比对，不一致之处再对照原票核实。",
        "二、每个工作表对应一类评议（"
        + "、".join(sources_of(campaign))
        + "）。每张选票已预先占一行；"
        "灰色列（选票编号、述职人编号、述职人、党组织）已填好并锁定，请勿改动"
        "（工作表保护未设密码）。",
        "三、按选票上印的编号找到对应的行，只在白色列中填写。",
        f"四、得分：照票上{_marked(scale)}填写{scale.low}至{scale.high}的整数，不换算、不取平均。",
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


def _marked(scale: Scale) -> str:
    """Return what the clerk copies from the sheet: the ticked score, or the written one."""
    return "所勾分值" if ticked(scale) else "所填分数"


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
    _protect(sheet)


def _wrapped_lines(text: str) -> int:
    """Return the lines a text wraps to in 填写说明: rows are not sized by every spreadsheet."""
    units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return max(1, math.ceil(units / (INSTRUCTIONS_WIDTH - 2)))


def _fit_to_page_width(sheet: Worksheet) -> None:
    """Print the sheet one page wide, however many pages long."""
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_source_sheet(
    sheet: Worksheet,
    ballots: list[IssuedBallot],
    by_id: dict[str, Secretary],
    entry: str,
    scale: Scale,
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
        _add_validation(sheet, len(ballots) + 1, scale)
    _protect(sheet)


def _protect(sheet: Worksheet) -> None:
    """Protect the sheet without a password, so that only unlocked cells take typing; columns
    and rows may still be resized, and anyone can lift the protection (审阅 → 撤销工作表保护)."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False  # False: allowed


def _style_cell(cell, column: Column) -> None:
    """Grey and lock the prefilled columns, leave the entry columns white and unlocked; wrap the
    two text columns."""
    cell.border = BOX
    cell.protection = LOCKED if column.prefilled else UNLOCKED
    if column.prefilled:
        cell.fill = GREY
    texts = column.field in ("problems", "suggestions")
    if texts:
        cell.number_format = "@"  # typed "=..." or "007" stays text
    horizontal = None if texts or column.field == "organization" else "center"
    cell.alignment = Alignment(wrap_text=texts, vertical="top", horizontal=horizontal)


def _add_validation(sheet: Worksheet, last_row: int, scale: Scale) -> None:
    """Allow only a whole score within the scale and one of the three status labels."""
    low, high = scale.low, scale.high
    score = DataValidation(
        type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
        showErrorMessage=True, showInputMessage=True, errorTitle="得分有误",
        error=f"得分须为{low}至{high}的整数，照票上{_marked(scale)}填写；空白票、废票不填得分。",
        promptTitle="得分", prompt=f"{low}至{high}的整数；空白票、废票留空",
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
    title = f"计票表（录入{entry}）"
    return workbook_bytes(
        book, dated=campaign.meeting.date, author=campaign.issuer.name, title=title
    )


KIND: Kind[FormsContext] = Kind(
    key="tally_workbook",
    name="计票表",
    pack="forms",
    folder="forms",
    build=tally_files,
    cost=1.8,
)
