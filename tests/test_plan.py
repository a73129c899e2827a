"""notice.md → numbered paragraphs; titles broken at word boundaries; Chinese numerals."""

from __future__ import annotations

from datetime import date

import pytest

from generator.load.plan import read_plan
from generator.model.errors import InputError
from generator.model.numerals import chinese_date, chinese_number
from generator.model.paragraph import Paragraph
from generator.render.geometry import text_width, title_lines


def plan_of(tmp_path, text):
    path = tmp_path / "notice.md"
    path.write_text(text, encoding="utf-8")
    return read_plan(path.read_bytes(), "notice.md")


def test_headings_items_and_run_in_headings(tmp_path):
    paragraphs = plan_of(
        tmp_path,
        "开头段落。\n\n# 时间安排\n\n正文\n接续。\n\n# 主要内容\n\n"
        "1. 第一项。\n2. 第二项。\n\n# 实施步骤\n\n## 调研总结情况。\n\n"
        "各党支部书记要调研。\n\n## 单独标题\n\n### 细目\n",
    )
    assert paragraphs == [
        Paragraph("body", "", "开头段落。"),
        Paragraph("h1", "一、时间安排", ""),
        Paragraph("body", "", "正文接续。"),
        Paragraph("h1", "二、主要内容", ""),
        Paragraph("body", "", "（一）第一项。"),
        Paragraph("body", "", "（二）第二项。"),
        Paragraph("h1", "三、实施步骤", ""),
        Paragraph("h2", "（一）调研总结情况。", "各党支部书记要调研。"),
        Paragraph("h2", "（二）单独标题", ""),
        Paragraph("body", "", "1.细目"),
    ]


def test_skipped_level_and_too_deep_are_reported_with_lines(tmp_path):
    with pytest.raises(InputError) as error:
        plan_of(tmp_path, "## 没有一级\n\n# 一级\n\n##### 太深\n")
    assert [str(p).split(" / ")[0] for p in error.value.problems] == [
        "notice.md:5: heading: 标题最多四级，此处为5级",
        "notice.md:1: heading: 2级标题前缺少1级标题",
    ]


@pytest.mark.parametrize(
    ("n", "text"), [(1, "一"), (10, "十"), (13, "十三"), (20, "二十"), (99, "九十九")]
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_chinese_date_has_no_leading_zeros():
    assert chinese_date(date(2023, 1, 8)) == "2023年1月8日"


def test_title_lines_keep_words_and_fit():
    title = "中共上海庙镇委员会关于印发《2022年度上海庙镇党组织书记抓基层党建述职评议考核工作方案》的通知"
    lines = title_lines(title, 20)
    assert "".join(lines) == title
    assert len(lines) == 3 and all(text_width(line) <= 20 for line in lines)
    assert lines[-1].endswith("的通知") and "上海庙镇" in lines[1]


def test_numbers_are_never_broken_across_lines():
    from generator.render.fonts import load_font_map
    from generator.render.justify import Run, break_lines

    fangsong = load_font_map()["仿宋"].file
    text = "得分" * 12 + "8.072分，较好(7-8.999)占10%左右"
    for width in range(60, 460, 7):
        lines = break_lines([Run(text, "", fangsong)], 16, -0.21, width, 0)
        joined = ["".join(c for c, _ in chars) for chars, _ in lines]
        assert "".join(joined) == text
        for token in ("8.072", "7-8.999", "10%"):
            assert any(token in line for line in joined), (width, joined)
