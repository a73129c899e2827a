"""What a ballot's QR code says, written by the booklets and read back by `scan`.

The payload names the layout it was printed with, so a reader never measures a sheet against
another layout's boxes; the campaign's fingerprint (model/serials.py) tells one campaign's sheets
from another's without naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

LAYOUT_VERSION = 2  # ballot-layout.json's `layout_version`: 2 adds the printed boxes, rules, QR
PREFIX = "SZPY"
PAYLOAD = "SZPY|{layout_version}|{year}|{serial}|{secretary_id}|{source}|{fingerprint}"


@dataclass(frozen=True, slots=True)
class BallotCode:
    """One sheet's identity, as its QR code carries it."""

    layout_version: int
    year: int
    serial: str
    secretary_id: str
    source: str
    fingerprint: str

    def payload(self) -> str:
        return PAYLOAD.format(
            layout_version=self.layout_version,
            year=self.year,
            serial=self.serial,
            secretary_id=self.secretary_id,
            source=self.source,
            fingerprint=self.fingerprint,
        )


def parse_code(text: str) -> BallotCode | None:
    """Return the code a QR symbol carries, or None when the text is not a ballot's."""
    fields = text.split("|")
    if len(fields) != 7 or fields[0] != PREFIX:
        return None
    _, version, year, serial, secretary_id, source, fingerprint = fields
    if not (version.isdigit() and year.isdigit()) or not all((serial, secretary_id, source)):
        return None
    return BallotCode(int(version), int(year), serial, secretary_id, source, fingerprint)
