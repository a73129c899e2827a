"""From the ink in the cells to a reading: a score, 空白票, 废票 — or a person decides.

Only three patterns are read without a person: one clear tick and nothing else (a score), no
mark at all (blank), two or more clear ticks (invalid, 废票: the plan's 多选). Anything between —
a faint mark, a clear tick beside a faint one, a stroke across a border, a cell scribbled over —
goes to review with its reason: a doubtful page costs a minute, a wrong reading a secretary's
grade. The thresholds and the measurements they rest on are in docs/scanning.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from .measure import CellInk, PageInk

CLEAR = 0.012  # dark fraction of a cell: a pen's tick (the thinnest tick measures above 0.025)
FAINT_DARK = 0.0015  # dark fraction below CLEAR but above this: a mark a person must see
FAINT_LIGHT = 0.008  # light fraction (pencil, rubbed out): a mark a person must see
STRUCK = 0.13  # dark fraction: a cell scribbled over (a struck-out tick); ticks stay below 0.11
SOLID = 1.5  # mm² of ink left once a pen's stroke is worn away: a patch scribbled over
WRITTEN = 0.002  # dark fraction of a text box with something written in it

REASONS = {
    "faint": ("淡痕或不清晰的记号，需人工判定", "a faint or unclear mark"),
    "two_candidates": (
        "一个清晰勾选旁另有淡痕，需人工判定",
        "a clear tick and a faint second mark",
    ),
    "across_border": ("记号跨越两格边线，需人工判定", "a mark across a cell border"),
    "struck_out": ("格内涂改，需人工判定", "a cell scribbled over (a struck-out tick)"),
    "corner_missing": ("一个定位角标缺失（纸张破损或折角），需人工核对", "a corner mark missing"),
    "not_registered": ("定位角标无法识别，需人工判定", "the corner marks cannot be found"),
    "written_score": ("手写分数，需人工录入", "a written score: a person reads it"),
    "qr_unreadable": ("二维码无法识别，请按印刷编号人工录入", "the QR code cannot be read"),
    "duplicate_conflict": (
        "同一编号扫描两次且读数不同",
        "a serial scanned twice, read differently",
    ),
    "duplicate": ("同一编号已扫描且读数相同，只计一次", "a serial scanned again, same reading"),
    "other_campaign": ("不是本次评议的选票", "a sheet of another campaign"),
    "unissued": ("编号未发放", "a serial never issued"),
    "layout_version": ("选票版式不符", "printed with another layout version"),
    "not_a_ballot": ("不是选票（二维码内容不符）", "not a ballot: its QR code is another's"),
    "blank_page": ("空白页（双面扫描的背面）", "a blank page (a duplex back)"),
    "unreadable": ("页面无法读取", "the page cannot be read"),
}


@dataclass(frozen=True, slots=True)
class Reading:
    decision: str  # auto, review, rejected
    status: str  # valid, blank, invalid; "" when a person must say
    score: int | None
    reason: str  # a key of REASONS, "" for auto

    def describe(self) -> str:
        if not self.reason:
            return ""
        zh, en = REASONS[self.reason]
        return f"{self.reason}: {zh} / {en}"


def mark_of(cell: CellInk) -> str:
    """Return what a cell holds: `struck`, `clear`, `faint` or `empty`."""
    if cell.dark >= STRUCK or cell.solid >= SOLID:
        return "struck"
    if cell.dark >= CLEAR:
        return "clear"
    if cell.dark >= FAINT_DARK or cell.light >= FAINT_LIGHT:
        return "faint"
    return "empty"


def review(reason: str, score: int | None = None) -> Reading:
    return Reading("review", "", score, reason)


def decide(ink: PageInk) -> Reading:
    """Return the page's reading: auto only for the three unambiguous patterns."""
    marks = {cell.score: mark_of(cell) for cell in ink.cells}
    clear = [score for score, mark in marks.items() if mark == "clear"]
    faint = [score for score, mark in marks.items() if mark == "faint"]
    if any(mark == "struck" for mark in marks.values()):
        return review("struck_out")
    if ink.across:
        return review("across_border")
    if len(clear) >= 2:
        return Reading("auto", "invalid", None, "")
    if len(clear) == 1 and faint:
        return review("two_candidates", clear[0])
    if len(clear) == 1:
        return Reading("auto", "valid", clear[0], "")
    if faint:
        return review("faint")
    return Reading("auto", "blank", None, "")
