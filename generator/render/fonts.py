"""The font map: which real font serves each GB/T 9704 role, in DOCX and in PDF."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from fontTools.ttLib import TTFont

from ..model.errors import FontError

PACKAGE = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE.parent  # relative font files are found from here: the checkout's .fonts/
FONT_MAP_FILE = PACKAGE / "config" / "fonts.yaml"


@dataclass(frozen=True, slots=True)
class MappedFont:
    """One role's font: the name DOCX files carry, the file PDFs embed, the CSS family."""

    role: str
    docx_name: str
    file: Path
    css_family: str

    @property
    def postscript_name(self) -> str:
        return postscript_name(self.file)


@cache
def postscript_name(file: Path) -> str:
    """Return the PostScript name a font file declares (name ID 6)."""
    with TTFont(file, lazy=True) as font:
        return str(font["name"].getDebugName(6))


def repertoire(fonts: dict[str, MappedFont]) -> frozenset[int]:
    """Return the code points some mapped font has: anything else no document can show."""
    return frozenset().union(*(_code_points(font.file) for font in fonts.values()))


@cache
def _code_points(file: Path) -> frozenset[int]:
    with TTFont(file, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def advances(file: Path) -> dict[int, float]:
    """Return code point → advance width in ems: how much of a line each character takes."""
    with TTFont(file, lazy=True) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}


def load_font_map(overrides: dict | None = None) -> dict[str, MappedFont]:
    """Return role → font: the configured map with the campaign's overrides applied.

    A role whose file is missing is an error naming the role and how to supply it; there is
    never a fallback to another font.
    """
    with FONT_MAP_FILE.open(encoding="utf-8") as stream:
        configured = yaml.safe_load(stream)
    fonts = {}
    for role, entry in configured.items():
        choice = (overrides or {}).get(role)
        name = (choice and choice.name) or entry["name"]
        file = Path((choice and choice.file) or entry["file"])
        fonts[role] = MappedFont(role, name, _resolve(file), entry["css"])
    missing = [font for font in fonts.values() if not font.file.is_file()]
    if missing:
        raise FontError("\n".join(_missing_message(font) for font in missing))
    return fonts


def _resolve(file: Path) -> Path:
    return file if file.is_absolute() else REPO_ROOT / file


def _missing_message(font: MappedFont) -> str:
    return (
        f"字体角色“{font.role}”的字体文件不存在：{font.file}。请运行 make fonts 获取开源替代字体，"
        f"或在 campaign.yaml 的 fonts.{font.role}.file 中指定已授权字体文件 / "
        f"font role {font.role}: file {font.file} not found; run `make fonts` for the open "
        f"substitute, or set fonts.{font.role}.file in campaign.yaml to a licensed font file"
    )


def font_face_css(fonts: dict[str, MappedFont]) -> str:
    """Return the @font-face rules that bind each role's CSS family to its file."""
    return "\n".join(
        f'@font-face {{ font-family: "{font.css_family}"; src: url("{font.file.as_uri()}"); }}'
        for font in fonts.values()
    )
