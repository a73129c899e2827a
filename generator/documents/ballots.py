"""The serialised ballots: a booklet per secretary, in meeting order, and the layout file.

Each sheet is the 评议表 at fixed places (ballot_sheet.py), laid out once per secretary and source;
its copies are stamped with the serial (as glyph outlines) and the QR code (as filled squares),
one layout instead of one per copy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from ..model.ballot_code import LAYOUT_VERSION, BallotCode
from ..model.campaign import Campaign, Secretary
from ..render.stamp import Stamp, qr_version, stamped_booklet
from ..render.templating import html_environment
from .ballot_sheet import (
    SheetLayout,
    form_label,
    layout_css,
    layout_description,
    sheet_layout,
)
from .context import FormsContext
from .evaluation_form import EvaluationForm, personal_form
from .kind import Document, Kind

FOLDER = "forms/选票"
DESTROY = "印制文件，印后销毁 / print file: destroy once printed"  # each booklet's PDF subject


@dataclass(frozen=True, slots=True)
class Sheet:
    """The sheet of one secretary and source, before its copies are serialised."""

    secretary: Secretary
    source: str
    form: EvaluationForm
    layout: SheetLayout

    @property
    def form_label(self) -> str:
        """Return the form kind's code printed small on the sheet (ballot_sheet.form_label)."""
        return form_label(self.secretary.role).text


def sheets_in_meeting_order(
    campaign: Campaign, secretaries: Sequence[Secretary], batch: Sequence[Secretary]
) -> list[Sheet]:
    """Return one sheet per secretary of the batch and source, as the meeting goes."""
    sheets = []
    for secretary in batch:
        form = personal_form(campaign, secretaries, secretary)
        for source in campaign.copies(secretary):
            sheets.append(Sheet(secretary, source, form, sheet_layout(form)))
    return sheets


def booklets(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield a booklet per secretary of the batch: every copy of every source, stamped."""
    campaign = context.campaign
    sheets = sheets_in_meeting_order(campaign, context.secretaries, batch)
    layouts = {s.secretary.role: s.layout for s in sheets}
    css = "\n".join(layout_css(kind, layout) for kind, layout in layouts.items())
    html = (
        html_environment(context.renderer.fonts)
        .get_template("ballot_sheet.html")
        .render(
            sheets=sheets,
            layout_css=Markup(css),
            title=f"{campaign.year}年度述职评议选票",
        )
    )
    sheets_pdf = context.renderer.render(html)
    page_of = {(s.secretary.id, s.source): index for index, s in enumerate(sheets)}
    font_file = context.renderer.fonts["黑体"].file
    wanted = {s.id for s in batch}
    payloads = qr_payloads(context)
    version = qr_version(payloads)  # the whole campaign's, not the batch's
    copies: dict[str, list[tuple[int, Stamp]]] = {s.id: [] for s in batch}
    for ballot, payload in zip(context.printing, payloads, strict=True):
        if ballot.secretary_id not in wanted:
            continue
        page = page_of[(ballot.secretary_id, ballot.source)]
        layout = sheets[page].layout
        stamp = Stamp(f"编号 {ballot.serial}", layout.serial, payload, layout.qr, version)
        copies[ballot.secretary_id].append((page, stamp))
    for secretary in batch:
        title = f"{campaign.year}年度述职评议选票 {secretary.name}"
        pdf = stamped_booklet(sheets_pdf, copies[secretary.id], font_file, title, DESTROY)
        yield Document(BOOKLETS, ".pdf", pdf, secretary)


def qr_payloads(context: FormsContext) -> list[str]:
    """Return the QR payload of every sheet printed, in printing order."""
    return [
        BallotCode(
            LAYOUT_VERSION,
            context.campaign.year,
            ballot.serial,
            ballot.secretary_id,
            ballot.source,
            context.fingerprint,
        ).payload()
        for ballot in context.printing
    ]


def layout_file(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield ballot-layout.json: where every box of each form kind is, for a scanner."""
    campaign, secretaries = context.campaign, context.secretaries
    layouts = {s.role: sheet_layout(personal_form(campaign, secretaries, s)) for s in secretaries}
    version = qr_version(qr_payloads(context))
    description = layout_description(layouts, campaign.rules.scale, version)
    content = (json.dumps(description, ensure_ascii=False, indent=2) + "\n").encode()
    yield Document(LAYOUT, ".json", content)


def sheets_of(context: FormsContext, secretary: Secretary) -> int:
    """Return how many sheets a secretary adds to a batch's layout: one per source."""
    return len(context.campaign.copies(secretary))


BOOKLETS: Kind[FormsContext] = Kind(
    key="ballots",
    name="选票",
    pack="forms",
    folder=FOLDER,
    build=booklets,
    per_secretary=True,
    print_only=True,  # their order is where each sheet sat in the stack: destroy once printed
    templates=("ballot_sheet.html",),
    weight=sheets_of,
    batch_weight=40,
    cost=0.18,
)
LAYOUT: Kind[FormsContext] = Kind(
    key="ballot_layout",
    name="选票版式",
    pack="forms",
    folder=FOLDER,
    stem="ballot-layout",
    build=layout_file,
    cost=0.05,
)
