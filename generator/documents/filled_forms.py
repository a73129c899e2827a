"""The filled 评议表 of `letters`: every ballot read on its own page, and a tally per secretary.

Per secretary (NN = place in secretaries.yaml), under letters/评议表/:
  NN-姓名-逐票.pdf / .docx   one page per ballot, in meeting order (source, then serial)
  NN-姓名-汇总.pdf / .docx   the tally (tally_form.py): votes per score cell, counts, texts

The ~700 ballot pages are the bulk of `letters`. Laid out whole they cost ~30 ms each; but the
pages of one secretary and source share their form and differ only in a ballot's ink (√, texts,
serial, mark). So a batch lays out each form once and each ballot's ink alone on a page of its
own, and render/overlay.py draws the ink over its form: the same page, real text in the batch's
fonts, at a third of the cost. A batch is a contiguous run of secretaries of at most about 400
pages (the kind's weight is a secretary's ballots), so memory does not grow with the campaign;
each batch shares its stylesheet (the per-kind box classes) and fonts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from ..model.campaign import Secretary
from ..render.docx import render_docx
from ..render.overlay import overlaid
from ..render.templating import html_environment
from .ballot_sheet import LABEL_WIDTH, ROW_HEIGHTS, WIDTH, layout_css, sheet_layout
from .context import LettersContext
from .evaluation_form import personal_form
from .filled_form import FilledSheet, filled_css, filled_sheet, meeting_order
from .kind import Archived, Document, Kind

FOLDER = "letters/评议表"
PAGES_PER_BATCH = 400  # about half the sample's 738: one batch per core, as many as a county needs


@dataclass(frozen=True, slots=True)
class SecretaryBallots:
    """One secretary and their ballots' pages, in meeting order."""

    secretary: Secretary
    sheets: tuple[FilledSheet, ...]


def ballot_pages(context: LettersContext, batch: Sequence[Secretary]) -> list[SecretaryBallots]:
    """Return the batch's secretaries' ballot pages, in secretaries.yaml order."""
    campaign, results = context.campaign, context.results
    groups = []
    for secretary in batch:
        form = personal_form(campaign, context.secretaries, secretary)
        ballots = meeting_order(campaign, secretary, results.ballots_of(secretary))
        sheets = tuple(filled_sheet(secretary, form, ballot) for ballot in ballots)
        groups.append(SecretaryBallots(secretary, sheets))
    return groups


# --- fitting a text into its box ----------------------------------------------------------------

TEXT_FIELDS = ("problems", "suggestions")
TEXT_SIZES = {"size-14": 14.0, "size-12": 12.0, "size-10": 10.5, "size-9": 9.0, "size-7": 7.5}
PADDING = (2.5, 2.0)  # mm: .answer's padding, across and down
LINE_HEIGHT = 1.45  # .answer's line-height
PT = 25.4 / 72  # mm


def text_ems(text: str) -> float:
    """Return the text's width in ems: CJK characters one, Latin letters and digits about half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def fit_class(text: str) -> str:
    """Return the largest size class whose lines hold the text inside its 107 × 51 mm box.

    The smallest, 7.5 pt, takes whatever is longer (≈ 450 characters, far beyond what a
    handwritten box holds); it may then overflow, but the tally has every text whole.
    """
    inner_w = WIDTH - LABEL_WIDTH - 2 * PADDING[0]
    inner_h = min(ROW_HEIGHTS["problems"], ROW_HEIGHTS["suggestions"]) - 2 * PADDING[1]
    ems = text_ems(text)
    for name, size in TEXT_SIZES.items():
        per_line = int(inner_w / (size * PT))
        lines = int(inner_h / (size * PT * LINE_HEIGHT))
        if ems <= per_line * lines - lines:  # a character per line lost to wrapping rules
            return name
    return name


def docx_fit(sheet: FilledSheet) -> dict[str, dict[str, int]]:
    """Return the DOCX's size (half-points) and exact line (twips) of each text box's text."""
    sizes = {field: TEXT_SIZES[fit_class(getattr(sheet, field))] for field in TEXT_FIELDS}
    return {
        field: {"size": round(size * 2), "line": round(size * LINE_HEIGHT * 20)}
        for field, size in sizes.items()
    }


# --- rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the batch: the form (`frame`), a ballot's ink, or both, for one sheet."""

    sheet: FilledSheet
    frame: bool
    ink: bool


