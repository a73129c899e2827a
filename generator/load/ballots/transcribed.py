"""What a person typed from the scanned handwriting: `DIR/scan-text.csv`.

`scan` keeps the text boxes of each sheet as pictures (OUT/scan/text/); nobody can search or count
a picture. A transcription (`ballot_id,problems,suggestions`) gives a scanned ballot the texts
typed from them, so that `letters` treats them as it treats the typed ballots' texts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ...model.errors import Problem
from ...model.limits import TEXT_MAX
from ..fields import Invalid, check_text
from ..folder import DataFolder
from .tables import decode

TEXT_FILE = "scan-text.csv"
COLUMNS = ("ballot_id", "problems", "suggestions")


@dataclass(frozen=True, slots=True)
class Transcription:
    ballot_id: str
    problems: str
    suggestions: str
    line: str  # where it was read, for messages


def read_transcriptions(folder: DataFolder, problems: list[Problem]) -> dict[str, Transcription]:
    """Return the transcriptions by serial (none when the file is absent), reporting each
    problem."""
    if not folder.is_file(TEXT_FILE):
        return {}
    shown = folder.shown(TEXT_FILE)
    try:
        text = decode(folder.read(TEXT_FILE))
    except Invalid as e:
        problems.append(Problem(shown, "1", "", e.zh, e.en))
        return {}
    rows = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(rows, [])]
    if tuple(header[: len(COLUMNS)]) != COLUMNS:
        zh, en = f"表头应为 {','.join(COLUMNS)}", f"the header must be {','.join(COLUMNS)}"
        problems.append(Problem(shown, "1", "", zh, en))
        return {}
    found: dict[str, Transcription] = {}
    for line, row in enumerate(rows, start=2):
        cells = dict(zip(COLUMNS, row, strict=False))
        read = _transcription(cells, shown, str(line), problems)
        if read is None:
            continue
        if read.ballot_id in found:
            zh, en = "同一编号重复转录", "a serial transcribed twice"
            problems.append(Problem(shown, str(line), "ballot_id", zh, en))
        found[read.ballot_id] = read
    return found


def _transcription(
    cells: dict[str, str], file: str, line: str, problems: list[Problem]
) -> Transcription | None:
    texts = {name: cells.get(name, "").replace("\r\n", "\n").strip() for name in COLUMNS}
    if not any(texts.values()):
        return None
    before = len(problems)
    if not texts["ballot_id"]:
        problems.append(Problem(file, line, "ballot_id", "缺少选票编号", "the serial is missing"))
    for name in ("problems", "suggestions"):
        try:
            check_text(texts[name], TEXT_MAX)
        except Invalid as e:
            problems.append(Problem(file, line, name, e.zh, e.en))
    if len(problems) > before:
        return None
    return Transcription(texts["ballot_id"], texts["problems"], texts["suggestions"], line)
