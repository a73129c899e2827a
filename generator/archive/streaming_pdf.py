"""A PDF writer that writes each object as soon as it has it, for bundles of thousands of pages.

pypdf's PdfWriter holds every object until `write`, so a bundle's memory grows with its pages.
This writer writes objects to its stream as they come: `append_pages` copies a source's pages and
everything they reference, each object once, streams as their encoded bytes, then releases the
source. What stays in memory is one offset per object and one number per page. `finish` writes
the page tree (/Pages nodes of at most FANOUT kids, so no node lists every page), the outline,
the page labels, the catalogue, the information dictionary and a classic cross-reference table.
Objects are numbered in the order they are met, and nothing depends on the clock: the same inputs
give the same bytes.
"""

from __future__ import annotations

import io
from array import array
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

FANOUT = 64  # kids of a /Pages node: readers find a page in log(pages) steps
BINARY_MARK = b"%\xe2\xe3\xcf\xd3\n"  # tells transfer programs that the file is binary
LABEL_STYLES = ("/D", "/R", "/r", "/A", "/a")

DropAnnotation = Callable[[DictionaryObject], bool]


@dataclass(frozen=True, slots=True)
class OutlineItem:
    """A bookmark: its title, the page it opens (0-based in the output) and the ones under it."""

    title: str
    page: int
    children: tuple[OutlineItem, ...] = ()