@dataclass(frozen=True, slots=True)
class BallotBatch:
    """The pages of one batch and, per secretary, which of them make each output page."""

    pages: tuple[Page, ...]
    documents: tuple[tuple[tuple[int, int], ...], ...]  # per secretary: (form page, ink page)


def plan_batch(groups: list[SecretaryBallots]) -> BallotBatch:
    """Return the batch: each form (secretary and source) once, then every ballot's ink once.

    The forms of one secretary differ only by source; the ~40 ballots on each differ only in
    their ink. Laying out each form once and each ballot's few boxes once, then drawing the ink
    over its form (render/overlay.py), gives the same page as laying out every page whole.
    """
    frames: dict[tuple[str, str], int] = {}
    pages: list[Page] = []
    for group in groups:
        for sheet in group.sheets:
            key = (group.secretary.id, sheet.source)
            if key not in frames:
                frames[key] = len(pages)
                pages.append(Page(sheet, frame=True, ink=False))
    documents = []
    for group in groups:
        pairs = []
        for sheet in group.sheets:
            pairs.append((frames[(group.secretary.id, sheet.source)], len(pages)))
            pages.append(Page(sheet, frame=False, ink=True))
        documents.append(tuple(pairs))
    return BallotBatch(tuple(pages), tuple(documents))


def ballot_batch_html(
    context: LettersContext, groups: list[SecretaryBallots], pages: Sequence[Page]
) -> str:
    """Return the batch's HTML: the per-kind box classes once, then the pages."""
    layouts = {g.secretary.role: sheet_layout(g.sheets[0].form) for g in groups if g.sheets}
    css = "\n".join(
        layout_css(kind, layout) + "\n" + filled_css(kind, layout)
        for kind, layout in layouts.items()
    )
    environment = html_environment(context.renderer.fonts)
    environment.filters["fit"] = fit_class
    return environment.get_template("filled_forms.html").render(
        pages=pages,
        layouts=layouts,
        layout_css=Markup(css),
        title=f"{context.campaign.year}年度述职评议表（逐票）",
    )


def filled_forms(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield the ballot pages of a batch of secretaries (PDF and DOCX), laid out as one."""
    groups = [g for g in ballot_pages(context, batch) if g.sheets]
    if not groups:
        return
    plan = plan_batch(groups)
    renderer = context.renderer
    document = renderer.layout(ballot_batch_html(context, groups, plan.pages))
    if len(document.pages) != len(plan.pages):
        raise RuntimeError(f"batch of {len(plan.pages)} pages laid out on {len(document.pages)}")
    year = context.campaign.year
    titles = [f"{year}年度述职评议表（逐票）{g.secretary.name}" for g in groups]
    pdfs = overlaid(renderer.write(document), plan.documents, titles)
    for group, pdf in zip(groups, pdfs, strict=True):
        yield Document(KIND, ".pdf", pdf, group.secretary)
        sheets = [(sheet, docx_fit(sheet)) for sheet in group.sheets]
        content = render_docx("filled_form.docx", {"sheets": sheets})
        yield Document(KIND, ".docx", content, group.secretary)


def ballots_of(context: LettersContext, secretary: Secretary) -> int:
    """Return how many pages a secretary adds to a batch: one per ballot read."""
    return sum(c.returned for c in context.results.of(secretary).sources.values())


KIND: Kind[LettersContext] = Kind(
    key="filled_form",
    name="评议表（逐票）",
    pack="letters",
    folder=FOLDER,
    stem="-逐票",
    build=filled_forms,
    per_secretary=True,
    templates=("filled_forms.html", "filled_form.docx"),
    archived=Archived("评议表", section="personal", order=4),
    weight=ballots_of,
    batch_weight=PAGES_PER_BATCH,
    cost=0.026,
)
