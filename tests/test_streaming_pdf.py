"""The streaming PDF writer: pages copied faithfully, structures that read back, bounded memory.

Sources are made here: a WeasyPrint document in Chinese (embedded font subset, links, object
streams), a pypdf-written one, and a hand-assembled one whose page tree has inherited attributes,
a nested /Pages node, a page with an array of content streams, a link whose /P points back to its
page and a signature widget to drop. Outputs are read back with pypdf in strict mode, pypdfium2,
and by walking their cross-reference table and page tree by hand.
"""

from __future__ import annotations

import hashlib
import io
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from generator.archive.streaming_pdf import FANOUT, OutlineItem, StreamingPdfWriter

FREE = b"0000000000 65535 f \n"
FILE_ID = hashlib.md5(b"streaming test").digest()


def _is_signature(annotation: DictionaryObject) -> bool:
    return annotation.get("/FT") == "/Sig"


def name(value: str) -> NameObject:
    return NameObject(value)


def ref(number: int) -> IndirectObject:
    return IndirectObject(number, 0, None)


def numbers(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(v) if isinstance(v, float) else NumberObject(v) for v in values)


def dictionary(**entries: PdfObject) -> DictionaryObject:
    return DictionaryObject({name("/" + key): value for key, value in entries.items()})


def content(text: str, *, compress: bool = False) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 14 Tf 20 300 Td ({text}) Tj ET".encode())
    return stream.flate_encode() if compress else stream


def assemble(objects: dict[int, PdfObject]) -> bytes:
    """Return a PDF of the given numbered objects, object 1 being the catalogue."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number)
        objects[number].write_to_stream(out)
        out.write(b"\nendobj\n")
    start, size = out.tell(), max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number] if number in offsets else FREE)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start))
    return out.getvalue()


@pytest.fixture(scope="module")
def handmade() -> bytes:
    """Three pages; the tree's nodes carry what the pages inherit; page 2 links back to itself."""
    return assemble(
        {
            1: dictionary(Type=name("/Catalog"), Pages=ref(2)),
            2: dictionary(
                Type=name("/Pages"),
                Kids=ArrayObject([ref(3), ref(6)]),
                Count=NumberObject(3),
                MediaBox=numbers(0, 0, 300, 400),
                CropBox=numbers(0, 0, 290, 390.5),
                Rotate=NumberObject(90),
                Resources=ref(10),
            ),
            3: dictionary(
                Type=name("/Pages"),
                Parent=ref(2),
                Kids=ArrayObject([ref(4), ref(5)]),
                Count=NumberObject(2),
            ),
            4: dictionary(
                Type=name("/Page"), Parent=ref(3), Contents=ArrayObject([ref(11), ref(12)])
            ),
            5: dictionary(
                Type=name("/Page"),
                Parent=ref(3),
                Contents=ref(13),
                MediaBox=numbers(0, 0, 200, 350),
                Annots=ArrayObject([ref(20), ref(21)]),
            ),
            6: dictionary(Type=name("/Page"), Parent=ref(2), Contents=ref(14)),
            10: dictionary(Font=dictionary(F1=ref(15))),
            11: content("Alpha one", compress=True),
            12: content("Alpha two"),
            13: content("Beta"),
            14: content("Gamma", compress=True),
            15: dictionary(Type=name("/Font"), Subtype=name("/Type1"), BaseFont=name("/Helvetica")),
            20: dictionary(
                Type=name("/Annot"),
                Subtype=name("/Link"),
                Rect=numbers(10, 10, 60, 30),
                P=ref(5),
                Dest=ArrayObject([ref(6), name("/Fit")]),
            ),
            21: dictionary(
                Type=name("/Annot"),
                Subtype=name("/Widget"),
                FT=name("/Sig"),
                T=TextStringObject("Signature1"),
                Rect=numbers(0, 0, 0, 0),
                P=ref(5),
            ),
        }
    )


