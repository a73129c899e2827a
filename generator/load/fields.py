"""Read a loaded record field by field, turning each bad value into a located problem."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from ..model.errors import Problem
from ..model.limits import LINE_TEXT_MAX, TEXT_MAX
from .yamlmarks import ISO_DATE, Marked

T = TypeVar("T")


class Invalid(Exception):
    """A value that cannot be read as what its field needs."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def check_text(text: str, limit: int = LINE_TEXT_MAX) -> str:
    """Return the text if it is within its bound and holds no control character but line breaks."""
    if len(text) > limit:
        raise Invalid(
            f"内容过长（{len(text)} 字），不能超过 {limit} 字",
            f"too long ({len(text)} characters, at most {limit})",
        )
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            code = f"U+{ord(char):04X}"
            raise Invalid(f"含有控制字符 {code}", f"holds a control character {code}")
    return text


def as_text(value: object, limit: int = LINE_TEXT_MAX) -> str:
    """Return non-empty text, stripped, within its bound."""
    if not isinstance(value, str):
        raise Invalid("须为文本", "must be text")
    if not value.strip():
        raise Invalid("不能为空", "must not be empty")
    return check_text(value.strip(), limit)


def as_long_text(value: object) -> str:
    """Return a text of a paragraph's length: an assessment, a reason."""
    return as_text(value, TEXT_MAX)


def as_texts(value: object, limit: int = LINE_TEXT_MAX) -> tuple[str, ...]:
    """Return a list of non-empty texts, each within its bound."""
    if not isinstance(value, list):
        raise Invalid("须为列表", "must be a list")
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise Invalid(f"第 {number} 项须为非空文本", f"item {number} must be non-empty text")
        try:
            check_text(item.strip(), limit)
        except Invalid as e:
            raise Invalid(f"第 {number} 项{e.zh}", f"item {number}: {e.en}") from e
    return tuple(item.strip() for item in value)


def as_long_texts(value: object) -> tuple[str, ...]:
    return as_texts(value, TEXT_MAX)


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


def complete(make: Callable[..., T], *parts: object) -> T | None:
    """Return make(*parts) once every part was read; None when one was not (it is reported).

    Optional parts are bound beforehand (functools.partial), so None among `parts` means missing.
    """
    return None if any(part is None for part in parts) else make(*parts)


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
