"""One page, read: identify it, register it, measure its cells, decide — or say why not."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..load.ballot_layout import Layout
from ..model.ballot import IssuedBallot
from ..model.ballot_code import LAYOUT_VERSION
from ..model.campaign import Scale
from .decide import WRITTEN, Reading, decide, review
from .identify import find_code
from .measure import crop, measure, to_layout
from .pages import ScanPage
from .register import first_guess, register

BLANK_PAGE = 0.002  # dark fraction of a page without a code below which it is an empty back


@dataclass(frozen=True, slots=True)
class Campaign:
    """What the reader checks a code against: the campaign's year, fingerprint and sheets."""

    year: int
    fingerprint: str
    issued: dict[str, IssuedBallot]
    role_of: dict[str, str]  # secretary id → form kind
    layout: Layout
    scale: Scale


@dataclass(frozen=True)
class SheetRead:
    """A page's reading, with the pictures a person needs: the text boxes, and the whole sheet
    (in the layout's frame when registered) for review. The pipeline writes the pictures as the
    page is read and keeps their names only (`pictures`, `preview_file`), so that memory holds
    one page's pixels whatever the stack's size."""

    file: str
    page: int
    ballot: IssuedBallot | None
    reading: Reading
    written: dict[str, bool] = field(default_factory=dict)
    text_images: dict[str, np.ndarray] = field(default_factory=dict)
    preview: np.ndarray | None = None
    pictures: dict[str, str] = field(default_factory=dict)  # text box → its picture's file
    preview_file: str = ""


def rejected(page: ScanPage, reason: str) -> SheetRead:
    return SheetRead(page.file, page.number, None, Reading("rejected", "", None, reason))


def read_sheet(page: ScanPage, campaign: Campaign, *, picture: bool = False) -> SheetRead:
    """Return what one page says, never a guess: doubt goes to review with its reason. The
    sheet's picture is kept for a page in review, or when asked (`picture`)."""
    image = page.image
    if image is None:
        return rejected(page, "unreadable")
    found = find_code(image)
    if found is None:
        if np.count_nonzero(image < 128) / image.size < BLANK_PAGE:
            return rejected(page, "blank_page")
        return SheetRead(
            page.file, page.number, None, review("qr_unreadable"), preview=_small(image)
        )
    code = found.code
    if code is None:
        return rejected(page, "not_a_ballot")
    if code.fingerprint != campaign.fingerprint or code.year != campaign.year:
        return rejected(page, "other_campaign")
    if code.layout_version != LAYOUT_VERSION:
        return rejected(page, "layout_version")
    ballot = campaign.issued.get(code.serial)
    if ballot is None or (ballot.secretary_id, ballot.source) != (code.secretary_id, code.source):
        return rejected(page, "unissued")
    boxes = campaign.layout.kinds[campaign.role_of[ballot.secretary_id]]
    registration = register(image, boxes, first_guess(boxes.qr, found.corners))
    if registration is None:
        return SheetRead(
            page.file, page.number, ballot, review("not_registered"), preview=_small(image)
        )
    sheet = to_layout(image, registration.transform, campaign.layout.page)
    ink = measure(sheet, boxes)
    if boxes.written_score is not None:
        reading = review("written_score")
    else:
        reading = decide(ink)
        if registration.marks_found < len(boxes.corner_marks) and reading.decision == "auto":
            reading = review("corner_missing", reading.score)
    return SheetRead(
        page.file,
        page.number,
        ballot,
        reading,
        written={name: share >= WRITTEN for name, share in ink.written.items()},
        text_images={name: crop(sheet, box) for name, box in boxes.text_boxes},
        preview=_small(sheet) if picture or reading.decision == "review" else None,
    )


def _small(image: np.ndarray) -> np.ndarray:
    """Return a smaller picture of the sheet for the review page (half the pixels each way)."""
    return image[::2, ::2]
