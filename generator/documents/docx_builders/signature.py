"""The 署名 centred over the 成文日期 (GB/T 9704 §7.3.5.1), by two centre tab stops.

The date stands 4 characters in from the right: its centre is where its characters put it
(CJK characters one character wide, digits half one; render/geometry.py text_width). Both lines
are centred on that point by a centre tab stop, so the 署名 stays centred over the date whatever
width the font gives the digits; a 署名 too long for that stops at the right margin.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from ...render.geometry import SIGNATURE_RIGHT


def centre_tab(paragraph, expression: str) -> None:
    """Give the paragraph one centre tab stop at a position (twips) docxtpl computes."""
    stop = paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(1), WD_TAB_ALIGNMENT.CENTER)
    stop._element.set(qn("w:pos"), f"{{{{ ({expression})|int }}}}")


def signature_lines(container, context: str, date_field: str, *, line: int, char: float,
                    style="署名") -> list:  # fmt: skip
    """Add the 署名 and the date, centred on the date's centre, `char` twips a character on a
    line `line` twips wide; return the two paragraphs."""
    date = f"({context}.{date_field}|em_width)"
    centre = f"{line} - ({SIGNATURE_RIGHT} + {date} / 2) * {char:.2f}"
    at_most = f"{line} - ({context}.signature|em_width) / 2 * {char:.2f}"
    lines = []
    for text, position in (
        (f"{context}.signature", f"[{centre}, {at_most}]|min"),
        (f"{context}.{date_field}", centre),
    ):
        paragraph = container.add_paragraph(f"\t{{{{ {text} }}}}", style=style)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        centre_tab(paragraph, position)
        lines.append(paragraph)
    lines[0].paragraph_format.keep_with_next = True
    return lines
