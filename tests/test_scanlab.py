"""The test-scan generator itself (tests/scanlab.py): its truth must match what it drew, or the
scanner would be measured against a wrong answer key."""

from __future__ import annotations

import dataclasses
import filecmp
import random
from collections import Counter

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageSequence

import scanlab

DPI = 150  # the low end: fast, and the hardest for the QR codes


@pytest.fixture(scope="module")
def forms_out(rendered_notice):
    """The session's `forms` run of the sample."""
    out = rendered_notice.out_dir
    assert (out / "forms" / "选票" / "ballot-layout.json").is_file()
    return out


@pytest.fixture(scope="module")
def forms(forms_out):
    return scanlab.Forms(forms_out, DPI)


@pytest.fixture(scope="module")
def sheet(forms):
    return forms.sheet(forms.booklets()[0], 5)


@pytest.fixture(scope="module")
def corpus(forms_out, forms, tmp_path_factory):
    dest = tmp_path_factory.mktemp("scans")
    return dest, scanlab.build_corpus(forms_out, dest, pages=30, seed=7, dpi=DPI, forms=forms)


def cell_ink(image: np.ndarray, kind: dict, blank: np.ndarray) -> dict[int, int]:
    """Pixels changed by the pen in each score cell (the page as printed subtracted)."""
    changed = np.abs(image.astype(int) - blank.astype(int)).max(axis=2) > 40
    ink = {}
    for score, (x, y, w, h) in kind["score_cells"].items():
        x0, y0, x1, y1 = (round(scanlab.px(v, DPI)) for v in (x, y, x + w, y + h))
        ink[int(score)] = int(changed[y0:y1, x0:x1].sum())
    return ink


def read_pages(path):
    if path.suffix == ".pdf":
        for page in pdfium.PdfDocument(path):
            yield page.render(scale=DPI / 72, grayscale=True).to_pil()
    else:
        with Image.open(path) as image:
            for frame in ImageSequence.Iterator(image):
                yield frame.convert("L")


def test_identities_are_the_registers(forms, forms_out):
    booklet = forms.booklets()[0]
    sheets = forms.sheets(booklet)
    assert len(sheets) == forms.page_count(booklet) == len({s.serial for s in sheets})
    assert {s.serial for s in sheets} <= forms.issued()
    assert {s.code.secretary_id for s in sheets} == {"s01"}
    assert {s.role for s in sheets} == {"branch"}


@pytest.mark.parametrize(
    ("case", "inked"),
    [
        ("tick", {"score"}),
        ("double", {"score", "other"}),
        ("faint", {"score"}),
        ("two_candidates", {"score", "other"}),
        ("across_border", {"score", "other"}),
        ("struck_out", {"score", "other"}),
        ("blank", set()),
    ],
)
def test_ink_is_where_the_marks_say(forms, sheet, case, inked):
    kind, blank = forms.kind(sheet), forms.render(sheet)
    marks = scanlab.random_marks(random.Random(3), case, list(range(1, 11)))
    if case == "struck_out":
        marks = scanlab.Marks(case, score=2, other=9)
    image = scanlab.mark_page(blank, kind, marks, random.Random(4), DPI)
    ink = cell_ink(image, kind, np.stack([blank] * 3, axis=2))
    want = {getattr(marks, name) for name in inked}
    assert {score for score, count in ink.items() if count > 20} == want, ink
    if case in ("faint", "two_candidates"):
        faint = getattr(marks, "score" if case == "faint" else "other")
        x, y, w, h = kind["score_cells"][str(faint)]
        box = image[
            round(scanlab.px(y + 0.5, DPI)) : round(scanlab.px(y + h - 0.5, DPI)),
            round(scanlab.px(x + 0.5, DPI)) : round(scanlab.px(x + w - 0.5, DPI)),
        ]
        assert box.min() > 150, "a faint mark is light grey"


def test_a_clear_tick_keeps_off_the_cell_borders(forms, sheet):
    kind, blank = forms.kind(sheet), forms.render(sheet)
    for seed in range(10):
        rng = random.Random(seed)
        marks = scanlab.random_marks(rng, "tick", list(range(1, 11)))
        marks = dataclasses.replace(marks, comments=())  # only the tick
        image = scanlab.mark_page(blank, kind, marks, rng, DPI)
        changed = np.abs(image.astype(int) - blank[..., None]).max(axis=2) > 40
        x, y, w, h = kind["score_cells"][str(marks.score)]
        inner = np.zeros_like(changed)
        x0, y0 = round(scanlab.px(x + 0.8, DPI)), round(scanlab.px(y + 0.8, DPI))
        x1, y1 = round(scanlab.px(x + w - 0.8, DPI)), round(scanlab.px(y + h - 0.8, DPI))
        inner[y0:y1, x0:x1] = True
        assert changed.any() and not (changed & ~inner).any()


