"""Characters no mapped font has, found where they were typed: an input error, never a tofu.

A document can only show what one of the font map's files holds. A character outside all of them
(an emoji, a private-use code, a stray control character) would otherwise surface at rendering as
a fallback-font failure with no file, line or character; here it is named at its file and line
with its code point before anything is rendered. The font map's union is passed in, as the set of
code points, by the pipeline (the load layer does not read fonts).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from ..model.ballot import Ballot
from ..model.campaign import Secretary
from ..model.errors import InputError, Problem
from .folder import InputFile
from .yamlmarks import Marked, MarkedList, decode_text, load_yaml

# Characters that draw nothing and need no glyph: line breaks, tabs, format characters
# (zero-width joiners, soft hyphens, the byte-order mark).
SILENT = frozenset("\t\r\n")
SILENT_CATEGORIES = frozenset({"Cf"})


def unshowable_in_files(
    inputs: Iterable[InputFile], shown: str, showable: frozenset[int]
) -> list[Problem]:
    """Return a problem for each line of the data folder's text files holding such characters.

    `shown` is how messages name the data folder (data); files that cannot be decoded or parsed
    are left to their loader, which has reported them.
    """
    problems = []
    for source in inputs:
        file = f"{shown}/{source.path}"
        if source.path.endswith((".md", ".txt")):
            located = _markdown_lines(source.content, source.path)
        elif source.path.endswith(".yaml"):
            located = _yaml_values(source.content, source.path)
        else:
            continue  # tables are checked record by record, as the model holds them
        problems += [
            problem
            for where, field, text in located
            if (problem := _problem(file, where, field, text, showable))
        ]
    return problems


def unshowable_in_records(
    secretaries: Iterable[Secretary], ballots: Iterable[Ballot], showable: frozenset[int]
) -> list[Problem]:
    """Return a problem for each secretary's or ballot's text holding such characters.

    Secretaries listed in YAML are skipped: the file's own lines were checked.
    """
    located: list[tuple[str, str, str]] = []
    for secretary in secretaries:
        if secretary.located.partition(":")[0].endswith(".yaml"):
            continue
        texts = (
            ("name", secretary.name),
            ("organization", secretary.organization),
            ("key_issues", "".join(secretary.key_issues)),
            ("last_year_issues", "".join(secretary.last_year_issues)),
        )
        located += [(secretary.located, field, text) for field, text in texts]
    for ballot in ballots:
        located += [
            (ballot.located, "problems", ballot.problems),
            (ballot.located, "suggestions", ballot.suggestions),
        ]
    problems = []
    for at, field, text in located:
        file, _, where = at.rpartition(":")
        if problem := _problem(file, where, field, text, showable):
            problems.append(problem)
    return problems


def _problem(
    file: str, where: str, field: str, text: str, showable: frozenset[int]
) -> Problem | None:
    lacking = sorted({char for char in text if not _shown(char, showable)})
    if not lacking:
        return None
    controls = [char for char in lacking if unicodedata.category(char) == "Cc"]
    if controls:
        codes = "、".join(_code(char) for char in controls)
        return Problem(
            file, where, field, f"含有控制字符 {codes}", f"holds control characters {codes}"
        )
    listed = " ".join(f"{char}（{_code(char)}）" for char in lacking)
    listed_en = " ".join(f"{char} ({_code(char)})" for char in lacking)
    return Problem(
        file,
        where,
        field,
        f"字体映射中没有任何字体能显示这些字符：{listed}，请改用其他字或删去",
        f"no font of the font map has these characters: {listed_en}; replace or remove them",
    )


def _shown(char: str, showable: frozenset[int]) -> bool:
    """Say whether the character prints; control characters never do (some fonts map them)."""
    if char in SILENT:
        return True
    category = unicodedata.category(char)
    return category in SILENT_CATEGORIES or (category != "Cc" and ord(char) in showable)


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _markdown_lines(content: bytes, path: str) -> Iterator[tuple[str, str, str]]:
    try:
        text = decode_text(content, path)
    except InputError:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        yield str(number), path, line


def _yaml_values(content: bytes, path: str) -> Iterator[tuple[str, str, str]]:
    """Yield each key and text value of a YAML file with its line: comments are not read."""
    try:
        document = load_yaml(content, path)
    except InputError:
        return
    root = path.rsplit("/", 1)[-1].removesuffix(".yaml") if isinstance(document, list) else ""
    yield from _walk(document, root, 1)


def _walk(node: object, field: str, line: int) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, Marked):
        for key, value in node.items():
            here = node.key_lines.get(key, node.line)
            name = f"{field}.{key}" if field else str(key)
            if isinstance(key, str):
                yield str(here), name, key
            yield from _walk(value, name, here)
    elif isinstance(node, MarkedList):
        for number, (item, item_line) in enumerate(zip(node, node.item_lines, strict=False)):
            yield from _walk(item, f"{field}[{number + 1}]", item_line)
    elif isinstance(node, str):
        yield str(line), field, node
