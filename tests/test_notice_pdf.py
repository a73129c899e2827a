"""The 通知's PDF, measured with pdfplumber against GB/T 9704-2012 (figures: shared/gbt9704.md).

Positions are in mm from the page's top-left corner. A char's 'top'/'bottom' from pdfplumber are
its em box (baseline + the font's descent, one em tall). The 版心 is 156 × 225 mm at 28 mm from
the left and 37 mm from the top; it holds 22 lines, so the line pitch is 225/22 mm.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from helpers import embedded_fonts

MM = 25.4 / 72  # mm per PDF point
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
TOP, LEFT, RIGHT = 37.0, 28.0, 184.0  # 版心 edges (mm)
BOTTOM = TOP + 225.0  # 262 mm
PITCH = 225.0 / 22  # 22 lines fill the 版心
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16.0  # 3号
IMPRINT_PT = 14.0  # 4号: 版记 and 页码
CHAR14 = IMPRINT_PT * MM  # one 4号 character: 4.94 mm
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")


# --- reading the PDF ---------------------------------------------------------------------------


def family(char: dict) -> str:
    """Return the font name without the 'ABCDEF+' subset prefix."""
    return char["fontname"].split("+", 1)[-1]


def is_cjk(text: str) -> bool:
    """Whether a character is a CJK ideograph or full-width punctuation (one em wide)."""
    code = ord(text)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF  # ideographs
        or 0x3000 <= code <= 0x303F  # 、。〈〉《》〔〕…
        or 0xFF01 <= code <= 0xFF60  # ，：；（）！？…
        or 0x2018 <= code <= 0x201D  # ‘’“”
        or code in (0x2014, 0x2026)
    )  # — …


@dataclass
class Line:
    """The chars of one printed line (one baseline), left to right, with their font roles."""

    chars: list[dict]
    roles: list[str | None]

    @cached_property
    def text(self) -> str:
        return "".join(c["text"] for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c["x0"] for c in self.chars) * MM

    @property
    def x1(self) -> float:
        return max(c["x1"] for c in self.chars) * MM

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars) * MM

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars) * MM

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    def body_chars(self) -> list[dict]:
        """The chars in the body font: 仿宋 at 16 pt."""
        return [
            c
            for c, role in zip(self.chars, self.roles, strict=True)
            if role == "仿宋" and abs(c["size"] - BODY_PT) < 0.1
        ]

    @property
    def has_body_font(self) -> bool:
        return bool(self.body_chars())

    @property
    def centre(self) -> float:
        """The em-box centre (mm), taken from the body-font chars when the line has any."""
        chars = self.body_chars() or self.chars
        return statistics.fmean((c["top"] + c["bottom"]) / 2 for c in chars) * MM

    @property
    def slot(self) -> int:
        """The line's position on the 22-line grid: 0 is the 版心's first line."""
        return round((self.centre - TOP) / PITCH - 0.5)

    @property
    def slot_offset(self) -> float:
        """How far (mm) the em-box centre sits from the centre of its grid line."""
        return self.centre - (TOP + (self.slot + 0.5) * PITCH)

    @property
    def all_cjk(self) -> bool:
        return all(is_cjk(c["text"]) for c in self.chars)

    def __repr__(self) -> str:
        return (
            f"Line({self.text!r}, top={self.top:.2f}, x0={self.x0:.2f}, x1={self.x1:.2f}, "
            f"centre={self.centre:.2f}, size={self.size:g})"
        )


def role_of(fontname: str, roles_by_family: dict[str, str]) -> str | None:
    """Return the font-map role whose CSS family names this embedded font, or None."""
    name = fontname.split("+", 1)[-1]
    for css_family, role in roles_by_family.items():
        if name == css_family or name.startswith(css_family + "-"):
            return role
    return None


def page_lines(page, roles_by_family: dict[str, str]) -> list[Line]:
    """Group a page's chars by baseline (1 pt tolerance), top to bottom, each left to right."""
    chars = [c for c in page.chars if c["text"].strip()]
    for char in chars:
        char["baseline"] = page.height - char["matrix"][5]
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (c["baseline"], c["x0"])):
        if lines and abs(char["baseline"] - lines[-1][0]["baseline"]) <= 1.0:
            lines[-1].append(char)
        else:
            lines.append([char])
    result = []
    for group in lines:
        group.sort(key=lambda c: c["x0"])
        result.append(Line(group, [role_of(c["fontname"], roles_by_family) for c in group]))
    return result


@dataclass
class Page:
    number: int  # 1-based
    lines: list[Line]
    plumber: object

    @property
    def text_lines(self) -> list[Line]:
        """The lines inside the 版心 (page numbers, below it, excluded)."""
        return [line for line in self.lines if line.bottom <= BOTTOM + 1]

    @property
    def page_number_lines(self) -> list[Line]:
        return [line for line in self.lines if line.top > BOTTOM]

    @property
    def body_lines(self) -> list[Line]:
        """Lines of 3号 text inside the 版心 (仿宋, and 黑体/楷体 headings)."""
        return [
            line
            for line in self.text_lines
            if all(abs(c["size"] - BODY_PT) < 0.1 for c in line.chars)
        ]


@pytest.fixture(scope="module")
def roles_by_family(font_map) -> dict[str, str]:
    # Longest family first, so "GW-Song" never claims "GW-SongX".
    pairs = sorted(
        ((f.css_family, role) for role, f in font_map.items()), key=lambda pair: -len(pair[0])
    )
    return dict(pairs)


