"""The archive bundle: one PDF/A-3b with a cover, a table of contents and every archived document.

The bundle is assembled in one pypdf writer from the documents' PDF/A pages (before their own
signatures: a signature belongs to its file, not to a copy of its pages), then declared PDF/A
itself, so its claims hold for what it is: its XMP, OutputIntent and associated files (results.json
and the inputs) are written for the bundle, not inherited from a part. Bookmarks go by secretary,
then document kind; page labels number the documents' pages from 1, as the table of contents does.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from ..documents.title import title_lines
from ..numerals import chinese_date
from ..results import RESULTS, results_json
from ..templating import html_environment
from .archival import JSON, secretary_number
from .pdfa import ArchiveMetadata, AssociatedFile, declare_pdfa

if TYPE_CHECKING:
    from ..letters import LettersRun

# Each secretary's documents in the order an archivist reads them, then the campaign's own.
PERSONAL_PARTS = (
    ("letters/综合评价意见/", ".pdf", "综合评价意见"),
    ("letters/干部人事档案/", ".pdf", "干部人事档案材料（述职评议考核结果）"),
    ("letters/评议表/", "-汇总.pdf", "评议表汇总"),
    ("letters/评议表/", "-逐票.pdf", "评议表（逐票）"),
    ("letters/整改清单/", ".pdf", "整改清单"),
)
CAMPAIGN_PARTS = (
    ("letters/通报.pdf", "通报"),
    ("letters/备案报告.pdf", "备案报告"),
    ("letters/干部人事档案/目录.pdf", "干部人事档案材料目录"),
)
CAMPAIGN_HEADING = "综合材料"
TITLE_CHARS = 14  # the cover's title lines, in characters of its 26 pt


@dataclass(frozen=True, slots=True)
class Part:
    """One document in the bundle and where its pages begin (counting documents' pages from 1)."""

    number: int
    name: str
    path: str
    pages: int
    first_page: int


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    parts: tuple[Part, ...]


def bundle_name(year: int) -> str:
    return f"archive/{year}-述职评议考核-档案.pdf"


def build_bundle(
    run: LettersRun, pdfs: dict[str, bytes], inputs: Sequence[AssociatedFile], demo: bool
) -> bytes:
    """Return the unsigned bundle of the pack's PDFs (before their own signatures)."""
    readers = {path: PdfReader(io.BytesIO(pdf)) for path, pdf in pdfs.items()}
    sections = arrange(run, {path: len(reader.pages) for path, reader in readers.items()})
    front = PdfReader(io.BytesIO(render_front(run, sections, demo)))
    writer = PdfWriter()
    for page in front.pages:
        writer.add_page(page)
    offset = len(front.pages) - 1  # body page n is writer page offset + n
    for section in sections:
        parent = writer.add_outline_item(
            title=section.heading, page_number=offset + section.parts[0].first_page
        )
        for part in section.parts:
            for page in readers[part.path].pages:
                _drop_signature_widgets(writer.add_page(page))
            writer.add_outline_item(
                title=part.name, page_number=offset + part.first_page, parent=parent
            )
    _label_pages(writer, len(front.pages))
    identity = b"".join(hashlib.sha256(pdfs[path]).digest() for path in sorted(pdfs))
    declare_pdfa(writer, bundle_metadata(run), bundle_data(run, inputs), identity)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def arrange(run: LettersRun, page_counts: dict[str, int]) -> list[Section]:
    """Return the sections: each secretary's documents, then the campaign's; pages numbered."""
    wanted: list[tuple[str, list[tuple[str, str]]]] = []
    for number, (secretary, entry) in enumerate(
        zip(run.secretaries, run.document["secretaries"], strict=True), start=1
    ):
        parts = [
            (path, name)
            for folder, ending, name in PERSONAL_PARTS
            for path in sorted(page_counts)
            if path.startswith(folder)
            and path.endswith(ending)
            and secretary_number(path) == number
        ]
        heading = f"{number:02d}　{secretary.name}（{entry['organization']}）　{entry['grade']}"
        wanted.append((heading, parts))
    wanted.append((CAMPAIGN_HEADING, [(p, n) for p, n in CAMPAIGN_PARTS if p in page_counts]))
    sections, page, number = [], 1, 0
    for heading, parts in wanted:
        placed = []
        for path, name in parts:
            number += 1
            placed.append(Part(number, name, path, page_counts[path], page))
            page += page_counts[path]
        if placed:
            sections.append(Section(heading, tuple(placed)))
    missing = set(page_counts) - {p.path for s in sections for p in s.parts}
    if missing:
        raise ValueError(f"documents with no place in the bundle: {sorted(missing)}")
    return sections


def render_front(run: LettersRun, sections: list[Section], demo: bool) -> bytes:
    """Return the cover and the table of contents as one PDF."""
    campaign, totals = run.campaign, run.document["ballots_total"]
    parts = [part for section in sections for part in section.parts]
    title = f"{campaign.year}年度党组织书记抓基层党建述职评议考核档案"
    facts = (
        ("形成单位", campaign.issuer.name),
        ("考核年度", f"{campaign.year}年度"),
        ("述职评议对象", f"{len(run.secretaries)}人"),
        (
            "评议票",
            f"{totals['read']}张（有效{totals['valid']}张，空白{totals['blank']}张，"
            f"废票{totals['invalid']}张）",
        ),
        ("收录材料", f"{len(parts)}份，共{sum(p.pages for p in parts)}页"),
    )
    context = {
        "title": title,
        "title_lines": title_lines(title, TITLE_CHARS),
        "issuer": campaign.issuer.name,
        "facts": facts,
        "note": (
            "本档案为PDF/A-3b长期保存格式，经电子签名。档案内嵌评议结果results.json、"
            "据以生成的原始数据和文件清单manifest.json（载明各文件的SHA-256摘要）；"
            "综合评价意见和干部人事档案材料另有各自的电子签名。"
        ),
        "demo_warning": "本档案以示例证书签名，仅供演示，不作正式用途。" if demo else "",
        "date": chinese_date(_results_date(run)),
        "sections": sections,
    }
    html = html_environment().get_template("archive_bundle.html").render(c=context)
    return run.renderer.render(html)


def bundle_metadata(run: LettersRun) -> ArchiveMetadata:
    campaign = run.campaign
    return ArchiveMetadata(
        title=f"{campaign.year}年度党组织书记抓基层党建述职评议考核档案",
        author=campaign.issuer.name,
        subject=f"{campaign.issuer.name}{campaign.year}年度党组织书记抓基层党建述职评议考核材料汇编",
        keywords=(f"{campaign.year}年度", "抓基层党建", "述职评议考核", "档案"),
        created=_results_date(run),
    )


def bundle_data(run: LettersRun, inputs: Sequence[AssociatedFile]) -> list[AssociatedFile]:
    """Return what the bundle carries besides its pages: results.json and the inputs."""
    results = AssociatedFile(
        RESULTS, results_json(run.document), JSON, "评议结果 / the results", "Data"
    )
    return [results, *inputs]


def _results_date(run: LettersRun) -> date:
    return date.fromisoformat(run.document["campaign"]["results_date"])


def _drop_signature_widgets(page) -> None:
    """Remove a document's own signature field from its copy: it signs that file, not this one."""
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = [a for a in annotations if a.get_object().get("/FT") != "/Sig"]
    if kept:
        page[NameObject("/Annots")] = ArrayObject(kept)
    else:
        del page[NameObject("/Annots")]


def _label_pages(writer: PdfWriter, front_pages: int) -> None:
    """Label the cover 封面, the contents i, ii…, and the documents' pages 1, 2…"""
    writer.set_page_label(0, 0, prefix="封面")
    if front_pages > 1:
        writer.set_page_label(1, front_pages - 1, style="/r")
    writer.set_page_label(front_pages, len(writer.pages) - 1, style="/D")
