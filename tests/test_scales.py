"""Ballots for any scale and grades: tick cells for a scale up to 12 points, a box for a written
number beyond; headers of any names and widths, titles of any length; the layout file describes
what was printed; scores off the scale are refused where they were typed.

Campaigns are the minimal fixture with other `rules.scale` and `rules.grades` and a town whose
branch form's title has 30 characters. What is printed is read back from the PDFs: pdfplumber's
character boxes against the layout's boxes (mm from the page's top-left corner), zxing for the QR
code. Hypothesis draws scales of 2–12 points and grade tables of 2–6 grades: their layout is
computed for many, and a few are rendered and measured.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import combinations, pairwise
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import block_texts, forms_context, load_data, write_kinds

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
PT_PER_MM = 72 / 25.4
SECRET = bytes(range(32))
LONG_TOWN = "内蒙古阿拉善盟阿拉善左旗测试镇"  # 15 characters: a 30-character title
BRANCH_TITLE = f"{LONG_TOWN}党支部书记抓基层党建述职评议表"
TOLERANCE = 0.15  # mm: a glyph's box may reach this far over its box's edge (half a rule)

CASES = {
    "1-5": ((1, 5), {"好": 5, "较好": 4, "一般": 3, "差": 1}),
    "0-12": ((0, 12), {"特别优秀": 12, "良好": 9, "一般": 6, "较差": 1, "差": 0}),
    "1-10, 2 grades": ((1, 10), {"称职": 6, "不称职": 1}),
    "1-10, 3 grades": ((1, 10), {"好": 8, "一般": 5, "差": 1}),
    "1-10, 5 grades": ((1, 10), {"优秀": 10, "好": 8, "较好": 6, "一般": 4, "差": 1}),
    "0-100": ((0, 100), {"优秀": 90, "良好": 80, "一般": 70, "较差": 0}),
}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def campaign_folder(
    folder: Path, scale: tuple[int, int], grades: dict[str, int], town: str = LONG_TOWN
) -> Path:
    """Copy the minimal campaign to `folder` with this scale, these grades and this town."""
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns(".ballot-secret"))
    campaign = folder / "campaign.yaml"
    table = ", ".join(f"{name}: {bound}" for name, bound in grades.items())
    rules = f"  scale: {{min: {scale[0]}, max: {scale[1]}}}\n  grades: {{{table}}}\n"
    edit(campaign, "  bands: {好: 9, 较好: 7, 一般: 4, 差: 0}\n", rules)
    edit(campaign, "  low_vote_share_max: 0.10\n", "")  # its 6 is off a 1–5 scale
    edit(
        campaign,
        "  superior: 中共测试旗委员会组织部\n",
        f"  superior: 中共测试旗委员会组织部\n  town: {town}\n",
    )
    return folder


@dataclass(frozen=True)
class Rendered:
    """One case's forms: the booklets, the layout file and the blank forms, as written."""

    context: object
    out: Path
    layout: dict

    def booklet(self, role: str) -> Path:
        """Return the first booklet of a secretary of this role."""
        secretaries = self.context.secretaries
        number = next(i for i, s in enumerate(secretaries, 1) if s.role == role)
        return next((self.out / "forms" / "选票").glob(f"{number:02d}-*.pdf"))

    def form(self, role: str):
        from generator.documents.evaluation_form import personal_form

        secretary = next(s for s in self.context.secretaries if s.role == role)
        return personal_form(self.context.campaign, self.context.secretaries, secretary)

    def sheet(self, role: str):
        from generator.documents.ballot_sheet import sheet_layout

        return sheet_layout(self.form(role))


@pytest.fixture(scope="module", params=list(CASES))
def rendered(request, tmp_path_factory) -> Rendered:
    scale, grades = CASES[request.param]
    root = tmp_path_factory.mktemp("scale")
    context = forms_context(campaign_folder(root / "data", scale, grades), SECRET)
    out = root / "out"
    write_kinds(context, ["ballots", "ballot_layout", "evaluation_form"], out)
    layout = json.loads((out / "forms" / "选票" / "ballot-layout.json").read_text("utf-8"))
    return Rendered(context, out, layout)


def box_of(values) -> tuple[float, float, float, float]:
    x, y, w, h = values
    return x, y, x + w, y + h


