"""Declare every archived PDF of the post-grading pack PDF/A-3b, described for the archive.

What a document is and whose comes from its kind's declaration and its secretary, never from
its path: the catalogue's subject is the kind's `archived.subject`; a personal document carries
that secretary's results.json entry, the others the whole results.json.
"""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader

from ..documents.context import LettersContext
from ..documents.kind import Document
from ..model.results import SecretaryResult, entry_json
from .pdfa import ArchiveMetadata, AssociatedFile, to_pdfa

JSON = "application/json"
RESULTS = "results.json"


def archival_document(context: LettersContext, document: Document) -> Document:
    """Return the document with its PDF declared PDF/A-3b, described and carrying its data."""
    archived = document.kind.archived
    if archived is None or document.suffix != ".pdf":
        return document
    secretary = document.secretary
    result = context.results.of(secretary) if secretary else None
    fallback = f"{document.kind.name}（{secretary.name}）" if secretary else document.kind.name
    rendered = PdfReader(io.BytesIO(document.content))
    title = str(rendered.metadata.title) if rendered.metadata and rendered.metadata.title else None
    metadata = document_metadata(context, archived.subject, title or fallback, result)
    pdf = to_pdfa(document.content, metadata, associated_data(context, result))
    return replace(document, content=pdf, pages=len(rendered.pages))


def document_metadata(
    context: LettersContext, subject_name: str, title: str, result: SecretaryResult | None
) -> ArchiveMetadata:
    """Return the catalogue's description of one document, dated by results.date."""
    year = context.campaign.year
    subject = f"{year}年度党组织书记抓基层党建述职评议考核：{subject_name}"
    keywords = [f"{year}年度", "抓基层党建", "述职评议考核", subject_name]
    if result:
        keywords += [result.secretary.name, result.secretary.organization]
    return ArchiveMetadata(
        title=title,
        author=context.campaign.issuer.name,
        subject=subject if not result else f"{subject}（{result.secretary.name}）",
        keywords=tuple(keywords),
        created=context.results.date,
    )


def associated_data(
    context: LettersContext, result: SecretaryResult | None
) -> list[AssociatedFile]:
    """Return the data a document was made from: the secretary's entry, or all of results.json."""
    if result is None:
        data = context.results.to_json()
        return [AssociatedFile(RESULTS, data, JSON, "评议结果 / the results")]
    name = result.secretary.name
    return [
        AssociatedFile(
            f"results-{result.secretary.id}.json",
            entry_json(result),
            JSON,
            f"{name}同志的评议结果（results.json 中的一项）/ this secretary's results",
        )
    ]
