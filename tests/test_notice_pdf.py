"""The 通知 measured against GB/T 9704-2012 (figures: shared/gbt9704.md), as two renderings of
one context: the PDF WeasyPrint writes, and the DOCX as LibreOffice lays it out with the shipped
fonts standing for the official ones.

Both must meet the standard's measures: the PDF to a tenth of a millimetre where it sets lines
itself, the DOCX within 1 mm (the word processor sets the lines). Positions are in mm from the
page's top-left corner (tests/layout.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest

from helpers import embedded_fonts, font_substitutes
from layout import (
    BODY_PT,
    BOTTOM,
    CHAR14,
    CHARS_PER_LINE,
    IMPRINT_PT,
    LEFT,
    LINES_PER_PAGE,
    MM,
    PAGE_HEIGHT,
    PAGE_NUMBER,
    PAGE_WIDTH,
    PITCH,
    RIGHT,
    TOP,
    Line,
    Page,
    RoleOf,
    horizontal_rules,
    read_pages,
    without_hung_mark,
)

CHAR16 = (RIGHT - LEFT) / CHARS_PER_LINE  # one character of the 28-character line


@dataclass(frozen=True)
class Rendering:
    """A PDF of the 通知, how to tell its fonts' roles, and how near its measures must come."""

    name: str
    pdf: Path
    role_of: RoleOf
    tolerance: float  # mm
    # LibreOffice 7.4 reads w:overflowPunct inverted (see test_docx_libreoffice.py): it hangs a
    # line's last comma past the margin where Word, WPS and the PDF carry a character over.
    hangs_punctuation: bool = False

    def __str__(self) -> str:
        return self.name

    def set_line(self, line: Line) -> Line:
        """The line's characters inside the 版心: without a mark this renderer hung past it."""
        return without_hung_mark(line) if self.hangs_punctuation else line


def css_roles(font_map) -> RoleOf:
    """WeasyPrint embeds each role's font under its CSS family (or `{family}-Fallback-n`)."""
    # Longest family first, so "GW-Song" never claims "GW-SongX".
    pairs = sorted(((f.css_family, role) for role, f in font_map.items()), key=lambda p: -len(p[0]))

    def role_of(name: str) -> str | None:
        return next((role for family, role in pairs if name.startswith(family)), None)

    return role_of


def substitute_roles(font_map) -> RoleOf:
    """LibreOffice embeds the substitute under its own name: FandolFang-Regular,
    NotoSerifCJKsc-Bold… A role is told by its substitute's family and weight."""
    substitutes = font_substitutes(font_map)
    patterns = []
    for role, font in font_map.items():
        family, bold = substitutes[font.docx_name]
        stem = re.sub(r"(CJK)[A-Z]{2}$", r"\1", family.replace(" ", ""))
        patterns.append((re.compile(rf"{stem}\w*-{'Bold' if bold else 'Regular'}", re.I), role))

    def role_of(name: str) -> str | None:
        return next((role for pattern, role in patterns if pattern.match(name)), None)

    return role_of


@pytest.fixture(scope="module", params=["weasyprint", "libreoffice"])
def rendering(request, rendered_notice, font_map) -> Rendering:
    if request.param == "weasyprint":
        return Rendering("weasyprint", rendered_notice.pdf, css_roles(font_map), 0.1)
    converted = request.getfixturevalue("libreoffice_notice")
    return Rendering("libreoffice", converted, substitute_roles(font_map), 1.0, True)


@pytest.fixture(scope="module")
def pdf(rendering):
    with pdfplumber.open(rendering.pdf) as document:
        yield document


@pytest.fixture(scope="module")
def pages(pdf, rendering) -> list[Page]:
    return read_pages(pdf, rendering.role_of)


def signature_page(pages: list[Page], date: str) -> Page:
    """The page of the 成文日期 (the main text's last page)."""
    found = [page for page in pages for line in page.text_lines if line.text == date]
    assert len(found) == 1, f"成文日期 {date!r} found on {len(found)} lines"
    return found[0]


def flow_pages(pages: list[Page], date: str) -> list[Page]:
    """Pages 2 … the one before the 署名's: the body text runs on past each of them."""
    flowing = pages[1 : signature_page(pages, date).number - 1]
    assert len(flowing) >= 3, "the sample 工作方案 should run over several pages"
    return flowing


