"""Page geometry shared by the documents: boxes in millimetres, GB/T 9704's title and 署名.

Titles are broken into lines that keep words whole (§7.3.1); the 署名 is centred over the
成文日期, which stands 4 characters in from the right (§7.3.5.1, the sealed layout); the 版头's
vertical measures are those of §7.2.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

PAGE = (210.0, 297.0)  # A4, mm
MM_PER_PT = 25.4 / 72
LINE_MM = 225 / 22  # the 版心's 22 lines
LINE_TWIPS = 579  # the same in a DOCX, rounded down to whole twips (docx_builders/grid.py)
BODY_PT = 16.0  # 3号
MARK_TOP_MM = 35.0  # the 发文机关标志's top below the 版心's top
RULE_GAP_MM = 4.0  # the red line below the 发文字号
RULE_MM = 0.5  # the red line's thickness: 0.35–0.5 mm is common practice
TITLE_CHARS = 20  # 2号 (22 pt) characters that fit the 156 mm 版心
SIGNATURE_RIGHT = 4  # the date stands 4 characters in from the right, under the seal


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in mm: x and y of the top-left corner, width and height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def style(self) -> str:
        return f"left:{self.x:.3f}mm;top:{self.y:.3f}mm;width:{self.w:.3f}mm;height:{self.h:.3f}mm"

    def grown(self, margin: float) -> Box:
        """Return the box grown by `margin` mm on every side (a border centred on its edges)."""
        return Box(self.x - margin, self.y - margin, self.w + 2 * margin, self.h + 2 * margin)

    def as_list(self, digits: int = 3) -> list[float]:
        return [round(v, digits) for v in (self.x, self.y, self.w, self.h)]


@dataclass(frozen=True, slots=True)
class Masthead:
    """The 版头's vertical measures for a 发文机关标志 of `mark_pt` points (GB/T 9704 §7.2).

    The 标志's em box starts 35 mm below the 版心's top; two blank lines below it stands the
    发文字号, its em box centred on its line; the red line 4 mm below that em box. The 版头
    takes whole lines of the grid, so the title below it stays on the grid.
    """

    mark_pt: float

    @property
    def mark_mm(self) -> float:
        return self.mark_pt * MM_PER_PT

    @property
    def lines(self) -> int:
        """Return how many grid lines the 版头 takes, the red line included."""
        number_bottom = MARK_TOP_MM + self.mark_mm + 3 * LINE_MM - self.leading_mm
        return math.ceil((number_bottom + RULE_GAP_MM + RULE_MM) / LINE_MM - 1e-9)

    @property
    def height_mm(self) -> float:
        return self.lines * LINE_MM

    @property
    def leading_mm(self) -> float:
        """Return the space between the 发文字号's em box and the bottom of its line."""
        return (LINE_MM - BODY_PT * MM_PER_PT) / 2

    def mark_padding_mm(self, drop: float) -> float:
        """Return the space above a 标志 line 1 em high whose font's em box is `drop` em lower."""
        return MARK_TOP_MM - drop * self.mark_mm

    def number_margin_mm(self, drop: float) -> float:
        """Return the space between that 标志 line and the 发文字号's line: two blank lines."""
        return 2 * LINE_MM + drop * self.mark_mm

    @property
    def rule_margin_mm(self) -> float:
        """Return the space between the 发文字号's line and the red line."""
        return RULE_GAP_MM - self.leading_mm

    @property
    def docx(self) -> DocxMasthead:
        return DocxMasthead(self)


@dataclass(frozen=True, slots=True)
class DocxMasthead:
    """The 版头 in a DOCX, in twips and whole half-points.

    Word and LibreOffice put the baseline of a line of exact height 80 % down: a line of 1.1 em
    puts the em box's top (0.88 em above the baseline in CJK fonts) on the line's top.
    """

    masthead: Masthead

    @property
    def mark_half_points(self) -> int:
        return int(self.masthead.mark_pt * 2)

    @property
    def mark_line(self) -> int:
        return round(self.mark_half_points * 11)  # 1.1 em in twips

    @property
    def mark_before(self) -> int:
        return round(MARK_TOP_MM / MM_PER_PT * 20)

    @property
    def number_before(self) -> int:
        return 2 * LINE_TWIPS - (self.mark_line - self.mark_half_points * 10)

    @property
    def rule_space_pt(self) -> int:
        """Return the red line's distance below the 发文字号's line, in whole points."""
        leading = (LINE_TWIPS - BODY_PT * 20) / 2
        return round((RULE_GAP_MM / MM_PER_PT * 20 - leading) / 20)

    @property
    def rule_eighths(self) -> int:
        """Return the red line's thickness in eighths of a point."""
        return round(RULE_MM / MM_PER_PT * 8)

    @property
    def after(self) -> int:
        """Return the space below the red line that completes the 版头's lines."""
        used = (
            self.mark_before
            + self.mark_line
            + self.number_before
            + LINE_TWIPS
            + self.rule_space_pt * 20
            + self.rule_eighths * 20 // 8
        )
        return max(0, self.masthead.lines * LINE_TWIPS - used)


def signature_indent(signature: str, date_text: str) -> float:
    """Return the 署名's right indent in em: centred over the date, 4 characters in."""
    return max(0.0, SIGNATURE_RIGHT + (text_width(date_text) - text_width(signature)) / 2)


# Places where a title of this kind may break: after these words, or before 《 and 的通知.
BREAK_AFTER = ("委员会", "关于", "印发", "年度", "镇", "党组织书记", "党建", "述职评议", "考核")
BREAK_BEFORE = ("《", "的通知")


def text_width(text: str) -> float:
    """Return the width in em: CJK characters 1, ASCII characters ½."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def break_points(title: str) -> list[int]:
    """Return the indices at which the title may be broken."""
    points: set[int] = set()
    for word in BREAK_AFTER:
        points.update(m.end() for m in re.finditer(re.escape(word), title))
    for word in BREAK_BEFORE:
        points.update(m.start() for m in re.finditer(re.escape(word), title))
    return sorted(p for p in points if 0 < p < len(title))


def title_lines(title: str, max_width: float) -> list[str]:
    """Return the title in the fewest lines of at most max_width em, most even in length.

    Among the fewest-line splits at word boundaries, the one whose longest line is shortest wins;
    that gives the trapezoid or diamond shape the standard asks for.
    """
    if text_width(title) <= max_width:
        return [title]
    cuts = [0, *break_points(title), len(title)]
    best: dict[int, tuple[int, float, list[str]]] = {0: (0, 0.0, [])}
    for end_index, end in enumerate(cuts[1:], start=1):
        for start in cuts[:end_index]:
            if start not in best:
                continue
            line = title[start:end]
            if text_width(line) > max_width:
                continue
            count, widest, lines = best[start]
            candidate = (count + 1, max(widest, text_width(line)), [*lines, line])
            if end not in best or candidate[:2] < best[end][:2]:
                best[end] = candidate
    if len(title) not in best:
        return [title]  # no word boundary fits: let the renderer wrap
    return best[len(title)][2]
