"""Render page 1 of a few outputs to PNG under docs/images/, for the README.

Run after `make forms` and `make letters`: .venv/bin/python tools/docs_images.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "output"
TARGET = ROOT / "docs" / "images"
PAGES = {  # image name → (PDF under output/, page index)
    "notice.png": ("forms/通知.pdf", 0),
    "ballot.png": ("forms/选票/01-*.pdf", 0),
    "letter.png": ("letters/综合评价意见/13-*.pdf", 0),
    "insert.png": ("letters/干部人事档案/13-*.pdf", 0),
    "filled-form.png": ("letters/评议表/13-*逐票.pdf", 0),
    "tally-form.png": ("letters/评议表/13-*汇总.pdf", 0),
}
DPI = 80


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, (pattern, index) in PAGES.items():
        matches = sorted(OUT.glob(pattern))
        if not matches:
            sys.exit(f"{pattern} not found under {OUT}: run make forms and make letters first")
        page = pdfium.PdfDocument(matches[0])[index]
        image = page.render(scale=DPI / 72).to_pil().quantize(colors=16)  # small files
        image.save(TARGET / name, optimize=True)
        print(f"wrote {TARGET / name}")


if __name__ == "__main__":
    main()
