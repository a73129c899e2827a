"""Typing the handwriting of scanned sheets: the pictures `scan` kept, and DIR/scan-text.csv.

`scan` keeps each counted sheet's text boxes as pictures and says which hold writing
(OUT/scan/text/index.csv). What the clerk types from them goes into DIR/scan-text.csv
(`ballot_id,problems,suggestions`), which `letters` reads as the scanned ballots' texts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from ..load.ballots.scanned import TEXT_FIELDS, TEXT_INDEX
from ..load.ballots.transcribed import COLUMNS, TEXT_FILE, Transcription, read_transcriptions
from ..load.folder import DataFolder
from ..model.errors import InputError, Problem
from .files import write_atomically

BOX_LABELS = {field: box for box, field in TEXT_FIELDS.items()}  # problems → 问题和不足
_text_lock = threading.Lock()  # the server's threads merge into one file


@dataclass(frozen=True, slots=True)
class Handwritten:
    """A scanned ballot whose text boxes hold writing: the pictures by field, what was typed."""

    ballot_id: str
    pictures: dict[str, str]  # problems / suggestions → its picture's file name in scan/text/
    typed: Transcription | None

    @property
    def marker(self) -> str:
        """Return what a form sends back: the transcription as shown."""
        shown = "" if self.typed is None else f"{self.typed.problems}\x00{self.typed.suggestions}"
        return hashlib.sha256(shown.encode()).hexdigest()[:16]

    def text(self, field: str) -> str:
        return "" if self.typed is None else getattr(self.typed, field)


def read_typed(data_dir: Path) -> dict[str, Transcription]:
    """Return the transcriptions by serial, or raise the file's problems."""
    problems: list[Problem] = []
    typed = read_transcriptions(DataFolder(data_dir), problems)
    if problems:
        raise InputError(problems)
    return typed


def transcription_state(data_dir: Path, out_dir: Path) -> tuple[list[Handwritten], list[str]]:
    """Return the ballots with handwriting and what was typed for them, and the problems of a
    transcription file that does not read (then nothing counts as typed)."""
    try:
        return handwritten(out_dir, read_typed(data_dir)), []
    except InputError as e:
        return handwritten(out_dir, {}), [str(problem) for problem in e.problems]


def handwritten(out_dir: Path, typed: dict[str, Transcription]) -> list[Handwritten]:
    """Return the ballots with writing in a text box, by serial, as the last scan found them."""
    path = out_dir / TEXT_INDEX
    if not path.is_file():
        return []
    pictures: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        field = TEXT_FIELDS.get(row.get("box", ""))
        image = row.get("image", "")
        if row.get("content") == "written" and field and image == Path(image).name:
            pictures.setdefault(row.get("ballot_id", ""), {})[field] = image
    return [Handwritten(serial, pictures[serial], typed.get(serial)) for serial in sorted(pictures)]


def picture_path(out_dir: Path, found: Handwritten, field: str) -> Path | None:
    """Return the picture of one of a ballot's boxes, when the scan kept it."""
    name = found.pictures.get(field)
    path = out_dir / TEXT_INDEX.parent / name if name else None
    return path if path is not None and path.is_file() else None


def write_typed(data_dir: Path, serial: str, texts: dict[str, str]) -> None:
    """Merge one ballot's transcription into DIR/scan-text.csv: one row per serial, sorted; a
    ballot with nothing typed leaves the file."""
    with _text_lock:
        typed = read_typed(data_dir)
        old = typed.get(serial)
        merged = {
            field: texts.get(field, "" if old is None else getattr(old, field))
            for field in BOX_LABELS
        }
        typed[serial] = Transcription(serial, merged["problems"], merged["suggestions"], "")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for key in sorted(typed):
            found = typed[key]
            if found.problems or found.suggestions:
                writer.writerow((key, found.problems, found.suggestions))
        write_atomically(data_dir / TEXT_FILE, buffer.getvalue().encode("utf-8"))
