"""`forms`: validate the campaign data and write the pre-meeting pack.

The pack is a list of document kinds; each takes the run's shared context and returns the files
it makes. Everything is rendered in memory first, then written at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .ballots import ballot_files
from .documents.notice import Notice, build_notice
from .documents.report_template import report_template_files
from .documents.schedule import schedule_files
from .errors import InputError
from .fonts import load_font_map
from .loading import CampaignData, load_campaign_data
from .output import OutputWriter
from .personal_forms import personal_form_files
from .plan import Paragraph, read_plan
from .progress import Progress
from .render.docx import render_docx
from .render.imprint import ImprintPlacement, place_imprint
from .render.parallel import map_forked
from .render.pdf import PdfRenderer
from .serials import (
    REGISTER,
    SECRET_FILE,
    IssuedBallot,
    campaign_secret,
    issue_ballots,
    register_csv,
)
from .tally import tally_files
from .templating import html_environment


@dataclass(frozen=True, slots=True)
class Inputs:
    data: CampaignData
    plan: list[Paragraph]


@dataclass(frozen=True, slots=True)
class FormsRun:
    """What every document kind of the pre-meeting pack may use."""

    inputs: Inputs
    renderer: PdfRenderer
    issued: list[IssuedBallot]
    progress: Progress

    @property
    def campaign(self):
        return self.inputs.data.campaign

    @property
    def secretaries(self):
        return list(self.inputs.data.secretaries)


def load_inputs(data_dir: Path) -> Inputs:
    """Read and check everything `forms` needs; every problem is reported in one InputError."""
    problems = []
    data = plan = None
    try:
        data = load_campaign_data(data_dir)
    except InputError as error:
        problems += error.problems
    try:
        plan = read_plan(data_dir / "notice.md", f"{data_dir.as_posix()}/notice.md")
    except InputError as error:
        problems += error.problems
    if problems or data is None or plan is None:
        raise InputError(problems)
    return Inputs(data, plan)


def render_notice(renderer: PdfRenderer, notice: Notice) -> tuple[bytes, ImprintPlacement]:
    """Render the 通知's PDF in two layouts: the first decides where the 版记 goes."""
    html = html_environment(renderer.fonts).get_template("notice.html").render(n=notice)
    placement = place_imprint(renderer.layout(html))
    document = renderer.layout(html, placement.css())
    if len(document.pages) != placement.page:
        raise RuntimeError(
            f"版记 expected on page {placement.page}, document has {len(document.pages)} pages"
        )
    return renderer.write(document), placement


def notice_files(run: FormsRun) -> dict[str, bytes]:
    """Return the 通知 as DOCX and PDF, two renderings of one context."""
    notice = build_notice(run.campaign, run.secretaries, run.inputs.plan)
    pdf, placement = render_notice(run.renderer, notice)
    docx = render_docx("notice.docx", {"n": notice, "n_layout": placement})
    return {"forms/通知.pdf": pdf, "forms/通知.docx": docx}


def register_files(run: FormsRun) -> dict[str, bytes]:
    """Return the register of issued serials that `letters` checks the ballots against."""
    return {REGISTER: register_csv(run.issued)}


PACK: list[Callable[[FormsRun], dict[str, bytes]]] = [
    notice_files,
    personal_form_files,
    register_files,
    ballot_files,
]
PACK.append(schedule_files)
PACK.append(report_template_files)
PACK.append(tally_files)


# Rough seconds each kind takes on the sample, to start the long ones first on the two cores.
COST = {
    "ballot_files": 6.5,
    "notice_files": 3.0,
    "personal_form_files": 2.0,
    "tally_files": 1.8,
    "report_template_files": 1.6,
    "schedule_files": 1.1,
}


def run_forms(
    data_dir: Path, out_dir: Path, *, reissue: bool = False, progress: Progress | None = None
) -> list[Path]:
    """Validate, render everything in memory, then write; bad input leaves out_dir untouched."""
    progress = progress or Progress(quiet=True)
    inputs = load_inputs(data_dir)
    renderer = PdfRenderer(load_font_map(inputs.data.campaign.fonts))
    secret, new_secret = campaign_secret(data_dir, reissue)
    if reissue:
        progress.say(
            "已重新生成选票编号，此前印制的选票作废 / new ballot serials issued: "
            "sheets printed earlier are void"
        )
    elif new_secret:
        progress.say(
            f"已生成本次考核的选票密钥 {data_dir / SECRET_FILE}，请妥善保管 / created the "
            "campaign's ballot secret; keep it: re-runs give the same serials from it"
        )
    issued = issue_ballots(inputs.data.campaign, list(inputs.data.secretaries), secret)
    run = FormsRun(inputs, renderer, issued, progress)
    writer = OutputWriter(out_dir)
    for files in map_forked(PACK, run, [COST.get(kind.__name__, 1.0) for kind in PACK]):
        for relative, content in files.items():
            writer.add(relative, content)
    return writer.commit()
