"""`scan` end to end: the sheets of two secretaries marked as the sample's typed ballots say,
scanned, give `letters` the same results as the typing, and the 逐票 forms keep the handwriting.

Apart from tests/test_scan.py so that `make test`'s workers run the two at once.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

from pypdf import PdfReader

from generator.load.ballots.tables import decode
from generator.pipeline.letters import run_letters, score
from generator.pipeline.scan import run_scan

import scanlab
from helpers import DATA

SCANNED = ("s01", "s02")  # their ballots go on paper; the rest stay typed


def typed_ballots() -> dict[str, list[dict]]:
    """The sample's typed ballot files: name → rows (下评.csv is GB18030, as Excel saves it)."""
    return {
        path.name: list(csv.DictReader(io.StringIO(decode(path.read_bytes()))))
        for path in sorted((DATA / "ballots").glob("*.csv"))
    }


def data_with(folder: Path, files: dict[str, list[dict]]) -> Path:
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("ballots"))
    (folder / "ballots").mkdir()
    for name, ballots in files.items():
        with open(folder / "ballots" / name, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(ballots[0]))
            writer.writeheader()
            writer.writerows(ballots)
    return folder


def marks_of(ballot: dict, scores: list[int], rng: random.Random) -> scanlab.Marks:
    """The pen's marks for a typed ballot: its tick, and writing where the evaluator typed."""
    comments = tuple(name for name in ("problems", "suggestions") if ballot[name].strip())
    if ballot["status"] == "valid":
        ink = rng.choice(["blue", "black"])
        return scanlab.Marks("tick", score=int(ballot["score"]), ink=ink, comments=comments)
    if ballot["status"] == "blank":
        return scanlab.Marks("blank", comments=comments)
    first, second = rng.sample(scores, 2)
    return scanlab.Marks("double", score=first, other=second, comments=comments)


TEXT_BOX_PX = 112 * 8  # a text box's picture: 112 mm at the reader's 8 pixels a millimetre


def scanned_pictures(reader: PdfReader) -> set[bytes]:
    """Return the distinct images as wide as a text box's scan, by their bytes."""
    found = set()
    for page in reader.pages:
        objects = page["/Resources"].get_object().get("/XObject", {})
        for xobject in objects.values():
            image = xobject.get_object()
            if image.get("/Subtype") == "/Image" and image.get("/Width") == TEXT_BOX_PX:
                found.add(image.get_data())
    return found


def test_scanned_sheets_give_the_results_of_the_same_ballots_typed(forms_out, forms, tmp_path):
    rng = random.Random(3)
    typed = typed_ballots()
    on_paper = [b for ballots in typed.values() for b in ballots if b["secretary_id"] in SCANNED]
    sheets = {s.serial: s for booklet in forms.booklets() for s in forms.sheets(booklet)}
    pages = []
    for ballot in on_paper:
        sheet = sheets[ballot["ballot_id"]]
        scores = sorted(int(s) for s in forms.kind(sheet)["score_cells"])
        scan = scanlab.random_scan(rng, "grey")  # one MFP setting for the whole stack
        while not scanlab.keeps_on_page(scan, forms.kind(sheet)):  # no corner mark cut off
            scan = scanlab.random_scan(rng, "grey")
        image, truth = scanlab.make_scan(forms, sheet, marks_of(ballot, scores, rng), scan, rng)
        assert truth.decision == "auto", truth
        pages.append(image)
    scans = tmp_path / "scans"
    scans.mkdir()
    scanlab.write_file(scans / "stack.pdf", pages, scanlab.DPI)
    # The typed run: the same ballots, their texts left out (a scan keeps them as pictures).
    blanked = {
        name: [
            {**b, "problems": "", "suggestions": ""} if b["secretary_id"] in SCANNED else b
            for b in ballots
        ]
        for name, ballots in typed.items()
    }
    typed_data = data_with(tmp_path / "typed", blanked)
    kept = {n: [b for b in bs if b["secretary_id"] not in SCANNED] for n, bs in typed.items()}
    scanned_data = data_with(tmp_path / "scanned", kept)
    out = scanlab.fresh_out(forms_out, tmp_path / "out")
    run_scan(scanned_data, out, [scans])
    read = scanlab.rows(out / "scan" / "sheets.csv")
    assert len(read) == len(on_paper) and {r["decision"] for r in read} == {"auto"}, [
        (r["ballot_id"], r["reason"]) for r in read if r["decision"] != "auto"
    ]
    typed_out = scanlab.fresh_out(forms_out, tmp_path / "typed-out")
    scanned_results = json.loads(score(scanned_data, out).results.to_json())
    typed_results = json.loads(score(typed_data, typed_out).results.to_json())
    inputs = scanned_results.pop("files"), typed_results.pop("files")
    assert any("scan/ballots.csv" in f for f in inputs[0])  # the files read differ, only
    assert scanned_results == typed_results
    # The 逐票 forms keep the paper's own words: the scanned picture of each written box.
    written = sum(bool(b[n].strip()) for b in on_paper for n in ("problems", "suggestions"))
    assert written > 5
    run_letters(scanned_data, out)
    pictures = set()
    for form in (out / "letters" / "评议表").glob("*-逐票.pdf"):
        pictures |= scanned_pictures(PdfReader(form))
    assert len(pictures) == written
