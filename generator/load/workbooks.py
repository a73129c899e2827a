"""Open an XLSX from its bytes, refusing first what would take openpyxl minutes or gigabytes."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook

from ..model.errors import InputError
from ..model.limits import CELLS_MAX, UNPACKED_MAX_BYTES
from .yamlmarks import file_problem

CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")  # <c …>, <c/>, <x:c …>
CHUNK, OVERLAP = 1 << 20, 64  # read 1 MB at a time; an element split across chunks counts once
UNREADABLE = (
    OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError,
    ParseError, EOFError, zipfile.LargeZipFile,
)  # fmt: skip


def open_workbook(content: bytes, shown: str) -> Workbook:
    """Return the workbook with cell values as last saved; a corrupt or huge one is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            if unpacked > UNPACKED_MAX_BYTES:
                zh = f"文件解压后 {unpacked >> 20} MB，超过上限 {UNPACKED_MAX_BYTES >> 20} MB"
                en = f"{unpacked >> 20} MB once unzipped, over the "
                en += f"{UNPACKED_MAX_BYTES >> 20} MB bound"
                raise InputError([file_problem(shown, zh, en)])
            cells = _cells(archive)
        if cells > CELLS_MAX:
            zh = f"工作表共 {cells} 个单元格，超过上限 {CELLS_MAX}"
            en = f"{cells} cells in its sheets, over the {CELLS_MAX} bound"
            raise InputError([file_problem(shown, zh, en)])
        book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except UNREADABLE as e:
        zh, en = (
            f"文件无法解码：不是有效的 XLSX（{e}）",
            f"undecodable file: not a valid XLSX ({e})",
        )
        raise InputError([file_problem(shown, zh, en)]) from e
    if not book.worksheets:  # only chart sheets
        zh, en = "文件无法解码：没有工作表", "undecodable file: the workbook has no worksheet"
        raise InputError([file_problem(shown, zh, en)])
    return book


def _cells(archive: zipfile.ZipFile) -> int:
    """Count the cell elements of the worksheets' XML, streamed: before openpyxl builds them."""
    count = 0
    for item in archive.infolist():
        if not item.filename.startswith("xl/worksheets/"):
            continue
        with archive.open(item) as part:
            tail = b""
            while chunk := part.read(CHUNK):
                data = tail + chunk
                whole = len(data) - OVERLAP
                count += sum(1 for m in CELL.finditer(data) if m.start() < whole)
                tail = data[whole:]
            count += len(CELL.findall(tail))
    return count
