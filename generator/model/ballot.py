"""Ballots: a sheet as issued, and as read back after the meeting. Nothing names who filled it."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("valid", "blank", "invalid")  # 有效票, 空白票, 废票
REGISTER = "forms/ballots-issued.csv"  # the register of issued serials, under --out
REGISTER_COLUMNS = ["ballot_id", "secretary_id", "source"]


@dataclass(frozen=True, slots=True, order=True)
class IssuedBallot:
    """One serialised sheet: who it is about and from which source; never who fills it in."""

    serial: str
    secretary_id: str
    source: str


@dataclass(frozen=True, slots=True)
class Ballot:
    """One returned sheet: its serial, whom and which source it is about, and what it says."""

    serial: str
    secretary_id: str
    source: str
    score: int | None  # 1–10 on a valid ballot, None on a blank or invalid one
    status: str  # one of STATUSES
    problems: str  # 存在的问题和不足
    suggestions: str  # 意见建议
    located: str  # FILE:LINE or FILE:SHEET!CELL of its row, for messages


@dataclass(frozen=True, slots=True)
class BallotsRead:
    """Every ballot read (each once), the issued sheets that did not come back, the files read."""

    ballots: tuple[Ballot, ...]
    unreturned: tuple[IssuedBallot, ...]
    files: tuple[str, ...]
