"""The archive bundle: one PDF/A-3b with a cover, a table of contents and every archived document.

The bundle is written document by document by a streaming writer (streaming_pdf.py), so its
memory does not grow with the campaign, from the documents' PDF/A pages (before their own
signatures: a signature belongs to its file, not to a copy of its pages), then declared PDF/A
itself, so its claims hold for what it is: its XMP, OutputIntent and associated files (results.json
and the inputs) are written for the bundle, not inherited from a part. Bookmarks go by secretary,
then document kind; page labels number the documents' pages from 1, as the table of contents does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf.generic import DictionaryObject

from ..documents.context import LettersContext
from ..documents.kind import Kind
from ..documents.registry import pack
from ..model.numerals import chinese_date
from ..output.names import number_width
from ..output.staging import Staging, Written
from ..render.geometry import title_lines
from ..render.templating import html_environment
from .archival import JSON, RESULTS
from .pdfa import PDF_VERSION, ArchiveMetadata, AssociatedFile, file_id, info_entries, pdfa_catalog
from .streaming_pdf import OutlineItem, StreamingPdfWriter

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
    context: LettersContext,
    staging: Staging,
    written: Sequence[Written],
    inputs: Sequence[AssociatedFile],
    demo: bool,
    target: Path,
) -> None:
    """Write the unsigned bundle of the pack's PDFs (before their own signatures) to `target`."""
    sections = arrange(context, written)
    digests = {w.path: bytes.fromhex(w.sha256) for w in written}
    with open(target, "xb") as stream:
        writer = StreamingPdfWriter(stream, PDF_VERSION)
        front = writer.append_pages(render_front(context, sections, demo))
        offset = len(front) - 1  # body page n (from 1) is the bundle's page index offset + n
        for section in sections:
            for part in section.parts:
                writer.append_pages(staging.path(part.path), drop_annotation=_signature_widget)
        writer.add_outline([_bookmarks(section, offset) for section in sections])
        writer.set_page_label(0, prefix="封面")
        if len(front) > 1:
            writer.set_page_label(1, style="/r")
        writer.set_page_label(len(front), style="/D")
        parts = sorted(p.path for section in sections for p in section.parts)
        identity = b"".join(digests[path] for path in parts)
        metadata, data = bundle_metadata(context), bundle_data(context, inputs)
        writer.finish(
            file_id=file_id(metadata, data, identity),
            catalog=pdfa_catalog(writer.add_object, metadata, data),
            info=info_entries(metadata),
        )


def _bookmarks(section: Section, offset: int) -> OutlineItem:
    """Return a section's bookmark, its documents' under it."""
    children = tuple(OutlineItem(part.name, offset + part.first_page) for part in section.parts)
    return OutlineItem(section.heading, offset + section.parts[0].first_page, children)


def _signature_widget(annotation: DictionaryObject) -> bool:
    """Say whether an annotation is a document's own signature field: it signs that file only."""
    return annotation.get("/FT") == "/Sig"


def bundled_kinds(section: str) -> list[Kind[Any]]:
    """Return the kinds of one part of the bundle, in their declared order."""
    kinds = [k for k in pack("letters") if k.archived and k.archived.section == section]
    return sorted(kinds, key=lambda k: k.archived.order if k.archived else 0)


def arrange(context: LettersContext, written: Sequence[Written]) -> list[Section]:
    """Return the sections: each secretary's documents, then the campaign's; pages numbered."""
    pdfs = {(w.kind, w.secretary): w for w in written if w.path.endswith(".pdf")}
    width = number_width(len(context.secretaries))
    wanted: list[tuple[str, list[tuple[Written, str]]]] = []
    for secretary in context.secretaries:
        grade = context.results.of(secretary).grade
        parts = [
            (pdfs[(k.key, secretary.id)], k.name)
            for k in bundled_kinds("personal")
            if (k.key, secretary.id) in pdfs
        ]
        heading = (
            f"{secretary.number:0{width}d}　{secretary.name}（{secretary.organization}）　{grade}"
        )
        wanted.append((heading, parts))
    campaign = [
        (pdfs[(k.key, None)], k.name) for k in bundled_kinds("campaign") if (k.key, None) in pdfs
    ]
    wanted.append((CAMPAIGN_HEADING, campaign))
    sections, page, number = [], 1, 0
    for heading, found in wanted:
        placed = []
        for record, name in found:
            number += 1
            pages = record.pages or 0
            placed.append(Part(number, name, record.path, pages, page))
            page += pages
        if placed:
            sections.append(Section(heading, tuple(placed)))
    return sections


def render_front(context: LettersContext, sections: list[Section], demo: bool) -> bytes:
    """Return the cover and the table of contents as one PDF."""
    campaign, totals = context.campaign, context.results.totals
    parts = [part for section in sections for part in section.parts]
    title = f"{campaign.year}年度党组织书记抓基层党建述职评议考核档案"
    facts = (
        ("形成单位", campaign.issuer.name),
        ("考核年度", f"{campaign.year}年度"),
        ("述职评议对象", f"{len(context.secretaries)}人"),
        (
            "评议票",
            f"{totals.read}张（有效{totals.valid}张，空白{totals.blank}张，"
            f"废票{totals.invalid}张）",
        ),
        ("收录材料", f"{len(parts)}份，共{sum(p.pages for p in parts)}页"),
    )
    cover = {
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
        "date": chinese_date(context.results.date),
        "sections": sections,
    }
    html = html_environment().get_template("archive_bundle.html").render(c=cover)
    return context.renderer.render(html)


def bundle_metadata(context: LettersContext) -> ArchiveMetadata:
    campaign = context.campaign
    return ArchiveMetadata(
        title=f"{campaign.year}年度党组织书记抓基层党建述职评议考核档案",
        author=campaign.issuer.name,
        subject=f"{campaign.issuer.name}{campaign.year}年度党组织书记抓基层党建述职评议考核材料汇编",
        keywords=(f"{campaign.year}年度", "抓基层党建", "述职评议考核", "档案"),
        created=context.results.date,
    )


def bundle_data(context: LettersContext, inputs: Sequence[AssociatedFile]) -> list[AssociatedFile]:
    """Return what the bundle carries besides its pages: results.json and the inputs."""
    data = context.results.to_json()
    return [AssociatedFile(RESULTS, data, JSON, "评议结果 / the results", "Data"), *inputs]