def test_a_crooked_grey_jpeg_or_one_bit_upside_down_scan_still_reads(forms, sheet):
    image = scanlab.mark_page(forms.render(sheet), forms.kind(sheet), scanlab.Marks(score=8),
                              random.Random(1), DPI)  # fmt: skip
    for scan in (
        scanlab.Scan(rotate=5, shift_mm=(5, -5), scale=0.97, noise=6, blur=1, jpeg=40),
        scanlab.Scan(rotate=-4.5, upside_down=True, noise=4, mode="bw"),
        scanlab.Scan(rotate=3, scale=1.03, mode="rgb", tint=(1, 0.98, 0.92), jpeg=60),
    ):
        scanned = scanlab.scan_page(image, scan, random.Random(2), DPI)
        assert scanned.size == (image.shape[1], image.shape[0])
        assert [c.serial for c in scanlab.read_codes(scanned)] == [sheet.serial], scan


def test_smudged_qr_unreadable_restamped_qr_reads_its_new_code(forms, sheet):
    kind = forms.kind(sheet)
    smudged = scanlab.mark_page(forms.render(sheet), kind, scanlab.Marks(score=8),
                                random.Random(1), DPI)  # fmt: skip
    scanlab.smudge_qr(smudged, kind, random.Random(1), DPI)
    assert scanlab.read_codes(smudged) == []
    stamped = smudged.copy()
    code = scanlab.BallotCode(2, 2022, "ABCD-EFGH", "s01", "上述", "00000000")
    scanlab.restamp(stamped, kind, code, DPI)
    assert scanlab.read_codes(stamped) == [code]


def test_a_covered_corner_leaves_paper_where_the_mark_was(forms, sheet):
    kind = forms.kind(sheet)
    for seed, corner in enumerate([0, 1, 2, 3, 1, 1, 1]):  # top right: by the QR, thrice more
        image = np.stack([forms.render(sheet)] * 3, axis=2)
        scanlab.cover_corner(image, kind, corner, random.Random(seed), DPI)
        assert [c.serial for c in scanlab.read_codes(image)] == [sheet.serial]
        x, y, w, h = kind["corner_marks"][corner]
        mark = image[
            round(scanlab.px(y, DPI)) : round(scanlab.px(y + h, DPI)),
            round(scanlab.px(x, DPI)) : round(scanlab.px(x + w, DPI)),
        ]
        assert mark.min() == 255
        others = [c for c in range(4) if c != corner]
        for other in others:
            x, y, w, h = kind["corner_marks"][other]
            centre = image[round(scanlab.px(y + h / 2, DPI)), round(scanlab.px(x + w / 2, DPI))]
            assert centre.max() < 60


def test_corpus_files_hold_the_truths_pages_and_every_case(corpus):
    dest, rows = corpus
    written = [{k: str(v) for k, v in row.items()} for row in rows]
    assert written == scanlab.read_truth(dest / "truth.csv")
    pages = Counter(row["file"] for row in rows)
    assert sorted(p.name for p in dest.iterdir()) == sorted([*pages, "truth.csv"])
    for name, count in pages.items():
        assert scanlab.page_count(dest / name) == count, name
        assert [r["page"] for r in rows if r["file"] == name] == list(range(1, count + 1))
    reasons = {row["reason"] for row in rows}
    assert set(scanlab.DEFAULT_MIX) - {"blank", "double"} <= reasons
    statuses = Counter(row["status"] for row in rows if row["decision"] == "auto")
    assert statuses.keys() == {"valid", "blank", "invalid"}
    assert all(r["score"] != "" for r in rows if r["status"] == "valid")
    assert all(r["decision"] == "skip" for r in rows if r["reason"] == "blank_page")
    duplicates = [r["ballot_id"] for r in rows if r["reason"] == "duplicate_conflict"]
    assert len(duplicates) == 2 and len(set(duplicates)) == 1
    ballots = [r["ballot_id"] for r in rows if r["ballot_id"]]
    assert len(ballots) - len(set(ballots)) == 1  # the duplicate's second scan only


def test_corpus_qr_codes_say_what_the_truth_says(corpus, forms):
    dest, rows = corpus
    issued = forms.issued()
    for name in sorted({row["file"] for row in rows}):
        truths = [r for r in rows if r["file"] == name]
        for truth, page in zip(truths, read_pages(dest / name), strict=True):
            serials = [c.serial for c in scanlab.read_codes(page)]
            unread = truth["reason"] in ("qr_unreadable", "blank_page")
            assert serials == ([] if unread else [truth["ballot_id"]]), truth
            if truth["reason"] in ("unissued", "other_campaign"):
                assert truth["ballot_id"] not in issued


def test_same_seed_same_bytes(corpus, forms_out, forms, tmp_path):
    dest, _ = corpus
    scanlab.build_corpus(forms_out, tmp_path, pages=30, seed=7, dpi=DPI, forms=forms)
    names = sorted(p.name for p in dest.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert filecmp.cmpfiles(dest, tmp_path, names, shallow=False)[0] == names


def test_a_scan_that_would_cut_a_mark_off_the_page_is_told_apart(forms, sheet):
    kind = forms.kind(sheet)
    assert scanlab.keeps_on_page(scanlab.Scan(rotate=2, shift_mm=(3, 3)), kind)
    assert not scanlab.keeps_on_page(scanlab.Scan(rotate=5, shift_mm=(5, -5), scale=1.03), kind)
