"""Pages into ballots: a serial read twice, a person's decisions, pages no code names.

A serial read twice counts once when both readings agree and goes to review when they do not.
A person's decision (DIR/scan-review.csv) settles a page in review. A page whose QR code could not
be read is settled by a decision naming a serial no page was read as: the person read its
printed serial off the picture.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..load.scan_review import Decision
from ..model.ballot import IssuedBallot
from ..model.errors import InputError, Problem
from .decide import Reading
from .sheet import SheetRead


@dataclass(frozen=True, slots=True)
class Settled:
    """The pages as read, duplicates settled and decisions applied, and the ballots they give."""

    sheets: tuple[SheetRead, ...]
    notes: dict[int, str]  # index in sheets → the person's note
    ballots: tuple[tuple[IssuedBallot, Reading], ...]  # by serial

    def pending(self) -> list[SheetRead]:
        """Return the pages in review no person has decided."""
        return [
            s for i, s in enumerate(self.sheets)
            if s.reading.decision == "review" and i not in self.notes
        ]  # fmt: skip


def _duplicates(sheets: list[SheetRead]) -> set[str]:
    """Mark the second reading of a serial: rejected when it agrees, both in review when not;
    return the serials read on some page."""
    by_serial: dict[str, list[int]] = {}
    for index, sheet in enumerate(sheets):
        if sheet.ballot is not None and sheet.reading.decision != "rejected":
            by_serial.setdefault(sheet.ballot.serial, []).append(index)
    for indexes in by_serial.values():
        if len(indexes) < 2:
            continue
        readings = {(sheets[i].reading.status, sheets[i].reading.score) for i in indexes}
        agree = len(readings) == 1 and sheets[indexes[0]].reading.decision == "auto"
        for i in indexes[1:] if agree else indexes:
            reading = (
                Reading("rejected", "", None, "duplicate")
                if agree
                else Reading("review", "", None, "duplicate_conflict")
            )
            sheets[i] = replace(sheets[i], reading=reading)
    return set(by_serial)


def settle(
    sheets: list[SheetRead], decisions: dict[str, Decision], issued: dict[str, IssuedBallot]
) -> Settled:
    """Return the pages settled and the ballots they give, by serial; a decision naming a serial
    never issued is an input error."""
    unknown = [d for d in decisions.values() if d.ballot_id not in issued]
    if unknown:
        raise InputError([
            Problem(d.file, d.line, "ballot_id", "编号未发放", "a serial never issued")
            for d in unknown
        ])  # fmt: skip
    read = _duplicates(sheets)
    manual = iter(sorted(serial for serial in decisions if serial not in read))
    notes: dict[int, str] = {}
    ballots: dict[str, tuple[IssuedBallot, Reading]] = {}
    for index, sheet in enumerate(sheets):
        if sheet.reading.decision == "review" and sheet.ballot is None:
            serial = next(manual, None)
            if serial is None:
                continue
            sheet = sheets[index] = replace(sheet, ballot=issued[serial])
        if sheet.ballot is None or sheet.reading.decision == "rejected":
            continue
        serial = sheet.ballot.serial
        if sheet.reading.decision == "review" and serial in decisions:
            decided = decisions[serial]
            notes[index] = decided.note
            ballots[serial] = (sheet.ballot, Reading("review", decided.status, decided.score, ""))
        elif sheet.reading.decision == "auto":
            ballots[serial] = (sheet.ballot, sheet.reading)
    return Settled(tuple(sheets), notes, tuple(ballots[s] for s in sorted(ballots)))
