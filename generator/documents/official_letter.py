"""Render an OfficialLetter (the 通报, the 备案 report) as PDF and DOCX from one context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..render.docx import render_docx
from ..templating import html_environment

if TYPE_CHECKING:
    from ..letters import LettersRun
    from .outcome import OfficialLetter

HTML_TEMPLATE, DOCX_TEMPLATE = "official_letter.html", "official_letter.docx"


def render_letter(run: LettersRun, letter: OfficialLetter, stem: str) -> dict[str, bytes]:
    """Return {stem.pdf, stem.docx}, two renderings of the one context `c`."""
    html = html_environment(run.renderer.fonts).get_template(HTML_TEMPLATE).render(c=letter)
    return {
        f"{stem}.pdf": run.renderer.render(html),
        f"{stem}.docx": render_docx(DOCX_TEMPLATE, {"c": letter}),
    }
