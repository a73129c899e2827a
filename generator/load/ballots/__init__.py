"""The ballot reading stage of `letters`: data/ballots/*.csv and *.xlsx in, checked Ballots out.

`read_ballots(folder, out_dir, campaign, secretaries)` reads every file, checks every row, and
either returns `BallotsRead` or raises one `InputError` listing every problem of every file,
sorted file by file (in reading order), then row by row. `collect_ballots` returns the same with
the problems instead of raising them (for tests and for callers that report more first).

Files. Every file directly in data/ballots/ whose name ends in .csv or .xlsx (any case) is read,
sorted by name and shown as `data/ballots/NAME`. Office lock files (`~$…`) and hidden files
(`.…`, e.g. macOS `._…` copies) are skipped; .xls, .xlsm, .xlsb, .ods, .et, .numbers and .tsv
files are refused (save as .xlsx or CSV UTF-8), so ballots saved in the wrong format are never
dropped silently; other files and subfolders are ignored. A missing folder, or one without a
ballot file, is a problem.

Contract-format files. The header is the first non-empty CSV record, or row 1 of an XLSX's first
sheet; column names are compared without surrounding spaces and case. An unknown or repeated
column is reported at its header cell — for CSV `FILE:LINE:COLUMN`, COLUMN being the field's
position (1 is column A in Excel) — and a missing one at the header line (CSV) or the first free
header cell (XLSX); a file with a faulty header has its rows left unread (the header problem
stands for them). A value in a column without a header is a problem at its cell. Another sheet of
an XLSX with content is a problem: only the first sheet is read. CSV text is strict UTF-8 (BOM or
not), else GB18030; a file with NUL bytes (UTF-16 "Unicode text"), or one that is UTF-8 but for a
few bad bytes, is "undecodable" rather than misread as GB18030. Quoting is strict: an unpaired
quote is a problem at the line where its record starts, and the rest of that file is not read.
Texts are kept as typed but for surrounding whitespace and CRLF inside a cell read as LF.

Rows. A row with nothing in it is skipped; one with content but no serial is one problem; one
with a serial becomes one Ballot, or problems — one per faulty cell, so never none. A Ballot is
located at its row: `FILE:LINE` in CSV, `FILE:SHEET!CELL` of its ballot_id cell in XLSX and in
tally workbooks (TallyRow.where names the score cell; the serial's cell is the row's name here).

Tally workbooks. An XLSX whose first sheet is 填写说明, or whose title property is
计票表（录入A）/（录入B）, is a tally workbook, read by `read_tally` (tally.py). Its entry letter
comes from the title property, else from 录入A/录入B in the file name; neither is a problem, and
so is a second workbook of one letter (a copy of A renamed to B still has A's title, and is
caught). A lone workbook is a problem, "double entry incomplete": the product's tally is blind
double entry, and a committee that enters once gives the ballots as a contract-format file
instead. With both, every serial is compared: secretary_id, source (the sheet), score, status,
problems, suggestions, and whether a row was entered in one but untouched (or deleted) in the
other; each difference is one `DoubleEntryMismatch`, printed `serial: field: A=… B=… (cells)`
with statuses as the clerk picks them (有效 / 空白票 / 废票) and texts quoted. A serial neither
clerk entered is no difference. Agreeing rows count once, as 录入A's rows, at A's place in the
file order.

Across files and the register. A serial seen twice (in two files or in one; the A/B pair counts
as one file) is a problem at the second occurrence naming the first. Unknown secretaries and
sources outside `campaign.rules.weights[role]` are problems at their cell. When
`OUT/forms/ballots-issued.csv` exists, a serial never issued, or issued for another secretary or
source, is a problem, and every issued serial no file mentions is returned as unreturned, in
register order: a tally's untouched rows land there, since they are sheets that did not come
back. Without the register nothing is unreturned. Nothing about evaluators is read or kept.
"""

from .double_entry import DoubleEntryMismatch
from .reading import Collected, collect_ballots, read_ballots

__all__ = ["Collected", "DoubleEntryMismatch", "collect_ballots", "read_ballots"]
