"""Render a personal kind's documents, a batch of secretaries at once: PDF and DOCX per person.

WeasyPrint subsets every CJK font once per PDF it writes, which costs most of a page's time; so a
batch is laid out as one document, written once and split into one PDF per secretary. The DOCX is
rendered from the same context, one file per secretary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import jinja2

from ..model.campaign import Secretary
from ..render.docx import render_docx
from ..render.pdf import PdfRenderer
from ..render.templating import html_environment
from .kind import Document, Kind

T = TypeVar("T")


def personal_documents(
    kind: Kind[Any],
    renderer: PdfRenderer,
    items: Sequence[tuple[Secretary, T]],
    *,
    html: str,
    title: str,
    titles: Sequence[str],
    docx: tuple[str, Callable[[T], dict]] | None = None,
    environment: jinja2.Environment | None = None,
    signed: bool = False,
) -> Iterator[Document]:
    """Yield each secretary's PDF (laid out in one batch, `items` in the template) and DOCX.

    `docx` names the DOCX template and how an item becomes its context.
    """
    if not items:
        return
    environment = environment or html_environment(renderer.fonts)
    page = environment.get_template(html).render(items=[item for _, item in items], title=title)
    pdfs = renderer.render_batch(page, len(items), titles, signed=signed)
    for (secretary, item), pdf in zip(items, pdfs, strict=True):
        yield Document(kind, ".pdf", pdf, secretary)
        if docx is not None:
            template, context = docx
            yield Document(kind, ".docx", render_docx(template, context(item)), secretary)
