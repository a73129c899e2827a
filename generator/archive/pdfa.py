"""Make a finished PDF an archival PDF/A-3b one: metadata, colour intent, associated data.

The renderers write ordinary PDFs (WeasyPrint, then pypdf splitting and overlaying pages), with
every font embedded already. What PDF/A-3b adds is declared here, in one place for every kind:
the XMP packet (pdfaid part 3, conformance B) agreeing with the document information dictionary,
an sRGB OutputIntent, a file identifier, and the data the document was made from as associated
files (/AF). Dates are the document's own, and the identifier is a digest of the content, so the
same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

PRODUCER = "shuzhi-pingyi"
CREATOR = "shuzhi-pingyi 述职评议考核文书生成"
SRGB_PROFILE = files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()  # from WeasyPrint
PDF_VERSION = "%PDF-1.7"
CHINA_OFFSET = "+08:00"  # the documents are dated in China
Add = Callable[[PdfObject], IndirectObject]  # a writer's way to add an indirect object


class _CloneCountNotice(logging.Filter):
    """Drop pypdf's notice that a clone has more objects than its source's trailer counted.

    Pages that share content streams are cloned apart and merged back by
    compress_identical_objects, so the count it compares is not a fault of the source.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "exceeds defined trailer size" not in record.getMessage()


logging.getLogger("pypdf._writer").addFilter(_CloneCountNotice())


@dataclass(frozen=True, slots=True)
class ArchiveMetadata:
    """What the archive's catalogue reads from a PDF: its title, author, subject and date."""

    title: str
    author: str  # the issuing committee
    subject: str
    keywords: tuple[str, ...]
    created: date  # the document's date, not the day it was rendered


@dataclass(frozen=True, slots=True)
class AssociatedFile:
    """Data embedded with a PDF, declared as what the document was made from (/AFRelationship)."""

    name: str
    data: bytes
    mime: str
    description: str
    relationship: str = "Source"  # Source | Data | Supplement


def to_pdfa(
    pdf: bytes, metadata: ArchiveMetadata, associated: Sequence[AssociatedFile] = ()
) -> bytes:
    """Return the PDF declared PDF/A-3b, with its metadata and associated files."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    declare_pdfa(writer, metadata, associated, identity=pdf)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def declare_pdfa(
    writer: PdfWriter,
    metadata: ArchiveMetadata,
    associated: Sequence[AssociatedFile],
    identity: bytes,
) -> None:
    """Add what PDF/A-3b asks of a document whose fonts are embedded; `identity` seeds its /ID."""
    writer.pdf_header = PDF_VERSION  # pypdf writes 1.3; PDF/A-3 is PDF 1.7 (associated files)
    writer.add_metadata(info_entries(metadata))
    catalog = writer._root_object
    for key, value in pdfa_catalog(writer._add_object, metadata, associated).items():
        catalog[NameObject(key)] = value
    digest = file_id(metadata, associated, identity)
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # no public API


def pdfa_catalog(
    add: Add, metadata: ArchiveMetadata, associated: Sequence[AssociatedFile]
) -> dict[str, PdfObject]:
    """Return the catalogue's PDF/A entries: XMP, sRGB OutputIntent, associated files."""
    entries: dict[str, PdfObject] = {
        "/Metadata": add(_xmp_stream(metadata)),
        "/OutputIntents": ArrayObject([add(_output_intent(add))]),
    }
    if associated:
        specs = [_file_spec(add, item, metadata.created) for item in associated]
        entries["/AF"] = ArrayObject(specs)
        entries["/Names"] = DictionaryObject(
            {NameObject("/EmbeddedFiles"): _name_tree(associated, specs)}
        )
    return entries


def file_id(
    metadata: ArchiveMetadata, associated: Sequence[AssociatedFile], identity: bytes
) -> bytes:
    """Return the file identifier: a digest of the content, so equal inputs give equal bytes."""
    return hashlib.md5(identity + repr(metadata).encode() + _digest(associated)).digest()


def pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000+08'00'"


def xmp_date(day: date) -> str:
    return f"{day.isoformat()}T00:00:00{CHINA_OFFSET}"


def info_entries(metadata: ArchiveMetadata) -> dict[str, str]:
    """Return the document information dictionary; PDF/A requires it to agree with the XMP."""
    return {
        "/Title": metadata.title,
        "/Author": metadata.author,
        "/Subject": metadata.subject,
        "/Keywords": "，".join(metadata.keywords),
        "/Creator": CREATOR,
        "/Producer": PRODUCER,
        "/CreationDate": pdf_date(metadata.created),
        "/ModDate": pdf_date(metadata.created),
    }


def xmp_packet(metadata: ArchiveMetadata) -> bytes:
    """Return the XMP packet declaring PDF/A-3b, with the same values as the information dict."""
    when = xmp_date(metadata.created)
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(metadata.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(metadata.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(metadata.subject)}</rdf:li></rdf:Alt></dc:description>
   <pdf:Keywords>{escape("，".join(metadata.keywords))}</pdf:Keywords>
   <pdf:Producer>{PRODUCER}</pdf:Producer>
   <xmp:CreatorTool>{escape(CREATOR)}</xmp:CreatorTool>
   <xmp:CreateDate>{when}</xmp:CreateDate>
   <xmp:ModifyDate>{when}</xmp:ModifyDate>
   <xmp:MetadataDate>{when}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


def _xmp_stream(metadata: ArchiveMetadata) -> DecodedStreamObject:
    """Return the metadata stream, left uncompressed so that any tool can read it."""
    stream = DecodedStreamObject()
    stream.set_data(xmp_packet(metadata))
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    return stream


def _output_intent(add: Add) -> DictionaryObject:
    """Return the sRGB OutputIntent: the documents are drawn in RGB and grey for screens."""
    decoded = DecodedStreamObject()
    decoded.set_data(SRGB_PROFILE)
    decoded[NameObject("/N")] = NumberObject(3)
    profile = decoded.flate_encode()
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): add(profile),
        }
    )


def _file_spec(add: Add, item: AssociatedFile, created: date) -> IndirectObject:
    """Return a reference to the file specification of one associated file."""
    stream = DecodedStreamObject()
    stream.set_data(item.data)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    stream[NameObject("/Subtype")] = NameObject("/" + item.mime)  # pypdf writes "/" as #2F
    stream[NameObject("/Params")] = DictionaryObject(
        {
            NameObject("/Size"): NumberObject(len(item.data)),
            NameObject("/CheckSum"): ByteStringObject(hashlib.md5(item.data).digest()),
            NameObject("/ModDate"): TextStringObject(pdf_date(created)),
        }
    )
    embedded = add(stream.flate_encode())
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(item.name),
            NameObject("/UF"): TextStringObject(item.name),
            NameObject("/Desc"): TextStringObject(item.description),
            NameObject("/AFRelationship"): NameObject("/" + item.relationship),
            NameObject("/EF"): DictionaryObject(
                {NameObject("/F"): embedded, NameObject("/UF"): embedded}
            ),
        }
    )
    return add(spec)


def _name_tree(associated: Sequence[AssociatedFile], specs: list) -> DictionaryObject:
    """Return the /EmbeddedFiles name tree; its keys must be sorted."""
    pairs = sorted(zip((item.name for item in associated), specs, strict=True))
    names = ArrayObject()
    for name, spec in pairs:
        names += [TextStringObject(name), spec]
    return DictionaryObject({NameObject("/Names"): names})


def _digest(associated: Sequence[AssociatedFile]) -> bytes:
    return b"".join(hashlib.sha256(item.data).digest() + item.name.encode() for item in associated)
