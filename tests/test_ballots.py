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


def layout_of(out) -> dict:
    return json.loads((out / "forms" / "选票" / "ballot-layout.json").read_text())


def first_page_of(out, kind: str):
    """Return the first sheet of the first booklet of a form kind (booklets in meeting order)."""
    from helpers import load_data

    roles = [s.role for s in load_data(DATA).secretaries]
    return pdfium.PdfDocument(booklets(out)[roles.index(kind)])[0]


class Ink:
    """A sheet rendered in grey, read in mm from the page's top-left corner."""

    def __init__(self, page, dpi: int = 300, region=None):
        self.scale = dpi / 72
        self.origin = (0.0, 0.0) if region is None else (region[0] - 4, region[1] - 4)
        crop = (0, 0, 0, 0) if region is None else crop_for(page, region)
        self.image = page.render(scale=self.scale, grayscale=True, crop=crop).to_pil()
        self.px = self.scale * MM  # pixels per mm

    def pixel(self, x_mm: float, y_mm: float) -> tuple[int, int]:
        return round((x_mm - self.origin[0]) * self.px), round((y_mm - self.origin[1]) * self.px)

    def dark(self, x_mm: float, y_mm: float) -> bool:
        return self.image.getpixel(self.pixel(x_mm, y_mm)) < 128

    def dark_in(self, box, inset: float = 0.0) -> int:
        """Return how many dark pixels lie inside the box shrunk by `inset` mm on every side."""
        x, y, w, h = box
        left, top = self.pixel(x + inset, y + inset)
        right, bottom = self.pixel(x + w - inset, y + h - inset)
        region = self.image.crop((left, top, right, bottom))
        return sum(region.histogram()[:128])


def test_the_layout_file_says_where_the_ink_is(forms_out):
    """Score cells are boxed by lines at the layout's edges; corner marks are solid black; every
    printed box has ink inside its lines, the boxes a voter writes in none."""
    layout = layout_of(forms_out / "out")
    inset = layout["rules"]["width"] / 2 + 0.2  # clear of the line and of anti-aliasing
    for name, kind in layout["kinds"].items():
        ink = Ink(first_page_of(forms_out / "out", name))
        dark = ink.dark
        for score, (x, y, w, h) in kind["score_cells"].items():
            middle = y + h / 2
            assert dark(x, middle) and dark(x + w, middle), f"cell {score}: no side lines"
            assert dark(x + w / 2, y) and dark(x + w / 2, y + h), f"cell {score}: no top/bottom"
            assert ink.dark_in((x, y, w, h), inset) == 0, f"{name} cell {score}: not empty"
        for x, y, w, h in kind["corner_marks"]:
            assert all(dark(x + w * fx, y + h * fy) for fx in (0.2, 0.8) for fy in (0.2, 0.8))
        for box_name, (x, y, w, h) in kind["text_boxes"].items():
            assert dark(x, y + h / 2) and dark(x + w, y + h / 2), box_name
            assert ink.dark_in((x, y, w, h), inset) == 0, f"{name} {box_name}: not empty"
        for item in kind["printed"]:
            within = inset if item.get("framed") else 0.0
            assert ink.dark_in(item["box"], within) > 0, f"{name}: nothing in {item}"


def test_the_layout_file_gives_rules_qr_orientation_and_print_for_each_kind(forms_out):
    layout = layout_of(forms_out / "out")
    assert layout["layout_version"] == LAYOUT_VERSION
    assert layout["orientation"] == {"page": "portrait", "qr_corner": "top_right"}
    assert layout["rules"]["width"] == 0.25 and layout["rules"]["box_edges"] == "centre"
    for name, kind in layout["kinds"].items():
        attachment = {"branch": "附件1", "committee": "附件2"}[name]
        assert kind["form_label"]["text"] == f"评议表（{attachment}）{name} · 版式{LAYOUT_VERSION}"
        qr = kind["qr_code"]
        assert qr["box"] == kind["qr"] and qr["error_correction"] == "M"
        assert qr["modules"] == 17 + 4 * qr["version"]
        assert qr["module_size"] == round(kind["qr"][2] / qr["modules"], 2)
        assert qr["quiet_zone"]["modules"] >= 4, name
        whats = Counter(item["what"] for item in kind["printed"])
        assert whats["corner_mark"] == 4 and whats["row_label"] == 3, name
        assert whats["score_header"] == len(kind["score_cells"]), name
        assert whats["grade_header"] == len(kind["grade_headers"]), name
        assert all(whats[w] == 1 for w in ("title", "header_label", "note", "serial", "qr"))
        printed = {item["what"]: item for item in kind["printed"]}
        assert printed["form_label"]["box"] == kind["form_label"]["box"]
        assert printed["title"]["box"] == kind["title"]
        assert printed["serial"]["box"] == kind["serial"]
        headers = [(h["grade"], h["box"]) for h in kind["grade_headers"]]
        assert [(i["text"], i["box"]) for i in kind["printed"] if i["what"] == "grade_header"] == [
            (grade, [round(v, 2) for v in box]) for grade, box in headers
        ]


