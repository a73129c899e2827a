"""`letters`: read the ballots and the committee's assessment, score, write the pack.

Everything is read and checked first; results.json and the documents are written only when all
of it is sound, and nothing is rendered when it is not. The documents are a list of kinds, each
rendered from results.json's content and the campaign data, as in `forms`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .archive.archival import archival_files
from .archive.assembly import OWN_FOLDERS, assemble_archive
from .archive.signing import DEMO_NOTICE, load_signer
from .assessment import load_assessment
from .documents.archive_insert import archive_insert_files
from .documents.circular import circular_files
from .documents.evaluation_letter import evaluation_letter_files
from .documents.filing_report import filing_report_files
from .documents.rectification import rectification_files
from .errors import InputError, Problem
from .filled_forms import FILLED_COST, filled_forms_1, filled_forms_2, tally_forms
from .fonts import load_font_map
from .loading import CampaignData, load_campaign_data
from .output import OutputWriter
from .progress import Progress
from .render.parallel import map_forked
from .render.pdf import PdfRenderer
from .results import CampaignResults, results_document, score_campaign


@dataclass(frozen=True, slots=True)
class LettersRun:
    """What every document kind of the post-grading pack may use."""

    results: CampaignResults  # the scored campaign, with every ballot read
    document: dict  # results.json's content: what the documents show
    data: CampaignData
    renderer: PdfRenderer | None = None
    progress: Progress = field(default_factory=lambda: Progress(quiet=True))

    @property
    def campaign(self):
        return self.data.campaign

    @property
    def secretaries(self):
        return list(self.data.secretaries)


LETTERS = "letters"  # the post-grading pack's folder under --out
PACK: list[Callable[[LettersRun], dict[str, bytes]]] = [
    filled_forms_1,
    filled_forms_2,
    tally_forms,
    evaluation_letter_files,
    archive_insert_files,
    circular_files,
    filing_report_files,
    rectification_files,
]
# Rough seconds each kind takes on the sample, PDF/A declaration included, to start the long
# ones first on the two cores.
COST = {
    **FILLED_COST,
    "rectification_files": 6.5,
    "evaluation_letter_files": 5.5,
    "archive_insert_files": 4.5,
    "filing_report_files": 1.0,
    "circular_files": 0.7,
}


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
    return LettersRun(results, results_document(results, campaign, campaign.results_date), data)


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
    """Score, render the pack, sign and bundle it; bad input leaves out_dir untouched."""
    progress = progress or Progress(quiet=True)
    scored = score(data_dir, out_dir)
    signer = load_signer(data_dir, scored.campaign)
    if signer.is_demo:
        progress.say(DEMO_NOTICE)
    for line in summary(scored):
        progress.say(line)
    renderer = PdfRenderer(load_font_map(scored.campaign.fonts))
    run = replace(scored, renderer=renderer, progress=progress)
    kinds = [partial(archival_kind_files, kind) for kind in PACK]
    pack: dict[str, bytes] = {}
    for files in map_forked(kinds, run, [COST.get(kind.__name__, 1.0) for kind in PACK]):
        pack.update(files)
    writer = OutputWriter(out_dir)
    for relative, content in assemble_archive(run, pack, signer, data_dir, out_dir).items():
        writer.add(relative, content)
    return writer.commit(replacing=OWN_FOLDERS)


def archival_kind_files(kind: Callable[[LettersRun], dict[str, bytes]], run: LettersRun):
    """Return one kind's files, its PDFs declared PDF/A-3b (in the worker that rendered them)."""
    return archival_files(run, kind(run))
