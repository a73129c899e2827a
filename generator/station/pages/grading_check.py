"""What the committee grades from: the campaign scored as it stands, and a candidate
assessment.yaml checked by the CLI's own loader and scoring rule before a byte of it is written."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ...load.assessment import FILE, load_assessment
from ...load.ballots import read_ballots
from ...load.data import load_campaign_data
from ...load.folder import DataFolder
from ...load.secret import read_secret
from ...model.assessment import Assessment
from ...model.ballot import REGISTER
from ...model.campaign import Campaign, Secretary
from ...model.errors import InputError, Problem
from ...model.results import Results
from ...pipeline.letters import score
from ...score.scoring import lifting_refused, score_secretary
from ..memo import FileMemo
from ..store import STATION_FOLDER
from .grading_file import dump

_scored: FileMemo[Standing] = FileMemo()


@dataclass(frozen=True, slots=True)
class Standing:
    """The campaign as it stands: its secretaries, and their results or why there are none yet."""

    campaign: Campaign | None  # None: the campaign itself cannot be read
    secretaries: tuple[Secretary, ...]
    results: Results | None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    def find(self, ident: str) -> Secretary | None:
        return next((s for s in self.secretaries if s.id == ident), None)


def standing(data_dir: Path, out_dir: Path) -> Standing:
    """Score the data folder as `letters` would, writing nothing; kept while no file it reads
    changes (scoring a county takes seconds, and the committee opens page after page)."""
    return _scored.get(
        (data_dir, out_dir), inputs(data_dir, out_dir), partial(_standing, data_dir, out_dir)
    )


def inputs(data_dir: Path, out_dir: Path) -> list[Path]:
    """Return every file scoring may read: the data folder's (not the station's own state) and
    the register and scan results under the output folder."""
    found = [p for p in data_dir.rglob("*") if STATION_FOLDER not in p.parts and p.is_file()]
    found += [out_dir / REGISTER, *sorted((out_dir / "scan").glob("*.csv"))]
    found.append(out_dir / "scan" / "text" / "index.csv")
    return sorted(found)


def _standing(data_dir: Path, out_dir: Path) -> Standing:
    """On input problems keep them and still name the secretaries, so the committee can go on
    entering assessments."""
    try:
        scored = score(data_dir, out_dir)
    except InputError as error:
        problems = tuple(error.problems)
    else:
        data = scored.data
        return Standing(data.campaign, data.secretaries, scored.results, (), scored.warnings)
    try:
        data = load_campaign_data(DataFolder(data_dir), plan=False)
    except InputError:
        return Standing(None, (), None, problems)  # score() reported these problems already
    return Standing(data.campaign, data.secretaries, None, problems)


class _Candidate(DataFolder):
    """The data folder with assessment.yaml as a form would write it."""

    def __init__(self, root: Path, assessment: bytes):
        super().__init__(root)
        self._assessment = assessment

    def is_file(self, relative: str) -> bool:
        return relative == FILE or super().is_file(relative)

    def read(self, relative: str) -> bytes:
        return self._assessment if relative == FILE else super().read(relative)


def check_entry(
    data_dir: Path,
    out_dir: Path,
    now: Standing,
    secretary: Secretary,
    candidate: bytes,
    entry: dict[str, object],
) -> list[Problem]:
    """Return what `letters` would refuse in this secretary's entry of the candidate file.

    Problems another entry already had are not this form's to fix: they show on the page, and
    the entry is checked on its own to go on to the scoring rule.
    """
    assert now.campaign is not None, "a secretary is found only in a campaign that was read"
    rules = now.campaign.rules
    try:
        assessment = load_assessment(_Candidate(data_dir, candidate), list(now.secretaries), rules)
    except InputError as error:
        own = [p for p in error.problems if _about(p, secretary.id)]
        if own:
            return own
        alone = _Candidate(data_dir, dump({secretary.id: entry}))
        assessment = load_assessment(alone, list(now.secretaries), rules)
    return _lifted(
        data_dir, out_dir, now.campaign, now.secretaries, secretary, assessment[secretary.id]
    )


def _about(problem: Problem, ident: str) -> bool:
    """Say whether a problem of assessment.yaml is in this secretary's entry."""
    return problem.field == ident or problem.field.startswith(f"{ident}.")


def _lifted(
    data_dir: Path,
    out_dir: Path,
    campaign: Campaign,
    secretaries: tuple[Secretary, ...],
    secretary: Secretary,
    assessment: Assessment,
) -> list[Problem]:
    """Return the scoring rule's refusal of an override that lifts a forced lowest grade."""
    if assessment.grade is None:
        return []
    folder, secret = DataFolder(data_dir), read_secret(data_dir)
    try:
        read = read_ballots(folder, out_dir, campaign, secretaries, secret)
        ballots = [b for b in read.ballots if b.secretary_id == secretary.id]
        # The date decides the 整改 deadline only, never whether the grade may be lifted.
        day = campaign.results_date or campaign.meeting.date
        score_secretary(secretary, campaign, ballots, assessment, day)
    except InputError as error:
        refused = [p for p in error.problems if p.field == "grade"]
        return refused or _forced_by_assessment(assessment, campaign)
    return []


def _forced_by_assessment(assessment: Assessment, campaign: Campaign) -> list[Problem]:
    """Return the same refusal while the ballots cannot be scored yet: a major failure or being
    held accountable forces the lowest grade whatever the ballots say."""
    lowest = campaign.rules.lowest
    if assessment.grade == lowest or not (assessment.major_failure or assessment.held_accountable):
        return []
    return [lifting_refused(campaign, assessment)]
