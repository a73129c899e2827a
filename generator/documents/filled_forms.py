"""The filled 评议表 of `letters`: every ballot read on its own page, and a tally per secretary.

Per secretary (NN = place in secretaries.yaml), under letters/评议表/:
  NN-姓名-逐票.pdf / .docx   one page per ballot, in meeting order (source, then serial); a
                            ballot whose texts overflow their boxes has a continuation page
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

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from ..model.campaign import Secretary
from ..render.docx import render_docx
from ..render.fonts import advances
from ..render.geometry import Box
from ..render.overlay import overlaid
from ..render.pdf import PdfRenderer
from ..render.templating import html_environment
from .ballot_sheet import (
    LABEL_WIDTH,
    LEFT,
    ROW_HEIGHTS,
    TABLE_TOP,
    WIDTH,
    layout_css,
    sheet_layout,
)
from .context import LettersContext
from .evaluation_form import personal_form
from .filled_form import FilledSheet, filled_css, filled_sheet, meeting_order
from .kind import Archived, Document, Kind

FOLDER = "letters/评议表"
ANSWER_ROLE = "仿宋"  # the font the answers are set in (ballot_sheet.css body)
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
        sheets = tuple(
            filled_sheet(secretary, form, ballot, pictures_of(context, ballot.serial))
            for ballot in ballots
        )
        groups.append(SecretaryBallots(secretary, sheets))
    return groups


def pictures_of(context: LettersContext, serial: str) -> dict[str, str]:
    """Return the scanned pictures of what a ballot's evaluator wrote, by text box."""
    found = (context.scanned_texts.get((serial, name)) for name in TEXT_FIELDS)
    return {name: uri for name, uri in zip(TEXT_FIELDS, found, strict=True) if uri}


# --- fitting a text into its box ----------------------------------------------------------------

TEXT_FIELDS = ("problems", "suggestions")
TEXT_SIZES = {"size-14": 14.0, "size-12": 12.0, "size-10": 10.5, "size-9": 9.0, "size-7": 7.5}
PADDING = (2.5, 2.0)  # mm: .answer's padding, across and down
LINE_HEIGHT = 1.45  # .answer's line-height
PT = 25.4 / 72  # mm
BOX = (
    WIDTH - LABEL_WIDTH - 2 * PADDING[0],
    min(ROW_HEIGHTS[name] for name in TEXT_FIELDS) - 2 * PADDING[1],
)
# The continuation page's text area: where the form's table would be, and down to the foot.
CONTINUATION = Box(LEFT, TABLE_TOP, WIDTH, 200.0)
CONTINUED = "（转续页）"  # ends a box whose text goes on on the ballot's continuation page
# A line may end short of the edge by a character kept off a line's start (。，”) pulling the
# one before it down.
LINE_SLACK = 1.5  # ems
# Where a line may break: at a space, beside a wide character, not inside a word.
WIDE = (  # East Asian wide characters: a line may break before or after any of them
    "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
    "\uffe0-\uffe6\U00020000-\U0003ffff"
)
TOKENS = re.compile(f" |[{WIDE}]|[^ {WIDE}]+")


@dataclass(frozen=True, slots=True)
class Written:
    """What one box shows: its text and the size class that keeps it inside (filled_forms.css),
    or the picture of what the evaluator wrote there, from the scanned sheet."""

    text: str
    size: str
    picture: str = ""  # a file URI


@dataclass(frozen=True)
class Measure:
    """How many lines a text takes, from the answer font's own advance widths.

    The box's text is set as HTML sets it (runs of white space collapse to one space) and lines
    fill greedily to the edge; estimating by character counts would let a text of wide Latin
    letters or many spaces overflow its box onto the next one.
    """

    advances: Mapping[int, float]  # code point → advance in ems

    @classmethod
    def of(cls, renderer: PdfRenderer) -> Measure:
        return cls(advances(renderer.fonts[ANSWER_ROLE].file))

    def lines(self, text: str, size: float, width: float) -> int:
        """Return the lines the text takes, broken as Pango breaks it: after a space or beside a
        wide (CJK) character, inside a Latin word only when the word is longer than a line."""
        per_line = width / (size * PT) - LINE_SLACK
        count, used = 1, 0.0
        for token in TOKENS.findall(" ".join(text.split())):
            if token == " ":
                used += self.width(token)  # a space that ends a line takes no room there
                continue
            needed = self.width(token)
            if used + needed <= per_line:
                used += needed
            elif needed <= per_line:
                count, used = count + 1, needed
            else:  # a word wider than a line is broken where the line ends
                for char in token:
                    advance = self.width(char)
                    if used + advance > per_line:
                        count, used = count + 1, 0.0
                    used += advance
        return count

    def width(self, text: str) -> float:
        return sum(self.advances.get(ord(char), 1.0) for char in text)

    def fits(self, texts: Sequence[str], size: float, area: tuple[float, float]) -> bool:
        """Say whether the texts, one paragraph each, fit in a width × height area at a size."""
        width, height = area
        room = int(height / (size * PT * LINE_HEIGHT))
        return sum(self.lines(text, size, width) for text in texts) <= room

    def size_class(self, texts: Sequence[str], area: tuple[float, float] = BOX) -> str | None:
        """Return the largest size class whose lines hold the texts in the area, if any does."""
        for name, size in TEXT_SIZES.items():
            if self.fits(texts, size, area):
                return name
        return None

    def split(self, text: str) -> tuple[Written, str]:
        """Return what a text box shows and what goes on to the continuation page ("" if none).

        A text too long for the box at the smallest size fills it, ends in （转续页） and goes on,
        whole and in order, on a page of its own; nothing is cut or drawn over another box.
        """
        size = self.size_class([text])
        if size is not None:
            return Written(text, size), ""
        smallest = TEXT_SIZES["size-7"]
        low, high = 0, len(text)  # the longest head that fits with the marker after it
        while low < high:
            middle = (low + high + 1) // 2
            if self.fits([text[:middle] + CONTINUED], smallest, BOX):
                low = middle
            else:
                high = middle - 1
        return Written(text[:low] + CONTINUED, "size-7"), text[low:]


