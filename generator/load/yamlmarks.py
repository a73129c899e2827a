"""Load YAML keeping the source line of every key and item, and numbers exact."""

from __future__ import annotations

import re
from collections.abc import Hashable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..model.errors import InputError, Problem

T = TypeVar("T")

MERGE_TAG = "tag:yaml.org,2002:merge"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Marked(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int = 1):
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


class MarkedList(list):
    """A YAML sequence that remembers the line of itself and of each item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int = 1):
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class DuplicateKeyError(ConstructorError):
    """A key written twice in one mapping, which YAML would silently resolve to the last."""

    def __init__(self, key: object, mark: yaml.Mark):
        super().__init__(None, None, f"duplicate key {key}", mark)
        self.key = key


class MarkedLoader(yaml.SafeLoader):
    """A safe loader that keeps source lines and reads floats exactly, as Decimal."""


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_map(loader: MarkedLoader, node: MappingNode):
    """Build a Marked dict; a key written twice is an error, not a silent override."""
    marked = Marked(_line(node))
    yield marked
    explicit = sum(1 for key_node, _ in node.value if key_node.tag != MERGE_TAG)
    loader.flatten_mapping(node)
    first_explicit = len(node.value) - explicit  # merged pairs come first and may be overridden
    written: set = set()
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise ConstructorError(None, None, "found an unhashable key", key_node.start_mark)
        if key in written:
            raise DuplicateKeyError(key, key_node.start_mark)
        if index >= first_explicit:
            written.add(key)
        marked[key] = loader.construct_object(value_node)
        marked.key_lines[key] = _line(key_node)


def _construct_list(loader: MarkedLoader, node: SequenceNode):
    """Build a MarkedList."""
    items = MarkedList(_line(node))
    yield items
    items.extend(loader.construct_object(child) for child in node.value)
    items.item_lines = [_line(child) for child in node.value]


def _construct_decimal(loader: MarkedLoader, node: ScalarNode) -> Decimal:
    """Read a float as the Decimal of its text, so 0.7 + 0.3 is exactly 1."""
    text = loader.construct_scalar(node).replace("_", "").lower().replace(".inf", "inf")
    text = text.replace(".nan", "nan")
    if ":" not in text:
        return Decimal(text)
    sign = -1 if text.startswith("-") else 1
    value = Decimal(0)
    for part in text.lstrip("+-").split(":"):  # sexagesimal, as YAML 1.1 allows
        value = value * 60 + Decimal(part)
    return sign * value


def _construct_date(loader: MarkedLoader, node: ScalarNode) -> date | str:
    """Read a timestamp; an impossible one (2022-13-40) stays text for the validator to report."""
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
MarkedLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


def file_problem(shown_as: str, zh: str, en: str, where: str = "1") -> Problem:
    """Return a problem with a whole file (missing, unreadable, not parseable)."""
    return Problem(shown_as, where, shown_as.rsplit("/", 1)[-1], zh, en)


def decode_text(content: bytes, shown_as: str) -> str:
    """Return a text file's content (UTF-8, with or without BOM), or raise a located InputError."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = str(content[: e.start].count(b"\n") + 1)
        problem = file_problem(shown_as, "文件须为 UTF-8 编码", "file must be UTF-8", line)
        raise InputError([problem]) from e


def load_yaml(content: bytes, shown_as: str) -> object:
    """Return the YAML document with Marked mappings and MarkedList sequences."""
    text = decode_text(content, shown_as)
    try:
        return yaml.load(text, Loader=MarkedLoader)  # MarkedLoader is a SafeLoader
    except yaml.MarkedYAMLError as e:
        raise InputError([_syntax_problem(e, shown_as)]) from e
    except yaml.YAMLError as e:
        raise InputError([file_problem(shown_as, f"YAML 错误：{e}", f"YAML error: {e}")]) from e


def _syntax_problem(error: yaml.MarkedYAMLError, shown_as: str) -> Problem:
    """Return the problem for YAML that cannot be read, at its line and column."""
    mark = error.problem_mark or error.context_mark
    where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1"
    if isinstance(error, DuplicateKeyError):
        return Problem(shown_as, where, str(error.key), "重复的键", "duplicate key")
    zh, en = f"YAML 语法错误：{error.problem}", f"YAML syntax error: {error.problem}"
    return Problem(shown_as, where, "yaml", zh, en)
