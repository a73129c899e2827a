"""The DOCX templates' source: each template is built here, in code, and saved under
generator/templates/docx/. `make templates` rebuilds them all; a test holds the committed files to
what these builders make, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document

from ...render.fonts import MappedFont
from . import archive_insert, circulars, common, evaluation_letter, filled_forms, notice, schedule
from .common import template_bytes

Builder = Callable[[dict[str, MappedFont]], Document]
BUILDERS: dict[str, Builder] = {
    **common.TEMPLATES,
    **notice.TEMPLATES,
    **schedule.TEMPLATES,
    **circulars.TEMPLATES,
    **archive_insert.TEMPLATES,
    **evaluation_letter.TEMPLATES,
    **filled_forms.TEMPLATES,
}


def build_templates(fonts: dict[str, MappedFont]) -> dict[str, bytes]:
    """Return every template's name and bytes."""
    return {name: template_bytes(build(fonts)) for name, build in sorted(BUILDERS.items())}