class StreamingPdfWriter:
    """Write a PDF object by object to a binary stream; only offsets and page numbers stay."""

    def __init__(self, stream: BinaryIO, header: str = "%PDF-1.7") -> None:
        self._stream = stream
        self._position = 0  # offsets count from the writer's first byte: no seeking needed
        self._offsets = array("Q")  # object n begins at _offsets[n - 1]; 0 until written
        self._pages = array("Q")  # the pages' object numbers, in order
        self._leaves = array("Q")  # the /Pages node of each run of FANOUT pages
        self._outline: list[OutlineItem] = []
        self._labels: dict[int, DictionaryObject] = {}
        self._finished = False
        self._emit(header.encode("ascii") + b"\n" + BINARY_MARK)

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def reserve(self) -> IndirectObject:
        """Number an object now and write it later, so that others can refer to it first."""
        self._offsets.append(0)
        return IndirectObject(len(self._offsets), 0, self)

    def write_reserved(self, ref: IndirectObject, obj: PdfObject) -> None:
        """Write the object a reservation stands for, recording where it begins."""
        number = ref.idnum
        if ref.pdf is not self or not 0 < number <= len(self._offsets) or self._offsets[number - 1]:
            raise ValueError(f"object {number} is not a reservation of this writer left to write")
        buffer = io.BytesIO()
        buffer.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self._offsets[number - 1] = self._position
        self._emit(buffer.getbuffer())

    def add_object(self, obj: PdfObject) -> IndirectObject:
        """Write an object now; its references must be to this writer's objects."""
        ref = self.reserve()
        self.write_reserved(ref, obj)
        return ref

    def append_pages(
        self, source: BinaryIO | Path | bytes, *, drop_annotation: DropAnnotation | None = None
    ) -> list[IndirectObject]:
        """Copy a PDF's pages with what they reference, then let the source go; return the pages."""
        stream = io.BytesIO(source) if isinstance(source, bytes) else source
        with PdfReader(stream) as reader:  # closing it empties its cache of parsed objects
            return _SourceCopy(self, reader, drop_annotation).run()

    def add_outline(self, items: Sequence[OutlineItem]) -> None:
        """Add top-level bookmarks after those already added; they are written by `finish`."""
        self._outline.extend(items)

    def set_page_label(
        self, first: int, *, style: str | None = None, prefix: str | None = None, start: int = 1
    ) -> None:
        """Label the pages from index `first` until the next labelled range, as readers show them."""
        if style is None and prefix is None:
            raise ValueError("a page label needs a style, a prefix or both")
        if style is not None and style not in LABEL_STYLES:
            raise ValueError(f"page label style must be one of {LABEL_STYLES}, not {style!r}")
        if first < 0 or start < 1:
            raise ValueError(f"page labels start at a page index ≥ 0 and a number ≥ 1: {first}")
        label: dict[str, PdfObject] = {} if style is None else {"/S": NameObject(style)}
        if prefix is not None:
            label["/P"] = TextStringObject(prefix)
        if start != 1:
            label["/St"] = NumberObject(start)
        self._labels[first] = _dictionary(label)

    def finish(
        self,
        *,
        file_id: bytes,
        catalog: Mapping[str, PdfObject] | None = None,
        info: Mapping[str, str] | None = None,
    ) -> None:
        """Write what refers to every page, then the cross-reference table that finds each object."""
        root = _dictionary({"/Type": NameObject("/Catalog"), "/Pages": self._page_tree()})
        if self._outline:
            root[NameObject("/Outlines")] = self._write_outline()
        if self._labels:
            root[NameObject("/PageLabels")] = self._page_labels()
        root.update(_dictionary(catalog or {}))
        trailer = _dictionary({"/Root": self.add_object(root)})
        if info:
            entries = {key: TextStringObject(value) for key, value in info.items()}
            trailer[NameObject("/Info")] = self.add_object(_dictionary(entries))
        unwritten = [n for n, offset in enumerate(self._offsets, start=1) if not offset]
        if unwritten:
            raise ValueError(f"reserved objects never written: {unwritten[:10]}")
        trailer[NameObject("/ID")] = ArrayObject([ByteStringObject(file_id)] * 2)
        self._write_xref(trailer)

    def _place_page(self) -> tuple[IndirectObject, IndirectObject]:
        """Number the next page and the /Pages node it goes under, which `finish` writes."""
        if len(self._pages) % FANOUT == 0:
            self._leaves.append(self.reserve().idnum)
        page = self.reserve()
        self._pages.append(page.idnum)
        return page, self._ref(self._leaves[-1])

    def _page_ref(self, index: int) -> IndirectObject:
        if not 0 <= index < len(self._pages):
            raise IndexError(f"page index {index} outside the {len(self._pages)} pages written")
        return self._ref(self._pages[index])

    def _ref(self, number: int) -> IndirectObject:
        return IndirectObject(number, 0, self)

    def _page_tree(self) -> IndirectObject:
        """Write the /Pages nodes level by level over the reserved leaves; return the root."""
        if not self._pages:
            raise ValueError("a PDF has at least one page; none was appended")
        numbers, kids = list(self._leaves), _groups(self._pages)
        counts = [len(group) for group in kids]
        while len(numbers) > 1:
            parents = [self.reserve().idnum for _ in _groups(numbers)]
            for i, number in enumerate(numbers):
                self._write_pages_node(number, kids[i], counts[i], parents[i // FANOUT])
            numbers, kids, counts = parents, _groups(numbers), [sum(c) for c in _groups(counts)]
        self._write_pages_node(numbers[0], kids[0], counts[0], parent=None)
        return self._ref(numbers[0])

    def _write_pages_node(
        self, number: int, kids: Sequence[int], count: int, parent: int | None
    ) -> None:
        node = _dictionary(
            {
                "/Type": NameObject("/Pages"),
                "/Kids": ArrayObject(self._ref(kid) for kid in kids),
                "/Count": NumberObject(count),
            }
        )
        if parent is not None:
            node[NameObject("/Parent")] = self._ref(parent)
        self.write_reserved(self._ref(number), node)

    def _write_outline(self) -> IndirectObject:
        root = self.reserve()
        first, last, count = self._write_bookmarks(self._outline, root)
        outlines = {"/Type": NameObject("/Outlines"), "/First": first, "/Last": last}
        self.write_reserved(root, _dictionary({**outlines, "/Count": NumberObject(count)}))
        return root

    def _write_bookmarks(
        self, items: Sequence[OutlineItem], parent: IndirectObject
    ) -> tuple[IndirectObject, IndirectObject, int]:
        """Write sibling bookmarks, open; return the first, the last and how many show."""
        refs = [self.reserve() for _ in items]
        shown = len(items)
        for i, (item, ref) in enumerate(zip(items, refs, strict=True)):
            entry: dict[str, PdfObject] = {
                "/Title": TextStringObject(item.title),
                "/Parent": parent,
                "/Dest": ArrayObject([self._page_ref(item.page), NameObject("/Fit")]),
            }
            if i > 0:
                entry["/Prev"] = refs[i - 1]
            if i + 1 < len(refs):
                entry["/Next"] = refs[i + 1]
            if item.children:
                entry["/First"], entry["/Last"], below = self._write_bookmarks(item.children, ref)
                entry["/Count"] = NumberObject(below)
                shown += below
            self.write_reserved(ref, _dictionary(entry))
        return refs[0], refs[-1], shown

    def _page_labels(self) -> DictionaryObject:
        """Return the /PageLabels number tree; it must have a range beginning at page 0."""
        labels = {0: _dictionary({"/S": NameObject("/D")}), **self._labels}
        nums = ArrayObject()
        for first in sorted(labels):
            self._page_ref(first)  # a label beyond the last page is a caller's mistake
            nums += [NumberObject(first), labels[first]]
        return _dictionary({"/Nums": nums})

    def _write_xref(self, trailer: DictionaryObject) -> None:
        """Write the cross-reference table and the trailer that points readers to it."""
        start, size = self._position, len(self._offsets) + 1
        self._emit(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for i in range(0, len(self._offsets), 4096):
            chunk = self._offsets[i : i + 4096]
            self._emit(b"".join(b"%010d 00000 n \n" % offset for offset in chunk))
        trailer[NameObject("/Size")] = NumberObject(size)
        buffer = io.BytesIO()
        trailer.write_to_stream(buffer)
        self._emit(b"trailer\n" + buffer.getvalue() + b"\nstartxref\n%d\n%%%%EOF\n" % start)
        self._finished = True

    def _emit(self, data: bytes | memoryview) -> None:
        if self._finished:
            raise ValueError("the PDF is finished: nothing can follow its end")
        self._stream.write(data)
        self._position += len(data)


class _SourceCopy:
    """One source's copy: its objects' numbers in the output, and the objects met but not written."""

    def __init__(
        self, writer: StreamingPdfWriter, reader: PdfReader, drop: DropAnnotation | None
    ) -> None:
        self._writer = writer
        self._reader = reader
        self._drop = drop
        self._numbers: dict[tuple[int, int], int] = {}
        self._pending: deque[tuple[PdfObject, IndirectObject]] = deque()  # met, not written

    def run(self) -> list[IndirectObject]:
        """Number every page first, so that links and /P between pages land on the copies."""
        pages = list(self._reader.pages)  # pypdf puts inherited attributes on each page
        placed = [self._writer._place_page() for _ in pages]
        for page, (ref, _) in zip(pages, placed, strict=True):
            if page.indirect_reference is not None:
                source = page.indirect_reference
                self._numbers[(source.idnum, source.generation)] = ref.idnum
        for page, (ref, parent) in zip(pages, placed, strict=True):
            self._writer.write_reserved(ref, self._page(page, parent))
            while self._pending:
                obj, target = self._pending.popleft()
                self._writer.write_reserved(target, self._translate(obj))
        return [ref for ref, _ in placed]

    def _page(self, page: DictionaryObject, parent: IndirectObject) -> DictionaryObject:
        """Copy a page under this writer's /Pages node, without the annotations to drop."""
        copied = _dictionary({"/Type": NameObject("/Page"), "/Parent": parent})
        for key, value in page.items():
            if key == "/Annots":
                annotations = value.get_object()
                kept = [a for a in _items(annotations) if not self._dropped(a.get_object())]
                if kept:
                    copied[key] = self._translate(ArrayObject(kept))
            elif key not in ("/Type", "/Parent"):
                copied[key] = self._translate(value)
        return copied

    def _dropped(self, annotation: PdfObject | None) -> bool:
        if not isinstance(annotation, DictionaryObject):
            return True  # a null or broken entry has nothing to show
        return self._drop is not None and self._drop(annotation)

    def _translate(self, obj: PdfObject) -> PdfObject:
        """Return the object with its references renumbered for the output, streams kept encoded."""
        if isinstance(obj, IndirectObject):
            return self._reference(obj)
        if isinstance(obj, StreamObject):
            stream = EncodedStreamObject() if "/Filter" in obj else DecodedStreamObject()
            stream._data = obj._data  # written as read: no decoding, no re-encoding
            stream.update({k: self._translate(v) for k, v in obj.items() if k != "/Length"})
            return stream
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({k: self._translate(v) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._translate(item) for item in obj)
        return obj

    def _reference(self, source: IndirectObject) -> PdfObject:
        """Return the output's reference for a source object, numbering it when first met."""
        key = (source.idnum, source.generation)
        if key not in self._numbers:
            target = source.get_object()
            if target is None or _is_page_tree_node(target):
                return NullObject()  # the source's page tree stays behind, like its catalogue
            ref = self._writer.reserve()
            self._numbers[key] = ref.idnum
            self._pending.append((target, ref))
        return self._writer._ref(self._numbers[key])


def _items(array: PdfObject | None) -> list[PdfObject]:
    return list(array) if isinstance(array, ArrayObject) else []  # a broken /Annots shows nothing


def _is_page_tree_node(obj: PdfObject) -> bool:
    return isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Pages"


def _dictionary(entries: Mapping[str, PdfObject]) -> DictionaryObject:
    return DictionaryObject({NameObject(key): value for key, value in entries.items()})


def _groups(numbers: Sequence[int]) -> list[Sequence[int]]:
    """Split a level of the page tree into the kids of the level above."""
    return [numbers[i : i + FANOUT] for i in range(0, len(numbers), FANOUT)]
