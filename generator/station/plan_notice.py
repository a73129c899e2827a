"""工作方案正文: notice.md checked by the CLI's reader, and the 通知 it makes, page by page.

The preview renders the one document in the server process (WeasyPrint, no fork): the 通知 needs
the campaign, its secretaries and the plan, never a ballot serial, so no secret is read or made.
One preview renders at a time per process, for a draft of bounded size, on a bounded number of
pages: a clerk typing fast cannot make the server render without end.
"""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from ..documents.notice import build_notice, render_notice
from ..model.errors import PipelineError
from ..pipeline.showable import Showable
from ..render.pdf import PdfRenderer
from .plan_drafts import NOTICE, DraftFolder, Shown, check_folder, introduced

NOTICE_MAX = 30_000  # characters of a draft: the seed's 工作方案 has about 3,500
PAGES_SHOWN = 30
PREVIEW_SCALE = 1.25  # 90 dpi: the 三号 body text reads comfortably
PREVIEW_COLOURS = 16  # black, the red of the masthead and their edges: a page in ~50 KB
LOCK_WAIT = 20.0  # seconds a preview waits for the one before it

_rendering = threading.Lock()
_renderers: dict[str, PdfRenderer] = {}  # by font map: its fonts load once per process


@dataclass
class Preview:
    """The 通知 as page images (data: URLs), or the problems that stop it."""

    pages: list[str] = field(default_factory=list)
    problems: list[Shown] = field(default_factory=list)
    more_pages: int = 0  # pages past PAGES_SHOWN, not shown
    busy: bool = False


def draft_text(sent: str) -> str:
    """Return a draft as the file keeps it: the browser's line breaks made the file's."""
    return sent.replace("\r\n", "\n").replace("\r", "\n")


def too_long(draft: str) -> Shown | None:
    if len(draft) <= NOTICE_MAX:
        return None
    return Shown(
        NOTICE,
        "1",
        "notice.md",
        f"正文 {len(draft)} 字，超过上限 {NOTICE_MAX} 字 / "
        f"{len(draft)} characters, over the bound of {NOTICE_MAX}",
    )


def check_save(data_dir: Path, draft: str) -> list[Shown]:
    """Return what stops saving the draft: its own problems (each at its line), and problems it
    would bring elsewhere; a folder already broken elsewhere does not block the plan's text."""
    if (problem := too_long(draft)) is not None:
        return [problem]
    _, after = check_folder(DraftFolder(data_dir, {NOTICE: draft.encode()}))
    _, before = check_folder(DraftFolder(data_dir, {}))
    return introduced(after, before, NOTICE)


def preview(data_dir: Path, draft: str) -> Preview:
    """Return the 通知 for the draft as page images, or every problem that stops `forms`."""
    if (problem := too_long(draft)) is not None:
        return Preview(problems=[problem])
    showable, problems = check_folder(DraftFolder(data_dir, {NOTICE: draft.encode()}))
    if showable is None:
        return Preview(problems=problems)
    if not _rendering.acquire(timeout=LOCK_WAIT):
        return Preview(busy=True)
    try:
        pages, total = page_images(_render(showable))
    except PipelineError as e:  # a character only a font outside the map has
        return Preview(problems=[Shown(NOTICE, "1", "notice.md", str(e))])
    finally:
        _rendering.release()
    return Preview(pages=pages, more_pages=total - len(pages))


def _render(showable: Showable) -> bytes:
    """Return the 通知's PDF; called holding the lock, which guards the renderers and pdfium."""
    data = showable.data
    key = repr(sorted((role, font.file) for role, font in showable.fonts.items()))
    if key not in _renderers:
        _renderers.clear()
        _renderers[key] = PdfRenderer(showable.fonts)
    notice = build_notice(data.campaign, data.secretaries, data.plan)
    pdf, _ = render_notice(_renderers[key], notice)
    return pdf


def page_images(pdf: bytes) -> tuple[list[str], int]:
    """Return the PDF's first pages as PNG data: URLs, few colours, small enough to inline, and
    how many pages it has."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(min(len(document), PAGES_SHOWN)):
            picture = document[index].render(scale=PREVIEW_SCALE).to_pil()
            picture = picture.convert("P", palette=Image.Palette.ADAPTIVE, colors=PREVIEW_COLOURS)
            stream = io.BytesIO()
            picture.save(stream, "PNG")
            images.append("data:image/png;base64," + base64.b64encode(stream.getvalue()).decode())
        return images, len(document)
    finally:
        document.close()
