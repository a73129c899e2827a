"""The two readings of each sheet compared, and what is settled written into DIR/ballots/录入.csv.

A sheet two clerks read alike is agreed; one they read differently waits for a decision; one
read once waits for its second reading. Only agreed and decided sheets are written, in the
contract's ballot format, by serial, so `make letters` counts exactly what the station settled.
The file is rewritten after every change, under a lock: whichever change is written last reads
the store after every change before it, so the file never lags behind the store.
"""

from __future__ import annotations

import csv
import fcntl
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from ..load.ballots.rows import COLUMNS
from .entries import READERS, Decision, Entry, Reading, all_decisions, all_entries
from .files import write_atomically
from .sheets import Sheet
from .store import STATION_FOLDER

ENTERED = "录入.csv"  # under DIR/ballots/: the station's file, rewritten whole each time
FIELDS = {  # what two readings are compared on, as the pages name it
    "status": "票状态",
    "score": "得分",
    "problems": "存在的问题和不足",
    "suggestions": "意见建议",
}
LOCK = "entry.lock"


@dataclass(frozen=True, slots=True)
class Compared:
    """A sheet's readings side by side, and the decision if one was made."""

    serial: str
    entries: tuple[Entry, ...]  # by clerk name
    decision: Decision | None

    @property
    def differing(self) -> tuple[str, ...]:
        """Return the fields the readings disagree on."""
        readings = [entry.reading for entry in self.entries]
        return tuple(
            name for name in FIELDS if len({getattr(reading, name) for reading in readings}) > 1
        )

    @property
    def state(self) -> str:
        """Return decided, waiting (for a second reading), agreed or differing."""
        if self.decision is not None:
            return "decided"
        if len(self.entries) < READERS:
            return "waiting"
        return "differing" if self.differing else "agreed"

    @property
    def settled(self) -> Reading | None:
        """Return the reading to count: the decision's, or the one both clerks typed."""
        if self.decision is not None:
            return self.decision.reading
        return self.entries[0].reading if self.state == "agreed" else None

    def read_by(self, user_id: int) -> bool:
        return any(entry.user_id == user_id for entry in self.entries)


def compare(entries: list[Entry], decisions: dict[str, Decision]) -> list[Compared]:
    """Return every sheet entered, by serial."""
    by_serial: dict[str, list[Entry]] = {}
    for entry in entries:
        by_serial.setdefault(entry.serial, []).append(entry)
    return [
        Compared(serial, tuple(found), decisions.get(serial))
        for serial, found in sorted(by_serial.items())
    ]


def compared(engine: Engine) -> list[Compared]:
    return compare(all_entries(engine), all_decisions(engine))


def settled_rows(sheets: list[Compared], issued: dict[str, Sheet]) -> list[tuple[object, ...]]:
    """Return the settled sheets as ballot rows, by serial.

    A serial no longer issued (the serials were reissued) is left out: its sheet is void.
    """
    rows: list[tuple[object, ...]] = []
    for sheet in sheets:
        reading, found = sheet.settled, issued.get(sheet.serial)
        if reading is None or found is None:
            continue
        score = "" if reading.score is None else reading.score
        identity = (sheet.serial, found.secretary_id, found.source)
        rows.append((*identity, score, reading.status, reading.problems, reading.suggestions))
    return rows


def entered_csv(rows: list[tuple[object, ...]]) -> bytes:
    """Return ballot rows in the contract's CSV format, UTF-8 with BOM as Excel opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_entered(data_dir: Path, engine: Engine, issued: dict[str, Sheet]) -> int:
    """Rewrite DIR/ballots/录入.csv from the store when it changed; return the rows it holds."""
    path = data_dir / "ballots" / ENTERED
    with _locked(data_dir / STATION_FOLDER / LOCK):
        rows = settled_rows(compared(engine), issued)
        content = entered_csv(rows)
        if not path.is_file() or path.read_bytes() != content:
            write_atomically(path, content)
    return len(rows)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the entry file's lock: one rewrite at a time, across threads and processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def written_rows(data_dir: Path) -> int:
    """Return how many ballots DIR/ballots/录入.csv holds now (0 when there is none)."""
    try:
        text = (data_dir / "ballots" / ENTERED).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1)


@dataclass(frozen=True, slots=True)
class Summary:
    """The entry's progress in counts: never a value typed."""

    issued: int
    by_clerk: tuple[tuple[str, int], ...]  # sheets each clerk entered
    states: dict[str, int]  # waiting, agreed, differing, decided
    written: int  # rows in DIR/ballots/录入.csv
    elsewhere: int  # sheets entered that another ballot file holds too
    void: int  # sheets entered whose serial is no longer issued


def summarise(
    sheets: list[Compared], issued: dict[str, Sheet], elsewhere: dict[str, str], written: int
) -> Summary:
    clerks: dict[str, int] = {}
    states = dict.fromkeys(("waiting", "agreed", "differing", "decided"), 0)
    for sheet in sheets:
        states[sheet.state] += 1
        for entry in sheet.entries:
            clerks[entry.user_name] = clerks.get(entry.user_name, 0) + 1
    return Summary(
        len(issued),
        tuple(sorted(clerks.items())),
        states,
        written,
        sum(1 for sheet in sheets if sheet.serial in elsewhere),
        sum(1 for sheet in sheets if sheet.serial not in issued),
    )