def continued_heading(sheet: FilledSheet, field: str) -> str:
    """Return the heading over a continued text: the form's question, marked as continued."""
    return f"{sheet.form.questions[1 + TEXT_FIELDS.index(field)]}（续）"


def docx_fit(written: dict[str, Written]) -> dict[str, dict[str, int]]:
    """Return the DOCX's size (half-points) and exact line (twips) of each text box's text."""
    sizes = {field: TEXT_SIZES[box.size] for field, box in written.items()}
    return {
        field: {"size": round(size * 2), "line": round(size * LINE_HEIGHT * 20)}
        for field, size in sizes.items()
    }


# --- rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the batch: the form (`frame`), a ballot's ink, or both, or its continuation."""

    sheet: FilledSheet
    frame: bool
    ink: bool
    boxes: Mapping[str, Written] = field(default_factory=dict)  # field → what its box shows
    continued: tuple[tuple[str, str], ...] = ()  # a continuation page's (heading, text) pairs
    continued_size: str = ""


@dataclass(frozen=True, slots=True)
class BallotBatch:
    """The pages of one batch and, per secretary, which of them make each output page."""

    pages: tuple[Page, ...]
    # per secretary, its output pages: (a form page, the ink drawn on it) or (a page, None)
    documents: tuple[tuple[tuple[int, int | None], ...], ...]


def plan_batch(groups: list[SecretaryBallots], measure: Measure) -> BallotBatch:
    """Return the batch: each form (secretary and source) once, then every ballot's ink once.

    The forms of one secretary differ only by source; the ~40 ballots on each differ only in
    their ink. Laying out each form once and each ballot's few boxes once, then drawing the ink
    over its form (render/overlay.py), gives the same page as laying out every page whole. A
    ballot whose texts overflow their boxes is followed by its continuation page.
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
        pairs: list[tuple[int, int | None]] = []
        for sheet in group.sheets:
            pairs.append((frames[(group.secretary.id, sheet.source)], len(pages)))
            boxes, rests = text_boxes(sheet, measure)
            pages.append(Page(sheet, frame=False, ink=True, boxes=boxes))
            if rests:
                pairs.append((len(pages), None))
                pages.append(_continuation(sheet, rests, measure))
        documents.append(tuple(pairs))
    return BallotBatch(tuple(pages), tuple(documents))


def text_boxes(
    sheet: FilledSheet, measure: Measure
) -> tuple[dict[str, Written], list[tuple[str, str]]]:
    """Return what each text box of a ballot's page shows, and the (heading, rest) pairs that
    go on to its continuation page."""
    boxes, rests = {}, []
    for name in TEXT_FIELDS:
        if picture := sheet.pictures.get(name, ""):
            boxes[name] = Written("", "size-14", picture)
        elif text := getattr(sheet, name):
            boxes[name], rest = measure.split(text)
            if rest:
                rests.append((continued_heading(sheet, name), rest))
    return boxes, rests


def _continuation(sheet: FilledSheet, rests: list[tuple[str, str]], measure: Measure) -> Page:
    paragraphs = [text for pair in rests for text in pair]
    size = measure.size_class(paragraphs, (CONTINUATION.w, CONTINUATION.h))
    if size is None:  # the bound on a text's length (model/limits.py) makes one page enough
        raise RuntimeError(f"{sheet.serial_line}: texts longer than a continuation page")
    return Page(sheet, frame=False, ink=False, continued=tuple(rests), continued_size=size)


def ballot_batch_html(
    context: LettersContext, groups: list[SecretaryBallots], pages: Sequence[Page]
) -> str:
    """Return the batch's HTML: the per-kind box classes once, then the pages."""
    layouts = {g.secretary.role: sheet_layout(g.sheets[0].form) for g in groups if g.sheets}
    css = "\n".join(
        layout_css(kind, layout) + "\n" + filled_css(kind, layout)
        for kind, layout in layouts.items()
    )
    css += f"\n.sheet .continued {{ {CONTINUATION.style} }}"
    environment = html_environment(context.renderer.fonts)
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
    measure = Measure.of(context.renderer)
    plan = plan_batch(groups, measure)
    renderer = context.renderer
    document = renderer.layout(ballot_batch_html(context, groups, plan.pages))
    if len(document.pages) != len(plan.pages):
        raise RuntimeError(f"batch of {len(plan.pages)} pages laid out on {len(document.pages)}")
    year = context.campaign.year
    titles = [f"{year}年度述职评议表（逐票）{g.secretary.name}" for g in groups]
    pdfs = overlaid(renderer.write(document), plan.documents, titles)
    for group, pdf in zip(groups, pdfs, strict=True):
        yield Document(KIND, ".pdf", pdf, group.secretary)
        sheets = [(sheet, docx_fit(_whole(sheet, measure))) for sheet in group.sheets]
        content = render_docx("filled_form.docx", {"sheets": sheets})
        yield Document(KIND, ".docx", content, group.secretary)


def _whole(sheet: FilledSheet, measure: Measure) -> dict[str, Written]:
    """Return the DOCX's boxes: a word processor lets a row grow, so a long text stays whole."""
    texts = {name: getattr(sheet, name) for name in TEXT_FIELDS}
    return {
        name: Written(text, measure.size_class([text]) or "size-7") for name, text in texts.items()
    }


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
