"""assessment.yaml as the 评定 page edits it: one secretary's entry from a form, the rest kept.

The file is rebuilt from what is on disk at the moment of saving, so an entry another member saved
meanwhile is never lost; a form filled from an older version of the same secretary's entry is
stale and refused rather than written over it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import takewhile
from pathlib import Path

import yaml

from ...load.yamlmarks import Marked, MarkedList, load_yaml
from ...model.campaign import Secretary
from ...model.errors import InputError, Problem

LISTS = ("achievements", "problems")  # one item a line in the form
TEXTS = ("major_failure", "held_accountable")
INTEGER = re.compile(r"[+-]?\d+")
DECIMAL = re.compile(r"[+-]?\d+\.\d+")


class _Dumper(yaml.SafeDumper):
    """The safe dumper, also for what the line-keeping loader reads (its mappings, exact numbers)."""


_Dumper.add_representer(Marked, yaml.SafeDumper.represent_dict)
_Dumper.add_representer(MarkedList, yaml.SafeDumper.represent_list)
_Dumper.add_representer(
    Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value))
)


def dump(document: object) -> bytes:
    """Return YAML as people write it: Chinese as is, keys in the order given."""
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8")


def digest(content: bytes | None) -> str:
    """Return the digest files.file_digest gives the file with these bytes ("" for no file)."""
    return "" if content is None else hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """assessment.yaml as read once: its digest, its entries by secretary id, its comments."""

    digest: str
    entries: Mapping[object, object]  # as YAML gives them, in the file's order
    header: bytes = b""  # the comment lines the file starts with, kept when it is rewritten

    def entry_digest(self, ident: str) -> str:
        """Return the digest of one secretary's entry: a form carries it to detect a stale edit."""
        return digest(dump(self.entries.get(ident)))

    def stale(self, ident: str, form_digest: str, form_entry: str) -> bool:
        """Say whether this secretary's entry changed since the form was filled; a change to
        other entries alone is merged."""
        return self.digest != form_digest and self.entry_digest(ident) != form_entry


def read_snapshot(path: Path) -> Snapshot:
    """Return the file as it is now; raise InputError when it holds no entries to keep."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return Snapshot("", {})
    shown = path.as_posix()
    document = load_yaml(content, shown)
    if document is None:
        document = {}
    if not isinstance(document, Mapping):
        zh = "顶层须为映射（述职人编号: …），无法保存，请先修正该文件"
        en = "the top level must map secretary ids to their assessment: correct the file first"
        raise InputError([Problem(shown, "1", "assessment", zh, en)])
    return Snapshot(digest(content), document, _header(content))


def _header(content: bytes) -> bytes:
    """Return the comment lines the file starts with: the loader skips them, people read them."""
    comments = list(takewhile(_comment, content.splitlines(keepends=True)))
    kept = b"".join(comments)
    return kept if not kept or kept.endswith(b"\n") else kept + b"\n"


def _comment(line: bytes) -> bool:
    return not line.strip() or line.startswith(b"#")


def rebuilt(
    snapshot: Snapshot, ident: str, entry: dict[str, object], secretaries: Sequence[Secretary]
) -> bytes:
    """Return the file with one secretary's entry replaced, the others exactly as they are, in
    secretaries.yaml order (entries for unknown ids after them, for the loader to report)."""
    entries = dict(snapshot.entries)
    entries.pop(ident, None)
    if entry:
        entries[ident] = entry
    known = [s.id for s in secretaries if s.id in entries]
    unknown = [key for key in entries if key not in set(known)]
    return snapshot.header + dump({key: entries[key] for key in known + unknown})


@dataclass(frozen=True, slots=True)
class Entered:
    """One secretary's assessment as the form shows and sends it: texts, lists one item a line,
    the committee's scores of the sources it gives as typed."""

    achievements: str = ""
    problems: str = ""
    major_failure: str = ""
    held_accountable: str = ""
    grade: str = ""
    reason: str = ""
    scores: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: Mapping[str, str], sources: Sequence[str]) -> Entered:
        texts = {name: form.get(name, "") for name in (*LISTS, *TEXTS, "grade", "reason")}
        return cls(**texts, scores={s: form.get(f"scores.{s}", "") for s in sources})

    @classmethod
    def from_entry(cls, entry: object, sources: Sequence[str]) -> Entered:
        """Return the form filled from the file's entry (None: no entry yet)."""
        if not isinstance(entry, Mapping):
            return cls()
        lists = {name: _lines(entry.get(name)) for name in LISTS}
        texts = {name: _text(entry.get(name)) for name in (*TEXTS, "grade", "reason")}
        given = entry.get("scores")
        given = given if isinstance(given, Mapping) else {}
        return cls(**lists, **texts, scores={s: _text(given.get(s)) for s in sources})

    def to_entry(self) -> dict[str, object]:
        """Return the entry as assessment.yaml holds it; what was left empty is left out."""
        entry: dict[str, object] = {}
        for name in LISTS:
            items = [line.strip() for line in getattr(self, name).splitlines() if line.strip()]
            if items:
                entry[name] = items
        for name in TEXTS:
            if text := getattr(self, name).strip():
                entry[name] = text
        scores = {s: _number(v.strip()) for s, v in self.scores.items() if v.strip()}
        if scores:
            entry["scores"] = scores
        for name in ("grade", "reason"):
            if text := getattr(self, name).strip():
                entry[name] = text
        return entry


def _lines(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return _text(value)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _number(text: str) -> object:
    """Return a typed score as YAML would read it; anything else stays text, for the loader to
    refuse at its field."""
    if INTEGER.fullmatch(text):
        return int(text)
    return Decimal(text) if DECIMAL.fullmatch(text) else text
