"""Bounds on what the data may hold, in one place (docs/data-formats.md lists them): past one,
the input is refused where it is, in seconds, rather than run for hours or print over itself."""

from __future__ import annotations

NAME_MAX = 50  # characters of a secretary's name: the longest transliterated names are ~20
TEXT_MAX = 1500  # characters of a ballot's problems or suggestions: a continuation page's worth
LINE_TEXT_MAX = 200  # characters of any other text field: an organisation, a 必答题, a title
EVALUATORS_MAX = 999  # copies of one source's sheet per secretary
SECRETARIES_MAX = 5000  # secretaries in one campaign (a county has ~1,000)
SHEETS_MAX = (
    200_000  # ballot sheets of one campaign, all secretaries and sources (a county ~40,000)
)
FILE_MAX_BYTES = 64 * 2**20  # any input file, as stored
UNPACKED_MAX_BYTES = 256 * 2**20  # an XLSX's parts once unzipped: what openpyxl would parse
CELLS_MAX = 1_000_000  # cells of a workbook's sheets, by their declared dimensions
FILE_NAME_MAX_BYTES = 200  # UTF-8 bytes of an output file's name (file systems allow 255)
