"""Score the whole campaign and write results.json: the one input of every later document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from .assessment import Assessment
from .ballot import STATUSES, BallotsRead
from .errors import InputError
from .model import Campaign, Secretary
from .scoring import Distribution, SecretaryResult, distribution, score_secretary, shown

RESULTS = "results.json"


@dataclass(frozen=True, slots=True)
class CampaignResults:
    """Every secretary's result, the distribution, and the account of every ballot."""

    secretaries: list[SecretaryResult]
    distribution: Distribution
    read: BallotsRead
    assessments: dict[str, Assessment] = field(default_factory=dict)  # by secretary id


def score_campaign(
    campaign: Campaign,
    secretaries: list[Secretary],
    read: BallotsRead,
    assessments: dict[str, Assessment],
    results_date: date,
) -> CampaignResults:
    """Score every secretary; report every secretary that cannot be scored, all at once."""
    results, problems = [], []
    for secretary in secretaries:
        ballots = [b for b in read.ballots if b.secretary_id == secretary.id]
        try:
            results.append(
                score_secretary(
                    secretary, campaign, ballots, assessments[secretary.id], results_date
                )
            )
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    return CampaignResults(results, distribution(results, campaign), read, dict(assessments))


def results_document(results: CampaignResults, campaign: Campaign, results_date: date) -> dict:
    """Return results.json's content, as the contract lays it out."""
    return {
        "campaign": {
            "year": campaign.year,
            "issuer": campaign.issuer.name,
            "results_date": results_date.isoformat(),
        },
        "secretaries": [
            _secretary(r, results.assessments.get(r.secretary.id, Assessment()))
            for r in results.secretaries
        ],
        "distribution": _distribution(results.distribution),
        "ballots_total": _ballots_total(results.read),
        "unreturned": [
            {"ballot_id": b.serial, "secretary_id": b.secretary_id, "source": b.source}
            for b in results.read.unreturned
        ],
        "files": list(results.read.files),
    }


def results_json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _secretary(result: SecretaryResult, assessment: Assessment) -> dict:
    s = result.secretary
    return {
        "id": s.id,
        "name": s.name,
        "role": s.role,
        "organization": s.organization,
        "ballots": {
            source: {
                "valid": c.valid,
                "blank": c.blank,
                "invalid": c.invalid,
                "mean": shown(c.mean) if c.mean is not None else None,
            }
            for source, c in result.sources.items()
        },
        "score": f"{result.score:.3f}",
        "score_exact": f"{result.weighted.numerator}/{result.weighted.denominator}",
        "low_vote_share": shown(result.low_share),
        "score_grade": result.score_grade,
        "grade": result.grade,
        "reasons": list(result.reasons),
        "excellent_eligible": result.excellent_eligible,
        "interview_required": result.interview_required,
        "rectification_due": result.rectification_due.isoformat()
        if result.rectification_due
        else None,
        "comments": {kind: list(texts) for kind, texts in result.comments.items()},
        "assessment": _assessment(assessment),
    }


def _assessment(assessment: Assessment) -> dict:
    """Return the committee's 综合评价 as the letters and inserts quote it (assessment.yaml)."""
    override = None
    if assessment.grade is not None:
        override = {"grade": assessment.grade, "reason": assessment.reason}
    return {
        "achievements": list(assessment.achievements),
        "problems": list(assessment.problems),
        "major_failure": assessment.major_failure,
        "held_accountable": assessment.held_accountable,
        "override": override,
    }


def _distribution(d: Distribution) -> dict:
    return {
        "scope": "branch",  # the town committee grades its branch secretaries (五（四）)
        "counts": d.counts,
        "below_good_share": shown(d.below_good_share),
        "low_grades": d.low_grades,
        "warnings": list(d.warnings),
    }


def _ballots_total(read: BallotsRead) -> dict:
    per_source: dict[str, dict[str, int]] = {}
    for ballot in read.ballots:
        counts = per_source.setdefault(ballot.source, {"read": 0, **dict.fromkeys(STATUSES, 0)})
        counts["read"] += 1
        counts[ballot.status] += 1
    totals = {"read": len(read.ballots)}
    totals.update(
        {status: sum(1 for b in read.ballots if b.status == status) for status in STATUSES}
    )
    return {**totals, "per_source": per_source}
