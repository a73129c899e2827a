"""Declare every PDF of the post-grading pack PDF/A-3b, described for the archive that keeps it.

One table says, for each kind of PDF, what the archive's catalogue reads as its subject and
whether it is signed on its own; a personal document (its name begins with the secretary's place
NN-) carries that secretary's results.json entry, the others the whole results.json.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pypdf import PdfReader

from ..results import RESULTS, results_json
from .pdfa import ArchiveMetadata, AssociatedFile, to_pdfa

if TYPE_CHECKING:
    from ..letters import LettersRun


@dataclass(frozen=True, slots=True)
class ArchivedKind:
    """One kind of archived PDF, found by where it is written."""

    prefix: str  # path under --out
    name: str  # what the bundle's table of contents calls it
    signed: bool = False  # signed on its own, in the 署名's signature field


KINDS = (  # more specific prefixes first
    ArchivedKind("letters/综合评价意见/", "综合评价意见", signed=True),
    ArchivedKind("letters/干部人事档案/目录", "干部人事档案材料目录"),
    ArchivedKind("letters/干部人事档案/", "干部人事档案材料", signed=True),
    ArchivedKind("letters/评议表/", "评议表"),
    ArchivedKind("letters/整改清单/", "整改清单"),
    ArchivedKind("letters/通报", "通报"),
    ArchivedKind("letters/备案报告", "备案报告"),
)
PERSONAL = re.compile(r"/(\d{2})-[^/]*\.pdf$")  # NN-姓名…: NN the place in secretaries.yaml
JSON = "application/json"


def archived_kind(path: str) -> ArchivedKind:
    """Return the kind of a PDF written by `letters`; an unknown one is a bug in the table."""
    for kind in KINDS:
        if path.startswith(kind.prefix):
            return kind
    raise ValueError(f"{path}: no archived kind in generator/archive/archival.py")


def secretary_number(path: str) -> int | None:
    """Return the secretary's place (1-based) in a personal document's name, else None."""
    match = PERSONAL.search(path)
    return int(match.group(1)) if match else None


def archival_files(run: LettersRun, files: dict[str, bytes]) -> dict[str, bytes]:
    """Return the files with every PDF declared PDF/A-3b, described and carrying its data."""
    return {
        path: archival_pdf(run, path, content) if path.endswith(".pdf") else content
        for path, content in files.items()
    }


def archival_pdf(run: LettersRun, path: str, pdf: bytes) -> bytes:
    """Return one PDF of the pack as PDF/A-3b."""
    kind = archived_kind(path)
    title = pdf_title(pdf) or f"{kind.name}（{path.rsplit('/', 1)[-1][:-4]}）"
    number = secretary_number(path)
    entry = run.document["secretaries"][number - 1] if number else None
    return to_pdfa(pdf, document_metadata(run, kind, title, entry), associated_data(run, entry))


def document_metadata(
    run: LettersRun, kind: ArchivedKind, title: str, entry: dict | None
) -> ArchiveMetadata:
    """Return the catalogue's description of one document, dated by results.date."""
    campaign = run.campaign
    subject = f"{campaign.year}年度党组织书记抓基层党建述职评议考核：{kind.name}"
    keywords = [f"{campaign.year}年度", "抓基层党建", "述职评议考核", kind.name]
    if entry:
        keywords += [entry["name"], entry["organization"]]
    return ArchiveMetadata(
        title=title,
        author=campaign.issuer.name,
        subject=subject if not entry else f"{subject}（{entry['name']}）",
        keywords=tuple(keywords),
        created=date.fromisoformat(run.document["campaign"]["results_date"]),
    )


def associated_data(run: LettersRun, entry: dict | None) -> list[AssociatedFile]:
    """Return the data a document was made from: the secretary's entry, or all of results.json."""
    if entry is None:
        return [AssociatedFile(RESULTS, results_json(run.document), JSON, "评议结果 / the results")]
    return [
        AssociatedFile(
            f"results-{entry['id']}.json",
            results_json(entry),
            JSON,
            f"{entry['name']}同志的评议结果（results.json 中的一项）/ this secretary's results",
        )
    ]


def pdf_title(pdf: bytes) -> str | None:
    """Return the title the renderer gave the PDF, if any."""
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    return str(metadata.title) if metadata and metadata.title else None