def test_the_form_label_is_printed_where_the_file_says(forms_out):
    layout = layout_of(forms_out / "out")
    for name, kind in layout["kinds"].items():
        page = first_page_of(forms_out / "out", name)
        height = page.get_size()[1]
        x, y, w, h = kind["form_label"]["box"]
        text = page.get_textpage().get_text_bounded(
            left=x * MM, bottom=height - (y + h) * MM, right=(x + w) * MM, top=height - y * MM
        )
        assert text.strip() == kind["form_label"]["text"], name


def test_a_box_edge_is_the_middle_of_its_printed_line(forms_out):
    """At 600 dpi, the dark run across a score cell's left and top edges is centred on them and
    as wide as the file's rule, as `box_edges: centre` says."""
    layout = layout_of(forms_out / "out")
    width = layout["rules"]["width"]
    cell = layout["kinds"]["branch"]["score_cells"]["5"]
    x, y, w, h = cell
    ink = Ink(first_page_of(forms_out / "out", "branch"), dpi=600, region=cell)
    row, column = ink.pixel(x, y + h / 2)[1], ink.pixel(x + w / 2, y)[0]
    near = (ink.pixel(x - 1, y - 1), ink.pixel(x + 1, y + 1))  # within 1 mm of the corner
    across = [(ink.image.getpixel((i, row)), i) for i in range(near[0][0], near[1][0])]
    down = [(ink.image.getpixel((column, j)), j) for j in range(near[0][1], near[1][1])]
    for edge, line, origin in ((x, across, ink.origin[0]), (y, down, ink.origin[1])):
        dark = [i for value, i in line if value < 128]
        assert dark and dark[-1] - dark[0] + 1 == len(dark), "one line, unbroken"
        middle = origin + (dark[0] + dark[-1] + 1) / 2 / ink.px
        assert middle == pytest.approx(edge, abs=0.05)
        assert len(dark) / ink.px == pytest.approx(width, abs=1.5 / ink.px)


def test_the_qr_code_is_as_the_file_says(forms_out):
    """Its version and error correction decoded; its symbol in the file's box; nothing printed in
    the quiet zone the file gives."""
    layout = layout_of(forms_out / "out")
    for name, kind in layout["kinds"].items():
        qr = kind["qr_code"]
        page = first_page_of(forms_out / "out", name)
        ink = Ink(page, dpi=300, region=qr["box"])
        (code,) = zxingcpp.read_barcodes(ink.image)
        assert code.extra["Version"] == str(qr["version"])
        assert code.ec_level == qr["error_correction"]
        position = code.position
        left = ink.origin[0] + position.top_left.x / ink.px
        top = ink.origin[1] + position.top_left.y / ink.px
        side = (position.top_right.x - position.top_left.x) / ink.px
        assert [left, top, side] == pytest.approx(qr["box"][:3], abs=0.1)
        assert side / qr["modules"] == pytest.approx(qr["module_size"], abs=0.01)
        x, y, w, h = qr["box"]
        quiet = qr["quiet_zone"]["mm"]
        assert quiet / qr["module_size"] == pytest.approx(qr["quiet_zone"]["modules"], abs=0.02)
        whole = Ink(page, dpi=300)
        band = (x - quiet, y - quiet, w + 2 * quiet, h + 2 * quiet)
        symbol = (x - 0.1, y - 0.1, w + 0.2, h + 0.2)  # its edge's pixels
        assert whole.dark_in(band) == whole.dark_in(symbol), f"{name}: print in the quiet zone"


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
