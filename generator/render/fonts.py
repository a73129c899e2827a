"""The font map: which real font serves each GB/T 9704 role, in DOCX and in PDF, and which
declared fallbacks print, in their order, the characters that font lacks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from fontTools.ttLib import TTFont

from ..model.errors import FontError
from ..model.repertoire import Face, Repertoire, RoleFaces

PACKAGE = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE.parent  # relative font files are found from here: the checkout's .fonts/
FONT_MAP_FILE = PACKAGE / "config" / "fonts.yaml"
USE_TYPO_METRICS = 1 << 7  # OS/2 fsSelection bit 7


@dataclass(frozen=True, slots=True)
class Fallback:
    """A declared fallback of a role: its file and the CSS family it is bound to."""

    file: Path
    css_family: str


@dataclass(frozen=True, slots=True)
class MappedFont:
    """One role's font: the name DOCX files carry, the file PDFs embed, the CSS family, the
    fallbacks for what that file lacks, and the other names the role's font goes by (the first is
    the DOCX font table's alternate; all are mapped to the file's family for LibreOffice)."""

    role: str
    docx_name: str
    file: Path
    css_family: str
    fallbacks: tuple[Fallback, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def postscript_name(self) -> str:
        return postscript_name(self.file)

    @property
    def css_families(self) -> tuple[str, ...]:
        """Return the role's CSS family, then its fallbacks' in the order they are tried."""
        return (self.css_family, *(fallback.css_family for fallback in self.fallbacks))

    @property
    def font_family(self) -> str:
        """Return the value of a CSS font-family property that sets text in this role."""
        return ", ".join(f'"{family}"' for family in self.css_families)


@cache
def postscript_name(file: Path) -> str:
    """Return the PostScript name a font file declares (name ID 6)."""
    with TTFont(file, lazy=True) as font:
        return str(font["name"].getDebugName(6))


@cache
def family_name(file: Path) -> str:
    """Return the family name a font file declares: typographic (name ID 16), else ID 1."""
    with TTFont(file, lazy=True) as font:
        names = font["name"]
        return str(names.getDebugName(16) or names.getDebugName(1))


@cache
def weight_class(file: Path) -> int:
    """Return the weight a font file declares (OS/2 usWeightClass: 400 regular, 700 bold)."""
    with TTFont(file, lazy=True) as font:
        return int(font["OS/2"].usWeightClass)


def repertoire(fonts: dict[str, MappedFont]) -> Repertoire:
    """Return what the fonts print: each role's font and fallbacks, as code points."""
    return Repertoire.of(
        tuple(
            RoleFaces(
                font.role,
                _face(font.file),
                tuple(_face(fallback.file) for fallback in font.fallbacks),
            )
            for font in fonts.values()
        )
    )


@cache
def _face(file: Path) -> Face:
    return Face(family_name(file), _code_points(file))


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


@cache
def em_box_drop(file: Path) -> float:
    """Return how far (in em) below the top of a line 1 em high the font's em box starts.

    WeasyPrint centres the font's ascent and descent (hhea, or OS/2's typographic ones when the
    font asks for them) on the line; the em box of a CJK font ends its typographic ascender
    (0.88 em) above the baseline.
    """
    with TTFont(file, lazy=True) as font:
        units, os2, hhea = font["head"].unitsPerEm, font["OS/2"], font["hhea"]
        if os2.fsSelection & USE_TYPO_METRICS:
            ascent, descent = os2.sTypoAscender, -os2.sTypoDescender
        else:
            ascent, descent = hhea.ascent, -hhea.descent
        return ((units - ascent - descent) / 2 + ascent - os2.sTypoAscender) / units


def load_font_map(overrides: dict | None = None) -> dict[str, MappedFont]:
    """Return role → font: the configured map with the campaign's overrides applied.

    A role whose file, or one of whose fallbacks' files, is missing is an error naming the role
    and how to supply it; no font outside the map is ever used.
    """
    with FONT_MAP_FILE.open(encoding="utf-8") as stream:
        configured = yaml.safe_load(stream)
    fonts = {}
    for role, entry in configured.items():
        choice = (overrides or {}).get(role)
        name = (choice and choice.name) or entry["name"]
        file = _resolve(Path((choice and choice.file) or entry["file"]))
        fallbacks = _fallbacks(file, entry["css"], entry.get("fallbacks", []))
        aliases = tuple(alias for alias in entry.get("aliases", []) if alias != name)
        fonts[role] = MappedFont(role, name, file, entry["css"], fallbacks, aliases)
    missing = [_missing_message(font) for font in fonts.values() if not font.file.is_file()]
    missing += [
        _missing_fallback_message(font.role, fallback.file)
        for font in fonts.values()
        for fallback in font.fallbacks
        if not fallback.file.is_file()
    ]
    if missing:
        raise FontError("\n".join(missing))
    return fonts


def _fallbacks(file: Path, css_family: str, declared: list[str]) -> tuple[Fallback, ...]:
    """Return the declared fallbacks, each bound to the family `{css}-Fallback-{n}` (n: its place
    in the list); one that is the role's own file would add nothing and is skipped."""
    fallbacks = (
        Fallback(_resolve(Path(path)), f"{css_family}-Fallback-{number}")
        for number, path in enumerate(declared, start=1)
    )
    return tuple(fallback for fallback in fallbacks if fallback.file != file)


def _resolve(file: Path) -> Path:
    return file if file.is_absolute() else REPO_ROOT / file


def _missing_message(font: MappedFont) -> str:
    return (
        f"字体角色“{font.role}”的字体文件不存在：{font.file}。请运行 make fonts 获取开源替代字体，"
        f"或在 campaign.yaml 的 fonts.{font.role}.file 中指定已授权字体文件 / "
        f"font role {font.role}: file {font.file} not found; run `make fonts` for the open "
        f"substitute, or set fonts.{font.role}.file in campaign.yaml to a licensed font file"
    )


def _missing_fallback_message(role: str, file: Path) -> str:
    return (
        f"字体角色“{role}”的后备字体文件不存在：{file}。请运行 make fonts 获取 / "
        f"font role {role}: fallback font file {file} not found; run `make fonts` to fetch it"
    )


def font_face_css(fonts: dict[str, MappedFont]) -> str:
    """Return the @font-face rules binding each role's and fallback's CSS family to its file, and
    one custom property per role, `--{css family}`, listing them in order: templates set text in
    a role with `font-family: var(--GW-FangSong)`, so the fallbacks are named here only."""
    faces = [
        f'@font-face {{ font-family: "{family}"; src: url("{file.as_uri()}"); }}'
        for font in fonts.values()
        for family, file in _bound_files(font)
    ]
    properties = " ".join(f"--{font.css_family}: {font.font_family};" for font in fonts.values())
    return "\n".join([*faces, f":root {{ {properties} }}"])


def _bound_files(font: MappedFont) -> list[tuple[str, Path]]:
    return [(font.css_family, font.file), *((f.css_family, f.file) for f in font.fallbacks)]
