"""The one Jinja environment both renderings use."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .fonts import PACKAGE, em_box_drop
from .geometry import text_width

TEMPLATES = PACKAGE / "templates"


def html_environment(fonts: dict | None = None, override: Path | None = None) -> jinja2.Environment:
    """Return the HTML environment: the user's override folder first, then the shipped templates.

    With the font map, templates may call justify(head, text, kind) to set a paragraph line by
    line (see render/justify.py), and em_box_drop(role) to place a line by its em box.
    """
    folders = [override] if override and override.is_dir() else []
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, TEMPLATES / "html"]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    if fonts is not None:
        from .justify import paragraph_setter

        environment.globals["justify"] = paragraph_setter(fonts)
        environment.globals["em_box_drop"] = lambda role: em_box_drop(fonts[role].file)
    return environment


def docx_environment() -> jinja2.Environment:
    """Return the environment docxtpl renders with: strict, so a missing field fails loudly.

    Templates may measure a text in characters with `text|em_width` (render/geometry.py).
    """
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    environment.filters["em_width"] = text_width
    return environment
