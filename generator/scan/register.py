"""The page's place: a transform from the layout's millimetres to the image's pixels.

The QR code's corners give a first guess; the four solid corner marks, found near where that
guess puts them, give the transform the cells are measured with. Three marks suffice to fit it;
with one missing the page is still read, but a person checks it (the sheet may be torn there).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..load.ballot_layout import Box, SheetBoxes

SEARCH = 10.0  # mm around a mark's expected place
SIZE_TOLERANCE = 0.25  # a mark's side may differ this much from the layout's (scale, blur, ink)


@dataclass(frozen=True, slots=True)
class Registration:
    transform: np.ndarray  # 2 × 3: mm → pixels
    marks_found: int


def _corners_of(box: Box) -> np.ndarray:
    x, y, w, h = box
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float64)


def first_guess(qr_box: Box, corners: np.ndarray) -> np.ndarray:
    """Return mm → pixels from the QR symbol's corners (a similarity: rotation, scale, shift)."""
    transform, _ = cv2.estimateAffinePartial2D(_corners_of(qr_box), corners)
    return transform


def _apply(transform: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ transform[:, :2].T + transform[:, 2]


def find_mark(
    image: np.ndarray, centre: np.ndarray, side_px: float, search_px: float
) -> np.ndarray | None:
    """Return the centre (pixels) of a solid square of about side_px within search_px of centre,
    or None."""
    reach = int(side_px / 2 + search_px)
    x, y = int(centre[0]), int(centre[1])
    h, w = image.shape
    x0, y0, x1, y1 = max(x - reach, 0), max(y - reach, 0), min(x + reach, w), min(y + reach, h)
    if x1 - x0 < side_px or y1 - y0 < side_px:
        return None
    window = image[y0:y1, x0:x1]
    _, ink = cv2.threshold(window, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    best, best_distance = None, np.inf
    for label in range(1, count):
        _left, _top, width, height, area = stats[label]
        sides_ok = all(abs(s / side_px - 1) <= SIZE_TOLERANCE for s in (width, height))
        if not sides_ok or area < 0.8 * width * height:
            continue
        found = centroids[label] + (x0, y0)
        distance = float(np.hypot(*(found - centre)))
        if distance < best_distance:
            best, best_distance = found, distance
    return best


def register(image: np.ndarray, boxes: SheetBoxes, guess: np.ndarray) -> Registration | None:
    """Return the page's registration by its corner marks, or None with fewer than three."""
    scale = float(np.hypot(*guess[:, 0]))  # pixels per mm
    layout_points, image_points = [], []
    for box in boxes.corner_marks:
        x, y, w, h = box
        centre = np.array([x + w / 2, y + h / 2])
        found = find_mark(image, _apply(guess, centre[None])[0], w * scale, SEARCH * scale)
        if found is not None:
            layout_points.append(centre)
            image_points.append(found)
    if len(layout_points) < 3:
        return None
    source, target = np.array(layout_points), np.array(image_points)
    if len(source) == 3:
        transform = cv2.getAffineTransform(source.astype(np.float32), target.astype(np.float32))
    else:
        transform, _ = cv2.estimateAffine2D(source, target, method=cv2.LMEDS)
    if transform is None:
        return None
    return Registration(transform.astype(np.float64), len(source))
