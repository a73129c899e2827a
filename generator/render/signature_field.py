"""Place an empty signature field where a document is signed, so that the signer only fills it.

The renderer knows where each 署名 landed; the signer, later and in another stage, does not. An
empty /Sig field at that spot carries the place inside the PDF itself: pyHanko signs into it and
draws the visible signature block there.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

FIELD_NAME = "署名"
PRINT, LOCKED = 4, 128  # annotation flags: PDF/A wants every widget printed


@dataclass(frozen=True, slots=True)
class SignatureSpot:
    """Where a document's signature block goes: a page of that document and a box on it."""

    page: int  # counted from the document's first page
    rect: tuple[float, float, float, float]  # PDF points: left, bottom, right, top


def add_signature_field(writer: PdfWriter, spot: SignatureSpot, name: str = FIELD_NAME) -> None:
    """Add an empty signature field named `name` with its widget at the spot."""
    page = writer.pages[spot.page]
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject(name),
            NameObject("/F"): NumberObject(PRINT | LOCKED),
            NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in spot.rect),
            NameObject("/P"): page.indirect_reference,
        }
    )
    reference = writer._add_object(widget)
    annotations = page.get("/Annots")
    page[NameObject("/Annots")] = ArrayObject([*(annotations or []), reference])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([reference])}
    )
