"""`scan` on generated scans of the sample's own ballots (tests/scanlab.py knows the truth).

A corpus of every case an office scanner and a voter's pen give — crooked, upside down, grey,
colour, 1-bit, JPEG, duplex backs, faint marks, two candidates, strokes across borders, struck-out
ticks, torn corners, smudged QR codes, other campaigns' and unissued sheets, a sheet scanned twice —
is read and held to its truth: never a confident wrong reading, few ordinary sheets sent to a
person, each abnormal page with its reason. (End to end: tests/test_scan_end_to_end.py.)
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from generator.load.ballots.reading import collect_ballots
from generator.load.data import load_campaign_data
from generator.load.folder import DataFolder
from generator.load.secret import read_secret
from generator.pipeline.scan import run_scan

import scanlab
from helpers import DATA

PAGES = 450  # ballot sheets (500 pages and more with the duplex backs); each case 4 times or more
MIX = {case: 0.01 for case in scanlab.DEFAULT_MIX} | {"blank": 0.03, "double": 0.02}


@pytest.fixture(scope="module")
def corpus(forms_out, forms, tmp_path_factory):
    """The corpus, read: (truth rows, sheets.csv rows by (file, page), the output folder)."""
    work = tmp_path_factory.mktemp("scan-corpus")
    truth = scanlab.build_corpus(forms_out, work / "scans", PAGES, seed=11, mix=MIX, forms=forms)
    out = scanlab.fresh_out(forms_out, work / "out")
    run_scan(DATA, out, [work / "scans"])
    read = {
        (Path(r["file"]).name, int(r["page"])): r for r in scanlab.rows(out / "scan" / "sheets.csv")
    }
    return truth, read, out


def test_every_page_is_accounted_for(corpus):
    truth, read, out = corpus
    assert len(read) == len(truth) >= 500
    auto = [r for r in read.values() if r["decision"] == "auto"]
    ballots = scanlab.rows(out / "scan" / "ballots.csv")
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
    out = scanlab.fresh_out(forms_out, tmp_path / "out")
    run_scan(DATA, out, [scans])
    read = scanlab.rows(out / "scan" / "sheets.csv")
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
