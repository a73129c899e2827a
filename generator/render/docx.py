"""Render a docxtpl template from templates/docx/ with the same context as the PDF."""

from __future__ import annotations

import io
import zipfile

from docxtpl import DocxTemplate

from .templating import TEMPLATES, docx_environment

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entry times: the same inputs give the same bytes


def render_docx(template: str, context: dict) -> bytes:
    """Return the rendered DOCX; a field missing from the context is an error, never blank."""
    document = DocxTemplate(TEMPLATES / "docx" / template)
    document.render(context, jinja_env=docx_environment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic_zip(buffer.getvalue())


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a DOCX with fixed entry times and order, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name))
    return out.getvalue()
