"""Characters where they were typed: one no font prints is an input error, never a tofu; one a
role's font lacks but a declared fallback prints is a warning.

A document can only show what the font map's files hold. A character outside all of them (an
emoji, a private-use code, a stray control character) would otherwise surface at rendering as a
fallback-font failure with no file, line or character; here it is named at its file and line
with its code point before anything is rendered. A character of a name that 仿宋 or 楷体 lacks
(喆, 堃, 𠮷) is printed in the role's declared fallback, and the clerk is told where and for whom.
The font map's repertoire is passed in by the pipeline (the load layer does not read fonts).

The check does not follow a text into each template: a warning names every role whose font
lacks the character, whether or not that role sets this text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model.ballot import Ballot
from ..model.campaign import Secretary
from ..model.errors import InputError, Problem
from ..model.repertoire import Repertoire
from .folder import InputFile
from .yamlmarks import Marked, MarkedList, decode_text, load_yaml

# Characters that draw nothing and need no glyph: line breaks, tabs, format characters
# (zero-width joiners, soft hyphens, the byte-order mark).
SILENT = frozenset("\t\r\n")
SILENT_CATEGORIES = frozenset({"Cf"})
SECRETARY_ITEM = re.compile(r"secretaries\[(\d+)\]")  # a field of secretaries.yaml's Nth entry


@dataclass(frozen=True, slots=True)
class Typed:
    """A text where it was typed (file, line or cell, field) and whose it is, to name them."""

    file: str
    where: str
    field: str
    text: str
    whose: tuple[str, str] | None = None  # (中文, English): the person it names or concerns


def typed_in_files(
    inputs: Iterable[InputFile], shown: str, secretaries: Iterable[Secretary] = ()
) -> list[Typed]:
    """Return the texts of the data folder's text files, by line: notice.md's lines, YAML values.

    `shown` is how messages name the data folder (data); files that cannot be decoded or parsed
    are left to their loader, which has reported them. A secretaries.yaml entry's texts are the
    secretary's, found by their place in the list.
    """
    people = {secretary.number: secretary for secretary in secretaries}
    typed = []
    for source in inputs:
        file = f"{shown}/{source.path}"
        if source.path.endswith((".md", ".txt")):
            located = _markdown_lines(source.content, source.path)
        elif source.path.endswith(".yaml"):
            located = _yaml_values(source.content, source.path)
        else:
            continue  # tables are read record by record, as the model holds them
        for where, field, text in located:
            item = SECRETARY_ITEM.match(field) if source.path == "secretaries.yaml" else None
            person = people.get(int(item.group(1))) if item else None
            typed.append(Typed(file, where, field, text, _secretary(person) if person else None))
    return typed


def typed_in_secretaries(secretaries: Iterable[Secretary]) -> list[Typed]:
    """Return the texts of secretaries listed in a workbook, by cell; YAML entries are skipped:
    their file's lines are read by typed_in_files."""
    typed = []
    for secretary in secretaries:
        file, _, where = secretary.located.rpartition(":")
        if file.endswith(".yaml"):
            continue
        texts = (
            ("name", secretary.name),
            ("organization", secretary.organization),
            ("key_issues", "".join(secretary.key_issues)),
            ("last_year_issues", "".join(secretary.last_year_issues)),
        )
        typed += [Typed(file, where, f, text, _secretary(secretary)) for f, text in texts]
    return typed


def typed_in_ballots(ballots: Iterable[Ballot], secretaries: Iterable[Secretary]) -> list[Typed]:
    """Return each ballot's texts at its row, as concerning the secretary it is about."""
    people = {secretary.id: secretary for secretary in secretaries}
    typed = []
    for ballot in ballots:
        file, _, where = ballot.located.rpartition(":")
        person = people.get(ballot.secretary_id)
        whose = (
            (f"关于{person.name}（{person.id}）的选票", f"a ballot on {_of(person)}")
            if person
            else None
        )
        typed += [
            Typed(file, where, "problems", ballot.problems, whose),
            Typed(file, where, "suggestions", ballot.suggestions, whose),
        ]
    return typed


def _secretary(person: Secretary) -> tuple[str, str]:
    return f"{person.name}（{person.id}）", _of(person)


def _of(person: Secretary) -> str:
    return f"{person.name} ({person.id})"


def unshowable(typed: Iterable[Typed], repertoire: Repertoire) -> list[Problem]:
    """Return a problem for each text holding characters no font of the map prints."""
    return [problem for text in typed if (problem := _problem(text, repertoire))]


def _problem(typed: Typed, repertoire: Repertoire) -> Problem | None:
    lacking = sorted({char for char in typed.text if not _shown(char, repertoire)})
    if not lacking:
        return None
    file, where, field = typed.file, typed.where, typed.field
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


def fallbacks_used(typed: Iterable[Typed], repertoire: Repertoire) -> list[Problem]:
    """Return a warning for each character a role's font lacks and a fallback prints: one per
    character and person (or, for a text that is no one's, per character and line)."""
    warnings, told = [], set()
    for text in typed:
        for char in dict.fromkeys(text.text):
            if _silent(char) or ord(char) not in repertoire:
                continue
            key = (char, text.whose) if text.whose else (char, text.file, text.where)
            if key not in told and (warning := _warning(text, char, repertoire)):
                told.add(key)
                warnings.append(warning)
    return warnings


def _warning(typed: Typed, char: str, repertoire: Repertoire) -> Problem | None:
    used = repertoire.fallbacks_for(ord(char))
    if not used:
        return None
    zh = "；".join(
        f"不在{role.role}字体 {role.font.name} 中，改用后备字体 {face.name}" for role, face in used
    )
    en = "; nor ".join(
        f"in the {role.role} font {role.font.name}: printed in the fallback {face.name}"
        for role, face in used
    )
    whose_zh, whose_en = (f"{typed.whose[0]}：", f"{typed.whose[1]}: ") if typed.whose else ("", "")
    return Problem(
        typed.file,
        typed.where,
        typed.field,
        f"{whose_zh}字符“{char}”（{_code(char)}）{zh}",
        f"{whose_en}character {char} ({_code(char)}) is not {en}",
    )


def _shown(char: str, repertoire: Repertoire) -> bool:
    """Say whether the character prints; control characters never do (some fonts map them)."""
    if _silent(char):
        return True
    return unicodedata.category(char) != "Cc" and ord(char) in repertoire


def _silent(char: str) -> bool:
    return char in SILENT or unicodedata.category(char) in SILENT_CATEGORIES


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
