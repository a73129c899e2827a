"""The filled 评议表 of `letters`: every ballot read on its own page, and a tally per secretary.

Per secretary (NN = place in secretaries.yaml), under letters/评议表/:
  NN-姓名-逐票.pdf / .docx   one page per ballot, in meeting order (source, then serial)
  NN-姓名-汇总.pdf / .docx   the tally: votes per score cell, counts, means, score, texts

The ~700 ballot pages are the bulk of `letters`. Laid out whole they cost ~30 ms each; but the
pages of one secretary and source share their form and differ only in a ballot's ink (√, texts,
serial, mark). So a batch lays out each form once and each ballot's ink alone on a page of its
own, and render/overlay.py draws the ink over its form: the same page, real text in the batch's
fonts, at a third of the cost. The pack registers the ballots as FILLED_PARTS kinds, contiguous
runs of secretaries with about as many pages each, so its scheduler gives each core one batch
beside the other kinds; each batch shares its stylesheet (the per-kind box classes) and fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from markupsafe import Markup

from .documents.ballot_sheet import LABEL_WIDTH, ROW_HEIGHTS, WIDTH, layout_css, sheet_layout
from .documents.evaluation_form import personal_form
from .documents.filled_form import FilledSheet, filled_css, filled_sheet, meeting_order
from .documents.tally_form import tally_form
from .model import Secretary
from .render.docx import render_docx
from .render.overlay import overlaid
from .templating import html_environment

if TYPE_CHECKING:
    from .letters import LettersRun

FOLDER = "letters/评议表"
FILLED_PARTS = 2  # WeasyPrint batches of ballot pages: one per core of the target machine
# Rough seconds of each kind on the sample, measured one kind at a time on this machine.
FILLED_COST = {"filled_forms_1": 9.5, "filled_forms_2": 10.0, "tally_forms": 8.0}


@dataclass(frozen=True, slots=True)
class SecretaryBallots:
    """One secretary's place in secretaries.yaml and their ballots' pages, in meeting order."""

    number: int
    secretary: Secretary
    sheets: tuple[FilledSheet, ...]

    @property
    def stem(self) -> str:
        return f"{FOLDER}/{self.number:02d}-{self.secretary.name}"


def ballot_pages(run: LettersRun) -> list[SecretaryBallots]:
    """Return every secretary's ballot pages, secretaries in secretaries.yaml order."""
    campaign, secretaries = run.campaign, run.secretaries
    ballots = list(run.results.read.ballots)
    groups = []
    for number, secretary in enumerate(secretaries, start=1):
        form = personal_form(campaign, secretaries, secretary)
        sheets = tuple(
            filled_sheet(secretary, form, ballot)
            for ballot in meeting_order(campaign, secretary, ballots)
        )
        groups.append(SecretaryBallots(number, secretary, sheets))
    return groups


def split_by_pages(groups: list[SecretaryBallots], parts: int) -> list[list[SecretaryBallots]]:
    """Split into `parts` contiguous runs of about equal page counts (a run may be empty)."""
    ends = list(accumulate(len(g.sheets) for g in groups))
    total = ends[-1] if ends else 0
    runs: list[list[SecretaryBallots]] = [[] for _ in range(parts)]
    for group, end in zip(groups, ends, strict=True):
        middle = end - len(group.sheets) / 2  # the group goes where its middle page falls
        runs[min(parts - 1, int(middle * parts / max(total, 1)))].append(group)
    return runs


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


def whole_pages(groups: list[SecretaryBallots]) -> tuple[Page, ...]:
    """Return every ballot's page laid out whole: the same pages, the naive way (for the bench)."""
    return tuple(Page(sheet, frame=True, ink=True) for g in groups for sheet in g.sheets)


def ballot_batch_html(run: LettersRun, groups: list[SecretaryBallots], pages) -> str:
    """Return the batch's HTML: the per-kind box classes once, then the pages."""
    layouts = {g.secretary.role: sheet_layout(g.sheets[0].form) for g in groups if g.sheets}
    css = "\n".join(
        layout_css(kind, layout) + "\n" + filled_css(kind, layout)
        for kind, layout in layouts.items()
    )
    environment = html_environment(run.renderer.fonts)
    environment.filters["fit"] = fit_class
    return environment.get_template("filled_forms.html").render(
        pages=pages,
        layouts=layouts,
        layout_css=Markup(css),
        title=f"{run.campaign.year}年度述职评议表（逐票）",
    )


def filled_part(run: LettersRun, part: int, parts: int = FILLED_PARTS) -> dict[str, bytes]:
    """Return the ballot pages (PDF and DOCX) of one run of secretaries, as one batch."""
    groups = [g for g in split_by_pages(ballot_pages(run), parts)[part] if g.sheets]
    if not groups:
        return {}
    batch = plan_batch(groups)
    document = run.renderer.layout(ballot_batch_html(run, groups, batch.pages))
    if len(document.pages) != len(batch.pages):
        raise RuntimeError(f"batch of {len(batch.pages)} pages laid out on {len(document.pages)}")
    titles = [f"{run.campaign.year}年度述职评议表（逐票）{g.secretary.name}" for g in groups]
    pdfs = overlaid(run.renderer.write(document), batch.documents, titles)
    files = {}
    for group, pdf in zip(groups, pdfs, strict=True):
        files[f"{group.stem}-逐票.pdf"] = pdf
        files[f"{group.stem}-逐票.docx"] = render_docx(
            "filled_form.docx", {"sheets": [(sheet, docx_fit(sheet)) for sheet in group.sheets]}
        )
    return files


def filled_forms_1(run: LettersRun) -> dict[str, bytes]:
    """Return the ballot pages of the first half of the secretaries (by page count)."""
    return filled_part(run, 0)


def filled_forms_2(run: LettersRun) -> dict[str, bytes]:
    """Return the ballot pages of the second half of the secretaries."""
    return filled_part(run, 1)


def tally_forms(run: LettersRun) -> dict[str, bytes]:
    """Return every secretary's tally 评议表, PDF (one batch) and DOCX."""
    campaign, secretaries = run.campaign, run.secretaries
    ballots = list(run.results.read.ballots)
    tallies = [
        tally_form(
            campaign,
            secretary,
            personal_form(campaign, secretaries, secretary),
            entry,
            [b for b in ballots if b.secretary_id == secretary.id],
        )
        for secretary, entry in zip(secretaries, run.document["secretaries"], strict=True)
    ]
    html = (
        html_environment(run.renderer.fonts)
        .get_template("tally_forms.html")
        .render(tallies=tallies, title=f"{campaign.year}年度述职评议表（汇总）")
    )
    titles = [
        f"{t.title}（{t.subtitle}）{s.name}" for t, s in zip(tallies, secretaries, strict=True)
    ]
    pdfs = run.renderer.render_batch(html, len(tallies), titles)
    files = {}
    for number, (secretary, tally, pdf) in enumerate(
        zip(secretaries, tallies, pdfs, strict=True), start=1
    ):
        stem = f"{FOLDER}/{number:02d}-{secretary.name}-汇总"
        files[f"{stem}.pdf"] = pdf
        files[f"{stem}.docx"] = render_docx("tally_form.docx", {"t": tally})
    return files
