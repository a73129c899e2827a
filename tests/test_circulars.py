"""The 通报, the 备案 report and the 整改清单 of the post-grading pack (`letters/`).

The letters run is the session's (`letters_output`, conftest.py). Texts are read as
tests/test_notice_docx.py reads them: in reading order, each table cell once; figures are
checked against results.json and the ballot register, never against the product's own context.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

import seedtext
from helpers import (
    DATA,
    block_texts,
    convert_with_libreoffice,
    embedded_fonts,
    first_difference,
    page_count,
    pdf_text,
)

LETTERS = "letters"
GRADES = ("好", "较好", "一般", "差")
CIRCULAR, FILING = "通报", "备案报告"
FILING_HEADER = ("序号", "党组织", "姓名", "述职评议结果", "等次", "备注")
LIST_HEADER = ("序号", "存在问题", "整改措施", "整改时限", "责任人")


def chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def words(text: str) -> str:
    return seedtext.normalise(text)


def docx_words(path: Path) -> str:
    return words("\n".join(block_texts(docx.Document(str(path)).element.body)))


def pdf_words(path: Path, repeated_header: tuple[str, ...] = ()) -> str:
    """The PDF's words, with a table header that repeats on later pages kept only once.

    WeasyPrint repeats a table's <thead> on every page the table runs over; Word repeats the
    row marked as a header the same way, but the DOCX holds it once.
    """
    text = words(pdf_text(path))
    header = "".join(repeated_header)
    if header and header in text:
        first = text.index(header) + len(header)
        text = text[:first] + text[first:].replace(header, "")
    return text


def tables(path: Path) -> list[list[list[str]]]:
    """Every table of a DOCX body: rows of cells, each cell's paragraphs joined by newlines."""
    document = docx.Document(str(path))
    return [
        [
            ["\n".join(block_texts(cell)) for cell in row.iterchildren(qn("w:tc"))]
            for row in table.iterchildren(qn("w:tr"))
        ]
        for table in document.element.body.iter(qn("w:tbl"))
    ]


def paragraphs(path: Path) -> list[str]:
    document = docx.Document(str(path))
    return [p.text for p in document.paragraphs]


@pytest.fixture(scope="module")
def letters(letters_output) -> Path:
    return letters_output / LETTERS


