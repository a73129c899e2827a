"""Read a GB/T 9704 page back from a PDF: lines of text by baseline, their fonts' roles, rules.

Shared by the tests that measure the 通知 as WeasyPrint renders it and as LibreOffice renders its
DOCX. Positions are in mm from the page's top-left corner. A line's em box is its characters'
ideographic em box: from 0.88 em above the baseline to 0.12 em below (OS/2 sTypoAscender and
sTypoDescender of every CJK font of the map; pdfplumber's own boxes follow the descent each PDF
writer declares). The 版心 is 156 × 225 mm at 28 mm from the left and 37 mm from the top; it holds
22 lines, so the line pitch is 225/22 mm.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pdfplumber
import pypdfium2
from PIL import Image, ImageChops

MM = 25.4 / 72  # mm per PDF point
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
TOP, LEFT, RIGHT = 37.0, 28.0, 184.0  # 版心 edges (mm)
BOTTOM = TOP + 225.0  # 262 mm
PITCH = 225.0 / 22  # 22 lines fill the 版心
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16.0  # 3号
IMPRINT_PT = 14.0  # 4号: 版记 and 页码
HANGING_MARKS = (
    "，。、；：！？”’）》」』"  # marks that may not open a line: a renderer may hang them
)
CHAR14 = IMPRINT_PT * MM  # one 4号 character: 4.94 mm
EM_ASCENT, EM_DESCENT = 0.88, 0.12  # the ideographic em box, in em
PAGE_NUMBER = re.compile(r"^—\s*(\d+)\s*—$")

RoleOf = Callable[[str], "str | None"]  # embedded font name → the font map's role, or None


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
        """The em boxes' top: 0.88 em above the baseline."""
        return min(c["baseline"] - EM_ASCENT * c["size"] for c in self.chars) * MM

    @property
    def bottom(self) -> float:
        return max(c["baseline"] + EM_DESCENT * c["size"] for c in self.chars) * MM

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
        return (
            statistics.fmean(
                c["baseline"] + (EM_DESCENT - EM_ASCENT) / 2 * c["size"] for c in chars
            )
            * MM
        )

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


def without_hung_mark(line: Line) -> Line:
    """The line's characters inside the 版心: without a closing mark hung past its right edge."""
    if line.x1 > RIGHT + 1 and line.text[-1] in HANGING_MARKS:
        return Line(line.chars[:-1], line.roles[:-1])
    return line


def page_lines(page, role_of: RoleOf) -> list[Line]:
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
        result.append(Line(group, [role_of(c["fontname"].split("+", 1)[-1]) for c in group]))
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


def read_pages(document: pdfplumber.PDF, role_of: RoleOf) -> list[Page]:
    return [
        Page(index + 1, page_lines(page, role_of), page)
        for index, page in enumerate(document.pages)
    ]


@dataclass(frozen=True)
class Rule:
    top: float
    bottom: float
    x0: float
    x1: float


def horizontal_rules(
    pdf_path: Path, page_index: int, *, red: bool = False, dpi: int = 300
) -> list[Rule]:
    """Return the dark (or red) horizontal rules painted across at least 100 mm of the page.

    The page is rasterised: WeasyPrint draws borders as even-odd filled paths (an outer and an
    inner rectangle), LibreOffice as stroked lines; their pixels are alike.
    """
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = document[page_index].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    width, height = image.size
    px = 25.4 / dpi  # mm per pixel
    data = ink(image, red).tobytes()
    rows = []
    for y in range(height):
        row = data[y * width : (y + 1) * width]
        if row.count(255) >= 100 / px:
            rows.append((y, row.find(255), row.rfind(255)))
    rules: list[list[tuple[int, int, int]]] = []
    for row in rows:
        if rules and row[0] == rules[-1][-1][0] + 1:
            rules[-1].append(row)
        else:
            rules.append([row])
    result = []
    for group in rules:
        _, first, last = group[len(group) // 2]
        result.append(Rule(group[0][0] * px, (group[-1][0] + 1) * px, first * px, (last + 1) * px))
    return result


def ink(image: Image.Image, red: bool) -> Image.Image:
    """Return a mask (255 where inked) of the dark pixels, or of the red ones."""
    if not red:
        return image.convert("L").point(lambda v: 255 if v < 128 else 0)
    r, g, b = (
        band.point(test).convert("1")
        for band, test in zip(
            image.split(),
            (
                lambda v: 255 if v > 160 else 0,
                lambda v: 255 if v < 90 else 0,
                lambda v: 255 if v < 90 else 0,
            ),
            strict=True,
        )
    )
    return ImageChops.logical_and(ImageChops.logical_and(r, g), b).convert("L")
