"""The serialised ballots: booklets in meeting order and the layout file a scanner reads."""

from __future__ import annotations

import json
from dataclasses import dataclass

from markupsafe import Markup

from .documents.ballot_sheet import (
    QR_PAYLOAD,
    SheetLayout,
    layout_css,
    layout_description,
    sheet_layout,
)
from .documents.evaluation_form import EvaluationForm, personal_form
from .model import Secretary
from .render.stamp import Stamp, stamped_booklet
from .serials import fingerprint
from .templating import html_environment

BOOKLETS = "forms/选票"
LAYOUT_FILE = f"{BOOKLETS}/ballot-layout.json"


@dataclass(frozen=True, slots=True)
class Sheet:
    """The sheet of one secretary and source, before its copies are serialised."""

    secretary: Secretary
    source: str
    form: EvaluationForm
    layout: SheetLayout


def sheets_in_meeting_order(campaign, secretaries: list[Secretary]) -> list[Sheet]:
    """Return one sheet per secretary and source, secretary by secretary as the meeting goes."""
    sheets = []
    for secretary in secretaries:
        form = personal_form(campaign, secretaries, secretary)
        for source in campaign.evaluators[secretary.role]:
            sheets.append(Sheet(secretary, source, form, sheet_layout(form)))
    return sheets


def booklet_name(number: int, secretary: Secretary) -> str:
    return f"{BOOKLETS}/{number:02d}-{secretary.name}.pdf"


def ballot_files(run) -> dict[str, bytes]:
    """Return a booklet per secretary (every copy of every source) and the layout file."""
    campaign, secretaries = run.campaign, run.secretaries
    sheets = sheets_in_meeting_order(campaign, secretaries)
    layouts = {s.secretary.role: s.layout for s in sheets}
    css = "\n".join(layout_css(kind, layout) for kind, layout in layouts.items())
    html = (
        html_environment(run.renderer.fonts)
        .get_template("ballot_sheet.html")
        .render(sheets=sheets, layout_css=Markup(css), title=f"{campaign.year}年度述职评议选票")
    )
    sheets_pdf = run.renderer.render(html)
    page_of = {(s.secretary.id, s.source): index for index, s in enumerate(sheets)}
    mark = fingerprint(campaign, secretaries)
    font_file = run.renderer.fonts["黑体"].file
    files = {}
    for number, secretary in enumerate(
        run.progress.track(secretaries, "选票 ballots", len(secretaries)), start=1
    ):
        copies = []
        for ballot in (b for b in run.issued if b.secretary_id == secretary.id):
            layout = sheets[page_of[(secretary.id, ballot.source)]].layout
            payload = QR_PAYLOAD.format(
                year=campaign.year,
                serial=ballot.serial,
                secretary_id=secretary.id,
                source=ballot.source,
                fingerprint=mark,
            )
            stamp = Stamp(f"编号 {ballot.serial}", layout.serial, payload, layout.qr)
            copies.append((page_of[(secretary.id, ballot.source)], stamp))
        files[booklet_name(number, secretary)] = stamped_booklet(
            sheets_pdf, copies, font_file, f"{campaign.year}年度述职评议选票 {secretary.name}"
        )
    description = layout_description(layouts)
    files[LAYOUT_FILE] = (json.dumps(description, ensure_ascii=False, indent=2) + "\n").encode()
    return files