def full_pages(pages: list[Page], date: str) -> list[Page]:
    """The flowing pages that hold 22 lines of 3号 body text (no title on them)."""
    flowing = flow_pages(pages, date)
    full = [page for page in flowing if len(page.body_lines) == LINES_PER_PAGE]
    assert len(full) >= 3, "expected several pages of 22 body lines; lines per page: " + ", ".join(
        f"p{page.number}: {len(page.body_lines)}" for page in flowing
    )
    return full


def mm(value: float) -> str:
    return f"{value:.2f} mm"


# --- 1. margins ---------------------------------------------------------------------------------


def test_page_is_a4(pdf):
    for page in pdf.pages:
        assert page.width * MM == pytest.approx(PAGE_WIDTH, abs=0.5)
        assert page.height * MM == pytest.approx(PAGE_HEIGHT, abs=0.5)


def test_left_and_right_margins_on_full_pages(pages, notice_context, rendering):
    for page in full_pages(pages, notice_context.date):
        lines = [rendering.set_line(line) for line in page.body_lines]
        leftmost = min(line.x0 for line in lines)
        assert leftmost == pytest.approx(LEFT, abs=1), f"page {page.number}: {mm(leftmost)}"
        flush_left = [line for line in lines if line.x0 < leftmost + 2]
        assert len(flush_left) >= LINES_PER_PAGE // 2, f"page {page.number}: {flush_left}"
        for line in flush_left:
            assert line.x0 == pytest.approx(LEFT, abs=1), f"page {page.number}: {line}"
        too_wide = [line for line in lines if line.x1 > RIGHT + 1]
        assert not too_wide, f"page {page.number}: lines past the right margin: {too_wide}"
        rightmost = max(line.x1 for line in lines)
        assert rightmost == pytest.approx(RIGHT, abs=1), f"page {page.number}: {mm(rightmost)}"


def test_top_margin_on_full_pages(pages, notice_context):
    for page in full_pages(pages, notice_context.date):
        # Full pages hold 22 consecutive lines; measure from the first in the body font
        # (a heading's glyphs sit slightly off its line box).
        index, first = next(
            (i, line) for i, line in enumerate(page.text_lines) if line.has_body_font
        )
        top = first.centre - (index + 0.5) * PITCH
        assert top == pytest.approx(TOP, abs=1), f"page {page.number}: 版心 top at {mm(top)}"


# --- 2. 22 lines of 28 characters ---------------------------------------------------------------


def test_lines_sit_on_the_22_line_grid(pages, notice_context, rendering):
    for page in flow_pages(pages, notice_context.date):
        slots = [line.slot for line in page.text_lines]
        assert len(set(slots)) == len(slots), f"page {page.number}: two lines share a slot {slots}"
        assert all(0 <= slot < LINES_PER_PAGE for slot in slots), f"page {page.number}: {slots}"
        for line in page.text_lines:
            # Headings (黑体, 楷体) and titles (小标宋) sit a little off; 仿宋 lines exactly on.
            tolerance = rendering.tolerance if line.has_body_font else 0.25 * PITCH
            assert abs(line.slot_offset) <= tolerance, f"page {page.number}: {line} off grid"
        # The text runs on to the next page only once this one is full.
        assert max(slots) == LINES_PER_PAGE - 1, (
            f"page {page.number}: last line in slot {max(slots)}, the 版心's last line "
            f"({LINES_PER_PAGE - 1}) left empty"
        )


def test_full_pages_hold_22_body_lines(pages, notice_context):
    flowing = flow_pages(pages, notice_context.date)
    full = full_pages(pages, notice_context.date)
    titled = [
        page.number for page in flowing if any(line.size > BODY_PT + 1 for line in page.text_lines)
    ]
    # Every flowing page without a title line carries 22 lines of 3号 text.
    assert [page.number for page in full] == [
        page.number for page in flowing if page.number not in titled
    ]
    for page in full:
        slots = sorted(line.slot for line in page.body_lines)
        assert slots == list(range(LINES_PER_PAGE)), f"page {page.number}: {slots}"


def test_line_pitch_is_225_over_22_mm(pages, notice_context):
    pitches = []
    for page in flow_pages(pages, notice_context.date):
        body = {line.slot: line for line in page.text_lines if line.has_body_font}
        for slot, line in body.items():
            below = body.get(slot + 1)
            if below is not None:
                pitches.append((page.number, slot, below.centre - line.centre))
    assert len(pitches) > 50
    wrong = [p for p in pitches if abs(p[2] - PITCH) > 0.1]
    assert not wrong, f"pitch should be {PITCH:.3f} mm: {wrong}"


