"""The blank 评议表 of each secretary, for printing on demand: DOCX to edit, PDF to print."""

from __future__ import annotations

from .documents.evaluation_form import personal_form
from .render.docx import render_docx
from .templating import html_environment

FOLDER = "forms/评议表"


def personal_form_files(run) -> dict[str, bytes]:
    """Return 附件1 for each branch secretary and 附件2 for the town secretary, by name."""
    campaign, secretaries = run.campaign, run.secretaries
    forms = [personal_form(campaign, secretaries, secretary) for secretary in secretaries]
    html = (
        html_environment(run.renderer.fonts)
        .get_template("evaluation_forms.html")
        .render(forms=forms, title=f"{campaign.year}年度述职评议表")
    )
    titles = [f"{form.title}（{s.name}）" for form, s in zip(forms, secretaries, strict=True)]
    pdfs = run.renderer.render_batch(html, len(forms), titles)
    files = {}
    for number, (secretary, form, pdf) in enumerate(zip(secretaries, forms, pdfs, strict=True), 1):
        stem = f"{FOLDER}/{number:02d}-{secretary.name}"
        files[f"{stem}.pdf"] = pdf
        files[f"{stem}.docx"] = render_docx("evaluation_form.docx", {"f": form})
    return files
