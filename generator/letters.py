"""`letters`: read the ballots and the committee's assessment, score, write results.json.

Everything is read and checked first; results.json is written only when all of it is sound, and
nothing else is rendered when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assessment import load_assessment
from .errors import InputError, Problem
from .loading import load_campaign_data
from .output import OutputWriter
from .progress import Progress
from .results import RESULTS, CampaignResults, results_document, results_json, score_campaign


@dataclass(frozen=True, slots=True)
class LettersRun:
    results: CampaignResults
    document: dict


def score(data_dir: Path, out_dir: Path) -> LettersRun:
    """Read everything `letters` needs and score it; every input problem in one InputError."""
    from .ballot_input import read_ballots

    data = load_campaign_data(data_dir)
    campaign, secretaries = data.campaign, list(data.secretaries)
    shown_dir = data_dir.as_posix()
    problems: list[Problem] = []
    if campaign.results_date is None:
        problems.append(
            Problem(
                f"{shown_dir}/campaign.yaml",
                "1",
                "results.date",
                "评定结果前须填写综合评价日期 results.date",
                "results.date (the date of the 综合评价意见) is needed to score",
            )
        )
    assessments = read = None
    try:
        assessments = load_assessment(
            data_dir / "assessment.yaml", f"{shown_dir}/assessment.yaml", secretaries
        )
    except InputError as error:
        problems += error.problems
    try:
        read = read_ballots(data_dir, out_dir, campaign, secretaries)
    except InputError as error:
        problems += error.problems
    if problems or assessments is None or read is None:
        raise InputError(problems)
    results = score_campaign(campaign, secretaries, read, assessments, campaign.results_date)
    return LettersRun(results, results_document(results, campaign, campaign.results_date))


def summary(run: LettersRun) -> list[str]:
    """Return the run's account for the clerk: ballots, grades, warnings, sheets not returned."""
    totals = run.document["ballots_total"]
    lines = [
        f"评议票 {totals['read']} 张：有效 {totals['valid']}，空白 {totals['blank']}，"
        f"废票 {totals['invalid']} / ballots read {totals['read']}: valid {totals['valid']}, "
        f"blank {totals['blank']}, invalid {totals['invalid']}"
    ]
    counts = run.document["distribution"]["counts"]
    lines.append(
        "党支部书记等次 / branch grades: "
        + "，".join(f"{grade} {n}" for grade, n in counts.items())
    )
    lines += [f"提示 / warning: {w}" for w in run.document["distribution"]["warnings"]]
    unreturned = run.document["unreturned"]
    if unreturned:
        lines.append(
            f"未收回的选票 {len(unreturned)} 张 / issued sheets not returned: "
            + ", ".join(b["ballot_id"] for b in unreturned[:20])
            + (" …" if len(unreturned) > 20 else "")
        )
    return lines


def run_letters(data_dir: Path, out_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Score and write results.json; bad input leaves out_dir untouched."""
    progress = progress or Progress(quiet=True)
    run = score(data_dir, out_dir)
    for line in summary(run):
        progress.say(line)
    writer = OutputWriter(out_dir)
    writer.add(RESULTS, results_json(run.document))
    return writer.commit()
