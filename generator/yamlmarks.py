"""Load YAML with source lines, and read its records field by field into located problems."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.errors import InputError, Problem

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


def _read_text_file(path: Path, shown_as: str) -> str:
    """Return the file's text, or raise InputError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError([file_problem(shown_as, "文件不存在", "file not found")]) from e
    except UnicodeDecodeError as e:
        line = str(path.read_bytes()[: e.start].count(b"\n") + 1)
        problem = file_problem(shown_as, "文件须为 UTF-8 编码", "file must be UTF-8", line)
        raise InputError([problem]) from e
    except OSError as e:
        raise InputError([file_problem(shown_as, f"无法读取：{e}", f"cannot read: {e}")]) from e


def load_yaml(path: Path, shown_as: str) -> object:
    """Return the YAML document with Marked mappings and MarkedList sequences."""
    text = _read_text_file(path, shown_as)
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


class Invalid(Exception):
    """A value that cannot be read as what its field needs."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def as_text(value: object) -> str:
    """Return non-empty text, stripped."""
    if not isinstance(value, str):
        raise Invalid("须为文本", "must be text")
    if not value.strip():
        raise Invalid("不能为空", "must not be empty")
    return value.strip()


def as_texts(value: object) -> tuple[str, ...]:
    """Return a list of non-empty texts."""
    if not isinstance(value, list):
        raise Invalid("须为列表", "must be a list")
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise Invalid(f"第 {number} 项须为非空文本", f"item {number} must be non-empty text")
    return tuple(item.strip() for item in value)


def as_int(value: object) -> int:
    """Return an integer; bools and decimals are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("须为整数", "must be an integer")
    return value


def as_count(value: object) -> int:
    """Return a non-negative integer."""
    count = as_int(value)
    if count < 0:
        raise Invalid(f"不能为负数，现为 {count}", f"must not be negative, got {count}")
    return count


def as_number(value: object) -> Fraction:
    """Return an exact number: an integer, or a decimal read from its text."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Invalid("须为数字", "must be a number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise Invalid("须为有限数字", "must be a finite number")
    return Fraction(value)


def as_share(value: object) -> Fraction:
    """Return a number between 0 and 1."""
    share = as_number(value)
    if not 0 <= share <= 1:
        raise Invalid(f"须在0到1之间，现为 {value}", f"must be between 0 and 1, got {value}")
    return share


def as_date(value: object) -> date:
    """Return a calendar date from a YAML/Excel date or ISO text (YYYY-MM-DD)."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise Invalid("须为日期，不含时间", "must be a date without a time")
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise Invalid("须为日期", "must be a date")
    try:
        if ISO_DATE.fullmatch(value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise Invalid(
        f"日期无效：{value}，应为 YYYY-MM-DD", f"invalid date {value}; expected YYYY-MM-DD"
    )


def one_of(choices: tuple[str, ...]) -> Callable[[object], str]:
    """Return a reader accepting only the given words."""
    zh_list, en_list = "、".join(choices), ", ".join(choices)

    def read(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise Invalid(
                f"须为 {zh_list} 之一，现为 {value}", f"must be one of {en_list}, got {value}"
            )
        return value

    return read


def as_mapping(value: object) -> Marked:
    """Return a YAML mapping."""
    if not isinstance(value, Marked):
        raise Invalid("须为映射（键: 值）", "must be a mapping (key: value)")
    return value


REQUIRED: Any = object()


class Record:
    """A mapping read field by field; every problem is recorded with its location."""

    def __init__(
        self,
        values: Mapping,
        file: str,
        path: str,
        where: Callable[[object], str],
        problems: list[Problem],
    ):
        self.values = values
        self.file = file
        self.path = path
        self.where = where
        self.problems = problems
        self.seen: set = set()

    @classmethod
    def of_yaml(
        cls, node: Marked, file: str, path: str, problems: list[Problem], line: int | None = None
    ) -> Record:
        """Return a record locating each key on its own line, itself on `line` (its key's)."""
        home = line or node.line
        return cls(node, file, path, lambda key: str(node.key_lines.get(key, home)), problems)

    def field(self, key: object = None) -> str:
        """Return the dotted path of a key (or of the record itself)."""
        if key is None:
            return self.path
        return f"{self.path}.{key}" if self.path else str(key)

    def locate(self, key: object = None) -> str:
        """Return FILE:WHERE of a key, to mention it in another problem."""
        return f"{self.file}:{self.where(key)}"

    def report(self, key: object, zh: str, en: str) -> None:
        """Record a problem with a key (None: with the record itself)."""
        self.problems.append(Problem(self.file, self.where(key), self.field(key), zh, en))

    def take(self, key: object, read: Callable[[object], T], default: Any = REQUIRED) -> T | None:
        """Return the key's value read by `read`; None after reporting why it cannot be."""
        self.seen.add(key)
        if self.values.get(key) is None:
            if default is not REQUIRED:
                return default
            if key in self.values:
                self.report(key, "不能为空", "must not be empty")
            else:
                self.report(key, f"缺少必填字段 {key}", f"missing required field {key}")
            return None
        try:
            return read(self.values[key])
        except Invalid as e:
            self.report(key, e.zh, e.en)
            return None

    def sub(self, key: object, required: bool = True) -> Record | None:
        """Return the nested YAML mapping under a key as a record located at that key."""
        node = self.take(key, as_mapping, REQUIRED if required else None)
        if node is None:
            return None
        line = int(self.where(key))  # a YAML record's locations are line numbers
        return Record.of_yaml(node, self.file, self.field(key), self.problems, line)

    def reject_unknown(self) -> None:
        """Report every key no one asked for: a typo must not pass silently."""
        known = [str(key) for key in self.seen]
        for key in self.values:
            if key not in self.seen:
                close = difflib.get_close_matches(str(key), known, n=1)
                zh, en = (
                    (f"（是否应为 {close[0]}？）", f" (did you mean {close[0]}?)")
                    if close
                    else ("", "")
                )
                self.report(key, f"未知字段 {key}{zh}", f"unknown field {key}{en}")
