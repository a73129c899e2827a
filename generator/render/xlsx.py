"""Save an openpyxl workbook deterministically: fixed properties and zip entry times."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from openpyxl.workbook import Workbook
from openpyxl.writer.excel import ExcelWriter

from .docx import deterministic_zip


def workbook_bytes(book: Workbook, *, dated: date, author: str, title: str) -> bytes:
    """Return the workbook's bytes, stamped `dated`, so that equal inputs give equal bytes."""
    stamp = datetime.combine(dated, time(0, 0))
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = book.properties.lastModifiedBy = author
    book.properties.title = title
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # save_workbook would stamp the current time
    return deterministic_zip(buffer.getvalue())
