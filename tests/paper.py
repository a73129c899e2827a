"""The sample's own returned sheets on paper: marked as their typed ballots say, some doubtful,
scanned (tests/scanlab.py) — for the station's tests of the 扫描 page and of the whole year."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import scanlab

DOUBTFUL = ("faint", "two_candidates", "qr_unreadable")
SHEETS = 12


def typed_ballots(data_dir: Path) -> dict[str, dict]:
    """Return the typed ballots by serial."""
    from generator.load.ballots.tables import decode

    found = {}
    for path in sorted((data_dir / "ballots").glob("*.csv")):
        for row in csv.DictReader(io.StringIO(decode(path.read_bytes()))):
            found[row["ballot_id"]] = row
    return found


def drop_typed(data_dir: Path, serials: set[str]) -> None:
    """Take the scanned sheets' rows out of the typed files: they come back by the scan."""
    from generator.load.ballots.tables import decode

    for path in sorted((data_dir / "ballots").glob("*.csv")):
        rows = list(csv.DictReader(io.StringIO(decode(path.read_bytes()))))
        with open(path, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(r for r in rows if r["ballot_id"] not in serials)


def marks_for(ballot: dict, case: str, scores: list[int]) -> scanlab.Marks:
    """The pen's marks for a typed ballot: its tick (faint, or beside a faint one, when the case
    says so) and writing where the evaluator typed a text."""
    comments = tuple(name for name in ("problems", "suggestions") if ballot[name].strip())
    if ballot["status"] == "blank":
        return scanlab.Marks("blank", comments=comments)
    if ballot["status"] == "invalid":
        return scanlab.Marks("double", score=scores[0], other=scores[-1], comments=comments)
    score = int(ballot["score"])
    other = next(s for s in scores if abs(s - score) > 2)
    mark = case if case in ("faint", "two_candidates") else "tick"
    return scanlab.Marks(mark, score=score, other=other, comments=comments)


def chosen_sheets(forms: scanlab.Forms, typed: dict[str, dict]) -> list[tuple[scanlab.Sheet, str]]:
    """Return s01's returned sheets with what happens to each: the doubtful ones on valid
    ballots (the smudged QR code on one without texts: its picture is not kept), then ordinary."""
    booklet = next(b for b in forms.booklets() if b.name.startswith("01-"))
    returned = [s for s in forms.sheets(booklet) if s.serial in typed]
    valid = [s for s in returned if typed[s.serial]["status"] == "valid"]
    plain = [
        s for s in valid if not (typed[s.serial]["problems"] or typed[s.serial]["suggestions"])
    ]
    doubtful = [valid[0], valid[1], next(s for s in plain if s not in valid[:2])]
    with_text = [s for s in returned if typed[s.serial]["problems"] and s not in doubtful]
    rest = [s for s in returned if s not in doubtful and s not in with_text]
    ordinary = (with_text[:3] + rest)[: SHEETS - len(doubtful)]
    return [*zip(doubtful, DOUBTFUL, strict=True), *((s, "ordinary") for s in ordinary)]


def scanned_stack(forms: scanlab.Forms, typed: dict[str, dict], folder: Path) -> tuple[Path, dict]:
    """Write the stack as one PDF; return it and the case of each serial."""
    rng = random.Random(7)
    pages, cases = [], {}
    for sheet, case in chosen_sheets(forms, typed):
        scores = sorted(int(s) for s in forms.kind(sheet)["score_cells"])
        marks = marks_for(typed[sheet.serial], case, scores)
        sheet_case = "qr_unreadable" if case == "qr_unreadable" else "ordinary"
        image, _ = scanlab.make_scan(forms, sheet, marks, scanlab.Scan(), rng, sheet_case)
        pages.append(image)
        cases[sheet.serial] = case
    folder.mkdir(parents=True, exist_ok=True)
    scanlab.write_file(folder / "stack.pdf", pages, scanlab.DPI)
    return folder / "stack.pdf", cases
