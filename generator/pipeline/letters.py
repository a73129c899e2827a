"""`letters`: read the ballots and the committee's assessment, score, write the pack and archive.

load → score → render the pack's kinds (PDFs declared PDF/A as they are written) → sign, bundle,
manifest → publish in one step. Everything is read and checked first: nothing is rendered, and
--out is untouched, when the input is not sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..archive.archival import archival_document
from ..archive.assembly import ARCHIVE, assemble_archive
from ..archive.signing import DEMO_NOTICE, load_signer
from ..documents.context import LettersContext
from ..documents.registry import owns, pack
from ..load.assessment import load_assessment
from ..load.ballots import read_ballots
from ..load.ballots.scanned import scanned_texts
from ..load.coverage import fallbacks_used, typed_in_ballots, typed_in_files, unshowable
from ..load.data import CampaignData
from ..load.folder import DataFolder, InputFile
from ..load.secret import read_secret
from ..model.errors import InputError, Problem
from ..model.results import Results
from ..output.staging import Staging, output_lock
from ..progress import Progress
from ..render.fonts import MappedFont, repertoire
from ..render.pdf import PdfRenderer
from ..score.campaign import score_campaign
from .packs import render_pack
from .showable import load_showable, new_places


@dataclass(frozen=True, slots=True)
class Scored:
    """Everything `letters` read, checked and scored, and the bytes it read."""

    data: CampaignData
    fonts: dict[str, MappedFont]
    results: Results
    inputs: tuple[InputFile, ...]
    warnings: tuple[Problem, ...]  # characters set in a fallback font, found before rendering


def score(data_dir: Path, out_dir: Path) -> Scored:
    """Read everything `letters` needs and score it; every input problem in one InputError."""
    folder = DataFolder(data_dir)
    showable = load_showable(folder, plan=False)
    data, fonts = showable.data, showable.fonts
    checked = {source.path for source in folder.inputs()}
    campaign, secretaries = data.campaign, list(data.secretaries)
    problems: list[Problem] = []
    if campaign.results_date is None:
        problems.append(
            Problem(
                folder.shown("campaign.yaml"),
                "1",
                "results.date",
                "评定结果前须填写综合评价日期 results.date",
                "results.date (the date of the 综合评价意见) is needed to score",
            )
        )
    assessments = read = None
    try:
        assessments = load_assessment(folder, secretaries, campaign.rules)
    except InputError as error:
        problems += error.problems
    try:
        read = read_ballots(folder, out_dir, campaign, secretaries, read_secret(data_dir))
    except InputError as error:
        problems += error.problems
    printable = repertoire(fonts)
    read_since = [source for source in folder.inputs() if source.path not in checked]
    typed = typed_in_files(read_since, folder.root.as_posix())
    typed += typed_in_ballots(read.ballots if read else (), secretaries)
    problems += new_places(unshowable(typed, printable), problems)
    if problems or assessments is None or read is None or campaign.results_date is None:
        raise InputError(problems)
    results = score_campaign(campaign, secretaries, read, assessments, campaign.results_date)
    warnings = (*showable.warnings, *fallbacks_used(typed, printable))
    return Scored(data, fonts, results, folder.inputs(), warnings)


def summary(results: Results) -> list[str]:
    """Return the run's account for the clerk: ballots, grades, warnings, sheets not returned."""
    totals = results.totals
    lines = [
        f"评议票 {totals.read} 张：有效 {totals.valid}，空白 {totals.blank}，"
        f"废票 {totals.invalid} / ballots read {totals.read}: valid {totals.valid}, "
        f"blank {totals.blank}, invalid {totals.invalid}"
    ]
    counts = results.distribution.counts
    lines.append(
        "党支部书记等次 / branch grades: "
        + "，".join(f"{grade} {n}" for grade, n in counts.items())
    )
    lines += [f"提示 / warning: {w}" for w in results.distribution.warnings]
    unreturned = results.unreturned
    if unreturned:
        lines.append(
            f"未收回的选票 {len(unreturned)} 张 / issued sheets not returned: "
            + ", ".join(b.serial for b in unreturned[:20])
            + (" …" if len(unreturned) > 20 else "")
        )
    return lines


def run_letters(data_dir: Path, out_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Score, render the pack, sign and bundle it, publish; return the files written."""
    progress = progress or Progress(quiet=True)
    with output_lock(out_dir):
        scored = score(data_dir, out_dir)
        for warning in scored.warnings:
            progress.warn(str(warning))
        campaign, secretaries = scored.data.campaign, scored.data.secretaries
        signer = load_signer(data_dir, campaign)
        if signer.is_demo:
            progress.say(DEMO_NOTICE)
        for line in summary(scored.results):
            progress.say(line)
        renderer = PdfRenderer(scored.fonts)
        context = LettersContext(
            campaign, secretaries, scored.results, renderer, scanned_texts=scanned_texts(out_dir)
        )
        staging = Staging(out_dir, len(secretaries))
        try:
            carried = staging.carry_over(_owned)
            written = render_pack(pack("letters"), context, staging, progress, archival_document)
            written = assemble_archive(
                context, staging, written, carried, scored.inputs, signer, progress
            )
            staging.publish()
        except BaseException:
            staging.discard()
            raise
    return [out_dir / record.path for record in sorted(written, key=lambda w: w.path)]


def _owned(path: str) -> bool:
    """Say whether a path under --out is one `letters` writes anew: its pack's and the archive's."""
    return owns("letters", path) or path.startswith(ARCHIVE + "/")
