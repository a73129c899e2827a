"""The tally sheets' shape, shared by the writer and the reader: columns, labels, names."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Border, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..model import Campaign

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


def sources_of(campaign: Campaign) -> list[str]:
    """Return every source once, in the order campaign.evaluators names them across roles."""
    return list(dict.fromkeys(s for per_role in campaign.evaluators.values() for s in per_role))
