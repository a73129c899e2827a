"""`forms`: validate the campaign data and write the pre-meeting pack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .documents.notice import Notice, build_notice
from .errors import InputError
from .fonts import load_font_map
from .loading import CampaignData, load_campaign_data
from .output import OutputWriter
from .plan import Paragraph, read_plan
from .render.docx import render_docx
from .render.imprint import ImprintPlacement, place_imprint
from .render.pdf import PdfRenderer
from .templating import html_environment


@dataclass(frozen=True, slots=True)
class Inputs:
    data: CampaignData
    plan: list[Paragraph]


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


def notice_files(renderer: PdfRenderer, inputs: Inputs) -> dict[str, bytes]:
    """Return the 通知 as DOCX and PDF, two renderings of one context."""
    notice = build_notice(inputs.data.campaign, list(inputs.data.secretaries), inputs.plan)
    pdf, placement = render_notice(renderer, notice)
    docx = render_docx("notice.docx", {"n": notice, "n_layout": placement})
    return {"forms/通知.pdf": pdf, "forms/通知.docx": docx}


def run_forms(data_dir: Path, out_dir: Path) -> list[Path]:
    """Validate, render everything in memory, then write; bad input leaves out_dir untouched."""
    inputs = load_inputs(data_dir)
    renderer = PdfRenderer(load_font_map(inputs.data.campaign.fonts))
    writer = OutputWriter(out_dir)
    for relative, content in notice_files(renderer, inputs).items():
        writer.add(relative, content)
    return writer.commit()
