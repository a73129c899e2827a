"""Ballot serials: random to anyone without the campaign's secret, the same on every re-run.

A serial is HMAC-SHA256(secret, secretary id, source, copy number), written in an alphabet
without look-alike characters (no 0/O, 1/I). Nothing else goes in: correcting a name or the
notice's wording keeps every printed sheet valid; only a new secret, a secretary removed or fewer
copies void sheets, and `forms` refuses those without --reissue. A serial carries no order and
nothing about who fills the sheet in; the booklets print each secretary's and source's sheets in
an order keyed by the secret too (printing_order), so a sheet's place in its stack follows from
nothing any output holds.

The campaign's fingerprint, printed in each sheet's QR code, is derived from the secret the same
way: a sheet of another campaign is recognised, and no edit of the data changes it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from .ballot import IssuedBallot
from .campaign import Campaign, Secretary

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, no 0 O 1 I
SERIAL_LENGTH = 8  # 40 bits: guessing one of ~800 issued serials has odds of 1 in 10⁹


def fingerprint(secret: bytes) -> str:
    """Return the campaign's short public mark, to recognise sheets of another campaign."""
    return hmac.new(secret, b"fingerprint", hashlib.sha256).hexdigest()[:8]


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
    issued: list[IssuedBallot] = []
    seen: set[str] = set()
    for secretary in secretaries:
        for source, copies in campaign.copies(secretary).items():
            group = []
            for copy in range(1, copies + 1):
                serial, attempt = serial_for(secret, secretary.id, source, copy), 0
                while serial in seen:  # a collision: astronomically rare, resolved the same way
                    attempt += 1
                    serial = serial_for(secret, secretary.id, source, copy, attempt)
                seen.add(serial)
                group.append(IssuedBallot(serial, secretary.id, source))
            issued.extend(sorted(group))
    return issued


def printing_order(issued: Sequence[IssuedBallot], secret: bytes) -> list[IssuedBallot]:
    """Return the sheets in the order the booklets print them: secretary by secretary and source
    by source as issued, each group's copies in an order keyed by the secret.

    Serial order is public (any list of serials gives it); were the booklets printed in it and
    sheets handed out by their place in the stack, the register would tell which serials one
    evaluator got. Keyed by the secret, the printing order follows from nothing in the outputs.
    """

    def key(ballot: IssuedBallot) -> bytes:
        return hmac.new(secret, b"print|" + ballot.serial.encode(), hashlib.sha256).digest()

    groups: dict[tuple[str, str], list[IssuedBallot]] = {}
    for ballot in issued:
        groups.setdefault((ballot.secretary_id, ballot.source), []).append(ballot)
    return [ballot for group in groups.values() for ballot in sorted(group, key=key)]


def voided(printed: Sequence[IssuedBallot], issued: Sequence[IssuedBallot]) -> list[IssuedBallot]:
    """Return the sheets printed before that the new issue no longer has: they would be void."""
    kept = {b.serial for b in issued}
    return [b for b in printed if b.serial not in kept]


def void_reasons(
    voids: Sequence[IssuedBallot], issued: Sequence[IssuedBallot]
) -> list[tuple[str, str]]:
    """Return why sheets are void, in Chinese and English: secretaries gone, fewer copies."""
    remaining: dict[tuple[str, str], int] = {}
    for ballot in issued:
        key = (ballot.secretary_id, ballot.source)
        remaining[key] = remaining.get(key, 0) + 1
    gone = sorted({b.secretary_id for b in voids} - {b.secretary_id for b in issued})
    fewer = sorted({(b.secretary_id, b.source) for b in voids if b.secretary_id not in gone})
    reasons = [(f"名单中已没有 {who}", f"{who} is no longer in the list") for who in gone]
    for who, source in fewer:
        left = remaining.get((who, source), 0)
        reasons.append(
            (f"{who} 的“{source}”只剩 {left} 份", f"{who}'s {source}: {left} copies now")
        )
    return reasons
