"""The 综合评价意见 letters and the 干部人事档案 inserts of `letters`, read back from what it wrote.

Every figure they show is compared with results.json for every secretary; the DOCX and the PDF
of each say the same words; the insert's binding margin is measured on the PDF; the 目录 lists
every insert with the page count of its PDF; the DOCX open in LibreOffice.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pdfplumber
import pytest

from helpers import (
    block_texts,
    convert_with_libreoffice,
    embedded_fonts,
    first_difference,
    page_count,
    pdf_text,
)
from seedtext import normalise

LETTERS = "letters/综合评价意见"
ARCHIVE = "letters/干部人事档案"
MM = 25.4 / 72


def chinese(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def docx_words(path: Path) -> str:
    """The body's text in reading order (tables row by row), without whitespace."""
    return normalise("\n".join(block_texts(docx.Document(str(path)).element.body)))


@pytest.fixture(scope="module")
def results(letters_output) -> dict:
    return json.loads((letters_output / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def documents(letters_output, results) -> list[dict]:
    """Per secretary, in secretaries.yaml order: its entry and the words of its four files."""
    found = []
    for number, entry in enumerate(results["secretaries"], 1):
        stem = f"{number:02d}-{entry['name']}"
        paths = {
            "letter.pdf": letters_output / LETTERS / f"{stem}.pdf",
            "letter.docx": letters_output / LETTERS / f"{stem}.docx",
            "insert.pdf": letters_output / ARCHIVE / f"{stem}.pdf",
            "insert.docx": letters_output / ARCHIVE / f"{stem}.docx",
        }
        words = {
            kind: normalise(pdf_text(path)) if kind.endswith("pdf") else docx_words(path)
            for kind, path in paths.items()
        }
        found.append({"entry": entry, "paths": paths, "words": words})
    return found


def test_one_letter_and_one_insert_per_secretary(letters_output, results):
    names = [f"{n:02d}-{s['name']}" for n, s in enumerate(results["secretaries"], 1)]
    for folder in (LETTERS, ARCHIVE):
        files = sorted(p.name for p in (letters_output / folder).iterdir())
        expected = sorted(f"{name}.{ext}" for name in names for ext in ("docx", "pdf"))
        if folder == ARCHIVE:
            expected = sorted([*expected, "目录.pdf", "目录.xlsx"])
        assert files == expected


def test_letters_show_the_results(documents, results):
    issued = chinese(results["campaign"]["results_date"])
    for document in documents:
        entry = document["entry"]
        for kind in ("letter.pdf", "letter.docx"):
            words = document["words"][kind]
            where = f"{entry['id']} {kind}"
            assert f"{entry['name']}同志：" in words, where
            assert f"述职评议结果为{entry['score']}分" in words, where
            assert f"对应“{entry['score_grade']}”等次" in words, where
            assert f"综合评价等次确定为“{entry['grade']}”" in words or (
                f"调整为“{entry['grade']}”" in words
            ), where
            for source in entry["ballots"].values():
                if source["mean"] is not None:
                    assert f"有效票{source['valid']}张，平均分{source['mean']}分" in words, where
            assert words.endswith(f"特此反馈。{results['campaign']['issuer']}{issued}"), where
            for point in entry["assessment"]["achievements"] + entry["assessment"]["problems"]:
                assert point in words, where


def test_only_low_grades_carry_the_interview_and_the_deadline(documents):
    seen = set()
    for document in documents:
        entry = document["entry"]
        seen.add(entry["grade"])
        for kind in ("letter.pdf", "letter.docx"):
            words = document["words"][kind]
            where = f"{entry['id']} {kind} ({entry['grade']})"
            if entry["grade"] in ("一般", "差"):
                assert entry["interview_required"], where
                assert "约谈提醒" in words and "限期整改" in words, where
                assert f"于{chinese(entry['rectification_due'])}前整改到位" in words, where
            else:
                assert entry["rectification_due"] is None, where
                assert "约谈" not in words and "限期" not in words, where
                assert "整改到位" not in words and "2023年" not in words, where
            assert ("不得评为“优秀”等次" in words) == (entry["grade"] != "好"), where
    assert seen == {"好", "较好", "一般", "差"}


def test_why_a_grade_was_forced_or_changed(documents):
    by_id = {d["entry"]["id"]: d for d in documents}
    override = by_id["s07"]["entry"]["assessment"]["override"]
    assert override["grade"] == "一般" and by_id["s07"]["entry"]["score_grade"] == "较好"
    for kind in ("letter.pdf", "insert.pdf"):
        assert f"由“较好”调整为“一般”：{override['reason']}" in by_id["s07"]["words"][kind]
        for ident in ("s09", "s13"):
            words = by_id[ident]["words"][kind]
            assert by_id[ident]["entry"]["grade"] == "差"
            assert "超过10%，综合评价等次确定为“差”" in words, (ident, kind)
    assert "调整为" not in by_id["s01"]["words"]["letter.pdf"]


def test_inserts_show_the_results(documents, results, sample_data):
    issued = chinese(results["campaign"]["results_date"])
    genders = {s.id: s.gender for s in sample_data.secretaries}
    for document in documents:
        entry = document["entry"]
        for kind in ("insert.pdf", "insert.docx"):
            words = document["words"][kind]
            where = f"{entry['id']} {kind}"
            assert words.startswith(
                f"{results['campaign']['year']}年度党组织书记抓基层党建工作述职评议考核结果"
                f"姓名{entry['name']}性别{genders[entry['id']] or ''}"
                f"单位及职务{entry['organization']}书记述职评议结果{entry['score']}分"
            ), where
            assert f"综合评价等次{entry['grade']}综合评价意见" in words, where
            assert f"综合评价等次为“{entry['grade']}”。" in words, where
            assert "经镇党委研究" in words, where
            assert words.endswith(f"{results['campaign']['issuer']}{issued}"), where
            due = entry["rectification_due"]
            assert (due is not None and f"整改期限至{chinese(due)}" in words) or (
                due is None and "整改" not in words
            ), where


def test_docx_and_pdf_say_the_same(documents):
    for document in documents:
        for kind in ("letter", "insert"):
            pdf, word = document["words"][f"{kind}.pdf"], document["words"][f"{kind}.docx"]
            assert "{{" not in word and "{%" not in word, "docxtpl tags left in the DOCX"
            assert word == pdf, f"{document['entry']['id']} {kind}: " + first_difference(word, pdf)


def page_ink_left_mm(page) -> float:
    """The left edge of everything printed on the page: glyphs, rules, boxes."""
    objects = [*page.chars, *page.lines, *page.rects, *page.curves]
    return min(obj["x0"] for obj in objects) * MM


def test_inserts_are_one_page_with_a_binding_margin(documents):
    for document in documents:
        with pdfplumber.open(document["paths"]["insert.pdf"]) as pdf:
            assert len(pdf.pages) == 1, document["entry"]["id"]
            page = pdf.pages[0]
            assert (round(page.width * MM), round(page.height * MM)) == (210, 297)
            left = page_ink_left_mm(page)
            assert 20 <= left <= 25, f"{document['entry']['id']}: binding margin {left:.2f} mm"
            right = (page.width - max(c["x1"] for c in page.chars)) * MM
            assert right < left, "the wider margin is the binding edge, on the left"


def test_letters_are_numbered_from_one_each(documents):
    """Each letter of the batch counts its own pages: odd numbers right, even ones left."""
    for document in documents:
        with pdfplumber.open(document["paths"]["letter.pdf"]) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                foot = page.crop((0, page.height - 30 / MM, page.width, page.height))
                assert normalise(foot.extract_text()) == f"—{number}—"
                centre = (foot.chars[0]["x0"] + foot.chars[-1]["x1"]) / 2
                assert (centre > page.width / 2) == (number % 2 == 1)


def test_catalogue_lists_every_insert_with_its_pages(letters_output, documents, results):
    book = openpyxl.load_workbook(letters_output / ARCHIVE / "目录.xlsx")
    rows = list(book["目录"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "姓名", "单位及职务", "材料名称", "材料形成时间", "页数", "备注")
    formed = date.fromisoformat(results["campaign"]["results_date"]).strftime("%Y.%m.%d")
    title = f"{results['campaign']['year']}年度党组织书记抓基层党建工作述职评议考核结果"
    assert len(rows) == 1 + len(documents)
    for number, (row, document) in enumerate(zip(rows[1:], documents, strict=True), 1):
        entry = document["entry"]
        pages = page_count(document["paths"]["insert.pdf"])
        assert row == (
            number,
            entry["name"],
            f"{entry['organization']}书记",
            title,
            formed,
            pages,
            "第三类",
        )
        assert document["words"]["insert.pdf"].startswith(normalise(title))
    listed = normalise(pdf_text(letters_output / ARCHIVE / "目录.pdf"))
    for row in rows[1:]:
        assert normalise("".join(str(cell) for cell in row)) in listed
    assert f"共{len(documents)}份{len(documents)}页" in listed


def test_catalogue_workbook_has_fixed_properties(letters_output, results):
    data = (letters_output / ARCHIVE / "目录.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert f"{results['campaign']['results_date']}T00:00:00Z" in core


def test_pdfs_embed_only_the_mapped_fonts(letters_output, documents, font_map):
    mapped = {font.postscript_name for font in font_map.values()}
    paths = [
        documents[0]["paths"]["letter.pdf"],
        documents[0]["paths"]["insert.pdf"],
        letters_output / ARCHIVE / "目录.pdf",
    ]
    for path in paths:
        embedded = embedded_fonts(path)
        assert embedded and set(embedded.values()) <= mapped, (path.name, embedded)


def test_docx_convert_in_libreoffice(documents, tmp_path):
    """One letter and one insert, in one LibreOffice run."""
    chosen = {
        "letter": documents[6]["paths"]["letter.docx"],  # s07: the longest kind of letter
        "insert": documents[8]["paths"]["insert.docx"],
    }
    sources = []
    for kind, path in chosen.items():
        sources.append(tmp_path / f"{kind}.docx")
        shutil.copyfile(path, sources[-1])
    out = convert_with_libreoffice(sources, tmp_path)
    for kind, path in chosen.items():
        converted = out / f"{kind}.pdf"
        expected = page_count(path.with_suffix(".pdf"))
        assert abs(page_count(converted) - expected) <= (0 if kind == "insert" else 1), kind
