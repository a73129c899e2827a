"""The filled 评议表 of `letters`: one page per ballot with its √ in the right cell, and a tally
per secretary whose figures are those of results.json.

Positions are read back from the PDFs with pdfplumber and compared with the ballot sheet's
layout in millimetres (generator/documents/ballot_sheet.py), the one source of where each box
is. Reading a page's text with its tables costs ~50 ms, so the per-page checks take a seeded
sample of valid ballots and every blank and invalid one.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pdfplumber
import pypdfium2 as pdfium
import pytest

from helpers import (
    block_texts,
    convert_with_libreoffice,
    embedded_fonts,
    first_difference,
    page_count,
    pdf_text,
)

PT_PER_MM = 72 / 25.4
SAMPLE = 40  # valid ballots whose pages are checked, besides every blank and invalid one
SEED = 20221215
MARKS = {"blank": "空白票", "invalid": "废票"}


@dataclass(frozen=True)
class Sample:
    """The sample run: its campaign, secretaries, every ballot read, and where it wrote."""

    campaign: object
    secretaries: list
    ballots: list
    results: dict
    folder: Path


@pytest.fixture(scope="module")
def sample(letters_output) -> Sample:
    from generator.load.ballots import read_ballots
    from generator.load.folder import DataFolder

    from helpers import load_data

    data_dir = letters_output.parent / "data"
    data = load_data(data_dir)
    secretaries = list(data.secretaries)
    read = read_ballots(DataFolder(data_dir), letters_output, data.campaign, secretaries, None)
    results = json.loads((letters_output / "results.json").read_text(encoding="utf-8"))
    folder = letters_output / "letters" / "评议表"
    return Sample(data.campaign, secretaries, list(read.ballots), results, folder)


def stem(sample: Sample, secretary) -> Path:
    return sample.folder / f"{sample.secretaries.index(secretary) + 1:02d}-{secretary.name}"


def in_meeting_order(sample: Sample, secretary) -> list:
    """A secretary's ballots: source by source as campaign.yaml lists them, each by serial."""
    sources = list(sample.campaign.evaluators[secretary.role])
    mine = [b for b in sample.ballots if b.secretary_id == secretary.id]
    return sorted(mine, key=lambda b: (sources.index(b.source), b.serial))


def layout_of(sample: Sample, secretary):
    from generator.documents.ballot_sheet import sheet_layout
    from generator.documents.evaluation_form import personal_form

    return sheet_layout(personal_form(sample.campaign, sample.secretaries, secretary))


def inside(char: dict, box) -> bool:
    """Whether the character's centre lies in the box (mm, from the page's top-left corner)."""
    x = (char["x0"] + char["x1"]) / 2 / PT_PER_MM
    y = (char["top"] + char["bottom"]) / 2 / PT_PER_MM
    return box.x <= x <= box.x + box.w and box.y <= y <= box.y + box.h


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def sampled_pages(sample: Sample) -> list[tuple[object, int, object]]:
    """Return (secretary, page index, ballot): a seeded sample of valid ballots, every other one."""
    pages = []
    for secretary in sample.secretaries:
        for index, ballot in enumerate(in_meeting_order(sample, secretary)):
            pages.append((secretary, index, ballot))
    valid = [p for p in pages if p[2].status == "valid"]
    chosen = random.Random(SEED).sample(valid, SAMPLE)
    return sorted(chosen + [p for p in pages if p[2].status != "valid"], key=pages.index)


# --- one page per ballot --------------------------------------------------------------------------


def text_in_box(page, box) -> str:
    """Return the text pdfium finds in a box given in mm from the page's top-left corner."""
    height = page.get_height()
    return page.get_textpage().get_text_bounded(
        left=box.x * PT_PER_MM,
        bottom=height - (box.y + box.h) * PT_PER_MM,
        right=(box.x + box.w) * PT_PER_MM,
        top=height - box.y * PT_PER_MM,
    )


