"""The fontconfig mapping that lets LibreOffice render the DOCX files with the shipped fonts.

A DOCX names the official fonts (仿宋_GB2312, 方正小标宋简体, …), which a Linux machine lacks;
LibreOffice then asks fontconfig, which would answer DejaVu or Noto Sans CJK JP. The mapping,
written from the font map (`generator/config/fonts.yaml`) by `make fonts`, adds the folder of the
shipped fonts and sends each official name and each of its aliases to the role's file's family,
then its fallbacks' families, at the file's weight where it is not regular (小标宋: Noto Serif CJK
SC Bold).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from .fonts import MappedFont, family_name, weight_class

SYSTEM_CONFIG = Path("/etc/fonts/fonts.conf")
# OS/2 usWeightClass → fontconfig's named weight; regular (400) needs no rule.
WEIGHTS = {100: "thin", 200: "extralight", 300: "light", 500: "medium", 600: "demibold",
           700: "bold", 800: "extrabold", 900: "black"}  # fmt: skip
HEADER = """\
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<!-- Written by `make fonts` (tools/fetch_fonts.py) from generator/config/fonts.yaml: edit that
     file, not this one. The official font names of the DOCX files → the shipped substitutes. -->
<fontconfig>
"""


def mapped_families(font: MappedFont) -> tuple[str, ...]:
    """Return the families a role's names are sent to: its file's, then its fallbacks', once each."""
    files = (font.file, *(fallback.file for fallback in font.fallbacks))
    return tuple(dict.fromkeys(family_name(file) for file in files))


def fontconfig_mapping(
    fonts: dict[str, MappedFont], fonts_dir: Path, *, include_system: bool
) -> str:
    """Return a fontconfig file: `fonts_dir` added, each role's names mapped to its families.

    `include_system` makes it a whole configuration (FONTCONFIG_FILE may point at it); without,
    it is a fragment for the user's conf.d, which the system configuration includes.
    """
    lines = [HEADER]
    if include_system:
        lines.append(f'  <include ignore_missing="yes">{SYSTEM_CONFIG}</include>\n')
    lines.append(f"  <dir>{escape(str(fonts_dir))}</dir>\n")
    for font in fonts.values():
        lines += (_match(name, font) for name in (font.docx_name, *font.aliases))
    lines.append("</fontconfig>\n")
    return "".join(lines)


def _match(name: str, font: MappedFont) -> str:
    """Return the rule that puts the role's families first wherever `name` is asked for."""
    families = _strings(mapped_families(font))
    weight = WEIGHTS.get(round(weight_class(font.file) / 100) * 100)
    set_weight = (
        f'    <edit name="weight" mode="assign" binding="strong"><const>{weight}</const></edit>\n'
        if weight
        else ""
    )
    return (
        f'  <match target="pattern">\n'
        f'    <test name="family"><string>{escape(name)}</string></test>\n'
        f'    <edit name="family" mode="prepend" binding="strong">{families}</edit>\n'
        f"{set_weight}"
        f"  </match>\n"
    )


def _strings(values: Iterable[str]) -> str:
    return "".join(f"<string>{escape(value)}</string>" for value in values)
