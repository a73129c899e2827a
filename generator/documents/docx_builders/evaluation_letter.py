"""The docxtpl template of the 综合评价意见 (evaluation_letter.docx).

Built by `make templates`. It renders the context of
generator/documents/evaluation_letter.py as `c`: the GB/T 9704 page of the 述职安排, without a
table — title, 主送, numbered sections, 署名 and date under the seal, page numbers.
"""

from __future__ import annotations

from .common import base_document
from .grid import grid_styles, type_area_grid
from .schedule import body_paragraphs, numbered_pages, signature_block, title_block


def build_evaluation_letter(fonts):
    """Return the template of one 综合评价意见 (context `c`)."""
    doc = base_document(fonts)
    grid_styles(doc)
    title_block(doc, "c.title_lines")
    doc.add_paragraph("", style="正文")
    doc.add_paragraph("{{ c.addressee }}", style="主送机关").paragraph_format.keep_with_next = True
    body_paragraphs(doc, "c.paragraphs")
    signature_block(doc, "c", "date")
    numbered_pages(doc)
    type_area_grid(doc)
    return doc


TEMPLATES = {"evaluation_letter.docx": build_evaluation_letter}