def overlap(a, b) -> bool:
    """Whether two boxes (x0, y0, x1, y1) share more than an edge (the file rounds to 0.001)."""
    eps = 0.002
    return a[0] < b[2] - eps and b[0] < a[2] - eps and a[1] < b[3] - eps and b[1] < a[3] - eps


# --- the layout file ------------------------------------------------------------------------------


def described_boxes(kind: dict) -> dict[str, tuple]:
    """Return every box the layout file gives for a form kind, by a name for messages."""
    boxes = {f"mark {i}": box_of(b) for i, b in enumerate(kind["corner_marks"])}
    boxes |= {name: box_of(kind[name]) for name in ("qr", "serial", "title")}
    boxes |= {f"cell {s}": box_of(b) for s, b in kind.get("score_cells", {}).items()}
    boxes |= {f"grade {g['grade']}": box_of(g["box"]) for g in kind.get("grade_headers", [])}
    if "written_score" in kind:
        boxes["written score"] = box_of(kind["written_score"]["box"])
        boxes["grade guide"] = box_of(kind["grade_guide"]["box"])
    boxes |= {f"text {n}": box_of(b) for n, b in kind["text_boxes"].items()}
    return boxes


def test_every_box_lies_within_the_page_and_none_overlaps_another(rendered):
    width, height = rendered.layout["page"]
    for name, kind in rendered.layout["kinds"].items():
        boxes = described_boxes(kind)
        for label, (x0, y0, x1, y1) in boxes.items():
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, f"{name}: {label}"
        for (a, box_a), (b, box_b) in combinations(boxes.items(), 2):
            assert not overlap(box_a, box_b), f"{name}: {a} overlaps {b}"


def test_the_layout_file_describes_the_scale_the_cells_and_the_grades(rendered):
    from generator.documents.ballot_sheet import LABEL_WIDTH, LEFT, WIDTH

    rules = rendered.context.campaign.rules
    scale = rules.scale
    assert rendered.layout["scale"] == {"min": scale.low, "max": scale.high}
    for name, kind in rendered.layout["kinds"].items():
        if scale.high > 12:
            assert kind["rating"] == "written_score" and "score_cells" not in kind, name
            written = kind["written_score"]
            assert written["kind"] == "written_score"
            assert (written["min"], written["max"]) == (scale.low, scale.high)
            guide = kind["grade_guide"]["grades"]
            assert [g["grade"] for g in guide] == list(rules.grade_names)
            assert [(g["min"], g["max"]) for g in guide] == [(90, 100), (80, 89), (70, 79), (0, 69)]
            x, _, w, _ = written["box"]
            assert x > LEFT + LABEL_WIDTH and x + w < LEFT + WIDTH, name
            continue
        assert kind["rating"] == "score_cells" and "written_score" not in kind, name
        cells = kind["score_cells"]
        assert list(cells) == [str(s) for s in scale.scores], name
        edges = [LEFT + LABEL_WIDTH] + [x + w for x, _, w, _ in cells.values()]
        lefts = [x for x, *_ in cells.values()]
        assert lefts == pytest.approx(edges[:-1], abs=0.002), f"{name}: cells do not tile"
        assert edges[-1] == pytest.approx(LEFT + WIDTH, abs=0.002), f"{name}: cells do not tile"
        headers = kind["grade_headers"]
        assert [h["grade"] for h in headers] == list(rules.grade_names)
        for header in headers:
            first, last = cells[str(header["max"])], cells[str(header["min"])]
            x, _, w, _ = header["box"]
            assert x == pytest.approx(first[0], abs=0.002), header["grade"]
            assert x + w == pytest.approx(last[0] + last[2], abs=0.002), header["grade"]
            assert all(
                rules.grade_of(s) == header["grade"]
                for s in range(header["min"], header["max"] + 1)
            )


# --- what is printed --------------------------------------------------------------------------


def chars_in(page, box, margin: float = 0.0) -> list[dict]:
    """Return the page's characters whose centre lies in the box (mm), grown by `margin`."""
    x, y, w, h = box.x - margin, box.y - margin, box.w + 2 * margin, box.h + 2 * margin
    found = []
    for char in page.chars:
        cx = (char["x0"] + char["x1"]) / 2 / PT_PER_MM
        cy = (char["top"] + char["bottom"]) / 2 / PT_PER_MM
        if x <= cx <= x + w and y <= cy <= y + h and char["text"].strip():
            found.append(char)
    return found


