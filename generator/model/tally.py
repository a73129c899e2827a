"""The tally workbooks' shape, shared by their writer and their reader: columns, labels, names.

`forms` writes 计票表-录入A.xlsx and 计票表-录入B.xlsx, identical but for the entry letter they
show, so two clerks type the same paper ballots without seeing each other's work; `letters` reads
both back and compares them. Sheet 填写说明 explains the work; then one sheet per source, one row
per issued serial in register order, columns A–H fixed. Row 1 is the only header: each cell shows
the Chinese label over the contract's machine name ("得分" and "score" on two lines), so the clerk
reads Chinese and the reader checks the machine name. The reader refuses a moved column rather
than guess, so every cell a message names is where the clerk looks.
"""

from __future__ import annotations

from dataclasses import dataclass

from .campaign import Campaign

ENTRIES = ("A", "B")
WORKBOOK_NAME = "计票表-录入{entry}"  # the file's stem; `.xlsx`
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
LETTER = {c.field: "ABCDEFGH"[n] for n, c in enumerate(COLUMNS)}
ENTERED = ("score", "status", "problems", "suggestions")


def sources_of(campaign: Campaign) -> list[str]:
    """Return every source once, in the order campaign.evaluators names them across roles."""
    return list(dict.fromkeys(s for per_role in campaign.evaluators.values() for s in per_role))
