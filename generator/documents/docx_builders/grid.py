"""The 版心's grid in a DOCX: 22 lines of 28 characters of 3号 text (GB/T 9704 §5.2.2).

A section's `w:docGrid` of type linesAndChars gives the line pitch (twips) and the character
pitch: the Normal style's size plus `w:charSpace` / 4096 pt. Word and WPS set each CJK character
in one cell of that pitch, condensing the 16 pt characters into 28 cells of 15.79 pt.
LibreOffice (7.4) reads the pitch the same way, rounded through 1/100 mm (writerfilter's
SectionPropertyMap), but gives a character as many cells as its advance needs: a 16 pt
character would take two. The characters on the grid are therefore scaled (`w:w`, whole
percent) to fit one cell, whatever the font, as long as its ideographs are one em wide; indents
are whole cells, as LibreOffice rounds them up to cells.

Paragraphs in other sizes (the 标志, titles, tables, the 版记) keep their own widths and
spacing: their styles are taken off the grid.
"""

from __future__ import annotations

import math

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

LINES, CHARACTERS = 22, 28
OWN_WIDTHS = ("发文机关标志", "标题", "表格文字", "表注", "版记", "页码")  # not 3号: off the grid
INDENTED = ("正文", "一级标题")  # the first line 2 characters in

# The children of w:pPr that must follow w:snapToGrid (ECMA-376 order; Word insists on it).
AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
# The children of w:rPr that follow w:spacing, and those that follow w:w.
AFTER_W = (
    "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip
AFTER_SPACING = ("w:w", *AFTER_W)


def off_the_grid(style) -> None:
    """Let a style keep its own line spacing and character widths instead of the 3号 grid's.

    On the grid, LibreOffice (and Word, without this) puts each line of a 4号 table cell on the
    28.95 pt grid, doubling the table's height, and gives a 2号 character two cells.
    """
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().insert_element_before(snap, *AFTER_SNAP_TO_GRID)


def run_property(rpr, name: str, value: int) -> None:
    """Set w:spacing (twips) or w:w (percent) in run properties, replacing any."""
    element = rpr.find(qn(name))
    if element is None:
        element = OxmlElement(name)
        rpr.insert_element_before(element, *(AFTER_SPACING if name == "w:spacing" else AFTER_W))
    element.set(qn("w:val"), str(value))


def natural_widths(style) -> None:
    """Set a style's characters at their own width: unscaled, not condensed."""
    rpr = style.element.get_or_add_rPr()
    run_property(rpr, "w:spacing", 0)
    run_property(rpr, "w:w", 100)


def text_width(section) -> int:
    return section.page_width.twips - section.left_margin.twips - section.right_margin.twips


def line_twips(section) -> int:
    """Return the whole-twip line pitch that puts 22 lines in the section's text height."""
    height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    return math.floor(height / LINES)


def char_space(section, size_pt: float) -> int:
    """Return w:charSpace: 28 cells fill the text width, rounded down to 1/4096 pt."""
    return math.floor((text_width(section) / CHARACTERS / 20 - size_pt) * 4096)


def libreoffice_cell(size_pt: float, space: int) -> float:
    """Return the cell in twips as LibreOffice computes it: each part rounded to 1/100 mm."""

    def mm100(twips: float) -> int:
        return round(twips * 127 / 72)

    main, fraction = space >> 12, (space & 0xFFF) * 20 // 0xFFF
    return (mm100(size_pt * 20) + mm100(main * 20) + mm100(fraction)) * 72 / 127


class Grid:
    """The grid of a document's first section: its cells, and indents of whole cells."""

    def __init__(self, doc) -> None:
        section = doc.sections[0]
        self.size_pt = doc.styles["Normal"].font.size.pt
        self.char_space = char_space(section, self.size_pt)
        word = self.size_pt * 20 + self.char_space * 20 / 4096
        self.cell = min(word, libreoffice_cell(self.size_pt, self.char_space))

    def cells(self, count: float) -> int:
        """Return `count` cells in whole twips, never more (a word processor rounds up)."""
        return math.floor(count * self.cell)

    @property
    def scale(self) -> int:
        """Return the whole percent that makes a character of the Normal size fit a cell."""
        return math.floor(100 * self.cell / (self.size_pt * 20))


def type_area_grid(doc) -> Grid:
    """Put every section on the grid of 22 lines × 28 characters, whatever the fonts.

    The character pitch is rounded down (to 1/4096 pt), so that 28 cells never overflow the
    line; the text on the grid is scaled to fit its cells, not condensed.
    """
    grid = Grid(doc)
    for section in doc.sections:
        element = section._sectPr.find(qn("w:docGrid"))
        if element is None:
            element = OxmlElement("w:docGrid")
            section._sectPr.append(element)
        element.set(qn("w:type"), "linesAndChars")
        element.set(qn("w:linePitch"), str(line_twips(section)))
        element.set(qn("w:charSpace"), str(char_space(section, grid.size_pt)))
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    run_property(defaults.find(qn("w:rPr")), "w:spacing", 0)
    run_property(defaults.find(qn("w:rPr")), "w:w", grid.scale)
    return grid


def grid_styles(doc) -> Grid:
    """Take the styles of other sizes off the grid, their characters at their own widths; indent
    the first lines by two whole cells; return the grid `type_area_grid` will set."""
    grid = Grid(doc)
    for name in OWN_WIDTHS:
        off_the_grid(doc.styles[name])
        natural_widths(doc.styles[name])
    for name in INDENTED:
        doc.styles[name].paragraph_format.first_line_indent = Twips(grid.cells(2))
    return grid