def test_28_characters_per_line(pages, notice_context, rendering):
    body_pages = pages[: signature_page(pages, notice_context.date).number]
    lines = [
        rendering.set_line(line)
        for page in body_pages
        for line in page.body_lines
        if line.has_body_font
    ]
    cjk_lines = [line for line in lines if line.all_cjk]
    longest = max(cjk_lines, key=lambda line: len(line.chars))
    assert len(longest.chars) == CHARS_PER_LINE, f"longest all-CJK line: {longest}"
    # A paragraph's non-final line is followed by a line that starts flush left (its
    # continuation); first lines are indented two characters, headings too.
    non_final = [
        line for line, following in pairwise(lines) if following.x0 < LEFT + 1 and line.all_cjk
    ]
    counts = Counter(len(line.chars) for line in non_final)
    assert len(non_final) > 50, counts
    assert counts.most_common(1)[0][0] == CHARS_PER_LINE, counts


# --- 3. page 1: the 版头 ------------------------------------------------------------------------


def is_red(colour) -> bool:
    return (
        colour is not None
        and len(colour) == 3
        and colour[0] > 0.5
        and colour[1] < 0.3
        and colour[2] < 0.3
    )


def test_issuer_mark_is_red_on_one_line_72_mm_down(pages, notice_context):
    """The 标志's em box starts 35 mm below the 版心's top: 72 mm from the page's."""
    red = [
        line for line in pages[0].lines if any(is_red(c["non_stroking_color"]) for c in line.chars)
    ]
    assert len(red) == 1, f"the 发文机关标志 should be one red line: {red}"
    mark = red[0]
    assert all(is_red(c["non_stroking_color"]) for c in mark.chars)
    assert mark.text == notice_context.mark
    assert all(role == "小标宋" for role in mark.roles)
    assert mark.top == pytest.approx(TOP + 35, abs=1), f"标志 top at {mm(mark.top)}"
    assert mark.x0 >= LEFT - 0.5 and mark.x1 <= RIGHT + 0.5, f"标志 wider than the 版心: {mark}"


def document_number_line(pages) -> Line:
    numbered = [line for line in pages[0].text_lines if "〔" in line.text]
    assert len(numbered) == 1, numbered
    return numbered[0]


def test_document_number_is_centred(pages, notice_context):
    number = document_number_line(pages)
    assert number.text == notice_context.number
    centre = (number.x0 + number.x1) / 2
    assert centre == pytest.approx((LEFT + RIGHT) / 2, abs=1), f"发文字号 centre {mm(centre)}"


def test_red_separator_line(rendering, pages):
    red_rules = horizontal_rules(rendering.pdf, 0, red=True)
    assert len(red_rules) == 1, red_rules
    rule = red_rules[0]
    assert rule.x0 == pytest.approx(LEFT, abs=0.5), rule
    assert rule.x1 == pytest.approx(RIGHT, abs=0.5), rule
    thickness = rule.bottom - rule.top
    assert 0.2 <= thickness <= 1.0, f"red line {mm(thickness)} thick"
    gap = rule.top - document_number_line(pages).bottom
    assert gap == pytest.approx(4, abs=1), f"red line {mm(gap)} below the 发文字号"


# --- 4. page numbers ----------------------------------------------------------------------------


def test_page_numbers(pages):
    """Every page is numbered but a blank page and the 版记 page after one (§7.5)."""
    assert len(pages) % 2 == 0, f"{len(pages)} pages: the 版记 page must be even"
    for page in pages:
        after_blank = page.number > 1 and not pages[page.number - 2].text_lines
        if not page.text_lines or (page is pages[-1] and after_blank):
            assert not page.page_number_lines, f"page {page.number} is numbered"
            continue
        assert len(page.page_number_lines) == 1, f"page {page.number}: {page.page_number_lines}"
        number = page.page_number_lines[0]
        found = PAGE_NUMBER.match(number.text)
        assert found, f"page {page.number}: page number reads {number.text!r}"
        assert int(found[1]) == page.number
        assert all(role == "宋体" for role in number.roles), number.roles
        assert number.size == pytest.approx(IMPRINT_PT, abs=0.1)
        assert number.top == pytest.approx(BOTTOM + 7, abs=1), f"page {page.number}: {number}"
        if page.number % 2:
            assert number.x1 == pytest.approx(RIGHT - CHAR14, abs=1), f"odd page: {number}"
        else:
            assert number.x0 == pytest.approx(LEFT + CHAR14, abs=1), f"even page: {number}"


# --- 5. the 署名 and the 版记 --------------------------------------------------------------------------------


