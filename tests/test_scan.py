"""`scan` on generated scans of the sample's own ballots (tests/scanlab.py knows the truth).

A corpus of every case an office scanner and a voter's pen give — crooked, upside down, grey,
colour, 1-bit, JPEG, duplex backs, faint marks, two candidates, strokes across borders, struck-out
ticks, torn corners, smudged QR codes, other campaigns' and unissued sheets, a sheet scanned twice —
is read and held to its truth: never a confident wrong reading, few ordinary sheets sent to a
person, each abnormal page with its reason. Then end to end: the sheets of two secretaries marked
as the sample's typed ballots say, scanned, give `letters` the same results as the typing.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.load.ballots.reading import collect_ballots
from generator.load.ballots.tables import decode
from generator.load.data import load_campaign_data
from generator.load.folder import DataFolder
from generator.load.secret import read_secret
from generator.pipeline.letters import run_letters, score
from generator.pipeline.scan import run_scan

import scanlab
from helpers import DATA

PAGES = 450  # ballot sheets (500 pages and more with the duplex backs); each case 4 times or more
MIX = {case: 0.01 for case in scanlab.DEFAULT_MIX} | {"blank": 0.03, "double": 0.02}
FORMS_FILES = ("forms/选票/ballot-layout.json", "forms/ballots-issued.csv")


def fresh_out(forms_out: Path, folder: Path) -> Path:
    """An output folder holding only what `scan` reads of a `forms` run."""
    for relative in FORMS_FILES:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(forms_out / relative, folder / relative)
    return folder


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def forms_out(rendered_notice):
    return rendered_notice.out_dir


@pytest.fixture(scope="module")
def forms(forms_out):
    return scanlab.Forms(forms_out, scanlab.DPI)


@pytest.fixture(scope="module")
def corpus(forms_out, forms, tmp_path_factory):
    """The corpus, read: (truth rows, sheets.csv rows by (file, page), the output folder)."""
    work = tmp_path_factory.mktemp("scan-corpus")
    truth = scanlab.build_corpus(forms_out, work / "scans", PAGES, seed=11, mix=MIX, forms=forms)
    out = fresh_out(forms_out, work / "out")
    run_scan(DATA, out, [work / "scans"])
    read = {(Path(r["file"]).name, int(r["page"])): r for r in rows(out / "scan" / "sheets.csv")}
    return truth, read, out


def test_every_page_is_accounted_for(corpus):
    truth, read, out = corpus
    assert len(read) == len(truth) >= 500
    auto = [r for r in read.values() if r["decision"] == "auto"]
    ballots = rows(out / "scan" / "ballots.csv")
    assert sorted(b["ballot_id"] for b in ballots) == sorted(r["ballot_id"] for r in auto)
    assert Counter(r["decision"] for r in read.values()).keys() <= {"auto", "review", "rejected"}


def test_no_page_is_read_with_confidence_against_the_truth(corpus):
    truth, read, _ = corpus
    wrong = []
    for row in truth:
        got = read[(row["file"], int(row["page"]))]
        if got["decision"] != "auto":
            continue
        said = (row["decision"], row["status"], str(row["score"]), row["ballot_id"])
        if said != ("auto", got["status"], got["score"], got["ballot_id"]):
            wrong.append((row, got))
    assert not wrong, wrong[:5]


def test_few_ordinary_sheets_go_to_review(corpus):
    truth, read, _ = corpus
    ordinary = [r for r in truth if r["decision"] == "auto"]
    sent = [r for r in ordinary if read[(r["file"], int(r["page"]))]["decision"] != "auto"]
    assert len(ordinary) > PAGES * 0.8
    assert len(sent) <= 0.03 * len(ordinary), sent[:5]


def test_every_abnormal_page_ends_in_review_or_rejected_with_its_reason(corpus):
    truth, read, _ = corpus
    expected = {"skip": "rejected"}
    found = Counter()
    for row in truth:
        if row["decision"] == "auto":
            continue
        got = read[(row["file"], int(row["page"]))]
        reason = got["reason"].split(":", 1)[0]
        assert (got["decision"], reason) == (
            expected.get(row["decision"], row["decision"]),
            row["reason"],
        ), (row, got)
        found[row["reason"]] += 1
    cases = {c for c in scanlab.SHEET_CASES + scanlab.MARK_CASES} - {"ordinary", "tick"}
    assert cases - {"blank", "double"} <= found.keys(), found


def test_letters_refuses_while_a_scanned_page_awaits_review(corpus):
    _, read, out = corpus
    waiting = [key for key, r in read.items() if r["decision"] == "review"]
    assert waiting
    data = load_campaign_data(DataFolder(DATA), plan=False)
    collected = collect_ballots(
        DataFolder(DATA), out, data.campaign, data.secretaries, read_secret(DATA)
    )
    pending = [p for p in collected.problems if p.file.endswith("scan/sheets.csv")]
    assert len(pending) == len(waiting)
    assert all(p.field == "decision" and "review" in p.en and p.zh for p in pending)


# --- end to end ---------------------------------------------------------------------------------

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
    out = fresh_out(forms_out, tmp_path / "out")
    run_scan(scanned_data, out, [scans])
    read = rows(out / "scan" / "sheets.csv")
    assert len(read) == len(on_paper) and {r["decision"] for r in read} == {"auto"}, [
        (r["ballot_id"], r["reason"]) for r in read if r["decision"] != "auto"
    ]
    typed_out = fresh_out(forms_out, tmp_path / "typed-out")
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


# --- the review page and strange files ----------------------------------------------------------


def test_the_review_page_shows_each_page_awaiting_a_person(corpus):
    _, read, out = corpus
    waiting = [r for r in read.values() if r["decision"] == "review"]
    page = (out / "scan" / "review.html").read_text(encoding="utf-8")
    assert page.count("<section>") == len(waiting)
    pictures = sorted((out / "scan" / "review").glob("*.png"))
    assert len(pictures) == len(waiting) and all(p.stat().st_size > 1000 for p in pictures)
    for row in waiting:
        assert row["reason"].split(":")[0] in page or row["ballot_id"] in page
    assert page.count('class="cell"') >= 10  # score cells outlined on registered pages


def test_a_file_that_is_no_scan_is_rejected_not_a_traceback(forms_out, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "empty.pdf").write_bytes(b"")
    (scans / "text.png").write_bytes(b"not an image at all")
    (scans / "truncated.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    out = fresh_out(forms_out, tmp_path / "out")
    run_scan(DATA, out, [scans])
    read = rows(out / "scan" / "sheets.csv")
    assert [(Path(r["file"]).name, r["decision"]) for r in read] == [
        ("empty.pdf", "rejected"), ("text.png", "rejected"), ("truncated.jpg", "rejected"),
    ]  # fmt: skip
    assert all(r["reason"].startswith("unreadable") for r in read)


def test_scan_without_forms_or_files_is_an_input_error(forms_out, tmp_path):
    from generator.cli import main

    scans = tmp_path / "none.pdf"
    assert main(["scan", "--data", str(DATA), "--out", str(tmp_path / "out"), str(scans)]) == 2
    scans.write_bytes(b"%PDF-1.4")
    assert main(["scan", "--data", str(DATA), "--out", str(tmp_path / "out"), str(scans)]) == 2
    assert not (tmp_path / "out" / "scan").exists()
