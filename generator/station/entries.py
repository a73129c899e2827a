"""Blind double entry in the store: each clerk's reading of a sheet, and the decisions.

A row of `entries` is one clerk's reading of one sheet, keyed by serial and clerk, so two clerks
typing at once never touch each other's rows. An edit names the version it was based on and is
refused when the row has moved on. A sheet is read by two clerks: a third reading is refused (the
comparison page's decision is the third look, made in view of both readings). What a clerk typed
is never kept in the order it was typed: `updated` holds the day only, and the rows are listed by
serial (docs/security.md: the typing order links the ballots of one evaluator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from .store import decisions, entries, now, users

READERS = 2  # blind double entry: two readings of each sheet


@dataclass(frozen=True, slots=True)
class Reading:
    """What a sheet says, as a clerk typed it or a decision settled it."""

    status: str  # valid, blank, invalid
    score: int | None
    problems: str
    suggestions: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One clerk's reading of one sheet, and the version an edit must name."""

    serial: str
    user_id: int
    user_name: str
    reading: Reading
    version: int


@dataclass(frozen=True, slots=True)
class Decision:
    """The reading that settles a sheet the two clerks read differently, and who decided."""

    serial: str
    reading: Reading
    user_id: int
    user_name: str
    at: datetime

    @property
    def stamp(self) -> str:
        """Return what a form sends back to revise this decision, and nothing newer."""
        return f"{self.user_id}@{self.at.isoformat()}"


class EntryRefused(ValueError):
    """An entry or decision not saved; the message says why, in Chinese and English."""


def save_entry(engine: Engine, serial: str, user_id: int, reading: Reading, shown: int) -> None:
    """Save a clerk's reading: new when `shown` is 0, else an edit of that version.

    The write comes first so that the checks after it run inside the write: two clerks saving at
    once are serialised, and a refusal rolls the write back.
    """
    values = {**_columns(reading), "updated": _today()}
    try:
        with engine.begin() as connection:
            if shown == 0:
                connection.execute(
                    entries.insert().values(ballot_id=serial, user_id=user_id, version=1, **values)
                )
            elif not connection.execute(
                entries.update()
                .where(entries.c.ballot_id == serial, entries.c.user_id == user_id)
                .where(entries.c.version == shown)
                .values(version=shown + 1, **values)
            ).rowcount:
                raise EntryRefused(_stale(shown))
            _check_open(connection, serial)
    except IntegrityError as e:
        raise EntryRefused(
            "您已录入过这张选票（也许在另一个窗口）：请重新打开后再修改 / "
            "you have already entered this sheet (in another window?): open it again to edit"
        ) from e


def _stale(shown: int) -> str:
    return (
        f"这张选票的录入在您打开之后已被修改（您看到的是第 {shown} 版）：请重新打开后再改 / "
        f"this entry changed after you opened it (you saw version {shown}): open it again"
    )


def _check_open(connection: Connection, serial: str) -> None:
    """Refuse a reading of a decided sheet, and a third clerk's reading."""
    if connection.execute(
        sa.select(decisions.c.ballot_id).where(decisions.c.ballot_id == serial)
    ).first():
        raise EntryRefused(
            "这张选票已经裁定，录入不能再改；如裁定有误，请在比对页重新裁定 / "
            "this sheet is decided: entries are closed; revise the decision on the comparison page"
        )
    readers = connection.execute(
        sa.select(sa.func.count()).select_from(entries).where(entries.c.ballot_id == serial)
    ).scalar()
    if (readers or 0) > READERS:
        raise EntryRefused(
            "这张选票已由另外两名办事员录入；两人不一致时在比对页裁定 / "
            "two other clerks have entered this sheet; if they differ, decide it on the "
            "comparison page"
        )


def decide(engine: Engine, serial: str, user_id: int, reading: Reading, stamp: str) -> None:
    """Record the decision on a sheet; `stamp` is the decision the form showed ('' for none),
    so that two people deciding at once cannot overwrite each other unseen."""
    values = {**_columns(reading), "user_id": user_id, "at": _instant()}
    try:
        with engine.begin() as connection:
            if not stamp:
                connection.execute(decisions.insert().values(ballot_id=serial, **values))
                return
            by, at = _stamp_parts(stamp)
            changed = connection.execute(
                decisions.update()
                .where(decisions.c.ballot_id == serial)
                .where(decisions.c.user_id == by, decisions.c.at == at)
                .values(**values)
            ).rowcount
            if not changed:
                raise EntryRefused(_decided_meanwhile())
    except IntegrityError as e:
        raise EntryRefused(_decided_meanwhile()) from e


def _stamp_parts(stamp: str) -> tuple[int, datetime]:
    """Return who decided and when, from a stamp a form sent back; a forged one matches nothing."""
    by, _, at = stamp.partition("@")
    try:
        return int(by), datetime.fromisoformat(at)
    except ValueError as e:
        raise EntryRefused(_decided_meanwhile()) from e


def _decided_meanwhile() -> str:
    return (
        "这张选票在您打开页面之后已被裁定或改判：请刷新后再看 / "
        "this sheet was decided after you opened the page: reload it"
    )


def all_entries(engine: Engine) -> list[Entry]:
    """Return every clerk's readings, by serial then clerk."""
    return _entries(engine, sa.true())


def own_entry(engine: Engine, serial: str, user_id: int) -> Entry | None:
    found = _entries(engine, sa.and_(entries.c.ballot_id == serial, entries.c.user_id == user_id))
    return found[0] if found else None


def _entries(engine: Engine, condition: sa.ColumnElement[bool]) -> list[Entry]:
    query = (
        sa.select(entries, users.c.name)
        .join(users, users.c.id == entries.c.user_id)
        .where(condition)
        .order_by(entries.c.ballot_id, users.c.name)
    )
    with engine.connect() as connection:
        return [
            Entry(row.ballot_id, row.user_id, row.name, _reading(row), row.version)
            for row in connection.execute(query)
        ]


def all_decisions(engine: Engine) -> dict[str, Decision]:
    """Return the decisions by serial."""
    query = sa.select(decisions, users.c.name).join(users, users.c.id == decisions.c.user_id)
    with engine.connect() as connection:
        return {
            row.ballot_id: Decision(row.ballot_id, _reading(row), row.user_id, row.name, row.at)
            for row in connection.execute(query)
        }


def _reading(row: sa.Row) -> Reading:
    return Reading(row.status, row.score, row.problems, row.suggestions)


def _columns(reading: Reading) -> dict[str, object]:
    return {
        "status": reading.status,
        "score": reading.score,
        "problems": reading.problems,
        "suggestions": reading.suggestions,
    }


def _instant() -> datetime:
    """Return the time to the microsecond: a decision's stamp, told from one revised a moment later."""
    return datetime.now(UTC).replace(tzinfo=None)


def _today() -> datetime:
    """Return the day only: a time of day would keep the order the sheets were typed in."""
    return now().replace(hour=0, minute=0, second=0)