def test_signature_centred_over_the_date_4_characters_in(pages, notice_context, rendering):
    page = signature_page(pages, notice_context.date)
    date = next(line for line in page.text_lines if line.text == notice_context.date)
    name = next(line for line in page.text_lines if line.text == notice_context.signature)
    assert name.slot + 1 == date.slot, (name, date)
    assert date.x1 == pytest.approx(RIGHT - 4 * CHAR16, abs=1), f"date ends at {mm(date.x1)}"
    offset = (name.x0 + name.x1) / 2 - (date.x0 + date.x1) / 2
    assert abs(offset) <= max(rendering.tolerance, 0.2), f"署名 {mm(offset)} off the date's centre"


def test_imprint_rules_end_on_the_type_area_bottom(rendering, pages):
    rules = horizontal_rules(rendering.pdf, len(pages) - 1)
    assert len(rules) >= 2, f"the 版记 needs a first and a last rule: {rules}"
    last = max(rules, key=lambda rule: rule.bottom)
    assert last.bottom == pytest.approx(BOTTOM, abs=1), f"last rule ends at {mm(last.bottom)}"
    assert last.x1 - last.x0 == pytest.approx(156, abs=0.5), last
    assert last.x0 == pytest.approx(LEFT, abs=0.5), last
    first = min(rules, key=lambda rule: rule.top)
    assert first.x1 - first.x0 == pytest.approx(156, abs=0.5), first


def test_imprint_printing_organ_and_date(pages, notice_context, rendering):
    last = pages[-1]
    printed = [line for line in last.text_lines if "印发" in line.text]
    assert len(printed) == 1, f"印发 on the last page: {printed}"
    line = printed[0]
    assert line.text.startswith(notice_context.printed_by), line
    assert line.text.endswith(notice_context.printed_on), line
    assert line.size == pytest.approx(IMPRINT_PT, abs=0.1)
    assert line.x0 == pytest.approx(LEFT + CHAR14, abs=1), f"印发机关 starts at {mm(line.x0)}"
    assert line.x1 == pytest.approx(RIGHT - CHAR14, abs=1), f"印发日期 ends at {mm(line.x1)}"
    rules = horizontal_rules(rendering.pdf, len(pages) - 1)
    last_rule = max(rules, key=lambda rule: rule.bottom)
    assert line.bottom <= last_rule.top + 0.2, "the 印发 line must sit just above the last rule"
    assert last_rule.top - line.bottom < PITCH, "the 印发 line must sit just above the last rule"


# --- 6. fonts -----------------------------------------------------------------------------------


def test_embedded_fonts_are_those_of_the_font_map(rendered_notice, font_map):
    embedded = embedded_fonts(rendered_notice.pdf)
    mapped = {role: font.postscript_name for role, font in font_map.items()}
    strangers = {base: name for base, name in embedded.items() if name not in mapped.values()}
    assert not strangers, f"fonts outside the font map embedded: {strangers}"
    missing = {role: name for role, name in mapped.items() if name not in embedded.values()}
    assert not missing, f"roles not embedded: {missing}; embedded: {embedded}"
    families = {font.css_family for font in font_map.values()}
    for base in embedded:
        assert any(base == f or base.startswith(f + "-") for f in families), base


@pytest.fixture(scope="module")
def renderer(font_map):
    from generator.render.pdf import PdfRenderer

    return PdfRenderer(font_map)


@pytest.mark.parametrize(
    "character",
    [
        pytest.param("😀", id="emoji"),
        pytest.param("\U00020000", id="cjk-ext-b"),  # no font has it: a tofu, not a fallback
    ],
)
def test_character_missing_from_the_mapped_fonts_is_refused(renderer, character):
    from generator.model.errors import FontError

    html = (
        f'<html><body><p style="font-family: GW-FangSong">述职评议{character}考核</p></body></html>'
    )
    with pytest.raises(FontError):
        renderer.render(html)


def test_missing_font_file_names_the_role_and_the_remedy():
    from generator.model.campaign import FontChoice
    from generator.model.errors import FontError
    from generator.render.fonts import load_font_map

    with pytest.raises(FontError) as raised:
        load_font_map({"仿宋": FontChoice(name=None, file="/nonexistent.otf")})
    message = str(raised.value)
    assert "仿宋" in message and "/nonexistent.otf" in message
    assert "fonts.仿宋.file" in message and "campaign.yaml" in message  # how to supply it
    assert not any(role in message for role in ("小标宋", "楷体", "黑体")), message
