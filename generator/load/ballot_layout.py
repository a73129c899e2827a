"""The boxes of a printed ballot, as `forms` wrote them in ballot-layout.json, for `scan`.

The scanner trusts the file `forms` wrote beside the booklets, not a recomputation: what was
printed is what the file says (tests/test_ballots.py checks the ink against it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..model.ballot_code import LAYOUT_VERSION
from ..model.errors import InputError, Problem

LAYOUT_FILE = Path("forms") / "选票" / "ballot-layout.json"

Box = tuple[float, float, float, float]  # x, y, width, height in mm from the page's top left


@dataclass(frozen=True, slots=True)
class SheetBoxes:
    """One form kind's boxes: what the reader measures."""

    corner_marks: tuple[Box, ...]
    qr: Box
    serial: Box
    score_cells: tuple[tuple[int, Box], ...]  # empty when the score is written, not ticked
    written_score: Box | None
    text_boxes: tuple[tuple[str, Box], ...]


@dataclass(frozen=True, slots=True)
class Layout:
    page: tuple[float, float]
    kinds: dict[str, SheetBoxes]


def _box(value) -> Box:
    x, y, w, h = (float(v) for v in value)
    return (x, y, w, h)


def read_layout(out_dir: Path) -> Layout:
    """Return the layout of the sheets `forms` printed into out_dir, or raise an InputError."""
    path = out_dir / LAYOUT_FILE
    shown = str(path)
    try:
        described = json.loads(path.read_text(encoding="utf-8"))
        version = described.get("layout_version")
        if version != LAYOUT_VERSION:
            zh = f"选票版式 {version} 不是本程序读取的版式 {LAYOUT_VERSION}：请用本程序重新运行 forms"
            en = f"layout version {version} is not {LAYOUT_VERSION}: run `forms` again"
            raise InputError([Problem(shown, "", "layout_version", zh, en)])
        kinds = {name: _kind(kind) for name, kind in described["kinds"].items()}
        width, height = described["page"]
    except FileNotFoundError:
        zh = "缺少选票版式文件：请先在同一输出目录运行 forms"
        en = "the ballots' layout file is missing: run `forms` into the same --out first"
        raise InputError([Problem(shown, "", "", zh, en)]) from None
    except (ValueError, KeyError, TypeError) as e:
        zh, en = f"选票版式文件无法读取：{e}", f"the layout file cannot be read: {e}"
        raise InputError([Problem(shown, "", "", zh, en)]) from None
    return Layout((float(width), float(height)), kinds)


def _kind(kind: dict) -> SheetBoxes:
    cells = kind.get("score_cells") or {}
    written = kind.get("written_score")
    return SheetBoxes(
        corner_marks=tuple(_box(b) for b in kind["corner_marks"]),
        qr=_box(kind["qr"]),
        serial=_box(kind["serial"]),
        score_cells=tuple(sorted((int(s), _box(b)) for s, b in cells.items())),
        written_score=_box(written["box"]) if written else None,
        text_boxes=tuple((name, _box(b)) for name, b in kind["text_boxes"].items()),
    )
