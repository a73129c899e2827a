"""Which sheet a page is: its QR code, read wherever and whichever way up the page lies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import zxingcpp

from ..model.ballot_code import BallotCode, parse_code


@dataclass(frozen=True, slots=True)
class Found:
    """The code on the page and its symbol's corners in the image (pixels), in reading order:
    top left, top right, bottom right, bottom left of the symbol as printed."""

    code: BallotCode | None  # None: a QR code that is not a ballot's
    text: str
    corners: np.ndarray  # 4 × 2


def find_code(image: np.ndarray) -> Found | None:
    """Return the page's ballot QR code, or None when no QR code can be read."""
    for result in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    ):
        p = result.position
        corners = np.array(
            [
                [p.top_left.x, p.top_left.y],
                [p.top_right.x, p.top_right.y],
                [p.bottom_right.x, p.bottom_right.y],
                [p.bottom_left.x, p.bottom_left.y],
            ],
            dtype=np.float64,
        )
        code = parse_code(result.text)
        if code is not None:
            return Found(code, result.text, corners)
        return Found(None, result.text, corners)
    return None
