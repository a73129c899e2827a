"""Render HTML to PDF with WeasyPrint: fast subsetting only, real fonts only, in batches.

Subsetting a CJK font costs most of a page's time, so documents of one kind are laid out as one
batch, written once (each font subset once for the whole batch) and split afterwards.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import weasyprint
from pypdf import PdfReader, PdfWriter
from weasyprint.text import ffi as weasy_ffi
from weasyprint.text.fonts import FontConfiguration

from ..model.errors import FontError, SlowRenderingError
from .fonts import MappedFont, font_face_css
from .signature_field import SignatureSpot, add_signature_field
from .templating import TEMPLATES

DOCUMENT_ANCHOR = "document-{}"  # id of each document's first element in a batch
SIGNATURE_ANCHORS = ("signature-{}", "signature-date-{}")  # ids of each document's 署名 and date
STAMP_SIZE = (58.0, 20.0)  # mm: the visible signature block, beside the 署名 and its date
STAMP_GAP, STAMP_ABOVE = 6.0, 2.0  # mm left of the 署名, and above its line: text stays clear
PX, MM = 0.75, 72 / 25.4  # points per CSS pixel, per millimetre


def require_fast_subsetting() -> None:
    """Refuse to run when WeasyPrint would subset fonts with fontTools (~6 s a page)."""
    if weasy_ffi.harfbuzz_subset is None or not weasy_ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        raise SlowRenderingError(
            "未找到 HarfBuzz 子集化库（libharfbuzz-subset0 ≥ 4.1），字体子集化将慢约二十倍；"
            "请安装 libharfbuzz-subset0 / HarfBuzz-Subset ≥ 4.1 (Debian: libharfbuzz-subset0) is "
            "missing: WeasyPrint would subset CJK fonts with fontTools, ~6 s a page. Install it."
        )


@dataclass
class PdfRenderer:
    """Lay out and write PDFs with one shared font configuration and stylesheet."""

    fonts: dict[str, MappedFont]
    font_config: FontConfiguration = field(default_factory=FontConfiguration)

    def __post_init__(self) -> None:
        require_fast_subsetting()
        self._font_css = weasyprint.CSS(
            string=font_face_css(self.fonts), font_config=self.font_config
        )

    def layout(self, html: str, extra_css: str = "") -> weasyprint.Document:
        """Return the laid-out document (no PDF written yet)."""
        sheets = [self._font_css]
        if extra_css:
            sheets.append(weasyprint.CSS(string=extra_css, font_config=self.font_config))
        return weasyprint.HTML(string=html, base_url=str(TEMPLATES / "html")).render(
            stylesheets=sheets, font_config=self.font_config
        )

    def write(self, document: weasyprint.Document) -> bytes:
        """Write the PDF, then refuse it if any glyph came from a font outside the map."""
        pdf = document.write_pdf()
        self.check_fonts(document)
        return pdf

    def check_fonts(self, document: weasyprint.Document) -> None:
        """Raise FontError for a font outside the map (its fonts and their declared fallbacks) or
        a character none of them has (a tofu)."""
        allowed = {family for font in self.fonts.values() for family in font.css_families}
        used = document.fonts.values()
        strangers = sorted({font.family for font in used} - allowed)
        if strangers:
            raise FontError(
                f"排版时使用了字体映射之外的回退字体：{'、'.join(strangers)}"
                "（某些字符所选字体及其后备字体中都没有）/ "
                f"fallback fonts outside the font map were used: {', '.join(strangers)} "
                "(some characters are missing from the mapped fonts and their fallbacks)"
            )
        missing = sorted({chr(code) for font in used for code in font.missing})
        if missing:
            listed = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)
            raise FontError(
                f"字体中没有这些字符，无法正确显示：{listed} / "
                f"characters missing from the mapped fonts: {listed}"
            )

    def render(self, html: str, extra_css: str = "") -> bytes:
        return self.write(self.layout(html, extra_css))

    def render_batch(
        self, html: str, count: int, titles: Sequence[str] = (), signed: bool = False
    ) -> list[bytes]:
        """Render a batch holding `count` documents, each starting at DOCUMENT_ANCHOR, and split it.

        With `signed`, each document gets an empty signature field beside its 署名 and date, the
        elements with the SIGNATURE_ANCHORS ids.
        """
        document = self.layout(html)
        starts = document_starts(document, count)
        spots = signature_spots(document, starts) if signed else ()
        return split_pdf(self.write(document), starts, titles, spots)


def document_starts(document: weasyprint.Document, count: int) -> list[int]:
    """Return the index of the page on which each of the batch's documents begins."""
    first_page: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            first_page.setdefault(anchor, index)
    missing = [n for n in range(count) if DOCUMENT_ANCHOR.format(n) not in first_page]
    if missing:
        raise RuntimeError(f"batch lost documents {missing}")
    return [first_page[DOCUMENT_ANCHOR.format(n)] for n in range(count)]


def signature_spots(document: weasyprint.Document, starts: Sequence[int]) -> list[SignatureSpot]:
    """Return where each document's signature block goes: left of its 署名, over no text."""
    found = {}
    for index, page in enumerate(document.pages):
        for anchor, (left, top, _, _) in page.anchors.items():
            found[anchor] = (index, left * PX, page.height * PX - top * PX)
    spots = []
    width, height = (size * MM for size in STAMP_SIZE)
    for number, start in enumerate(starts):
        name, day = (anchor.format(number) for anchor in SIGNATURE_ANCHORS)
        if name not in found or day not in found:
            raise RuntimeError(f"document {number} of the batch has no 署名 ({name}, {day})")
        page, left, top = found[name]
        right, top = min(left, found[day][1]) - STAMP_GAP * MM, top + STAMP_ABOVE * MM
        spots.append(SignatureSpot(page - start, (right - width, top - height, right, top)))
    return spots


def split_pdf(
    pdf: bytes,
    starts: Sequence[int],
    titles: Sequence[str] = (),
    spots: Sequence[SignatureSpot] = (),
) -> list[bytes]:
    """Split one PDF into documents beginning at the given pages; fonts stay shared subsets."""
    reader = PdfReader(io.BytesIO(pdf))
    ends = [*starts[1:], len(reader.pages)]
    parts = []
    for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
        writer = PdfWriter()
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        metadata = {"/Producer": "shuzhi-pingyi"}
        if titles:
            metadata["/Title"] = titles[number]
        writer.add_metadata(metadata)
        if spots:
            add_signature_field(writer, spots[number])
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
    return parts