def test_one_page_per_ballot_in_meeting_order(sample):
    """Every page, read with pdfium (a millisecond a page): the serial in the sheet's serial box."""
    for secretary in sample.secretaries:
        ballots = in_meeting_order(sample, secretary)
        path = stem(sample, secretary)
        document = pdfium.PdfDocument(path.with_name(path.name + "-逐票.pdf"))
        box = layout_of(sample, secretary).serial
        try:
            serials = [squeezed(text_in_box(page, box)) for page in document]
        finally:
            document.close()
        assert serials == [f"编号{b.serial}" for b in ballots], path.name


def test_tick_sits_in_the_cell_of_the_score(sample):
    by_file: dict[Path, list] = {}
    for secretary, index, ballot in sampled_pages(sample):
        by_file.setdefault(stem(sample, secretary), []).append((secretary, index, ballot))
    checked = Counter()
    for path, pages in by_file.items():
        with pdfplumber.open(path.with_name(path.name + "-逐票.pdf")) as document:
            for secretary, index, ballot in pages:
                layout = layout_of(sample, secretary)
                ticks = [
                    c
                    for c in document.pages[index].chars
                    if c["text"] == "√" and c["top"] / PT_PER_MM < layout.note.y
                ]  # the 注 below the table quotes “√” too
                where = f"{path.name} page {index + 1} ({ballot.serial}, {ballot.status})"
                if ballot.status == "valid":
                    cell = dict(layout.score_cells)[ballot.score]
                    assert len(ticks) == 1, where
                    assert inside(ticks[0], cell), f"{where}: √ outside the cell of {ballot.score}"
                else:
                    assert not ticks, f"{where}: a √ on a {ballot.status} ballot"
                checked[ballot.status] += 1
    assert checked["valid"] == SAMPLE and checked["blank"] and checked["invalid"], checked


def test_blank_and_invalid_ballots_are_marked_and_valid_ones_not(sample):
    from generator.documents.filled_form import mark_box

    for path, index, ballot, secretary in (
        (stem(sample, s), i, b, s) for s, i, b in sampled_pages(sample)
    ):
        with pdfplumber.open(path.with_name(path.name + "-逐票.pdf")) as document:
            page = document.pages[index]
            box = mark_box(layout_of(sample, secretary))
            marked = squeezed("".join(c["text"] for c in page.chars if inside(c, box)))
            text = squeezed(page.extract_text())
        assert marked == MARKS.get(ballot.status, ""), f"{path.name} page {index + 1}"
        if ballot.status == "valid":
            assert not any(mark in text for mark in MARKS.values())