def assert_within(chars: list[dict], box, what: str) -> None:
    """Assert that every character's glyph box lies within the box (mm)."""
    for char in chars:
        x0, x1 = char["x0"] / PT_PER_MM, char["x1"] / PT_PER_MM
        top, bottom = char["top"] / PT_PER_MM, char["bottom"] / PT_PER_MM
        inside = (
            box.x - TOLERANCE <= x0
            and x1 <= box.x + box.w + TOLERANCE
            and box.y - TOLERANCE <= top
            and bottom <= box.y + box.h + TOLERANCE
        )
        assert inside, f"{what}: {char['text']} at {x0:.2f}–{x1:.2f}, {top:.2f}–{bottom:.2f} mm"


def text_of(chars: list[dict]) -> str:
    ordered = sorted(chars, key=lambda c: (round(c["top"]), c["x0"]))
    return "".join(c["text"] for c in ordered)


def assert_header_in_boxes(page, layout, what: str) -> None:
    """Each grade name, score and guide word lies within its own box."""
    for cell in layout.grade_cells:
        chars = chars_in(page, cell.label.box)
        assert text_of(chars) == cell.grade, f"{what}: grade {cell.grade}"
        assert_within(chars, cell.label.box, f"{what}: grade {cell.grade}")
    for score, box in layout.score_headers:
        chars = chars_in(page, box)
        assert text_of(chars) == str(score), f"{what}: score {score}"
        assert_within(chars, box, f"{what}: score {score}")
    if (written := layout.written) is not None:
        for label, text in (
            (written.guide, written.guide.text),
            (written.prompt, written.prompt.text),
            (written.unit, written.unit.text),
        ):
            chars = chars_in(page, label.box)
            assert text_of(chars) == text, what
            assert_within(chars, label.box, what)
        assert not chars_in(page, written.box), f"{what}: the written-score box is not empty"


@pytest.mark.parametrize("role", ["branch", "committee"])
def test_header_texts_lie_within_their_boxes(rendered, role):
    from generator.documents.ballot_sheet import LEFT, ROW_HEIGHTS, TABLE_TOP, WIDTH
    from generator.render.geometry import Box

    layout = rendered.sheet(role)
    rows = Box(LEFT, TABLE_TOP, WIDTH, ROW_HEIGHTS["grades"] + ROW_HEIGHTS["scores"])
    with pdfplumber.open(rendered.booklet(role)) as document:
        page = document.pages[0]
        assert_header_in_boxes(page, layout, role)
        # …and nothing else is printed in the header rows but 评价内容
        printed = "评价内容" + "".join(layout_texts(layout))
        assert sorted(text_of(chars_in(page, rows))) == sorted(printed)


def layout_texts(layout) -> list[str]:
    texts = [cell.grade for cell in layout.grade_cells]
    texts += [str(score) for score, _ in layout.score_headers]
    if layout.written is not None:
        texts.append(layout.written.guide.text)
    return texts


@pytest.mark.parametrize("role", ["branch", "committee"])
def test_the_title_is_one_line_above_the_table(rendered, role):
    from generator.documents.ballot_sheet import LEFT, TABLE_TOP, WIDTH

    layout, form = rendered.sheet(role), rendered.form(role)
    with pdfplumber.open(rendered.booklet(role)) as document:
        chars = chars_in(document.pages[0], layout.title.box)
    assert text_of(chars) == form.title
    assert len({round(c["top"], 1) for c in chars}) == 1, "the title is not on one line"
    assert min(c["x0"] for c in chars) / PT_PER_MM >= LEFT - TOLERANCE
    assert max(c["x1"] for c in chars) / PT_PER_MM <= LEFT + WIDTH + TOLERANCE
    assert max(c["bottom"] for c in chars) / PT_PER_MM < TABLE_TOP
    if role == "branch":
        assert len(form.title) == 30 and form.title == BRANCH_TITLE


def test_the_qr_code_still_decodes(rendered):
    for role in ("branch", "committee"):
        x, y, w, h = rendered.layout["kinds"][role]["qr"]
        page = pdfium.PdfDocument(rendered.booklet(role))[0]
        width, height = page.get_size()
        pad = 4
        crop = (
            (x - pad) * PT_PER_MM,
            height - (y + h + pad) * PT_PER_MM,
            width - (x + w + pad) * PT_PER_MM,
            (y - pad) * PT_PER_MM,
        )
        image = page.render(scale=150 / 72, crop=crop).to_pil()
        codes = zxingcpp.read_barcodes(image)
        assert len(codes) == 1 and codes[0].text.startswith("SZPY|2|2022|"), role


