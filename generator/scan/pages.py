"""Pages as an office scanner writes them: PDF, TIFF (multi-page), PNG, JPEG, or a folder of them.

Every page becomes one grey image at a known resolution. A PDF is rendered at READ_DPI; an image
keeps its own pixels, its resolution from the file (or DEFAULT_DPI when it says none). Bounds keep
a strange file from running long: pages per file, pixels per page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageSequence

READ_DPI = 200
DEFAULT_DPI = 200
MAX_PAGES = 5000  # per file
MAX_PIXELS = 40_000_000  # per page: A3 at 400 dpi
SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True, slots=True)
class ScanPage:
    """One page: where it came from, its grey pixels (0 black … 255 white), its resolution."""

    file: str
    number: int  # 1-based within the file
    image: np.ndarray | None
    dpi: float  # 0 when the page has no image: an unreadable file, a page too large


def scan_files(paths: list[Path]) -> list[Path]:
    """Return the files to read: each file given, and the scan files of each folder, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            found.append(path)
    return found


def read_pages(path: Path) -> Iterator[ScanPage]:
    """Yield the file's pages one at a time, so memory holds one page whatever the file's size."""
    shown = str(path)
    try:
        if path.suffix.lower() == ".pdf":
            yield from _pdf_pages(path, shown)
        else:
            yield from _image_pages(path, shown)
    except (OSError, ValueError, pdfium.PdfiumError, Image.DecompressionBombError):
        yield ScanPage(shown, 1, None, 0)


def _pdf_pages(path: Path, shown: str) -> Iterator[ScanPage]:
    document = pdfium.PdfDocument(path)
    try:
        for index in range(min(len(document), MAX_PAGES)):
            page = document[index]
            width, height = page.get_size()
            scale = READ_DPI / 72
            if width * height * scale * scale > MAX_PIXELS:
                yield ScanPage(shown, index + 1, None, 0)
                continue
            bitmap = page.render(scale=scale, grayscale=True)
            image = np.array(bitmap.to_pil().convert("L"))
            yield ScanPage(shown, index + 1, image, READ_DPI)
    finally:
        document.close()


def _image_pages(path: Path, shown: str) -> Iterator[ScanPage]:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(path) as opened:
        for index, frame in enumerate(ImageSequence.Iterator(opened)):
            if index >= MAX_PAGES:
                break
            dpi = frame.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
            if frame.width * frame.height > MAX_PIXELS:
                yield ScanPage(shown, index + 1, None, 0)
                continue
            yield ScanPage(shown, index + 1, np.array(frame.convert("L")), float(dpi))