@pytest.fixture(scope="module")
def pdf(rendered_notice):
    with pdfplumber.open(rendered_notice.pdf) as document:
        yield document


@pytest.fixture(scope="module")
def pages(pdf, roles_by_family) -> list[Page]:
    return [
        Page(index + 1, page_lines(page, roles_by_family), page)
        for index, page in enumerate(pdf.pages)
    ]


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


def test_left_and_right_margins_on_full_pages(pages, notice_context):
    for page in full_pages(pages, notice_context.date):
        lines = page.body_lines
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


def test_lines_sit_on_the_22_line_grid(pages, notice_context):
    for page in flow_pages(pages, notice_context.date):
        slots = [line.slot for line in page.text_lines]
        assert len(set(slots)) == len(slots), f"page {page.number}: two lines share a slot {slots}"
        assert all(0 <= slot < LINES_PER_PAGE for slot in slots), f"page {page.number}: {slots}"
        for line in page.text_lines:
            # Headings (黑体, 楷体) and titles (小标宋) sit a little off; 仿宋 lines exactly on.
            tolerance = 0.1 if line.has_body_font else 0.25 * PITCH
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


def test_28_characters_per_line(pages, notice_context):
    body_pages = pages[: signature_page(pages, notice_context.date).number]
    lines = [line for page in body_pages for line in page.body_lines if line.has_body_font]
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


def test_red_separator_line(pdf, pages):
    red_rects = [r for r in pdf.pages[0].rects if r["fill"] and is_red(r["non_stroking_color"])]
    assert len(red_rects) == 1, red_rects
    rule = red_rects[0]
    assert rule["x0"] * MM == pytest.approx(LEFT, abs=0.5)
    assert rule["x1"] * MM == pytest.approx(RIGHT, abs=0.5)
    assert (rule["x1"] - rule["x0"]) * MM == pytest.approx(156, abs=0.5)
    thickness = (rule["bottom"] - rule["top"]) * MM
    assert 0.2 <= thickness <= 1.0, f"red line {mm(thickness)} thick"
    gap = rule["top"] * MM - document_number_line(pages).bottom
    assert gap == pytest.approx(4, abs=1), f"red line {mm(gap)} below the 发文字号"


# --- 4. page numbers ----------------------------------------------------------------------------


def test_page_numbers(pages, font_map):
    assert len(pages) % 2 == 0, f"{len(pages)} pages: the 版记 page must be even"
    last = pages[-1]
    assert not last.page_number_lines, f"the 版记 page is numbered: {last.page_number_lines}"
    for page in pages[:-1]:
        if not page.text_lines:  # a blank page before the 版记 page carries no number
            assert not page.page_number_lines, f"blank page {page.number} is numbered"
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


# --- 5. the 版记 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    top: float
    bottom: float
    x0: float
    x1: float


def horizontal_rules(pdf_path: Path, page_index: int, dpi: int = 300) -> list[Rule]:
    """Return the dark horizontal rules painted across at least 100 mm of the page.

    The page is rasterised: WeasyPrint draws borders as even-odd filled paths (an outer and
    an inner rectangle), which pdfplumber reports as two overlapping rectangles.
    """
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = document[page_index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    width, height = image.size
    px = 25.4 / dpi  # mm per pixel
    data = image.tobytes()
    dark_bytes = bytes(range(128))
    dark_rows = []
    for y in range(height):
        row = data[y * width : (y + 1) * width]
        if len(row) - len(row.translate(None, dark_bytes)) >= 100 / px:
            dark_rows.append(y)
    rules: list[list[int]] = []
    for y in dark_rows:
        if rules and y == rules[-1][-1] + 1:
            rules[-1].append(y)
        else:
            rules.append([y])
    result = []
    for rows in rules:
        middle = data[rows[len(rows) // 2] * width : (rows[len(rows) // 2] + 1) * width]
        dark = [x for x, value in enumerate(middle) if value < 128]
        result.append(Rule(rows[0] * px, (rows[-1] + 1) * px, dark[0] * px, (dark[-1] + 1) * px))
    return result


def test_imprint_rules_end_on_the_type_area_bottom(rendered_notice, pages):
    rules = horizontal_rules(rendered_notice.pdf, len(pages) - 1)
    assert len(rules) >= 2, f"the 版记 needs a first and a last rule: {rules}"
    last = max(rules, key=lambda rule: rule.bottom)
    assert last.bottom == pytest.approx(BOTTOM, abs=1), f"last rule ends at {mm(last.bottom)}"
    assert last.x1 - last.x0 == pytest.approx(156, abs=0.5), last
    assert last.x0 == pytest.approx(LEFT, abs=0.5), last
    first = min(rules, key=lambda rule: rule.top)
    assert first.x1 - first.x0 == pytest.approx(156, abs=0.5), first


def test_imprint_printing_organ_and_date(pages, notice_context, rendered_notice):
    last = pages[-1]
    printed = [line for line in last.text_lines if "印发" in line.text]
    assert len(printed) == 1, f"印发 on the last page: {printed}"
    line = printed[0]
    assert line.text.startswith(notice_context.printed_by), line
    assert line.text.endswith(notice_context.printed_on), line
    assert line.size == pytest.approx(IMPRINT_PT, abs=0.1)
    assert line.x0 == pytest.approx(LEFT + CHAR14, abs=1), f"印发机关 starts at {mm(line.x0)}"
    assert line.x1 == pytest.approx(RIGHT - CHAR14, abs=1), f"印发日期 ends at {mm(line.x1)}"
    rules = horizontal_rules(rendered_notice.pdf, len(pages) - 1)
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