def test_the_blank_forms_follow_the_scale(rendered):
    from generator.documents.evaluation_form import SCORE_AREA, TWIPS_PER_MM

    for number, secretary in enumerate(rendered.context.secretaries, start=1):
        form = rendered.form(secretary.role)
        stem = rendered.out / "forms" / "评议表" / f"{number:02d}-{secretary.name}"
        with pdfplumber.open(stem.with_suffix(".pdf")) as document:
            assert len(document.pages) == 1, stem.name
            table = document.pages[0].find_tables()[0].extract()
        cells = [re.sub(r"\s", "", cell or "") for row in table for cell in row]
        document = docx.Document(str(stem.with_suffix(".docx")))
        words = "".join(block_texts(document.element.body))
        if form.written is not None:
            wanted = [form.written.label, form.written.guide_text]
        else:
            wanted = [span.grade for span in form.header] + [str(s) for s in form.scores]
        for text in wanted:
            assert any(text in cell for cell in cells), f"{stem.name} PDF: {text}"
            assert text in words, f"{stem.name} DOCX: {text}"
        if form.written is None:  # the numbers as large as their columns let them be
            heads = document.tables[0].rows[1].cells[1:]
            runs = [run for cell in heads for run in cell.paragraphs[0].runs]
            sizes = {run.font.size.pt if run.font.size else 14.0 for run in runs}
            assert sizes == {form.docx.heads / 2}, stem.name
        grid = document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
        assert len(grid) == 1 + form.columns
        widths = [int(column.get(qn("w:w"))) for column in grid[1:]]
        assert sum(widths) == pytest.approx(SCORE_AREA * TWIPS_PER_MM, abs=form.columns)


def test_the_notice_attaches_forms_of_the_scale(rendered):
    """The 通知's 附件: the blank forms, in the PDF and the DOCX alike."""
    from generator.documents.notice import notice_files

    pdf, document = (
        d.content for d in notice_files(rendered.context, rendered.context.secretaries)
    )
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        cells = [
            re.sub(r"\s", "", cell or "")
            for page in opened.pages
            for table in page.find_tables()
            for row in table.extract()
            for cell in row
        ]
    words = "".join(block_texts(docx.Document(io.BytesIO(document)).element.body))
    for role in ("branch", "committee"):
        form = rendered.form(role)
        wanted = (
            [form.written.label, form.written.guide_text]
            if form.written is not None
            else [span.grade for span in form.header] + [str(s) for s in form.scores]
        )
        for text in wanted:
            assert any(text in cell for cell in cells), f"PDF: {text}"
            assert text in words, f"DOCX: {text}"


# --- any scale, any grades ------------------------------------------------------------------------

GRADE_CHARACTERS = "优秀良好较一般差合格不称职基本尚可甲乙丙丁特别突出中等偏上下"
NAMES = st.text(alphabet=GRADE_CHARACTERS, min_size=1, max_size=4)


@st.composite
def scales_and_grades(draw):
    """Return a scale of 2–12 points and a grade table of 2–6 grades on it, best first."""
    high = draw(st.integers(2, 12))
    low = draw(st.integers(0, high - 1))
    count = draw(st.integers(2, min(6, high - low + 1)))
    bounds = sorted(
        draw(st.sets(st.integers(low + 1, high), min_size=count - 1, max_size=count - 1))
    )
    names = draw(st.lists(NAMES, min_size=count, max_size=count, unique=True))
    lowest_first = [low, *bounds]
    return (low, high), dict(zip(names, reversed(lowest_first), strict=True))


@pytest.fixture(scope="module")
def minimal_campaign():
    return load_data(FIXTURE).campaign


def form_for(campaign, scale, grades, town: str = "测试镇"):
    from generator.documents.evaluation_form import branch_form
    from generator.model.campaign import Scale

    rules = replace(
        campaign.rules,
        scale=Scale(*scale),
        grades=tuple((name, Fraction(bound)) for name, bound in grades.items()),
    )
    issuer = replace(campaign.issuer, town=town)
    return branch_form(replace(campaign, rules=rules, issuer=issuer), "XX党支部书记", 3)


def assert_fits(label, what: str) -> None:
    """A label's lines fit its box by the fitting's own safe widths."""
    from generator.documents.ballot_sheet import PADDING, RULE
    from generator.render.fitting import LEADING, PT, em_width

    inner = label.box.w - 2 * PADDING - RULE
    assert all(em_width(line) * label.size * PT <= inner + 1e-9 for line in label.lines), what
    assert len(label.lines) * label.size * PT * LEADING <= label.box.h, what


