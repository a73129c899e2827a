"""Score the whole campaign: every secretary, the distribution, the account of every ballot."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..model.assessment import Assessment
from ..model.ballot import BallotsRead
from ..model.campaign import Campaign, Secretary
from ..model.errors import InputError
from ..model.results import Results
from .scoring import distribution, score_secretary


def score_campaign(
    campaign: Campaign,
    secretaries: Sequence[Secretary],
    read: BallotsRead,
    assessments: dict[str, Assessment],
    results_date: date,
) -> Results:
    """Score every secretary; report every secretary that cannot be scored, all at once."""
    results, problems = [], []
    by_secretary: dict[str, list] = {s.id: [] for s in secretaries}
    for ballot in read.ballots:
        by_secretary.setdefault(ballot.secretary_id, []).append(ballot)
    for secretary in secretaries:
        assessment = assessments.get(secretary.id, Assessment())
        try:
            results.append(
                score_secretary(
                    secretary, campaign, by_secretary[secretary.id], assessment, results_date
                )
            )
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return Results(
        year=campaign.year,
        issuer=campaign.issuer.name,
        date=results_date,
        secretaries=tuple(results),
        distribution=distribution(results, campaign),
        ballots=read.ballots,
        unreturned=read.unreturned,
        files=read.files,
    )
