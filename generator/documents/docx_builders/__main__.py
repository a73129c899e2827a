"""Write every DOCX template into a folder (default: the package's templates/docx/)."""

import sys
from pathlib import Path

from ...render.fonts import load_font_map
from ...render.templating import TEMPLATES
from . import build_templates

folder = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES / "docx"
folder.mkdir(parents=True, exist_ok=True)
for name, content in build_templates(load_font_map()).items():
    (folder / name).write_bytes(content)
    print(f"wrote {folder / name}")
