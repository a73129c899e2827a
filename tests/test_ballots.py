"""The serialised ballots: every issued serial printed once, readable by machine, where the
layout file says, and the same on every re-run."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter

import pypdfium2 as pdfium
import pytest
import zxingcpp

from generator.model.ballot_code import LAYOUT_VERSION, parse_code

from helpers import DATA

MM = 72 / 25.4


@pytest.fixture(scope="module")
def forms_out(rendered_notice):
    """The folder holding the session's `forms` output of the sample, as `out`."""
    return rendered_notice.out_dir.parent


def register(out) -> list[dict]:
    with (out / "forms" / "ballots-issued.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def booklets(out):
    return sorted((out / "forms" / "选票").glob("*.pdf"))


def crop_for(page, box):
    """Return pypdfium2's crop (left, bottom, right, top margins in pt) leaving `box` + 4 mm."""
    width, height = page.get_size()
    x, y, w, h = box
    pad = 4
    return ((x - pad) * MM, height - (y + h + pad) * MM, width - (x + w + pad) * MM, (y - pad) * MM)


def test_booklet_pages_equal_the_evaluators_and_the_register(forms_out):
    from helpers import load_data

    data = load_data(DATA)
    expected = sum(
        data.campaign.evaluators[s.role][source]
        for s in data.secretaries
        for source in data.campaign.evaluators[s.role]
    )
    pages = sum(len(pdfium.PdfDocument(path)) for path in booklets(forms_out / "out"))
    assert pages == expected == len(register(forms_out / "out"))
    assert len(booklets(forms_out / "out")) == len(data.secretaries)


def test_every_registered_serial_is_printed_once_with_its_secretary_and_source(forms_out):
    """…and in the printing order the secret keys, which no output's order gives away."""
    from generator.load.secret import read_secret
    from generator.model.ballot import IssuedBallot
    from generator.model.serials import fingerprint, printing_order

    from helpers import load_data

    data = load_data(DATA)
    mark = fingerprint(read_secret(DATA) or b"")
    layout = json.loads((forms_out / "out" / "forms" / "选票" / "ballot-layout.json").read_text())
    roles = {s.id: s.role for s in data.secretaries}
    decoded = []
    for path in booklets(forms_out / "out"):
        document = pdfium.PdfDocument(path)
        for page in document:
            first_guess = layout["kinds"]["branch"]["qr"]
            image = page.render(scale=150 / 72, crop=crop_for(page, first_guess)).to_pil()
            codes = zxingcpp.read_barcodes(image)
            assert len(codes) == 1, f"{path.name}: no QR code where the layout file says"
            decoded.append(codes[0].text)
    codes = [parse_code(text) for text in decoded]
    assert all(
        c is not None and c.layout_version == LAYOUT_VERSION and c.year == data.campaign.year
        and c.fingerprint == mark for c in codes
    )  # fmt: skip
    fields = [c for c in codes if c is not None]
    printed = Counter((c.serial, c.secretary_id, c.source) for c in fields)
    issued = Counter(
        (r["ballot_id"], r["secretary_id"], r["source"]) for r in register(forms_out / "out")
    )
    assert printed == issued and max(printed.values()) == 1
    assert all(layout["kinds"][roles[c.secretary_id]]["qr"] == first_guess for c in fields)
    rows = register(forms_out / "out")
    registered = [IssuedBallot(r["ballot_id"], r["secretary_id"], r["source"]) for r in rows]
    keyed = printing_order(registered, read_secret(DATA) or b"")
    assert [c.serial for c in fields] == [b.serial for b in keyed]
    assert [c.serial for c in fields] != [b.serial for b in registered]  # not the public order


def test_booklets_run_in_meeting_order(forms_out):
    from helpers import load_data

    data = load_data(DATA)
    names = [path.stem.split("-", 1)[1] for path in booklets(forms_out / "out")]
    assert names == [s.name for s in data.secretaries]
    order = [r["secretary_id"] for r in register(forms_out / "out")]
    assert list(dict.fromkeys(order)) == [s.id for s in data.secretaries]


def test_serials_look_random_and_carry_nothing_but_themselves(forms_out):
    from generator.model.serials import ALPHABET

    rows = register(forms_out / "out")
    assert list(rows[0]) == ["ballot_id", "secretary_id", "source"]
    for row in rows:
        left, right = row["ballot_id"].split("-")
        assert len(left) == len(right) == 4 and set(left + right) <= set(ALPHABET)
    assert not set("01IO") & set(ALPHABET)
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        groups.setdefault((row["secretary_id"], row["source"]), []).append(row["ballot_id"])
    # The register lists each group by serial: its order says nothing of the copy number, nor of
    # the printing order (test_every_registered_serial_is_printed_once…).
    assert all(serials == sorted(serials) for serials in groups.values())


def test_the_layout_file_says_where_the_ink_is(forms_out):
    """Score cells are boxed by lines at the layout's edges; corner marks are solid black."""
    layout = json.loads((forms_out / "out" / "forms" / "选票" / "ballot-layout.json").read_text())
    kind = layout["kinds"]["branch"]
    page = pdfium.PdfDocument(booklets(forms_out / "out")[0])[0]
    scale = 300 / 72
    image = page.render(scale=scale, grayscale=True).to_pil()

    def dark(x_mm, y_mm):
        return image.getpixel((round(x_mm * MM * scale), round(y_mm * MM * scale))) < 128

    for score, (x, y, w, h) in kind["score_cells"].items():
        middle = y + h / 2
        assert dark(x, middle) and dark(x + w, middle), f"cell {score}: no side lines"
        assert dark(x + w / 2, y) and dark(x + w / 2, y + h), f"cell {score}: no top/bottom"
        assert not dark(x + w / 2, middle), f"cell {score}: not empty inside"
    for x, y, w, h in kind["corner_marks"]:
        assert all(dark(x + w * fx, y + h * fy) for fx in (0.2, 0.8) for fy in (0.2, 0.8))
    for name, (x, y, w, h) in kind["text_boxes"].items():
        assert dark(x, y + h / 2) and dark(x + w, y + h / 2), name
        assert not dark(x + w / 2, y + h / 2), name


def test_reissue_changes_every_serial(forms_out, tmp_path, capsys):
    from generator.pipeline.forms import run_forms
    from generator.progress import Progress

    data, first = tmp_path / "data", forms_out / "out"  # same bytes again: test_golden.py
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns(".demo-signer"))
    reissued = tmp_path / "reissued"
    run_forms(data, reissued, reissue=True, progress=Progress())
    assert "void" in capsys.readouterr().err
    old = {r["ballot_id"] for r in register(first)}
    new = {r["ballot_id"] for r in register(reissued)}
    assert len(new) == len(old) and not old & new
