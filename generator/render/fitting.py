"""Fit printed words into a fixed box: the largest size at which they stay inside it, computed.

Widths are estimated on the safe side rather than measured, so that what fits here fits in any
font of the map: a wide (CJK or full-width) character is 1 em, a digit 0.6 em (0.47–0.6 in the
mapped fonts) and any other character 1.1 em (a Latin W is 1.09 em in Noto Serif CJK Bold).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PT = 25.4 / 72  # mm per point
STEPS_PER_PT = 4  # sizes are tried in quarter points, from the largest down
LEADING = 1.3  # a line's height per size: the glyphs' ascent and descent, with room to spare


@dataclass(frozen=True, slots=True)
class Fitted:
    """Words set at a size, broken into lines that keep inside their box."""

    size: float  # pt
    lines: tuple[str, ...]


def em_width(text: str) -> float:
    """Return the text's width in em, estimated on the safe side (see the module's docstring)."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> float:
    if unicodedata.east_asian_width(char) in "WF":
        return 1.0
    return 0.6 if char in "0123456789" else 1.1


def fit(
    words: Sequence[str],
    width: float,
    height: float,
    largest: float,
    *,
    max_lines: int | None = None,
) -> Fitted:
    """Return the largest size up to `largest` pt at which the words, filled greedily into lines
    no wider than `width` mm (a line breaks only between words), take at most `height` mm.

    Pass the characters of a CJK text as its words: it may break between any two of them.
    """
    for steps in range(round(largest * STEPS_PER_PT), 0, -1):
        size = steps / STEPS_PER_PT
        lines = fill(words, width / (size * PT))
        if lines is None or (max_lines is not None and len(lines) > max_lines):
            continue
        if len(lines) * size * PT * LEADING <= height:
            return Fitted(size, lines)
    raise ValueError(f"{''.join(words)!r} fits no size in {width:.1f} × {height:.1f} mm")


def fill(words: Sequence[str], room: float) -> tuple[str, ...] | None:
    """Return the words filled greedily into lines of at most `room` em; None if one is wider."""
    lines: list[str] = []
    line = ""
    for word in words:
        if em_width(word) > room:
            return None
        if line and em_width(line + word) > room:
            lines.append(line)
            line = word
        else:
            line += word
    return (*lines, line)
