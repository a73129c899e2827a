"""Embed associated files in a signing revision: what must be signed but cannot be in the pages.

The bundle's manifest lists the signed letters' hashes, so it exists only after they are signed;
it goes into the bundle in the same incremental update as the bundle's signature, and the bytes
before that update stay the same from run to run. pyHanko's own embed_file appends to the name
tree unsorted and declares PDF 2.0 for /AF; PDF/A-3 wants sorted keys and PDF 1.7, so the
catalogue's /Names and /AF are rebuilt here instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from .pdfa import AssociatedFile


def attach_files(writer: IncrementalPdfFileWriter, files: Sequence[AssociatedFile]) -> None:
    """Add the files to the catalogue's embedded files and /AF, keeping the name tree sorted."""
    root = writer.root
    names = dict(_embedded_names(root))
    associated = list(root.get("/AF", generic.ArrayObject()))
    now = datetime.now(UTC)
    for item in files:
        data = EmbeddedFileObject.from_file_data(
            writer, item.data, params=EmbeddedFileParams(modification_date=now), mime_type=item.mime
        )
        spec = FileSpec(
            file_spec_string=item.name,
            file_name=item.name,
            embedded_data=data,
            description=item.description,
            af_relationship=generic.NameObject("/" + item.relationship),
        )
        reference = writer.add_object(spec.as_pdf_object())
        names[item.name] = reference
        associated.append(reference)
    tree = generic.ArrayObject()
    for name in sorted(names):
        tree += [generic.pdf_string(name), names[name]]
    embedded = generic.DictionaryObject({generic.NameObject("/Names"): tree})
    root["/Names"] = generic.DictionaryObject(
        {generic.NameObject("/EmbeddedFiles"): writer.add_object(embedded)}
    )
    root["/AF"] = generic.ArrayObject(associated)
    writer.update_root()


def _embedded_names(root) -> list[tuple[str, generic.PdfObject]]:
    """Return the (name, file spec reference) pairs of a flat /EmbeddedFiles name tree."""
    if "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]:
        return []
    flat = root["/Names"]["/EmbeddedFiles"].get("/Names", [])
    return [(str(flat[i]), flat.raw_get(i + 1)) for i in range(0, len(flat), 2)]