@settings(max_examples=300, deadline=None)
@given(drawn=scales_and_grades(), title=st.integers(10, 40))
def test_any_scale_and_grades_are_laid_out_inside_their_boxes(minimal_campaign, drawn, title):
    from generator.documents.ballot_sheet import LABEL_WIDTH, LEFT, SCORE_AREA, WIDTH, sheet_layout
    from generator.documents.evaluation_form import DOCX_MARGIN, DOCX_SMALLEST
    from generator.render.fitting import PT, em_width

    scale, grades = drawn
    town = "测" * (title - len("党支部书记抓基层党建述职评议表"))
    layout = sheet_layout(form_for(minimal_campaign, scale, grades, town))
    cells = [box for _, box in layout.score_cells]
    assert len(cells) == scale[1] - scale[0] + 1
    assert cells[0].x == LEFT + LABEL_WIDTH
    for left, right in pairwise(cells):
        assert right.x == pytest.approx(left.x + left.w, abs=1e-9)
    assert cells[-1].x + cells[-1].w == pytest.approx(LEFT + WIDTH, abs=1e-9)
    assert sum(box.w for box in cells) == pytest.approx(SCORE_AREA, abs=1e-9)
    headers = [cell.label.box for cell in layout.grade_cells]
    assert headers[0].x == cells[0].x
    assert sum(box.w for box in headers) == pytest.approx(SCORE_AREA, abs=1e-9)
    # every grade reaches a whole score of the scale here: each has its span, best first
    assert [cell.grade for cell in layout.grade_cells] == list(grades)
    for cell in layout.grade_cells:
        assert "".join(cell.label.lines) == cell.grade
        assert_fits(cell.label, cell.grade)
    for score, box in layout.score_headers:
        assert em_width(str(score)) * layout.score_size * PT <= box.w - 3.25 + 1e-9
    form = form_for(minimal_campaign, scale, grades, town)
    sizes, room = form.docx, form.column_width - 2 * DOCX_MARGIN
    assert all(em_width(str(score)) * sizes.heads / 2 * PT <= room for score in form.scores)
    for span, size in zip(form.header, sizes.grades, strict=True):
        one_line = em_width(span.grade) * size / 2 * PT <= room * len(span.scores)
        assert one_line or (size == 2 * DOCX_SMALLEST and not sizes.fitted), span.grade
    assert (
        len(layout.title.lines) == 1
        and layout.title.text == f"{town}党支部书记抓基层党建述职评议表"
    )
    assert em_width(layout.title.text) * layout.title.size * PT <= WIDTH


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=scales_and_grades())
def test_any_scale_and_grades_print_inside_their_boxes(minimal_campaign, renderer, drawn):
    """Rendered and measured: no header text outside its box, the cells drawn where described."""
    from markupsafe import Markup

    from generator.documents.ballot_sheet import layout_css, sheet_layout
    from generator.documents.ballots import Sheet
    from generator.render.templating import html_environment

    scale, grades = drawn
    form = form_for(minimal_campaign, scale, grades)
    layout = sheet_layout(form)
    secretary = load_data(FIXTURE).secretaries[0]
    html = (
        html_environment(renderer.fonts)
        .get_template("ballot_sheet.html")
        .render(
            sheets=[Sheet(secretary, "上述", form, layout)],
            layout_css=Markup(layout_css("branch", layout)),
            title="scale",
        )
    )
    with pdfplumber.open(io.BytesIO(renderer.render(html))) as document:
        assert_header_in_boxes(document.pages[0], layout, f"{scale} {grades}")


def test_a_wide_scale_has_one_box_and_the_grades_as_guidance(minimal_campaign):
    from generator.documents.ballot_sheet import sheet_layout

    form = form_for(minimal_campaign, (0, 100), {"优秀": 90, "良好": 80, "一般": 70, "较差": 0})
    assert form.scores == () and form.header == () and form.columns == 1
    assert form.written.label == "请填写分数（0～100分）"
    assert form.written.guide_text == (
        "评分标准：优秀（90～100分）、良好（80～89分）、一般（70～79分）、较差（0～69分）"
    )
    assert "请在方框内填写0至100之间的整数分数" in form.note
    layout = sheet_layout(form)
    assert layout.score_cells == () and layout.grade_cells == ()
    written = layout.written
    assert written.cell.x <= written.prompt.box.x < written.box.x < written.unit.box.x
    assert written.unit.box.x + written.unit.box.w <= written.cell.x + written.cell.w
    assert written.cell.y < written.box.y
    assert written.box.y + written.box.h < written.cell.y + written.cell.h
    assert written.prompt.lines == ("请填写分数（0～100分）",) and written.prompt.size == 14.0
    assert_fits(written.guide, "guide")


