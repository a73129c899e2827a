"""The register of issued serials (forms/ballots-issued.csv): what `letters` checks ballots against."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from ..model.ballot import REGISTER, REGISTER_COLUMNS, IssuedBallot
from ..model.campaign import Secretary
from .context import FormsContext
from .kind import Document, Kind


def register_csv(issued: Iterable[IssuedBallot]) -> bytes:
    """Return ballot_id,secretary_id,source of every sheet (UTF-8 with BOM, for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    writer.writerows([b.serial, b.secretary_id, b.source] for b in issued)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def register_file(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    yield Document(KIND, ".csv", register_csv(context.issued))


folder, _, stem = REGISTER.rpartition("/")
KIND: Kind[FormsContext] = Kind(
    key="register",
    name="选票发放登记",
    pack="forms",
    folder=folder,
    stem=stem.removesuffix(".csv"),
    build=register_file,
    cost=0.05,
)
