"""Read the seed 工作方案 as a list of sentences, so rendered text can be checked against it.

The seed (docs/seed/…工作方案.txt) is an OCR of the original 2022 plan of 上海庙镇. Its body is
mended by tests/seed_mends.yaml (textual repairs of OCR damage) and then normalised (pure
formatting only); what is left is the wording every rendering of the 工作方案 must contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

BODY_START = "为认真贯彻"
BODY_END = "附件："
TERMINATORS = "。！？；"

_WHITESPACE = re.compile(r"\s+")
_HEADING_MARK = re.compile(r"^#+")
# "一、" … "十三、" before a heading; "(一)" / "（一）" … before a numbered paragraph.
_LEADING_NUMERAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_SENTENCE = re.compile(rf"[^{TERMINATORS}]+[{TERMINATORS}]?")
_LIST_NUMBER = re.compile(r"^\s*\d+\.\s+", re.MULTILINE)
_MARKDOWN_HEADING = re.compile(r"^\s*#+\s*", re.MULTILINE)


@dataclass(frozen=True)
class Mend:
    """One repair of OCR damage: replace the first `find` with `replace`, for reason `why`."""

    find: str
    replace: str
    why: str


def load_mends(mends_path: Path) -> list[Mend]:
    """Return the mends listed in a seed_mends.yaml file, in order."""
    with mends_path.open(encoding="utf-8") as stream:
        return [Mend(**item) for item in yaml.safe_load(stream)]


def plan_body(seed_text: str) -> str:
    """Return the 工作方案 body: from "为认真贯彻" up to just before "附件："."""
    start = seed_text.index(BODY_START)
    return seed_text[start : seed_text.index(BODY_END, start)]


def apply_mend(text: str, mend: Mend) -> str:
    """Return `text` with the mend applied once; raise ValueError if `find` is not exactly once."""
    count = text.count(mend.find)
    if count != 1:
        raise ValueError(f"mend find occurs {count} times, expected once: {mend.find!r}")
    return text.replace(mend.find, mend.replace, 1)


def apply_mends(text: str, mends: list[Mend]) -> str:
    """Return `text` with every mend applied in order."""
    for mend in mends:
        text = apply_mend(text, mend)
    return text


def normalise(text: str) -> str:
    """Return `text` without any whitespace (spaces, tabs, line breaks, full-width spaces)."""
    return _WHITESPACE.sub("", text)


def split_sentences(text: str) -> list[str]:
    """Return the sentences of `text`, each ending with its terminator (。！？；) if it has one."""
    return [sentence for sentence in _SENTENCE.findall(text) if sentence]


def plan_sentences(body: str) -> list[str]:
    """Return the sentences of a mended 工作方案 body, after the normalisations below.

    Normalisations (pure formatting, so not listed in seed_mends.yaml):

    1. Whitespace is removed everywhere: the spaces the OCR put around digits ("2022 年" →
       "2022年", "超过 10%"), after paragraph numerals ("(五) 强化"), inside the title, the
       trailing spaces, and every line break — which also rejoins the paragraphs the seed's
       page breaks split ("上｜述", "一｜般", "考核｜评价", "，｜推动").
    2. Markdown heading markers (#, whatever their level: the OCR gave 四、 "####" and the
       others "##") are dropped; a heading line is a unit of its own, since it has no
       terminator.
    3. The numeral at the start of a heading or numbered paragraph ("一、", "(一)", "（十三）") is
       dropped: the renderer generates those numerals itself.
    4. The rest is split into sentences after each 。！？； (the terminator is kept).
    """
    sentences: list[str] = []
    paragraph_text = ""
    for raw_line in body.splitlines():
        line = normalise(raw_line)
        if not line:
            continue  # blank lines: paragraph breaks and page breaks alike
        if _HEADING_MARK.match(line):
            sentences += split_sentences(paragraph_text)
            paragraph_text = ""
            sentences += split_sentences(_strip_numeral(_HEADING_MARK.sub("", line)))
        else:
            paragraph_text += _strip_numeral(line)
    return sentences + split_sentences(paragraph_text)


def _strip_numeral(line: str) -> str:
    return _LEADING_NUMERAL.sub("", line, count=1)


def seed_plan_sentences(seed_path: Path, mends_path: Path) -> list[str]:
    """Return the seed 工作方案's sentences, mended and normalised (see plan_sentences)."""
    body = plan_body(seed_path.read_text(encoding="utf-8"))
    return plan_sentences(apply_mends(body, load_mends(mends_path)))


def markdown_plain_text(markdown: str) -> str:
    """Return notice.md's text without heading markers, list numbers ("1. ") or whitespace."""
    without_lists = _LIST_NUMBER.sub("", markdown)
    return normalise(_MARKDOWN_HEADING.sub("", without_lists))