def test_each_page_carries_its_serial_source_and_texts(sample):
    for secretary, index, ballot in sampled_pages(sample)[:: max(1, SAMPLE // 10)]:
        path = stem(sample, secretary)
        with pdfplumber.open(path.with_name(path.name + "-逐票.pdf")) as document:
            layout = layout_of(sample, secretary)
            page = document.pages[index]
            text = squeezed(page.extract_text())
            boxes = dict(layout.text_boxes)
            in_boxes = {
                name: squeezed("".join(c["text"] for c in page.chars if inside(c, box)))
                for name, box in boxes.items()
            }
        assert f"编号{ballot.serial}" in text and f"评议类别：{ballot.source}" in text
        # Each box holds its question's answer, whole: nothing cut off, nothing in the other.
        assert in_boxes["problems"] == squeezed(ballot.problems)
        assert in_boxes["suggestions"] == squeezed(ballot.suggestions)


def test_form_with_ink_drawn_over_is_the_page_laid_out_whole(sample, letters_context):
    """Each form is laid out once and each ballot's ink drawn over it: the pixels must be those
    of the same page laid out whole, on a valid and on an invalid ballot."""
    from generator.documents.filled_forms import (
        Measure,
        Page,
        ballot_batch_html,
        ballot_pages,
        text_boxes,
    )

    odd = next(
        s
        for s in sample.secretaries
        if any(b.secretary_id == s.id and b.status == "invalid" for b in sample.ballots)
    )
    [group] = ballot_pages(letters_context, [odd])
    index = next(i for i, sheet in enumerate(group.sheets) if sheet.mark)
    measure = Measure.of(letters_context.renderer)
    pages = [  # laid out whole
        Page(sheet, frame=True, ink=True, boxes=text_boxes(sheet, measure)[0])
        for sheet in group.sheets
    ]
    html = ballot_batch_html(letters_context, [group], pages)
    whole = letters_context.renderer.render(html)
    path = stem(sample, odd)
    drawn = path.with_name(path.name + "-逐票.pdf").read_bytes()
    for page in (0, index):
        assert raster(whole, page) == raster(drawn, page), f"{path.name} page {page + 1}"


def raster(pdf: bytes, index: int) -> bytes:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[index].render(scale=100 / 72, grayscale=True).to_pil().tobytes()
    finally:
        document.close()


# --- the tally ------------------------------------------------------------------------------------


def tally_tables(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Return the rows of the tally's grid and of its figures table (page 1)."""
    with pdfplumber.open(path) as document:
        tables = document.pages[0].extract_tables()
    clean = [[[squeezed(cell or "") for cell in row] for row in table] for table in tables]
    return clean[0], clean[1]


def test_tally_counts_equal_results_json(sample):
    for secretary, entry in zip(sample.secretaries, sample.results["secretaries"], strict=True):
        path = stem(sample, secretary).with_name(stem(sample, secretary).name + "-汇总.pdf")
        grid, figures = tally_tables(path)
        sources = list(entry["ballots"])
        mine = [b for b in sample.ballots if b.secretary_id == secretary.id]
        assert grid[1][1:] == [str(s) for s in range(10, 0, -1)], path.name
        rows = {row[0]: row[1:] for row in grid[2:]}
        figure_rows = {row[0]: row for row in figures[1:]}
        for source in sources:
            counts = entry["ballots"][source]
            votes = Counter(b.score for b in mine if b.source == source and b.status == "valid")
            assert rows[f"{source}得票"] == [str(votes[s]) for s in range(10, 0, -1)], path.name
            assert sum(map(int, rows[f"{source}得票"])) == counts["valid"]
            read = counts["valid"] + counts["blank"] + counts["invalid"]
            assert figure_rows[source][1:6] == [
                str(read),
                str(counts["valid"]),
                str(counts["blank"]),
                str(counts["invalid"]),
                counts["mean"],
            ], path.name
        results = {row[0]: next(cell for cell in row[1:] if cell) for row in figures if row[0]}
        assert results["述职评议结果"] == f"{entry['score']}分"
        assert results["按得分分档"] == entry["score_grade"]
        assert results["综合评价等次"] == entry["grade"]
        low, valid = map(int, re.search(r"（(\d+)/(\d+)）", results["“一般”“差”票"]).groups())
        assert valid == sum(entry["ballots"][s]["valid"] for s in sources)
        share = (Decimal(low) / Decimal(valid)).quantize(Decimal("0.001"), ROUND_HALF_UP)
        assert str(share) == entry["low_vote_share"], path.name


def test_tally_gathers_every_text_and_no_serial(sample):
    for secretary, entry in zip(sample.secretaries, sample.results["secretaries"], strict=True):
        path = stem(sample, secretary).with_name(stem(sample, secretary).name + "-汇总.pdf")
        text = squeezed(pdf_text(path))
        for kind in ("problems", "suggestions"):
            for written, times in Counter(entry["comments"][kind]).items():
                shown = squeezed(written) + (f"（{times}人次）" if times > 1 else "")
                assert shown in text, f"{path.name}: {written}"
        serials = [b.serial for b in sample.ballots if b.secretary_id == secretary.id]
        assert not [s for s in serials if s in text], path.name


# --- DOCX and PDF -------------------------------------------------------------------------------


def compared_files(sample: Sample) -> list[Path]:
    """Every tally, and the ballots of three secretaries: one with a blank or invalid ballot,
    the town secretary (the other form) and one picked by the seed."""
    tallies = sorted(sample.folder.glob("*-汇总.pdf"))
    odd = next(
        s
        for s in sample.secretaries
        if any(b.secretary_id == s.id and b.status != "valid" for b in sample.ballots)
    )
    town = next(s for s in sample.secretaries if s.role == "committee")
    chosen = {odd, town, random.Random(SEED).choice(sample.secretaries)}
    ballots = [stem(sample, s).with_name(stem(sample, s).name + "-逐票.pdf") for s in chosen]
    return tallies + sorted(ballots)


def test_docx_and_pdf_say_the_same(sample):
    for pdf in compared_files(sample):
        as_pdf = squeezed(pdf_text(pdf))
        as_docx = squeezed(
            "".join(block_texts(docx.Document(str(pdf.with_suffix(".docx"))).element.body))
        )
        assert "{{" not in as_docx and "{%" not in as_docx, f"{pdf.name}: docxtpl tags left"
        assert as_docx == as_pdf, f"{pdf.name}: {first_difference(as_docx, as_pdf)}"


def test_every_docx_kind_converts_with_libreoffice(sample, tmp_path):
    town = next(s for s in sample.secretaries if s.role == "committee")
    base = stem(sample, town)
    sources = [base.with_name(base.name + suffix) for suffix in ("-逐票.docx", "-汇总.docx")]
    out = convert_with_libreoffice(sources, tmp_path)
    for source in sources:
        converted = out / f"{source.stem}.pdf"
        expected = page_count(source.with_suffix(".pdf"))
        if source.stem.endswith("逐票"):  # one page per ballot, in a word processor too
            assert page_count(converted) == expected, source.name
        else:
            assert abs(page_count(converted) - expected) <= 1, source.name


def test_pdfs_embed_only_mapped_fonts(sample, font_map):
    allowed = {font.postscript_name for font in font_map.values()}
    town = next(s for s in sample.secretaries if s.role == "committee")
    for path in (stem(sample, sample.secretaries[0]), stem(sample, town)):
        for suffix in ("-逐票.pdf", "-汇总.pdf"):
            pdf = path.with_name(path.name + suffix)
            assert set(embedded_fonts(pdf).values()) <= allowed, pdf.name


# --- the pieces -----------------------------------------------------------------------------------


def test_split_runs_keeps_order_and_balances():
    from generator.pipeline.packs import split_runs

    weights = [40] * 18 + [18]
    runs = split_runs(weights, 2)
    assert [i for run in runs for i in run] == list(range(len(weights)))
    sizes = [sum(weights[i] for i in run) for run in runs]
    assert abs(sizes[0] - sizes[1]) <= 40, sizes


def test_long_texts_step_down_in_size(renderer):
    from generator.documents.filled_forms import Measure

    measure = Measure.of(renderer)
    assert measure.size_class(["对流动党员联系不够紧密"]) == "size-14"
    assert measure.size_class(["党" * 150]) == "size-12"
    assert measure.size_class(["党" * 400]) == "size-7"
    assert measure.size_class(["党" * 2000]) is None


# Texts that overflow a box in different ways: wide characters, wide Latin letters, words that
# cannot break, punctuation kept off a line's start, runs of spaces and line breaks.
LONG_TEXTS = {
    "cjk": ("对流动党员联系不够紧密，组织生活不够规范。" * 80)[:1500],
    "latin": ("WWWW mmmm Internationalization, " * 60)[:1500],
    "word": "W" * 1500,
    "punctuation": ("党。" * 750),
    "spaces": ("问题  \n\n 建议\t" * 200)[:1500],
    "short": "联系群众不够",
}


def filled_pages(sample_data, renderer, texts: list[tuple[str, str]]):
    """Render one secretary's filled forms for ballots with these (problems, suggestions)."""
    from types import SimpleNamespace

    from generator.documents.evaluation_form import personal_form
    from generator.documents.filled_form import filled_sheet
    from generator.documents.filled_forms import (
        Measure,
        SecretaryBallots,
        ballot_batch_html,
        plan_batch,
    )
    from generator.model.ballot import Ballot
    from generator.render.overlay import overlaid

    campaign, secretaries = sample_data.campaign, list(sample_data.secretaries)
    secretary = secretaries[0]
    form = personal_form(campaign, secretaries, secretary)
    ballots = [
        Ballot(f"AAAA-{n:04d}", secretary.id, "上述", 9, "valid", problems, suggestions, "x:1")
        for n, (problems, suggestions) in enumerate(texts)
    ]
    groups = [SecretaryBallots(secretary, tuple(filled_sheet(secretary, form, b) for b in ballots))]
    plan = plan_batch(groups, Measure.of(renderer))
    context = SimpleNamespace(campaign=campaign, renderer=renderer)
    document = renderer.layout(ballot_batch_html(context, groups, plan.pages))
    return overlaid(renderer.write(document), plan.documents)[0]


def test_a_long_text_goes_on_whole_on_a_continuation_page_and_stays_in_its_box(
    sample_data, renderer
):
    """Whatever the text, every character lands inside its box, and box + continuation = text."""
    from generator.documents.ballot_sheet import sheet_layout
    from generator.documents.evaluation_form import personal_form
    from generator.documents.filled_forms import CONTINUATION, CONTINUED

    secretaries = list(sample_data.secretaries)
    form = personal_form(sample_data.campaign, secretaries, secretaries[0])
    boxes = dict(sheet_layout(form).text_boxes)
    headings = {
        "problems": form.questions[1] + "（续）",
        "suggestions": form.questions[2] + "（续）",
    }
    names = list(LONG_TEXTS)
    texts = [(LONG_TEXTS[name], LONG_TEXTS[names[-1 - i]]) for i, name in enumerate(names)]
    pdf = filled_pages(sample_data, renderer, texts)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = list(document.pages)
        index = 0
        for problems, suggestions in texts:
            page = pages[index]
            index += 1
            shown = {}
            for name in ("problems", "suggestions"):
                box = boxes[name]
                inside = [
                    c
                    for c in page.chars
                    if box.y * PT_PER_MM <= c["top"] < (box.y + box.h) * PT_PER_MM
                    and c["x0"] >= (box.x - 1) * PT_PER_MM
                ]
                for char in inside:  # nothing past the box's inner edges: no overprinting
                    assert char["x1"] <= (box.x + box.w) * PT_PER_MM + 0.5, char["text"]
                    assert char["bottom"] <= (box.y + box.h) * PT_PER_MM + 0.5, char["text"]
                shown[name] = "".join(c["text"] for c in inside)
            rests = {}
            if any(shown[name].endswith(CONTINUED) for name in shown):
                continuation = pages[index]
                index += 1
                assert "续页" in continuation.extract_text()
                area = [0, CONTINUATION.y * PT_PER_MM, continuation.width, continuation.height]
                written = squeeze(continuation.within_bbox(area).extract_text())
                names_continued = [n for n in shown if shown[n].endswith(CONTINUED)]
                continued = []
                for name in reversed(names_continued):  # split at each heading, last first
                    written, _, rest = written.rpartition(squeeze(headings[name]))
                    continued.insert(0, rest)
                assert written == ""
                rests = dict(zip(names_continued, continued, strict=True))
            for name, text in (("problems", problems), ("suggestions", suggestions)):
                whole = shown[name].removesuffix(CONTINUED) + rests.get(name, "")
                assert squeeze(whole) == squeeze(text), name
        assert index == len(pages)


def squeeze(text: str) -> str:
    return "".join(text.split())
