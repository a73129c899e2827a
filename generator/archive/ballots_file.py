"""The ballots as the archive keeps them: every ballot read, by secretary, source and serial.

The clerk's ballot files keep the order their rows were typed in, usually evaluator by
evaluator: embedded as they are, the permanent archive would link one evaluator's ballots across
secretaries. The bundle embeds this file instead, in the contract's format (so it can be scored
again), and the manifest keeps each original's SHA-256, so an original can still be matched.
"""

from __future__ import annotations

import csv
import io

from ..documents.context import LettersContext
from ..documents.filled_form import source_order
from ..load.ballots.rows import COLUMNS, STATUS_LABELS

NAME = "ballots-sorted.csv"


def sorted_ballots(context: LettersContext) -> bytes:
    """Return the ballots read as a contract CSV (UTF-8 with BOM, for Excel), in archive order."""
    campaign = context.campaign
    places = {secretary.id: secretary for secretary in context.secretaries}

    def order(ballot) -> tuple[int, int, str]:
        secretary = places[ballot.secretary_id]
        sources = source_order(campaign, secretary.role)
        return secretary.number, sources.index(ballot.source), ballot.serial

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for ballot in sorted(context.results.ballots, key=order):
        writer.writerow(
            (
                ballot.serial,
                ballot.secretary_id,
                ballot.source,
                "" if ballot.score is None else ballot.score,
                STATUS_LABELS[ballot.status],
                ballot.problems,
                ballot.suggestions,
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
