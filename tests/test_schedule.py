"""The 述职安排 (DOCX and PDF) and the per-secretary 述职报告模板 (DOCX) of the pre-meeting pack.

The forms run is the session's (`rendered_notice`, conftest.py); texts are read as
tests/test_notice_docx.py reads them: in reading order, each table cell once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

import seedtext
from helpers import (
    block_texts,
    convert_with_libreoffice,
    embedded_fonts,
    first_difference,
    page_count,
    pdf_text,
)

COLUMNS = ("序号", "述职人", "党组织", "述职方式", "必答题")
CHINESE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def parse_chinese_date(text: str) -> date:
    year, month, day = (int(part) for part in CHINESE_DATE.fullmatch(text).groups())
    return date(year, month, day)


def appointed_under_three_months(appointed: date, meeting: date) -> bool:
    """Whole calendar months from appointment to the meeting, counted independently of the product."""
    months = (meeting.year - appointed.year) * 12 + meeting.month - appointed.month
    if meeting.day < appointed.day:
        months -= 1
    return months < 3


@pytest.fixture(scope="module")
def forms_dir(rendered_notice) -> Path:
    return rendered_notice.out_dir / "forms"


@pytest.fixture(scope="module")
def campaign(sample_data):
    return sample_data.campaign


@pytest.fixture(scope="module")
def secretaries(sample_data):
    return list(sample_data.secretaries)


@pytest.fixture(scope="module")
def schedule_docx(forms_dir) -> docx.Document:
    return docx.Document(str(forms_dir / "述职安排.docx"))


@pytest.fixture(scope="module")
def texts(forms_dir, schedule_docx) -> dict[str, str]:
    return {
        "docx": "\n".join(block_texts(schedule_docx.element.body)),
        "pdf": pdf_text(forms_dir / "述职安排.pdf"),
    }


def table_rows(document: docx.Document) -> list[list[str]]:
    """The rows of the DOCX's one table, each cell's paragraphs joined by newlines."""
    (table,) = document.element.body.iterchildren(qn("w:tbl"))
    return [
        ["\n".join(block_texts(cell)) for cell in row.iterchildren(qn("w:tc"))]
        for row in table.iterchildren(qn("w:tr"))
    ]


# --- the 述职安排 ---------------------------------------------------------------------------


def test_docx_and_pdf_say_the_same(texts):
    docx_words, pdf_words = (seedtext.normalise(texts[kind]) for kind in ("docx", "pdf"))
    assert "{{" not in docx_words and "{%" not in docx_words, "docxtpl tags left in the DOCX"
    # The PDF repeats the table's header row on every page the table runs over; Word does the
    # same from one row marked as a header, so the DOCX holds it once.
    header = "".join(COLUMNS)
    assert header in pdf_words
    first = pdf_words.index(header) + len(header)
    pdf_words = pdf_words[:first] + pdf_words[first:].replace(header, "")
    assert docx_words == pdf_words, first_difference(docx_words, pdf_words)


def test_every_secretary_in_meeting_order_with_mode_and_key_issues(
    schedule_docx, texts, campaign, secretaries
):
    header, *rows = table_rows(schedule_docx)
    assert tuple(header) == COLUMNS
    assert len(rows) == len(secretaries)
    meeting = campaign.meeting.date
    for_organisation = set()
    for n, (row, s) in enumerate(zip(rows, secretaries, strict=True), start=1):
        number, name, organization, mode, issues = row
        assert (number, name, organization) == (str(n), s.name, s.organization)
        if appointed_under_three_months(s.appointed, meeting):
            for_organisation.add(s.id)
            assert mode == "代表党组织述职", (s.id, s.appointed)
        else:
            assert mode == "本人述职", (s.id, s.appointed)
        assert issues.split("\n") == [f"{i}.{k}" for i, k in enumerate(s.key_issues, start=1)]
    assert for_organisation, "the sample should exercise 代表党组织述职"
    # The PDF lists the same, in the same order.
    pdf_words = seedtext.normalise(texts["pdf"])
    position = 0
    for s in secretaries:
        for item in (s.name, s.organization, *s.key_issues):
            found = pdf_words.find(seedtext.normalise(item), position)
            assert found >= 0, f"PDF: {item!r} of {s.id} missing or out of order"
            position = found


def test_report_deadline_is_a_week_before_the_meeting(texts, campaign):
    meeting = campaign.meeting.date
    for kind, text in texts.items():
        words = seedtext.normalise(text)
        deadlines = re.findall(r"述职报告于(\d{4}年\d{1,2}月\d{1,2}日)前报", words)
        assert len(deadlines) == 1, f"{kind}: {deadlines}"
        assert meeting - parse_chinese_date(deadlines[0]) == timedelta(days=7), kind
        assert f"前报{campaign.issuer.superior}审核把关" in words, kind
        held = f"{meeting.year}年{meeting.month}月{meeting.day}日，召开党委扩大会议现场述职"
        assert held in words, kind


def test_notes_and_signature(texts, campaign):
    notice_date = campaign.notice.date
    for kind, text in texts.items():
        words = seedtext.normalise(text)
        assert "代表党组织述职，同时报告了解的基层党建突出问题" in words, kind
        assert "“一述一评”" in words, kind
        assert words.endswith(
            f"{campaign.issuer.name}{notice_date.year}年{notice_date.month}月{notice_date.day}日"
        ), kind


@pytest.mark.parametrize(
    ("mode", "phrase"),
    [
        ("现场", "召开党委扩大会议现场述职。会议邀请“两代表一委员”"),
        ("线上线下结合", "采取线上和线下相结合方式述职。会议邀请“两代表一委员”"),
        ("书面", "采取书面述职方式。"),
    ],
)
def test_meeting_mode_wording_follows_the_plan(campaign, secretaries, mode, phrase):
    from generator.documents.schedule import build_schedule

    changed = replace(campaign, meeting=replace(campaign.meeting, mode=mode))
    words = "".join(p.head + p.text for p in build_schedule(changed, secretaries).paragraphs)
    assert phrase in words
    if mode == "书面":
        assert "会议邀请" not in words


def test_without_new_secretaries_the_note_on_reporting_for_the_organisation_goes(
    campaign, secretaries
):
    from generator.documents.schedule import build_schedule

    veterans = [replace(s, appointed=date(2015, 1, 1)) for s in secretaries if s.role == "branch"]
    schedule = build_schedule(campaign, veterans)
    assert {row.mode for row in schedule.rows} == {"本人述职"}
    assert schedule.notes == (
        "注：党支部书记述职后，上海庙镇党委书记采取“一述一评”的方式点评，点准问题、"
        "保持“辣味”、“红脸出汗”，防止不痛不痒。",
    )


def test_docx_converts_with_libreoffice(forms_dir, tmp_path):
    sources = [
        forms_dir / "述职安排.docx",
        *sorted((forms_dir / "述职报告模板").glob("*.docx"))[:1],
    ]
    out = convert_with_libreoffice(sources, tmp_path)
    for source in sources:
        assert (out / f"{source.stem}.pdf").is_file()
    converted, expected = page_count(out / "述职安排.pdf"), page_count(forms_dir / "述职安排.pdf")
    assert abs(converted - expected) <= 1, f"LibreOffice: {converted} pages, WeasyPrint {expected}"


def test_pdf_embeds_only_fonts_of_the_font_map(forms_dir, font_map):
    embedded = embedded_fonts(forms_dir / "述职安排.pdf")
    mapped = {font.postscript_name for font in font_map.values()}
    strangers = {base: name for base, name in embedded.items() if name not in mapped}
    assert not strangers, f"fonts outside the font map embedded: {strangers}"
    used = {role for role, font in font_map.items() if font.postscript_name in embedded.values()}
    assert {"小标宋", "仿宋", "黑体", "宋体"} <= used, used


# --- the 述职报告模板 -------------------------------------------------------------------------


def report_text(path: Path) -> str:
    return "\n".join(block_texts(docx.Document(str(path)).element.body))


def test_one_report_template_per_secretary(forms_dir, secretaries, campaign):
    folder = forms_dir / "述职报告模板"
    expected = [f"{n:02d}-{s.name}.docx" for n, s in enumerate(secretaries, start=1)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name, s in zip(expected, secretaries, strict=True):
        text = report_text(folder / name)
        words = seedtext.normalise(text)
        assert "{{" not in words and "{%" not in words, f"{name}: docxtpl tags left"
        assert f"{s.name}同志{campaign.year}年度抓基层党建工作述职报告" in words, name
        assert f"{s.organization}书记" in words and s.name in words, name
        for item in (*s.key_issues, *s.last_year_issues):
            assert seedtext.normalise(item) in words, f"{name}: {item!r} missing"
        headings = [
            "上年度点评问题整改情况",
            "本年度抓基层党建工作情况",
            "存在的问题和不足及原因剖析",
        ]
        headings += ["下一步工作思路和措施", "书记项目“必答题”推进情况"]
        positions = [words.find(f"{n}、{h}") for n, h in zip("一二三四五", headings, strict=True)]
        assert all(p >= 0 for p in positions) and positions == sorted(positions), name
        note = "任职不足3个月，代表党组织述职" in words
        assert note == appointed_under_three_months(s.appointed, campaign.meeting.date), name
        if not s.last_year_issues:
            assert "未记录点评指出的问题" in words, name
        assert text.rstrip().endswith("年  月  日"), name


# --- reproducibility ------------------------------------------------------------------------
