"""The scored campaign: a typed, frozen view every document reads, and results.json's bytes.

Scoring (score/) builds it once; documents read its fields, never results.json's keys. Its
`to_json` writes results.json in the contract's shape, and `entry_json` one secretary's entry (the
data a personal PDF carries for the archive).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from .assessment import Assessment
from .ballot import STATUSES, Ballot, IssuedBallot
from .campaign import Secretary
from .figures import shown


@dataclass(frozen=True, slots=True)
class SourceCount:
    """The ballots of one secretary from one source, or the committee's score for a source the
    committee gives (`given`)."""

    valid: int
    blank: int
    invalid: int
    total: int  # the sum of the valid scores
    low: int  # valid ballots at or below the low-vote rule's score
    given: Fraction | None = None  # a committee source's score (assessment.yaml `scores`)

    @property
    def returned(self) -> int:
        return self.valid + self.blank + self.invalid

    @property
    def mean(self) -> Fraction | None:
        if self.given is not None:
            return self.given
        return Fraction(self.total, self.valid) if self.valid else None

    @property
    def mean_text(self) -> str | None:
        """Return the mean as results.json shows it (3 decimals, half-up), None without one."""
        return shown(self.mean) if self.mean is not None else None


@dataclass(frozen=True, slots=True)
class SecretaryResult:
    """One secretary's counts, score, grade, consequences and the reasons for them."""

    secretary: Secretary
    sources: dict[str, SourceCount]
    weighted: Fraction
    score: Decimal
    low_share: Fraction
    score_grade: str
    grade: str
    reasons: tuple[str, ...]
    rectification_due: date | None
    comments: dict[str, tuple[str, ...]]  # the ballots' texts, sorted: tied to no serial
    assessment: Assessment
    excellent_eligible: bool  # the grade is one rules.excellent_requires allows
    interview_required: bool  # the grade is one of rules.interview_grades
    forced_by: tuple[str, ...] = ()  # what forced the lowest grade, as sentences without citation
    deciding: tuple[
        str, ...
    ] = ()  # the reasons that moved the grade off the score's: forced, override

    @property
    def score_text(self) -> str:
        return f"{self.score:.3f}"

    def to_dict(self) -> dict:
        """Return the secretary's entry of results.json."""
        s = self.secretary
        return {
            "id": s.id,
            "name": s.name,
            "role": s.role,
            "organization": s.organization,
            "ballots": {source: _source(c) for source, c in self.sources.items()},
            "score": self.score_text,
            "score_exact": f"{self.weighted.numerator}/{self.weighted.denominator}",
            "low_vote_share": shown(self.low_share),
            "score_grade": self.score_grade,
            "grade": self.grade,
            "reasons": list(self.reasons),
            "excellent_eligible": self.excellent_eligible,
            "interview_required": self.interview_required,
            "rectification_due": self.rectification_due.isoformat()
            if self.rectification_due
            else None,
            "comments": {kind: list(texts) for kind, texts in self.comments.items()},
            "assessment": _assessment(self.assessment),
        }


@dataclass(frozen=True, slots=True)
class Distribution:
    """The grades of the secretaries the town committee grades, against 五（四）'s guidance."""

    counts: dict[str, int]
    below_good_share: Fraction
    low_grades: int
    warnings: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "scope": "branch",  # the town committee grades its branch secretaries (五（四）)
            "counts": self.counts,
            "below_good_share": shown(self.below_good_share),
            "low_grades": self.low_grades,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """Ballots read and how many were valid, blank and invalid."""

    read: int
    valid: int
    blank: int
    invalid: int


@dataclass(frozen=True, slots=True)
class Results:
    """Every secretary's result, the distribution, and the account of every ballot."""

    year: int
    issuer: str
    date: date  # results.date: the 综合评价意见's date, the archive's
    secretaries: tuple[SecretaryResult, ...]  # in secretaries.yaml order
    distribution: Distribution
    ballots: tuple[Ballot, ...]  # every ballot read, each once
    unreturned: tuple[IssuedBallot, ...]
    files: tuple[str, ...]  # the ballot files read
    _index: dict[str, tuple[SecretaryResult, list[Ballot]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[str, tuple[SecretaryResult, list[Ballot]]] = {
            r.secretary.id: (r, []) for r in self.secretaries
        }
        for ballot in self.ballots:
            index[ballot.secretary_id][1].append(ballot)
        object.__setattr__(self, "_index", index)  # frozen: set once, here

    def of(self, secretary: Secretary) -> SecretaryResult:
        """Return one secretary's result."""
        return self._index[secretary.id][0]

    def ballots_of(self, secretary: Secretary) -> list[Ballot]:
        """Return one secretary's ballots, in the order they were read."""
        return list(self._index[secretary.id][1])

    @property
    def totals(self) -> StatusCounts:
        return _counts(self.ballots)

    def per_source(self) -> dict[str, StatusCounts]:
        """Return the ballots read per source, in the order they were first read."""
        sources = dict.fromkeys(b.source for b in self.ballots)
        return {s: _counts([b for b in self.ballots if b.source == s]) for s in sources}

    def to_json(self) -> bytes:
        """Return results.json's bytes, as the contract lays it out."""
        return json_bytes(
            {
                "campaign": {
                    "year": self.year,
                    "issuer": self.issuer,
                    "results_date": self.date.isoformat(),
                },
                "secretaries": [r.to_dict() for r in self.secretaries],
                "distribution": self.distribution.to_dict(),
                "ballots_total": self._ballots_total(),
                "unreturned": [
                    {"ballot_id": b.serial, "secretary_id": b.secretary_id, "source": b.source}
                    for b in self.unreturned
                ],
                "files": list(self.files),
            }
        )

    def _ballots_total(self) -> dict:
        def as_dict(counts: StatusCounts) -> dict[str, int]:
            return {"read": counts.read, **{s: getattr(counts, s) for s in STATUSES}}

        per_source = {source: as_dict(c) for source, c in self.per_source().items()}
        return {**as_dict(self.totals), "per_source": per_source}


def entry_json(result: SecretaryResult) -> bytes:
    """Return one secretary's entry of results.json, on its own."""
    return json_bytes(result.to_dict())


def json_bytes(document: object) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _counts(ballots: list[Ballot] | tuple[Ballot, ...]) -> StatusCounts:
    by_status = {s: sum(1 for b in ballots if b.status == s) for s in STATUSES}
    return StatusCounts(len(ballots), **by_status)


def _source(count: SourceCount) -> dict:
    figures: dict[str, object] = {
        "valid": count.valid,
        "blank": count.blank,
        "invalid": count.invalid,
        "mean": count.mean_text,
    }
    if count.given is not None:
        figures["given_by"] = "committee"  # no ballots: the committee's score (assessment.yaml)
    return figures


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
        **(
            {"scores": {k: shown(v) for k, v in assessment.scores.items()}}
            if assessment.scores
            else {}
        ),
    }