@pytest.fixture(scope="module")
def results(letters_output) -> dict:
    return json.loads((letters_output / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def campaign():
    from helpers import load_data

    return load_data(DATA).campaign


@pytest.fixture(scope="module")
def lists(letters, results) -> list[tuple[dict, Path]]:
    """Each secretary's results.json entry and the stem of their 整改清单 (NN-姓名)."""
    folder = letters / "整改清单"
    return [
        (entry, folder / f"{n:02d}-{entry['name']}")
        for n, entry in enumerate(results["secretaries"], start=1)
    ]


# --- DOCX and PDF say the same ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "header"), [(CIRCULAR, ()), (FILING, FILING_HEADER)])
def test_docx_and_pdf_say_the_same(letters, name, header):
    in_docx = docx_words(letters / f"{name}.docx")
    in_pdf = pdf_words(letters / f"{name}.pdf", header)
    assert "{{" not in in_docx and "{%" not in in_docx, "docxtpl tags left in the DOCX"
    assert in_docx == in_pdf, first_difference(in_docx, in_pdf)


def test_every_rectification_list_says_the_same_in_docx_and_pdf(lists):
    for _, stem in lists:
        in_docx = docx_words(stem.with_suffix(".docx"))
        in_pdf = pdf_words(stem.with_suffix(".pdf"), LIST_HEADER)
        assert "{{" not in in_docx and "{%" not in in_docx, f"{stem.name}: docxtpl tags left"
        assert in_docx == in_pdf, f"{stem.name}: " + first_difference(in_docx, in_pdf)


# --- the 通报 -------------------------------------------------------------------------------


def grade_lists(texts: list[str]) -> dict[str, str]:
    """Return grade → the names listed under it: “（一）“好”等次（10名）。名单。”."""
    found = {}
    for text in texts:
        match = re.match(r"（[一二三四]）“(好|较好|一般|差)”等次（(\d+)名）。(.+)。$", text.strip())
        if match:
            grade, count, names = match.groups()
            assert grade not in found, f"{grade} listed twice"
            found[grade] = names
            assert len(names.split("、")) == int(count), text
    return found


def assert_circular_lists_every_secretary(texts: list[str], results: dict) -> None:
    listed = grade_lists(texts)
    branches = [s for s in results["secretaries"] if s["role"] == "branch"]
    for grade in GRADES:
        expected = [s for s in branches if s["grade"] == grade]
        if not expected:
            assert grade not in listed, grade
            continue
        names = listed[grade].split("、")
        assert [n.split("（")[0] for n in names] == [
            f"{s['organization']}书记{s['name']}" for s in expected
        ], grade
    for town in (s for s in results["secretaries"] if s["role"] == "committee"):
        (sentence,) = [t for t in texts if f"书记{town['name']}的述职评议结果为" in t]
        assert f"“{town['grade']}”等次" in sentence, sentence


def test_circular_lists_every_secretary_under_their_grade_without_scores(letters, results):
    texts = paragraphs(letters / f"{CIRCULAR}.docx")
    assert_circular_lists_every_secretary(texts, results)
    for kind in ("docx", "pdf"):
        path = letters / f"{CIRCULAR}.{kind}"
        text = docx_words(path) if kind == "docx" else pdf_words(path)
        for s in results["secretaries"]:
            assert s["score"] not in text, f"{kind}: {s['name']}'s score {s['score']} shown"
        assert not re.search(r"\d+\.\d+分", text), kind


def test_circular_shows_the_scores_when_the_campaign_publishes_them(
    letters_output, results, tmp_path, font_map
):
    from generator.documents.circular import circular_files
    from generator.documents.context import LettersContext
    from generator.pipeline.letters import score
    from generator.render.pdf import PdfRenderer

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    campaign_file = data / "campaign.yaml"
    text = campaign_file.read_text(encoding="utf-8")
    assert text.count("\nresults:\n") == 1
    campaign_file.write_text(
        text.replace("\nresults:\n", "\nresults:\n  publish_scores: true\n"), encoding="utf-8"
    )
    scored = score(data, letters_output)
    campaign, secretaries = scored.data.campaign, scored.data.secretaries
    context = LettersContext(campaign, secretaries, scored.results, PdfRenderer(font_map))
    for document in circular_files(context, secretaries):
        (tmp_path / f"{CIRCULAR}{document.suffix}").write_bytes(document.content)
    texts = paragraphs(tmp_path / f"{CIRCULAR}.docx")
    assert_circular_lists_every_secretary(texts, results)
    in_docx = docx_words(tmp_path / f"{CIRCULAR}.docx")
    in_pdf = pdf_words(tmp_path / f"{CIRCULAR}.pdf")
    assert in_docx == in_pdf, first_difference(in_docx, in_pdf)
    for s in results["secretaries"]:
        shown = f"{s['name']}（{s['score']}分）" if s["role"] == "branch" else f"{s['score']}分"
        assert shown in in_docx, s["name"]


def test_circular_states_consequences_rectification_and_scope(letters, results, campaign):
    text = docx_words(letters / f"{CIRCULAR}.docx")
    assert text.startswith(
        f"{campaign.issuer.name}关于{campaign.year}年度党组织书记抓基层党建述职评议考核结果的通报"
        f"{campaign.notice.addressee}："
    )
    assert "年度考核结果不得评为“优秀”等次" in text
    (due,) = {s["rectification_due"] for s in results["secretaries"] if s["rectification_due"]}
    assert f"约谈提醒，限期于{chinese(date.fromisoformat(due))}前完成整改" in text
    assert "列出整改清单" in text
    results_date = date.fromisoformat(results["campaign"]["results_date"])
    assert text.endswith(
        f"{campaign.issuer.name}{chinese(results_date)}（此件发至{campaign.notice.addressee}）"
    )


def test_circular_without_low_grades_talks_to_no_one(letters_output):
    from generator.documents.circular import build_circular
    from generator.pipeline.letters import score

    scored = score(DATA, letters_output)
    everyone_good = tuple(
        replace(r, grade="好", rectification_due=None) for r in scored.results.secretaries
    )
    results = replace(scored.results, secretaries=everyone_good)
    circular = build_circular(scored.data.campaign, results)
    text = "".join(b.head + b.text for b in circular.blocks)
    assert "（一）“好”等次（18名）。" in text and "（二）" not in text
    assert "约谈" not in text and "整改期限" not in text
    assert "列出整改清单" in text


# --- the 备案 report --------------------------------------------------------------------------


def register_counts(letters_output) -> dict[str, int]:
    with (letters_output / "forms" / "ballots-issued.csv").open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    counts: dict[str, int] = {"合计": len(rows)}
    for row in rows:
        counts[f"“{row['source']}”"] = counts.get(f"“{row['source']}”", 0) + 1
    return counts


def test_filing_report_participation_equals_results_and_register(letters, results, letters_output):
    participation, _ = tables(letters / f"{FILING}.docx")
    header, *rows = participation
    assert header == ["评议来源", "发放", "收回", "未收回", "有效票", "空白票", "废票"]
    totals, unreturned = results["ballots_total"], results["unreturned"]
    issued = register_counts(letters_output)
    expected = {
        f"“{source}”": (
            counts["read"],
            sum(1 for b in unreturned if b["source"] == source),
            counts["valid"],
            counts["blank"],
            counts["invalid"],
        )
        for source, counts in totals["per_source"].items()
    }
    expected["合计"] = (
        totals["read"],
        len(unreturned),
        totals["valid"],
        totals["blank"],
        totals["invalid"],
    )
    assert {row[0] for row in rows} == set(expected) and rows[-1][0] == "合计"
    for label, issued_cell, *figures in rows:
        read, missing, valid, blank, invalid = expected[label]
        assert [int(f) for f in figures] == [read, missing, valid, blank, invalid], label
        assert int(issued_cell) == read + missing == issued[label], label
    text = docx_words(letters / f"{FILING}.docx")
    total = expected["合计"]
    assert (
        f"共发放评议票{issued['合计']}张，收回{total[0]}张，未收回{total[1]}张。"
        f"收回的评议票中，有效票{total[2]}张、空白票{total[3]}张、废票{total[4]}张" in text
    )


def test_filing_report_states_run_distribution_and_rectification(letters, results, campaign):
    text = docx_words(letters / f"{FILING}.docx")
    assert text.startswith(
        f"{campaign.issuer.name}关于{campaign.year}年度党组织书记抓基层党建"
        f"述职评议考核工作情况的报告{campaign.issuer.superior}："
    )
    notice = campaign.notice
    assert f"{chinese(notice.date)}，镇党委印发" in text and f"（{notice.number}）" in text
    assert f"{chinese(campaign.meeting.date)}，镇党委召开党委扩大会议" in text
    branches = [s for s in results["secretaries"] if s["role"] == "branch"]
    assert f"{len(branches)}名党支部书记向镇党委述职" in text
    assert "任职不足3个月，代表党组织述职" in text
    distribution = results["distribution"]
    counts = distribution["counts"]
    below = counts["较好"] + counts["一般"] + counts["差"]
    share = f"{float(distribution['below_good_share']) * 100:.1f}".rstrip("0").rstrip(".")
    assert f"“较好”及以下等次{below}名，占{share}%" in text
    assert "应占40%左右的比例" in text and "控制在2名左右" in text
    assert f"“一般”“差”等次{distribution['low_grades']}名" in text
    for warning in distribution["warnings"]:
        assert words(warning) in text
    if not distribution["warnings"]:
        assert "等次分布符合上述要求" in text
    (due,) = {s["rectification_due"] for s in results["secretaries"] if s["rectification_due"]}
    talked_to = re.search(r"对综合评价等次为(.+?)，由镇党委约谈提醒", text)[1]
    for s in branches:
        named = f"{s['name']}（{s['organization']}）" in talked_to
        assert named == (s["grade"] in ("一般", "差")), s["name"]
    assert f"由镇党委约谈提醒，限期于{chinese(date.fromisoformat(due))}前完成整改" in text
    signed = chinese(date.fromisoformat(results["campaign"]["results_date"]))
    assert (
        f"特此报告。附件：{campaign.year}年度党组织书记述职评议考核结果一览表"
        f"{campaign.issuer.name}{signed}附件{campaign.year}年度党组织书记" in text
    )


def test_filing_report_warnings_come_from_results(letters_output, font_map):
    from generator.documents.filing_report import build_filing_report
    from generator.pipeline.letters import score

    scored = score(DATA, letters_output)
    warning = "“一般”“差”等次5名，与附件1所注“2名左右”不符"
    results = scored.results
    results = replace(results, distribution=replace(results.distribution, warnings=(warning,)))
    letter = build_filing_report(scored.data.campaign, results)
    text = "".join(getattr(b, "head", "") + getattr(b, "text", "") for b in letter.blocks)
    assert f"经对照，{warning}。" in text and "等次分布符合上述要求" not in text


def test_filing_report_lists_every_grade_in_its_attachment(letters, results):
    _, grade_list = tables(letters / f"{FILING}.docx")
    header, *rows = grade_list
    assert tuple(cell.replace("\n", "") for cell in header) == FILING_HEADER
    assert len(rows) == len(results["secretaries"])
    for n, (row, s) in enumerate(zip(rows, results["secretaries"], strict=True), start=1):
        assert row[:5] == [str(n), s["organization"], s["name"], s["score"], s["grade"]]
        assert ("约谈提醒、限期整改" in row[5]) == s["interview_required"], s["name"]


# --- the 整改清单 ---------------------------------------------------------------------------


def test_one_rectification_list_per_secretary(letters, results):
    folder = letters / "整改清单"
    expected = {
        f"{n:02d}-{s['name']}.{kind}"
        for n, s in enumerate(results["secretaries"], start=1)
        for kind in ("docx", "pdf")
    }
    assert {p.name for p in folder.iterdir()} == expected


def item_rows(path: Path) -> tuple[dict[str, list[list[str]]], list[str]]:
    """Return group heading → its item rows, and the header, of a 整改清单's table."""
    (table,) = tables(path)
    header, *rows = table
    groups: dict[str, list[list[str]]] = {}
    current = None
    for row in rows:
        if len(row) == 1:
            current = row[0]
            groups[current] = []
        else:
            groups[current].append(row)
    return groups, header


def test_rectification_deadlines_exactly_for_the_low_grades(lists):
    for entry, stem in lists:
        groups, header = item_rows(stem.with_suffix(".docx"))
        assert tuple(header) == LIST_HEADER
        deadline = (
            chinese(date.fromisoformat(entry["rectification_due"]))
            if entry["grade"] in ("一般", "差")
            else ""
        )
        assert bool(deadline) == bool(entry["rectification_due"]), entry["name"]
        cells = [row[3] for rows in groups.values() for row in rows]
        assert cells and all(cell == deadline for cell in cells), (entry["name"], cells)
        in_pdf = pdf_words(stem.with_suffix(".pdf"))
        if deadline:
            assert in_pdf.count(deadline) >= len(cells), entry["name"]
        else:
            assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", in_pdf), entry["name"]


def test_rectification_lists_problems_by_who_found_them(lists):
    assessment = yaml.safe_load((DATA / "assessment.yaml").read_text(encoding="utf-8"))
    for entry, stem in lists:
        groups, _ = item_rows(stem.with_suffix(".docx"))
        assert [heading[:2] for heading in groups] == ["一、", "二、", "三、"]
        assert [heading[2:6] for heading in groups] == ["自己查摆", "上级点评", "群众评议"]
        own, superior, masses = groups.values()
        assert own and all(row[1] == "" for row in own), "自己查摆 is left to fill"
        problems = (assessment.get(entry["id"]) or {}).get("problems") or []
        assert [row[1] for row in superior] == (problems or [""] * len(superior))
        comments = entry["comments"]
        expected = list(dict.fromkeys(comments["problems"])) + [
            f"（意见建议）{text}" for text in dict.fromkeys(comments["suggestions"])
        ]
        assert [row[1] for row in masses] == (expected or [""] * len(masses)), entry["name"]
        numbers = [row[0] for rows in groups.values() for row in rows]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
        for row in (row for rows in groups.values() for row in rows):
            assert row[2] == row[4] == "", "整改措施 and 责任人 are left to fill"


# --- word processors and fonts --------------------------------------------------------------


def test_every_kind_converts_with_libreoffice(letters, tmp_path):
    sources = [
        letters / f"{CIRCULAR}.docx",
        letters / f"{FILING}.docx",
        sorted((letters / "整改清单").glob("*.docx"))[0],
    ]
    out = convert_with_libreoffice(sources, tmp_path)
    for source in sources:
        converted = out / f"{source.stem}.pdf"
        assert converted.is_file()
        pages, expected = page_count(converted), page_count(source.with_suffix(".pdf"))
        assert abs(pages - expected) <= 1, f"{source.name}: LibreOffice {pages}, PDF {expected}"


def test_pdfs_embed_only_fonts_of_the_font_map(letters, lists, font_map):
    mapped = {font.postscript_name for font in font_map.values()}
    pdfs = [letters / f"{CIRCULAR}.pdf", letters / f"{FILING}.pdf"]
    pdfs += [stem.with_suffix(".pdf") for _, stem in lists]
    for pdf in pdfs:
        embedded = embedded_fonts(pdf)
        strangers = {base: name for base, name in embedded.items() if name not in mapped}
        assert not strangers, f"{pdf.name}: fonts outside the font map: {strangers}"
        used = {
            role for role, font in font_map.items() if font.postscript_name in embedded.values()
        }
        assert {"小标宋", "仿宋", "黑体", "宋体"} <= used, (pdf.name, used)


def test_rectification_pages_are_numbered_from_one_in_each_list(lists):
    import pdfplumber

    for _, stem in lists:
        with pdfplumber.open(stem.with_suffix(".pdf")) as pdf:
            numbers = [
                re.findall(r"—\s*(\d+)\s*—", page.extract_text() or "")[-1] for page in pdf.pages
            ]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)], stem.name
