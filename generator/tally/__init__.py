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

from .reader import Tally, TallyRow, read_tally, read_tally_workbook, untouched
from .sheets import COLUMNS, ENTRIES, FILE_NAME, INSTRUCTIONS, STATUS_LABELS, sources_of
from .workbook import tally_files, tally_workbook

__all__ = [
    "COLUMNS",
    "ENTRIES",
    "FILE_NAME",
    "INSTRUCTIONS",
    "STATUS_LABELS",
    "Tally",
    "TallyRow",
    "read_tally",
    "read_tally_workbook",
    "sources_of",
    "tally_files",
    "tally_workbook",
    "untouched",
]
