"""Ink in each score cell and text box, measured on the page brought into the layout's frame.

The page is resampled at PX_PER_MM in the layout's millimetres, so every box is a fixed slice.
A pixel is ink against the page's own paper: `dark` below DARK of the paper's brightness (a
pen's stroke), `light` between DARK and LIGHT (a faint pencil, a rubbed-out tick). A cell is
measured inside INSET, clear of its printed rules; the strips either side of a shared border
tell a stroke that crosses it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from ..load.ballot_layout import Box, SheetBoxes

PX_PER_MM = 8
DARK, LIGHT = 0.55, 0.85  # of the paper's brightness
INSET = 1.0  # mm inside a cell's box: its rules (0.25 mm) and the registration's error
STRIP = (0.35, 1.0)  # mm from a shared border: the strips either side of it
SOLID_WEAR = 1.5  # mm: a disc this wide wears away any pen's stroke, not a scribbled-over patch
WEAR = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (round(SOLID_WEAR * PX_PER_MM),) * 2)


@dataclass(frozen=True, slots=True)
class CellInk:
    score: int
    dark: float  # fraction of the cell's inner area
    light: float
    solid: float = 0.0  # dark area left once strokes as wide as a pen are worn away (mm²)


@dataclass(frozen=True, slots=True)
class PageInk:
    cells: tuple[CellInk, ...]
    across: tuple[tuple[int, int], ...]  # the scores either side of a border a stroke crosses
    written: dict[str, float]  # text box → dark fraction


def to_layout(image: np.ndarray, transform: np.ndarray, page: tuple[float, float]) -> np.ndarray:
    """Return the page resampled in the layout's frame, PX_PER_MM pixels a millimetre."""
    to_image = transform.copy()
    to_image[:, :2] /= PX_PER_MM
    size = (round(page[0] * PX_PER_MM), round(page[1] * PX_PER_MM))
    return cv2.warpAffine(
        image, to_image, size, flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT, borderValue=255,
    )  # fmt: skip


def paper_level(page: np.ndarray) -> float:
    """Return the paper's brightness: most of a ballot is paper."""
    return max(float(np.percentile(page[::4, ::4], 90)), 32.0)


def _slice(page: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return page[
        round(y0 * PX_PER_MM) : round(y1 * PX_PER_MM), round(x0 * PX_PER_MM) : round(x1 * PX_PER_MM)
    ]


def ink(area: np.ndarray, paper: float) -> tuple[float, float]:
    """Return the dark and light fractions of an area."""
    if area.size == 0:
        return 0.0, 0.0
    dark = float(np.count_nonzero(area < DARK * paper)) / area.size
    light = float(np.count_nonzero(area < LIGHT * paper)) / area.size - dark
    return dark, light


def inner(box: Box, inset: float = INSET) -> tuple[float, float, float, float]:
    x, y, w, h = box
    return x + inset, y + inset, x + w - inset, y + h - inset


def solid_area(area: np.ndarray, paper: float) -> float:
    """Return the dark area (mm²) that survives wearing away SOLID_WEAR: a pen's tick or cross
    leaves (almost) none, a cell scribbled over leaves a patch."""
    dark = (area < DARK * paper).astype(np.uint8)
    if not dark.any():
        return 0.0
    return float(np.count_nonzero(cv2.erode(dark, WEAR))) / PX_PER_MM**2


def cell_ink(score: int, area: np.ndarray, paper: float) -> CellInk:
    dark, light = ink(area, paper)
    return CellInk(score, dark, light, solid_area(area, paper) if dark else 0.0)


def measure(page: np.ndarray, boxes: SheetBoxes) -> PageInk:
    """Return the ink of every score cell, the strokes across borders, and the text boxes'."""
    paper = paper_level(page)
    cells = tuple(
        cell_ink(score, _slice(page, *inner(box)), paper) for score, box in boxes.score_cells
    )
    across = []
    by_x = sorted(boxes.score_cells, key=lambda item: item[1][0])
    for (left_score, left), (right_score, right) in itertools.pairwise(by_x):
        edge, top, bottom = right[0], left[1] + INSET, left[1] + left[3] - INSET
        near, far = STRIP
        strips = (
            _slice(page, edge - far, top, edge - near, bottom),
            _slice(page, edge + near, top, edge + far, bottom),
        )
        if all(ink(strip, paper)[0] * strip.size >= 0.25 * PX_PER_MM**2 for strip in strips):
            across.append((left_score, right_score))
    written = {
        name: ink(_slice(page, *inner(box, 2.0)), paper)[0] for name, box in boxes.text_boxes
    }
    return PageInk(cells, tuple(across), written)


def crop(page: np.ndarray, box: Box) -> np.ndarray:
    """Return a box's pixels, for the image a person reads."""
    x, y, w, h = box
    return _slice(page, x, y, x + w, y + h)
