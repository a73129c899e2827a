"""Ballot serials: random to anyone without the campaign's secret, the same on every re-run.

A serial is HMAC-SHA256(secret, campaign fingerprint, secretary, source, copy number), written
in an alphabet without look-alike characters (no 0/O, 1/I). It carries no order and nothing about
who fills the sheet in; within a secretary and source the sheets are ordered by serial, so the
copy number is not recoverable from a sheet's place in the booklet either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence

from .ballot import IssuedBallot
from .campaign import Campaign, Secretary

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, no 0 O 1 I
SERIAL_LENGTH = 8  # 40 bits: guessing one of ~800 issued serials has odds of 1 in 10⁹


def fingerprint(campaign: Campaign, secretaries: Sequence[Secretary]) -> str:
    """Return a short hash of what defines the ballots, to recognise sheets of another campaign.

    It covers the year, the issuer, the secretaries (id, name, organisation, role), the
    evaluators and the weights — not wording such as the notice's title, so mending a typo
    there does not void printed sheets.
    """
    definition = {
        "year": campaign.year,
        "issuer": campaign.issuer.name,
        "secretaries": [[s.id, s.name, s.organization, s.role] for s in secretaries],
        "evaluators": campaign.evaluators,
        "weights": {
            role: {k: str(v) for k, v in w.items()} for role, w in campaign.rules.weights.items()
        },
    }
    canonical = json.dumps(definition, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]


def serial_for(secret: bytes, *parts: object) -> str:
    """Return the serial HMAC(secret, parts) in ALPHABET, formatted XXXX-XXXX."""
    digest = hmac.new(secret, "|".join(map(str, parts)).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    symbols = []
    for _ in range(SERIAL_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[index])
    half = SERIAL_LENGTH // 2
    return "".join(symbols[:half]) + "-" + "".join(symbols[half:])


def issue_ballots(
    campaign: Campaign, secretaries: Sequence[Secretary], secret: bytes
) -> list[IssuedBallot]:
    """Return every sheet to print, in meeting order: secretary by secretary, source by source."""
    mark = fingerprint(campaign, secretaries)
    issued: list[IssuedBallot] = []
    seen: set[str] = set()
    for secretary in secretaries:
        for source, copies in campaign.evaluators[secretary.role].items():
            group = []
            for copy in range(1, copies + 1):
                serial, attempt = serial_for(secret, mark, secretary.id, source, copy), 0
                while serial in seen:  # a collision: astronomically rare, resolved the same way
                    attempt += 1
                    serial = serial_for(secret, mark, secretary.id, source, copy, attempt)
                seen.add(serial)
                group.append(IssuedBallot(serial, secretary.id, source))
            issued.extend(sorted(group))
    return issued
