"""Set Chinese paragraphs line by line, justified to the 版心 as Word and WPS set them.

WeasyPrint justifies by widening spaces, and Chinese text has none: a line that ends early
because a closing mark may not start the next line (避头尾) stays ragged. So the lines are broken
here, with the 避头尾 rules, and each full line gets the letter-spacing that makes it fill the
measure exactly — a little tighter when a closing mark is pulled in, a little looser when a
character is pushed down.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from markupsafe import Markup, escape

NO_LINE_START = set("，。、；：？！）》」』”’〉】〕…—·%‰℃,.;:?!)]}")
NO_LINE_END = set("（《「『“‘〈【〔([{")
MAX_SQUEEZE_EM = 0.6  # how much a line may tighten to keep a closing mark on it


@dataclass(frozen=True, slots=True)
class Run:
    """Text in one font: a lead-in in 楷体, the rest in 仿宋."""

    text: str
    css_class: str  # "" for the paragraph's own font
    font_file: Path


@cache
def advances(font_file: Path) -> tuple[dict[int, float], float]:
    """Return code point → advance in em, and the em advance for anything unmapped."""
    with TTFont(font_file, lazy=True) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"]
        widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, 1.0


def advance(char: str, font_file: Path) -> float:
    widths, default = advances(font_file)
    return widths.get(ord(char), default)


def _units(runs: list[Run]) -> list[list[tuple[str, int]]]:
    """Split the text into unbreakable units of (char, run index): a Latin word or number is one."""
    units: list[list[tuple[str, int]]] = []
    for index, run in enumerate(runs):
        for char in run.text:
            if _latin(char) and units and _latin(units[-1][-1][0]):
                units[-1].append((char, index))
            else:
                units.append([(char, index)])
    return units


def _latin(char: str) -> bool:
    """Return whether a character belongs to a Latin word or a number such as 8.072, 9-10, 10%."""
    return char.isascii() and (char.isalnum() or char in ".-%/:")


def break_lines(
    runs: list[Run], size_pt: float, spacing_pt: float, measure_pt: float, indent_pt: float
) -> list[tuple[list[tuple[str, int]], float | None]]:
    """Return the lines, each with the letter-spacing that fills the measure (None: last line)."""
    units = _units(runs)
    width = [sum(advance(c, runs[i].font_file) * size_pt + spacing_pt for c, i in u) for u in units]
    lines: list[tuple[int, int, float | None]] = []  # first unit, end, the width to fill
    start, available = 0, measure_pt - indent_pt
    while start < len(units):
        end, used = start, 0.0
        while end < len(units) and used + width[end] <= available + 0.01:
            used += width[end]
            end += 1
        if end == len(units):
            lines.append((start, end, None))
            break
        end = max(end, start + 1)
        closers = end
        while closers < len(units) and units[closers][0][0] in NO_LINE_START:
            closers += 1
        pulled = sum(width[end:closers])
        if closers > end and used + pulled <= available + MAX_SQUEEZE_EM * size_pt:
            end = closers  # pull the closing marks in, tightening the line
        else:
            while end - start > 1 and (
                units[end][0][0] in NO_LINE_START or units[end - 1][-1][0] in NO_LINE_END
            ):
                end -= 1  # push a character down, loosening the line
        lines.append((start, end, available))
        start, available = end, measure_pt
    result: list[tuple[list[tuple[str, int]], float | None]] = []
    for first, last, target in lines:
        chars = [pair for unit in units[first:last] for pair in unit]
        if target is None:
            result.append((chars, None))
            continue
        natural = sum(advance(c, runs[i].font_file) * size_pt for c, i in chars)
        result.append((chars, (target - natural) / len(chars)))
    return result


def justified_html(
    runs: list[Run], size_pt: float, spacing_pt: float, measure_pt: float, indent_pt: float
) -> Markup:
    """Return the paragraph as one block per line, each spaced to fill the measure."""
    parts = []
    for number, (chars, spacing) in enumerate(
        break_lines(runs, size_pt, spacing_pt, measure_pt, indent_pt)
    ):
        style = f"letter-spacing: {spacing if spacing is not None else spacing_pt:.4f}pt"
        if number == 0 and indent_pt:
            style += f"; padding-left: {indent_pt:.4f}pt"
        segments, current, text = [], 0, ""
        for char, index in chars:
            if index != current and text:
                segments.append(_segment(text, runs[current].css_class))
                text = ""
            current, text = index, text + char
        if text:
            segments.append(_segment(text, runs[current].css_class))
        parts.append(f'<span class="line" style="{style}">{"".join(segments)}</span>')
    return Markup("".join(parts))


def _segment(text: str, css_class: str) -> str:
    return f'<span class="{css_class}">{escape(text)}</span>' if css_class else str(escape(text))


# The body text of GB/T 9704: 3号 (16 pt), 28 characters in the 156 mm 版心.
BODY_PT = 16.0
BODY_SPACING_PT = -0.21
MEASURE_PT = 156 / 25.4 * 72
INDENT_PT = 2 * (BODY_PT + BODY_SPACING_PT)
HEAD_ROLE = {"h1": "黑体", "h2": "楷体"}  # the font of a paragraph's lead-in, by kind


def paragraph_setter(fonts):
    """Return justify(head, text, kind): a body paragraph of the plan, set line by line."""
    body_file = fonts["仿宋"].file

    def justify(head: str, text: str, kind: str = "body") -> Markup:
        runs = [Run(text, "", body_file)]
        if head:
            runs.insert(0, Run(head, "head", fonts[HEAD_ROLE[kind]].file))
        return justified_html(
            [r for r in runs if r.text], BODY_PT, BODY_SPACING_PT, MEASURE_PT, INDENT_PT
        )

    return justify