# --- scores off the scale ---------------------------------------------------------------------


@pytest.fixture
def scored_folder(tmp_path, monkeypatch):
    """Return a function making `data/` for a scale, with its issued sheets."""
    monkeypatch.chdir(tmp_path)

    def make(scale, grades):
        from generator.model.serials import issue_ballots

        data = campaign_folder(tmp_path / "data", scale, grades, town="测试镇")
        (data / "ballots").mkdir()
        loaded = load_data(data)
        issued = issue_ballots(loaded.campaign, list(loaded.secretaries), SECRET)
        return loaded, issued

    return make


def write_ballots(path: Path, rows: list[list[object]]) -> None:
    header = ["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def problems_read(loaded) -> list[str]:
    from generator.load.ballots import collect_ballots
    from generator.load.folder import DataFolder

    collected = collect_ballots(
        DataFolder(Path("data")), Path("output"), loaded.campaign, list(loaded.secretaries), SECRET
    )
    return [str(problem) for problem in collected.problems]


@pytest.mark.parametrize(
    ("scale", "grades", "refused", "accepted"),
    [
        ((1, 5), {"好": 5, "较好": 4, "一般": 3, "差": 1}, [6, 0, 10], [5, 1]),
        ((0, 100), {"优秀": 90, "良好": 80, "一般": 70, "较差": 0}, [101, 1000], [0, 100, 87]),
        ((0, 12), {"好": 10, "一般": 5, "差": 0}, [13], [0, 12]),
    ],
)
def test_a_score_off_the_scale_is_refused_at_its_line(
    scored_folder, scale, grades, refused, accepted
):
    loaded, issued = scored_folder(scale, grades)
    scores = [*refused, *accepted]
    rows = [
        [b.serial, b.secretary_id, b.source, s, "", "", ""]
        for b, s in zip(issued, scores, strict=False)
    ]
    write_ballots(Path("data/ballots/a.csv"), rows)
    low, high = scale
    expected = [
        f"data/ballots/a.csv:{line}: score: 得分须为{low}至{high}的整数，现为“{score}” / "
        f"score out of range or not an integer: '{score}' (the scale is {low}–{high})"
        for line, score in enumerate(refused, start=2)
    ]
    assert problems_read(loaded) == expected


def test_a_score_off_the_scale_is_refused_at_its_tally_cell(scored_folder):
    from generator.documents.tally_workbook import tally_workbook
    from generator.load.ballots.tally import read_tally
    from generator.model.errors import InputError
    from generator.model.tally import sources_of

    loaded, issued = scored_folder((0, 100), {"优秀": 90, "良好": 80, "一般": 70, "较差": 0})
    campaign = loaded.campaign
    content = tally_workbook(campaign, loaded.secretaries, issued, "A")
    book = openpyxl.load_workbook(io.BytesIO(content))
    rule = next(v for v in book["上述"].data_validations.dataValidation if v.type == "whole")
    assert (rule.formula1, rule.formula2) == ("0", "100")
    assert "0至100的整数" in rule.error and "所填分数" in rule.error
    assert any("照票上所填分数填写0至100的整数" in str(c.value) for c in book["填写说明"]["A"])
    book["上述"]["E2"], book["上述"]["E3"], book["下评"]["E2"] = 100, 101, 0
    buffer = io.BytesIO()
    book.save(buffer)
    shown, sources = "data/ballots/计票表-录入A.xlsx", sources_of(campaign)
    with pytest.raises(InputError) as caught:
        read_tally(buffer.getvalue(), shown, sources, scale=campaign.rules.scale)
    assert [str(p) for p in caught.value.problems] == [
        f"{shown}:上述!E3: score: 须在0至100之间，现为 101 / must be 0–100, got 101"
    ]


# --- the filled forms and the tally of `letters` ---------------------------------------------


@pytest.fixture(scope="module", params=["0-100", "0-12"])
def letters_run(request, tmp_path_factory):
    """Run forms, then letters on ballots of every score of the scale, as the clerk does."""
    from generator.pipeline.forms import run_forms
    from generator.pipeline.letters import run_letters

    scale, grades = CASES[request.param]
    root = tmp_path_factory.mktemp("letters-scale")
    data = campaign_folder(root / "data", scale, grades)
    edit(
        data / "campaign.yaml",
        "  rectification_days: 30\n",
        "  rectification_days: 30\nresults:\n  date: 2022-12-19\n",
    )
    out = root / "output"
    run_forms(data, out)
    with (out / "forms" / "ballots-issued.csv").open(encoding="utf-8-sig", newline="") as f:
        issued = list(csv.DictReader(f))
    rng = random.Random(12)
    rows = []
    for index, sheet in enumerate(issued):
        status = "blank" if index % 9 == 4 else "valid"
        score = rng.randint(*scale) if status == "valid" else ""
        rows.append(
            [sheet["ballot_id"], sheet["secretary_id"], sheet["source"], score, status, "", ""]
        )
    (data / "ballots").mkdir()
    write_ballots(data / "ballots" / "a.csv", rows)
    run_letters(data, out)
    loaded = load_data(data)
    return loaded, {r[0]: r for r in rows}, out


def test_each_filled_page_shows_the_score_where_it_was_given(letters_run):
    from generator.documents.ballot_sheet import sheet_layout
    from generator.documents.evaluation_form import personal_form

    loaded, rows, out = letters_run
    campaign, secretaries = loaded.campaign, list(loaded.secretaries)
    for number, secretary in enumerate(secretaries, start=1):
        layout = sheet_layout(personal_form(campaign, secretaries, secretary))
        path = out / "letters" / "评议表" / f"{number:02d}-{secretary.name}-逐票.pdf"
        with pdfplumber.open(path) as document:
            for page in document.pages:
                serial = re.search(r"编号 ?(\w{4}-\w{4})", page.extract_text())[1]
                score = rows[serial][3]
                table = [c for c in page.chars if c["top"] / PT_PER_MM < layout.note.y]
                ticks = [c for c in table if c["text"] == "√"]
                if layout.written is not None:
                    written = chars_in(page, layout.written.box)
                    assert text_of(written) == str(score), serial
                    assert_within(written, layout.written.box, serial)
                    assert not ticks, serial
                elif score == "":
                    assert not ticks, serial
                else:
                    cell = dict(layout.score_cells)[score]
                    assert len(ticks) == 1 and ticks == chars_in(page, cell), serial
                    assert_within(ticks, cell, serial)
            pages = len(document.pages)
        words = "".join(block_texts(docx.Document(str(path.with_suffix(".docx"))).element.body))
        if layout.written is not None:
            assert words.count(layout.written.prompt.text) == pages
            given = [str(r[3]) for r in rows.values() if r[1] == secretary.id and r[3] != ""]
            assert all(f"\u3000{score}\u3000" in words for score in given)


def test_the_tally_counts_votes_per_score_or_per_grade(letters_run):
    from generator.documents.evaluation_form import personal_form
    from generator.documents.tally_form import count_grid

    loaded, rows, out = letters_run
    campaign, secretaries = loaded.campaign, list(loaded.secretaries)
    for number, secretary in enumerate(secretaries, start=1):
        grid = count_grid(personal_form(campaign, secretaries, secretary))
        scores = [r[3] for r in rows.values() if r[1] == secretary.id and r[3] != ""]
        expected = [str(sum(s in column for s in scores)) for column in grid.columns_of]
        if campaign.rules.scale.high > 12:
            assert grid.heads == ("90～100分", "80～89分", "70～79分", "0～69分")
            assert [s.text for s in grid.spans] == list(campaign.rules.grade_names)
        else:
            assert grid.heads == tuple(str(s) for s in campaign.rules.scale.scores)
        path = out / "letters" / "评议表" / f"{number:02d}-{secretary.name}-汇总.pdf"
        with pdfplumber.open(path) as document:
            table = document.pages[0].find_tables()[0].extract()
        assert [c for c in table[1] if c] == list(grid.heads)
        assert table[-1][1:] == expected, secretary.name  # 合计, or the only source's row
        counts = docx.Document(str(path.with_suffix(".docx"))).tables[0].rows[-1].cells
        assert [cell.text for cell in counts[1:]] == expected, secretary.name
