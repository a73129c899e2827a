"""Render an OfficialLetter (the 通报, the 备案 report) as PDF and DOCX from one context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..render.docx import render_docx
from ..render.pdf import PdfRenderer
from ..render.templating import html_environment
from .kind import Document, Kind
from .outcome import OfficialLetter

HTML_TEMPLATE, DOCX_TEMPLATE = "official_letter.html", "official_letter.docx"


def letter_documents(
    kind: Kind[Any], renderer: PdfRenderer, letter: OfficialLetter
) -> Iterator[Document]:
    """Yield the letter's PDF and DOCX, two renderings of the one context `c`."""
    html = html_environment(renderer.fonts).get_template(HTML_TEMPLATE).render(c=letter)
    yield Document(kind, ".pdf", renderer.render(html))
    yield Document(kind, ".docx", render_docx(DOCX_TEMPLATE, {"c": letter}))
