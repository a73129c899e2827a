"""Draw pages of one WeasyPrint batch over others: a form laid out once, each copy's ink alone.

Every page WeasyPrint writes in one batch shares one resource dictionary (fonts included), so
the content stream of one page can be drawn on another page of the same PDF as it is: the text
stays real text in the batch's fonts. Each output page is a copy of a `base` page with the
content of an `over` page appended; the base is wrapped in q … Q because WeasyPrint's streams
begin by changing the coordinate system and do not restore it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

PRODUCER = "shuzhi-pingyi"


def overlaid(
    pdf: bytes, documents: Sequence[Sequence[tuple[int, int | None]]], titles: Sequence[str] = ()
) -> list[bytes]:
    """Return one PDF per document: for each (base, over) page index pair, over drawn on base;
    a page paired with None is taken as it is."""
    reader = PdfReader(io.BytesIO(pdf))
    parts = []
    for number, pairs in enumerate(documents):
        writer = PdfWriter()
        save, restore = _stream(writer, b"q"), _stream(writer, b"Q")
        for base, over in pairs:
            page = writer.add_page(reader.pages[base])
            if over is None:
                continue
            ink = reader.pages[over].raw_get("/Contents").clone(writer)
            page[NameObject("/Contents")] = ArrayObject([save, *_contents(page), restore, ink])
        metadata = {"/Producer": PRODUCER}
        if titles:
            metadata["/Title"] = titles[number]
        writer.add_metadata(metadata)
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
    return parts


def _contents(page) -> list:
    """Return the page's content streams as references (a stream must stay an indirect object)."""
    original = page.raw_get("/Contents")
    resolved = original.get_object()
    return list(resolved) if isinstance(resolved, ArrayObject) else [original]


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)  # pypdf has no public way to add a bare stream object
