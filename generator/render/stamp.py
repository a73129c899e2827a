"""Stamp each copy of a ballot sheet with its serial and QR code, as PDF drawing operators.

The sheet itself is laid out once per secretary and source; the ~800 copies differ only in the
serial and the QR code. Drawing those two directly into a copy of the page (text as glyph
outlines, the QR code as filled squares) costs a millisecond a page, where laying out each copy
anew would cost tens.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

from .geometry import PAGE, Box

PT_PER_MM = 72 / 25.4
QR_ERROR = "M"  # error correction: 15 % of the symbol may be lost
QR_MASK = 2  # fixed: choosing the mask per code would cost 5 ms of each stamp
QR_MIN_VERSION = 3  # 29 modules at least: a module of at most 0.83 mm in the 24 mm box


def qr_version(payloads: Iterable[str]) -> int:
    """Return the QR version every payload fits: one module grid on all copies of a campaign, so
    the layout file can give the module size."""
    longest = max(payloads, key=lambda p: len(p.encode()), default="")
    return max(QR_MIN_VERSION, int(_symbol(longest, None).version))  # never micro: an int


def qr_modules(version: int) -> int:
    """Return how many modules a side of a QR symbol of this version has."""
    return 17 + 4 * version


def _symbol(payload: str, version: int | None) -> segno.QRCode:
    return segno.make(
        payload,
        error=QR_ERROR.lower(),
        version=version,
        micro=False,
        encoding="utf-8",
        eci=True,
        mask=QR_MASK,
        boost_error=False,
    )


@dataclass(frozen=True, slots=True)
class Stamp:
    """What one copy carries: the serial in its box, the QR payload in its box at the campaign's
    QR version."""

    serial_text: str
    serial_box: Box
    qr_payload: str
    qr_box: Box
    qr_version: int


class _PdfPathPen(BasePen):
    """Collect a glyph's outline as PDF path operators, in font units."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.ops: list[str] = []

    def _moveTo(self, point):
        self.ops.append(f"{point[0]:g} {point[1]:g} m")

    def _lineTo(self, point):
        self.ops.append(f"{point[0]:g} {point[1]:g} l")

    def _curveToOne(self, p1, p2, p3):
        self.ops.append(" ".join(f"{x:g} {y:g}" for x, y in (p1, p2, p3)) + " c")

    def _closePath(self):
        self.ops.append("h")


@cache
def _font(font_file: Path) -> tuple[TTFont, dict[int, str], int]:
    font = TTFont(font_file, lazy=True)
    return font, font.getBestCmap(), font["head"].unitsPerEm


@cache
def _glyph(font_file: Path, char: str) -> tuple[str, int]:
    """Return a character's outline operators (font units) and its advance."""
    font, cmap, _ = _font(font_file)
    name = cmap[ord(char)]
    pen = _PdfPathPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return " ".join(pen.ops), font["hmtx"][name][0]


def text_operators(
    text: str, font_file: Path, size_pt: float, right_pt: float, baseline_pt: float
) -> str:
    """Return the text as filled outlines, right-aligned at right_pt (PDF coordinates)."""
    scale = size_pt / _font(font_file)[2]
    glyphs = [_glyph(font_file, char) for char in text]
    x = right_pt - sum(advance for _, advance in glyphs) * scale
    ops = []
    for outline, advance in glyphs:
        ops.append(f"q {scale:g} 0 0 {scale:g} {x:.3f} {baseline_pt:.3f} cm {outline} f Q")
        x += advance * scale
    return "\n".join(ops)


def qr_operators(payload: str, box: Box, version: int) -> str:
    """Return the QR code filling the box, one rectangle per run of dark modules: the symbol
    alone, its quiet zone left to the sheet's blank margin around the box."""
    matrix = _symbol(payload, version).matrix
    module = box.w * PT_PER_MM / len(matrix)
    left, top = box.x * PT_PER_MM, (PAGE[1] - box.y) * PT_PER_MM
    rects = []
    for row_index, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            y = top - (row_index + 1) * module
            rects.append(
                f"{left + start * module:.3f} {y:.3f} "
                f"{(column - start) * module:.3f} {module:.3f} re"
            )
    return "\n".join(rects) + "\nf"


def stamp_operators(stamp: Stamp, font_file: Path) -> bytes:
    """Return the content stream that draws one copy's serial and QR code in black."""
    box = stamp.serial_box
    baseline = (PAGE[1] - box.y - box.h + 1.2) * PT_PER_MM
    text = text_operators(stamp.serial_text, font_file, 12, (box.x + box.w) * PT_PER_MM, baseline)
    qr = qr_operators(stamp.qr_payload, stamp.qr_box, stamp.qr_version)
    body = f"q 0 g\n{text}\n{qr}\nQ"
    return body.encode("ascii")


def stamped_booklet(
    sheets_pdf: bytes, copies: list[tuple[int, Stamp]], font_file: Path, title: str, subject: str
) -> bytes:
    """Return a booklet: for each (sheet page index, stamp), a copy of that page, stamped."""
    reader = PdfReader(io.BytesIO(sheets_pdf))
    writer = PdfWriter()
    for page_index, stamp in copies:
        page = writer.add_page(reader.pages[page_index])
        save, restore, drawing = (
            _stream(writer, data) for data in (b"q", b"Q", stamp_operators(stamp, font_file))
        )
        original = page.raw_get("/Contents")  # keep the reference: a stream must stay indirect
        resolved = original.get_object()
        originals = list(resolved) if isinstance(resolved, ArrayObject) else [original]
        page[NameObject("/Contents")] = ArrayObject([save, *originals, restore, drawing])
    writer.add_metadata({"/Title": title, "/Subject": subject, "/Producer": "shuzhi-pingyi"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)  # pypdf has no public way to add a bare stream object