@pytest.fixture(scope="module")
def chinese() -> bytes:
    """A WeasyPrint document of a few pages in Chinese: a font subset of ~1,500 glyphs, links."""
    import weasyprint

    characters = "".join(chr(0x4E00 + i * 7) for i in range(1500))
    chapters = "".join(
        f"<h1 id='c{i}'>第{i + 1}章</h1><p>{characters[i * 500 : (i + 1) * 500]}</p>"
        f"<p><a href='#c{(i + 1) % 3}'>下一章</a> <a href='https://example.org/{i}'>网址</a></p>"
        for i in range(3)
    )
    html = f"<style>@page {{ size: A5 }} h1 {{ break-before: page }}</style>{chapters}"
    return weasyprint.HTML(string=html).write_pdf()


@pytest.fixture(scope="module")
def split(chinese: bytes) -> bytes:
    """Pages of the Chinese document written again by pypdf, as the pack's splitting does."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(chinese)).pages[1:]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(100, 100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build(
    sources: list[bytes | Path | BinaryIO],
    finish: Callable[[StreamingPdfWriter], None] | None = None,
) -> bytes:
    out = io.BytesIO()
    writer = StreamingPdfWriter(out)
    for source in sources:
        writer.append_pages(source, drop_annotation=_is_signature)
    if finish is None:
        writer.finish(file_id=FILE_ID)
    else:
        finish(writer)
    return out.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdfium_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def raw_objects(pdf: bytes) -> PdfReader:
    """Return a strict reader to read objects by number, as written (pypdf flattens `.pages`)."""
    return PdfReader(io.BytesIO(pdf), strict=True)


def page_tree(reader: PdfReader, nodes: set[int] | None = None) -> list[tuple[int, int]]:
    """Return (depth, number) of every page in order, checking /Parent, /Count and the fan-out."""
    return _pages_under(reader, reader.trailer["/Root"].raw_get("/Pages"), None, 0, nodes)


def _pages_under(
    reader: PdfReader, ref: IndirectObject, parent: int | None, depth: int, nodes: set[int] | None
) -> list[tuple[int, int]]:
    node = reader.get_object(ref)
    assert (node.raw_get("/Parent").idnum if "/Parent" in node else None) == parent
    if node["/Type"] == "/Page":
        return [(depth, ref.idnum)]
    if nodes is not None:
        nodes.add(ref.idnum)
    assert len(node["/Kids"]) <= FANOUT
    found = [
        page
        for kid in node["/Kids"]
        for page in _pages_under(reader, kid, ref.idnum, depth + 1, nodes)
    ]
    assert node["/Count"] == len(found)
    return found


def objects_of_type(pdf: bytes, kind: str) -> int:
    """Return how many objects of a /Type the file holds, in object streams or not."""
    reader = PdfReader(io.BytesIO(pdf))
    objects = (reader.get_object(n) for n in range(1, reader.trailer["/Size"]))
    return sum(isinstance(o, DictionaryObject) and o.get("/Type") == kind for o in objects)


def test_pages_and_their_text_come_through_in_order(handmade, chinese, split):
    sources = [handmade, chinese, split, handmade]
    pdf = build(sources)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    expected = [text for source in sources for text in page_texts(source)]
    assert len(reader.pages) == len(expected)
    assert page_texts(pdf) == expected
    assert pdfium_texts(pdf) == [t for s in sources for t in pdfium_texts(s)]
    assert "Beta" in expected[1] and any("第2章" in text for text in expected)


def test_sources_may_be_bytes_paths_or_files(tmp_path, handmade):
    path = tmp_path / "source.pdf"
    path.write_bytes(handmade)
    with path.open("rb") as file:
        assert build([path, file, handmade]) == build([handmade] * 3)


def test_the_cross_reference_table_finds_every_object(handmade, chinese):
    pdf = build([handmade, chinese])
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf)[1])
    header = re.compile(rb"xref\n0 (\d+)\n").match(pdf, start)
    size, entries = int(header[1]), pdf[header.end() :].split(b"trailer\n")[0]
    assert len(entries) == 20 * size
    rows = [entries[i : i + 20] for i in range(0, len(entries), 20)]
    assert rows[0] == b"0000000000 65535 f \n"
    for number, row in enumerate(rows[1:], start=1):
        assert row.endswith(b" 00000 n \n"), row
        assert pdf.startswith(b"%d 0 obj\n" % number, int(row[:10]))
    assert PdfReader(io.BytesIO(pdf), strict=True).trailer["/Size"] == size


def test_the_page_tree_is_balanced_with_at_most_fanout_kids(handmade):
    pages_per_source = 130
    copies = FANOUT * FANOUT // pages_per_source + 1  # past FANOUT² pages: a third level
    out = io.BytesIO()
    writer = StreamingPdfWriter(out)
    source = blank_pdf(pages_per_source)
    appended = [page.idnum for _ in range(copies) for page in writer.append_pages(source)]
    writer.finish(file_id=FILE_ID)
    reader = raw_objects(out.getvalue())
    found = page_tree(reader)
    assert [number for _, number in found] == appended
    assert {depth for depth, _ in found} == {3}
    assert reader.trailer["/Root"]["/Pages"]["/Count"] == copies * pages_per_source
    assert len(PdfReader(io.BytesIO(out.getvalue()), strict=True).pages) == len(appended)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(min_value=1, max_value=150), min_size=1, max_size=4))
def test_any_number_of_pages_makes_a_valid_tree(sizes):
    pdf = build([blank_pdf(n) for n in sizes])
    reader = raw_objects(pdf)
    found = page_tree(reader)
    assert len(found) == sum(sizes) == reader.trailer["/Root"]["/Pages"]["/Count"]
    assert len({depth for depth, _ in found}) <= 1
    assert len(pdfium_texts(pdf)) == sum(sizes)


def test_inherited_attributes_are_put_on_each_page(handmade):
    reader = raw_objects(build([blank_pdf(1), handmade]))
    pages = [reader.get_object(IndirectObject(n, 0, reader)) for _, n in page_tree(reader)][1:]
    for page in pages:
        assert page["/CropBox"] == [0, 0, 290, 390.5]
        assert page["/Rotate"] == 90
        assert page["/Resources"]["/Font"]["/F1"]["/BaseFont"] == "/Helvetica"
    boxes = [[0, 0, 300, 400], [0, 0, 200, 350], [0, 0, 300, 400]]
    assert [page["/MediaBox"] for page in pages] == boxes


def test_source_page_trees_and_catalogues_stay_behind(handmade):
    pdf = build([handmade, handmade])
    reader = raw_objects(pdf)
    tree_nodes: set[int] = set()
    page_tree(reader, tree_nodes)
    assert objects_of_type(pdf, "/Pages") == len(tree_nodes) == 1
    assert objects_of_type(pdf, "/Catalog") == 1


def test_annotations_point_to_the_copies_and_signature_widgets_are_dropped(handmade):
    pdf = build([handmade, handmade])
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    for first in (0, 3):
        page, target = reader.pages[first + 1], reader.pages[first + 2]
        (link,) = [a.get_object() for a in page["/Annots"]]
        assert link["/Subtype"] == "/Link"
        assert link.raw_get("/P") == page.indirect_reference
        assert link["/Dest"][0] == target.indirect_reference
    assert b"/Sig" not in pdf


def test_annotations_are_kept_unless_dropped(handmade):
    out = io.BytesIO()
    writer = StreamingPdfWriter(out)
    writer.append_pages(handmade)
    writer.finish(file_id=FILE_ID)
    page = PdfReader(io.BytesIO(out.getvalue()), strict=True).pages[1]
    assert [a.get_object()["/Subtype"] for a in page["/Annots"]] == ["/Link", "/Widget"]


def test_shared_objects_are_written_once_per_source(handmade, chinese):
    pdf = build([handmade, chinese, handmade])
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    fonts = {page["/Resources"]["/Font"].raw_get("/F1").idnum for page in reader.pages[:3]}
    assert len(fonts) == 1
    assert pdf.count(b"/BaseFont /Helvetica") == 2
    assert len(reader.pages[0].raw_get("/Contents")) == 2
    for kind in ("/Font", "/FontDescriptor"):
        expected = 2 * objects_of_type(handmade, kind) + objects_of_type(chinese, kind)
        assert objects_of_type(pdf, kind) == expected


def test_streams_are_copied_encoded_as_they_were(chinese):
    source = PdfReader(io.BytesIO(chinese))
    copy = PdfReader(io.BytesIO(build([chinese])), strict=True)
    for old, new in zip(source.pages, copy.pages, strict=True):
        old_stream, new_stream = old["/Contents"].get_object(), new["/Contents"].get_object()
        assert new_stream.get("/Filter") == old_stream.get("/Filter") == "/FlateDecode"
        assert new_stream._data == old_stream._data


def outline_titles(reader: PdfReader, items: list) -> list:
    """Return the outline as [(title, page index, [children…]), …]."""
    found = []
    for item in items:
        if isinstance(item, list):
            found[-1] = (*found[-1][:2], outline_titles(reader, item))
        else:
            found.append((item.title, reader.get_destination_page_number(item), []))
    return found


def test_the_outline_reads_back_with_titles_and_pages(handmade):
    outline = [
        OutlineItem("封面", 0),
        OutlineItem("01　张三（第一党支部）　好", 1, (OutlineItem("综合评价意见", 1),)),
        OutlineItem("综合材料", 4, (OutlineItem("通报", 4), OutlineItem("Report", 5))),
    ]
    pdf = build([handmade, handmade], lambda w: (w.add_outline(outline), w.finish(file_id=FILE_ID)))
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert outline_titles(reader, reader.outline) == [
        ("封面", 0, []),
        ("01　张三（第一党支部）　好", 1, [("综合评价意见", 1, [])]),
        ("综合材料", 4, [("通报", 4, []), ("Report", 5, [])]),
    ]
    assert reader.trailer["/Root"]["/Outlines"]["/Count"] == 6
    utf16 = b"(\\376\\377"  # the byte order mark of UTF-16BE, written octal-escaped
    assert pdf.count(utf16) == 5 and b"/Title (Report)" in pdf


def test_an_outline_beyond_the_last_page_is_refused(handmade):
    def finish(writer: StreamingPdfWriter) -> None:
        writer.add_outline([OutlineItem("no such page", 3)])
        with pytest.raises(IndexError):
            writer.finish(file_id=FILE_ID)

    build([handmade], finish)


def test_page_labels_read_back(handmade):
    def finish(writer: StreamingPdfWriter) -> None:
        writer.set_page_label(0, prefix="封面")
        writer.set_page_label(1, style="/r")
        writer.set_page_label(3, style="/D")
        writer.set_page_label(5, style="/D", prefix="附", start=7)
        writer.finish(file_id=FILE_ID)

    reader = PdfReader(io.BytesIO(build([handmade, handmade, handmade], finish)), strict=True)
    assert reader.page_labels == ["封面", "i", "ii", "1", "2", "附7", "附8", "附9", "附10"]


def test_page_labels_begin_at_the_first_page_even_when_not_given(handmade):
    def finish(writer: StreamingPdfWriter) -> None:
        writer.set_page_label(2, prefix="A-")
        writer.finish(file_id=FILE_ID)

    reader = PdfReader(io.BytesIO(build([handmade], finish)), strict=True)
    assert reader.page_labels == ["1", "2", "A-"]


def test_an_empty_document_is_refused():
    with pytest.raises(ValueError, match="at least one page"):
        StreamingPdfWriter(io.BytesIO()).finish(file_id=FILE_ID)


def test_bad_page_labels_are_refused():
    writer = StreamingPdfWriter(io.BytesIO())
    for kwargs in ({}, {"style": "/X"}, {"style": "/D", "start": 0}):
        with pytest.raises(ValueError):
            writer.set_page_label(0, **kwargs)


def test_catalogue_extras_information_and_identifier(handmade):
    def finish(writer: StreamingPdfWriter) -> None:
        metadata = DecodedStreamObject()
        metadata.set_data(b"<x:xmpmeta/>")
        metadata[name("/Type")], metadata[name("/Subtype")] = name("/Metadata"), name("/XML")
        intent = writer.add_object(dictionary(Type=name("/OutputIntent"), S=name("/GTS_PDFA1")))
        spec = writer.reserve()
        writer.write_reserved(spec, dictionary(Type=name("/Filespec"), F=TextStringObject("a")))
        writer.finish(
            file_id=FILE_ID,
            catalog={
                "/Metadata": writer.add_object(metadata),
                "/OutputIntents": ArrayObject([intent]),
                "/AF": ArrayObject([spec]),
                "/Names": dictionary(EmbeddedFiles=dictionary(Names=ArrayObject([spec]))),
            },
            info={"/Title": "2022年度述职评议考核档案", "/Producer": "shuzhi-pingyi"},
        )

    pdf = build([handmade], finish)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    root = reader.trailer["/Root"]
    assert root["/Metadata"].get_data() == b"<x:xmpmeta/>"
    assert root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    assert root["/AF"][0]["/F"] == "a" and "/EmbeddedFiles" in root["/Names"]
    assert reader.metadata == {"/Title": "2022年度述职评议考核档案", "/Producer": "shuzhi-pingyi"}
    assert [bytes(i) for i in reader.trailer["/ID"]] == [FILE_ID, FILE_ID]
    assert pdf.startswith(b"%PDF-1.7\n") and reader.pdf_header == "%PDF-1.7"


def test_a_reservation_is_written_once_and_must_be_written(handmade):
    writer = StreamingPdfWriter(io.BytesIO())
    writer.append_pages(handmade)
    spare, written = writer.reserve(), writer.add_object(NumberObject(1))
    with pytest.raises(ValueError):
        writer.write_reserved(written, NumberObject(2))
    with pytest.raises(ValueError):
        writer.write_reserved(IndirectObject(spare.idnum, 0, None), NumberObject(2))
    with pytest.raises(ValueError, match="never written"):
        writer.finish(file_id=FILE_ID)


def test_the_same_inputs_give_the_same_bytes(handmade, chinese, split):
    outline = [OutlineItem("第一", 0, (OutlineItem("第二", 3),))]

    def finish(writer: StreamingPdfWriter) -> None:
        writer.add_outline(outline)
        writer.set_page_label(0, style="/r")
        writer.finish(file_id=FILE_ID, info={"/Title": "档案"})

    assert build([handmade, chinese, split], finish) == build([handmade, chinese, split], finish)


def peak_memory(source: bytes, copies: int, path: Path) -> tuple[int, int]:
    """Return the peak traced memory of writing `copies` of a source to a file, and its size."""
    with path.open("wb") as out:
        writer = StreamingPdfWriter(out)
        tracemalloc.start()
        try:
            for _ in range(copies):
                writer.append_pages(source)
            writer.finish(file_id=FILE_ID)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return peak, path.stat().st_size


def test_memory_does_not_grow_with_the_pages_appended(tmp_path, chinese):
    assert len(chinese) > 200_000  # a realistic source: an embedded CJK font subset
    peak_memory(chinese, 1, tmp_path / "warm.pdf")  # pypdf's lazy imports and caches
    few, many = 4, 16  # tracemalloc slows pypdf's parsing tenfold
    peak_few, size_few = peak_memory(chinese, few, tmp_path / "few.pdf")
    peak_many, size_many = peak_memory(chinese, many, tmp_path / "many.pdf")
    print(f"peak {peak_few:,} B writing {size_few:,} B; {peak_many:,} B writing {size_many:,} B")
    assert peak_many < 1.3 * peak_few
    assert peak_many < size_many / 4
    pages = len(PdfReader(io.BytesIO(chinese)).pages)
    assert len(PdfReader(tmp_path / "many.pdf").pages) == many * pages
