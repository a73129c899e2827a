"""Checks across files: repeated serials, secretaries and sources, the register of issued serials."""

from __future__ import annotations

from collections.abc import Sequence

from ...model.ballot import Ballot, IssuedBallot
from ...model.campaign import Campaign, Secretary
from ...model.errors import Problem
from .rows import Candidate


def check_candidates(
    candidates: Sequence[Candidate],
    campaign: Campaign,
    secretaries: Sequence[Secretary],
    register: tuple[list[IssuedBallot] | None, str],
    problems: list[Problem],
) -> list[Ballot]:
    """Return the ballots of the candidates that pass every check; report the others' problems."""
    by_id = {s.id: s for s in secretaries}
    issued, register_file = register
    by_serial = None if issued is None else {b.serial: b for b in issued}
    first: dict[str, Candidate] = {}
    ballots = []
    for candidate in candidates:
        before = len(problems)
        repeated = candidate.serial in first
        if repeated:
            problems.append(_duplicate(candidate, first[candidate.serial]))
        first.setdefault(candidate.serial, candidate)
        own = _against_secretaries(candidate, campaign, by_id)
        problems.extend(own)
        if by_serial is not None and candidate.secretary_id in by_id and not repeated:
            said = {p.field for p in own}  # one problem per cause: a wrong source is said once
            issued_wrong = _against_register(candidate, by_serial, register_file)
            problems.extend(p for p in issued_wrong if p.field not in said)
        if candidate.ballot is not None and len(problems) == before:
            ballots.append(candidate.ballot)
    printed = _printed(issued, campaign, by_id)
    return [b for b in ballots if not _beyond_printed(b, printed, candidates, problems)]


def _printed(
    issued: list[IssuedBallot] | None, campaign: Campaign, by_id: dict[str, Secretary]
) -> dict[tuple[str, str], int]:
    """Return how many sheets were printed per secretary and source: the register's, else the
    campaign's evaluators."""
    counts: dict[tuple[str, str], int] = {}
    if issued is not None:
        for sheet in issued:
            key = (sheet.secretary_id, sheet.source)
            counts[key] = counts.get(key, 0) + 1
        return counts
    for secretary in by_id.values():
        if secretary.role not in campaign.evaluators:
            continue
        for source, copies in campaign.copies(secretary).items():
            counts[(secretary.id, source)] = copies
    return counts


def _beyond_printed(
    ballot: Ballot,
    printed: dict[tuple[str, str], int],
    candidates: Sequence[Candidate],
    problems: list[Problem],
) -> bool:
    """Report a ballot beyond the sheets printed for its secretary and source: more came back
    than went out, so one at least is not genuine."""
    key = (ballot.secretary_id, ballot.source)
    printed[key] = printed.get(key, 0) - 1
    if printed[key] >= 0:
        return False
    candidate = next(c for c in candidates if c.ballot is ballot)
    zh = f"{ballot.secretary_id} 的“{ballot.source}”收回的选票多于印制的份数"
    en = f"more {ballot.source} ballots for {ballot.secretary_id} than sheets were printed"
    problems.append(candidate.problem("ballot_id", zh, en))
    return True


def _duplicate(candidate: Candidate, first: Candidate) -> Problem:
    """Return the problem of a serial seen before, naming where."""
    serial, there = candidate.serial, first.located
    if first.file != candidate.file:
        zh, en = "选票编号重复（跨文件）", "serial duplicated across files"
    else:
        zh, en = "选票编号重复", "serial duplicated"
    return candidate.problem(
        "ballot_id", f"{zh}：{serial} 首次出现于 {there}", f"{en}: {serial}, first at {there}"
    )


def _against_secretaries(
    candidate: Candidate, campaign: Campaign, by_id: dict[str, Secretary]
) -> list[Problem]:
    """Report an unknown secretary, and a source their role is not evaluated by."""
    secretary = by_id.get(candidate.secretary_id)
    if candidate.secretary_id and secretary is None:
        zh = f"没有编号为 {candidate.secretary_id} 的述职人（见 secretaries.yaml）"
        en = f"unknown secretary id {candidate.secretary_id} (not in secretaries.yaml)"
        return [candidate.problem("secretary_id", zh, en)]
    if secretary is None or not candidate.source:
        return []
    sources = list(campaign.rules.weights.get(secretary.role, {}))
    if candidate.source not in sources:
        listed = "、".join(sources)
        zh = f"{secretary.id}（{secretary.role}）的评议来源只有 {listed}，现为“{candidate.source}”"
        en = (
            f"source {candidate.source!r} is not one of {secretary.id}'s ({secretary.role}): "
            + ", ".join(sources)
        )
        return [candidate.problem("source", zh, en)]
    return []


def _against_register(
    candidate: Candidate, issued: dict[str, IssuedBallot], register_file: str
) -> list[Problem]:
    """Report a serial never issued, or issued for another secretary or source."""
    serial, sheet = candidate.serial, issued.get(candidate.serial)
    if sheet is None:
        zh = f"选票编号 {serial} 从未发放（不在 {register_file} 中）：请核对原票"
        en = f"serial {serial} was never issued (not in {register_file})"
        return [candidate.problem("ballot_id", zh, en)]
    if candidate.secretary_id and candidate.secretary_id != sheet.secretary_id:
        column = "secretary_id"
    elif candidate.source and candidate.source != sheet.source:
        column = "source"
    else:
        return []
    zh = (
        f"选票 {serial} 发放给的是 {sheet.secretary_id} 的“{sheet.source}”评议，"
        f"不是 {candidate.secretary_id} 的“{candidate.source}”"
    )
    en = (
        f"serial {serial} was issued for {sheet.secretary_id}, {sheet.source}; "
        f"not for {candidate.secretary_id}, {candidate.source}"
    )
    return [candidate.problem(column, zh, en)]
