"""A page in review as the clerk sees it: the scan's picture with the cells concerned drawn on it.

`scan` keeps each page in review as a picture (OUT/scan/review/NNNNN.png): on a registered page,
the sheet in the layout's frame at half the reader's resolution, so a box of ballot-layout.json
is a fixed rectangle on it. The reader's measurements are not kept; they are taken again on the
picture, to find the cells holding ink: a picture for the eye, never a reading. The rectangles
are drawn into the PNG itself (the station's pages allow no inline styles).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ..load.ballot_layout import Box, Layout, SheetBoxes
from ..pipeline.scan_files import PREVIEW_PX_PER_MM, png
from ..scan.decide import mark_of
from ..scan.measure import PX_PER_MM, measure
from ..scan.sheet import Campaign

# BGR colours, and line widths in pixels.
INKED = ((0, 0, 220), 3)  # a cell holding ink, or a stroke across its border
READ = ((40, 140, 30), 3)  # the cell of the scan's reading
CORNER = ((0, 140, 255), 3)  # the corner marks, on a page with one missing
WRITTEN = ((0, 0, 220), 3)  # the written-score box


def preview_path(out_dir: Path, row: int) -> Path:
    """Return where `scan` keeps the picture of page `row` of sheets.csv."""
    return out_dir / "scan" / "review" / f"{row:05d}.png"


def in_layout_frame(picture: np.ndarray, layout: Layout) -> bool:
    """Say whether a picture is a registered page (the sheet in the layout's frame)."""
    width, height = (round(side * PX_PER_MM) for side in layout.page)
    step = PX_PER_MM // PREVIEW_PX_PER_MM
    return picture.shape[:2] == (-(-height // step), -(-width // step))


def form_boxes(
    campaign: Campaign | None, secretary_id: str, picture: np.ndarray
) -> SheetBoxes | None:
    """Return the boxes of the page's form, when the picture is in the layout's frame."""
    role = campaign.role_of.get(secretary_id) if campaign else None
    if campaign is None or role is None or not in_layout_frame(picture, campaign.layout):
        return None
    return campaign.layout.kinds.get(role)


def inked_cells(picture: np.ndarray, boxes: SheetBoxes) -> set[int]:
    """Return the scores whose cells hold ink on the picture, or either side of a stroke
    across a border."""
    step = PX_PER_MM // PREVIEW_PX_PER_MM
    page = cv2.resize(picture, None, fx=step, fy=step, interpolation=cv2.INTER_NEAREST)
    ink = measure(page, boxes)
    found = {cell.score for cell in ink.cells if mark_of(cell) != "empty"}
    return found | {score for pair in ink.across for score in pair}


def marked_page(
    picture: np.ndarray, boxes: SheetBoxes | None, reason: str, reading: int | None
) -> bytes:
    """Return the page's PNG with the boxes concerned outlined: red the score cells holding ink,
    green the scan's reading; the corner marks when one is missing, a written score's box."""
    canvas = cv2.cvtColor(picture, cv2.COLOR_GRAY2BGR)
    if boxes is None:
        return png(canvas)
    inked = inked_cells(picture, boxes) if boxes.score_cells else set()
    for score, box in boxes.score_cells:
        if score in inked:
            _outline(canvas, box, *INKED)
        if score == reading:
            _outline(canvas, box, *READ, inset=3)
    if reason == "corner_missing":
        for box in boxes.corner_marks:
            _outline(canvas, box, *CORNER, inset=-3)
    if boxes.written_score is not None:
        _outline(canvas, boxes.written_score, *WRITTEN)
    return png(canvas)


def _outline(
    canvas: np.ndarray, box: Box, colour: tuple[int, int, int], width: int, inset: int = 0
) -> None:
    x, y, w, h = (round(v * PREVIEW_PX_PER_MM) for v in box)
    corner, far = (x + inset, y + inset), (x + w - inset, y + h - inset)
    cv2.rectangle(canvas, corner, far, colour, width)


def read_picture(path: Path) -> np.ndarray | None:
    """Return a picture's grey pixels, or None when it is missing or unreadable."""
    if not path.is_file():
        return None
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
