"""Read notice.md, the body of the 工作方案, into numbered paragraphs.

`# X` is a level-1 heading (一、X), `## X` level 2 (（一）X), `### X` level 3 (1.X),
`#### X` level 4 (（1）X). A level-2 to 4 heading ending in "。" runs into the paragraph after
it, as the seed's 五(一)–(六) do. An ordered list item `1. text` is a paragraph numbered one
level below the heading it stands under (the seed's 四(一)–(十三)). Paragraphs are separated by
blank lines; lines of one paragraph are joined without spaces (Chinese has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.errors import InputError, Problem
from ..model.numerals import heading_numeral
from ..model.paragraph import Paragraph
from .yamlmarks import decode_text

HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
LIST_ITEM = re.compile(r"^\d+[.、]\s*(.*)$")
MAX_LEVEL = 4


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    level: int  # 1–6 heading level, 0 list item, -1 text
    text: str


def read_plan(content: bytes, shown_as: str) -> list[Paragraph]:
    """Return the plan's paragraphs, numbered, or raise InputError naming each bad line."""
    blocks = _blocks(decode_text(content, shown_as))
    problems = [p for block in blocks for p in _check(block, shown_as)]
    problems += _check_levels(blocks, shown_as)
    if not blocks:
        problems.append(
            Problem(shown_as, "1", "notice.md", "工作方案正文为空", "the plan is empty")
        )
    if problems:
        raise InputError(problems)
    return _number(blocks)


def _blocks(source: str) -> list[_Line]:
    """Group lines into blocks: a heading or list item is one line, a paragraph runs to a blank."""
    blocks: list[_Line] = []
    joinable = False
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        if not line:
            joinable = False
        elif heading := HEADING.match(line):
            blocks.append(_Line(number, len(heading[1]), heading[2].strip()))
            joinable = False
        elif item := LIST_ITEM.match(line):
            blocks.append(_Line(number, 0, item[1].strip()))
            joinable = False
        elif joinable:
            last = blocks[-1]
            blocks[-1] = _Line(last.number, last.level, last.text + line)
        else:
            blocks.append(_Line(number, -1, line))
            joinable = True
    return blocks


def _check(block: _Line, shown_as: str) -> list[Problem]:
    if block.level > MAX_LEVEL:
        return [
            Problem(
                shown_as,
                str(block.number),
                "heading",
                f"标题最多四级，此处为{block.level}级",
                f"headings go down to level 4, this one is level {block.level}",
            )
        ]
    if block.level >= 0 and not block.text:
        return [
            Problem(
                shown_as,
                str(block.number),
                "heading",
                "标题或条目内容为空",
                "empty heading or list item",
            )
        ]
    return []


def _check_levels(blocks: list[_Line], shown_as: str) -> list[Problem]:
    """Reject a heading that skips a level (## straight after the start, ### under #)."""
    problems, current = [], 0
    for block in blocks:
        if 1 <= block.level <= MAX_LEVEL:
            if block.level > current + 1:
                problems.append(
                    Problem(
                        shown_as,
                        str(block.number),
                        "heading",
                        f"{block.level}级标题前缺少{block.level - 1}级标题",
                        f"level-{block.level} heading without a level-{block.level - 1} heading above",
                    )
                )
            current = block.level
    return problems


def _number(blocks: list[_Line]) -> list[Paragraph]:
    """Number headings and list items per level and merge run-in headings with their text."""
    counters = [0] * (MAX_LEVEL + 2)
    current = 0
    paragraphs: list[Paragraph] = []
    pending: tuple[int, str] | None = None  # a run-in heading waiting for its paragraph
    for block in blocks:
        if block.level == -1:
            paragraphs.append(
                _heading(*pending, block.text) if pending else Paragraph("body", "", block.text)
            )
            pending = None
            continue
        if pending:
            paragraphs.append(_heading(*pending, ""))
            pending = None
        level = block.level or current + 1
        if block.level:
            current = level
        counters[level] += 1
        counters[level + 1 :] = [0] * (len(counters) - level - 1)
        numbered = heading_numeral(min(level, MAX_LEVEL), counters[level]) + block.text
        if block.level == 0:
            paragraphs.append(Paragraph("body", "", numbered))
        elif level > 1 and block.text.endswith("。"):
            pending = (level, numbered)
        else:
            paragraphs.append(_heading(level, numbered, ""))
    if pending:
        paragraphs.append(_heading(*pending, ""))
    return paragraphs


def _heading(level: int, head: str, text: str) -> Paragraph:
    """Return a heading paragraph: 一、 in 黑体, （一） in 楷体, 1. and （1） in the body font."""
    if level == 1:
        return Paragraph("h1", head, text)
    if level == 2:
        return Paragraph("h2", head, text)
    return Paragraph("body", "", head + text)
