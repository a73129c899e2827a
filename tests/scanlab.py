"""Synthetic office-scanner scans of the product's own ballots, each page with its known truth.

The scanner cannot be tested or measured on real voters' sheets, so this draws what a hand and an
office MFP do to the printed booklets of a `forms` run: ticks, crosses, blanks, doubtful marks and
comments; rotation, shift, scale, noise, blur, JPEG, colour, grey or 1-bit, torn corners, smudged
or forged QR codes, blank duplex backs. `build_corpus` writes a folder of PDF, TIFF, PNG and JPEG
files and `truth.csv`, whose decisions say what a careful person would conclude from each page.

The truth's decisions: `auto` with status `valid` (one clear tick; `score` its cell), `blank` (no
mark) or `invalid` (two clear ticks); `review` with reason `faint`, `two_candidates` (a clear
tick and a faint mark), `across_border`, `struck_out` (a scribbled-over tick, with or without a
correction elsewhere), `corner_missing`, `qr_unreadable` (serial still printed) or
`duplicate_conflict` (both scans of a sheet scanned twice with different ticks); `rejected` with
`other_campaign` or `unissued` (ballot_id is then the forged QR's serial); `skip` with
`blank_page` (a duplex back; no ballot_id). One unusual thing per page, never two.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import math
import random
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import segno
import yaml
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from generator.model.ballot_code import BallotCode, parse_code
from generator.model.serials import ALPHABET

DPI = 200
MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
PAGE_MM = (210.0, 297.0)
DATA = Path(__file__).resolve().parent.parent / "data"
FIXED_DATE = time.strptime("2023-01-05 09:30", "%Y-%m-%d %H:%M")  # same seed, same bytes

# What a hand does in the score row (Marks.case).
MARK_CASES = ("tick", "blank", "double", "faint", "two_candidates", "across_border", "struck_out")
# What happens to the whole sheet; "ordinary" is nothing.
SHEET_CASES = (
    "ordinary",
    "corner_missing",
    "qr_unreadable",
    "other_campaign",
    "unissued",
    "duplicate_conflict",
)
FAINT_CASES = ("faint", "two_candidates")  # never on 1-bit pages: a threshold would erase them

# The corpus's share of each case; "tick" takes the rest (about 85 %).
DEFAULT_MIX: Mapping[str, float] = {
    "blank": 0.03,
    "double": 0.02,
    "faint": 0.01,
    "two_candidates": 0.01,
    "across_border": 0.01,
    "struck_out": 0.01,
    "corner_missing": 0.01,
    "qr_unreadable": 0.01,
    "other_campaign": 0.01,
    "unissued": 0.01,
    "duplicate_conflict": 0.01,  # each counts two pages: the sheet scanned twice, marked apart
}

INKS = {"blue": (25, 40, 125), "black": (25, 25, 30)}
FAINT_INK = (190, 190, 195)
PAPER = (255, 255, 255)

TRUTH_FIELDS = (
    "file",
    "page",
    "ballot_id",
    "secretary_id",
    "source",
    "decision",
    "status",
    "score",
    "reason",
)


@dataclass(frozen=True)
class Sheet:
    """One printed ballot page: where it is in its booklet and what its QR code says."""

    booklet: Path
    index: int  # 0-based page of the booklet
    code: BallotCode
    role: str  # the secretary's role: the `kinds` entry of the layout

    @property
    def serial(self) -> str:
        return self.code.serial


@dataclass(frozen=True)
class Marks:
    """What the voter's pen did. `score` is the clear tick (or the faint one of `faint`);
    `other` the second cell: double's second tick, two_candidates' faint mark, across_border's
    neighbour, struck_out's scribbled-over cell (then `score` is the correction, or None)."""

    case: str = "tick"
    score: int | None = None
    other: int | None = None
    glyph: str = "tick"  # or "cross"
    ink: str = "blue"
    pen_mm: float = 0.6
    comments: tuple[str, ...] = ()  # text boxes written in: "problems", "suggestions"


@dataclass(frozen=True)
class Scan:
    """What the MFP did to the sheet. `mode` is "rgb", "grey" or "bw" (1-bit)."""

    rotate: float = 0.0  # degrees, counter-clockwise
    shift_mm: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0
    upside_down: bool = False
    noise: float = 0.0  # grey levels, sigma
    blur: float = 0.0  # pixels, sigma
    jpeg: int | None = None  # in-memory JPEG round trip at this quality
    mode: str = "grey"
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)
    threshold: int = 150


@dataclass(frozen=True)
class Truth:
    """What a careful person concludes from one page."""

    ballot_id: str
    secretary_id: str
    source: str
    decision: str  # auto, review, rejected, skip
    status: str = ""  # auto pages: valid, blank, invalid
    score: int | None = None
    reason: str = ""

    def row(self, file: str, page: int) -> dict:
        """The truth.csv row of this page, `page` 1-based within `file`."""
        score = "" if self.score is None else self.score
        return {"file": file, "page": page, **dataclasses.asdict(self), "score": score}


@dataclass
class Forms:
    """One `forms` run's booklets: the layout, each page's identity (its QR code, read once per
    booklet) and each page rendered grey at `dpi`."""

    forms_out: Path
    dpi: int = DPI
    data: Path = DATA
    layout: dict = field(init=False)
    roles: dict[str, str] = field(init=False)
    _sheets: dict[Path, dict[int, Sheet]] = field(init=False, default_factory=dict)
    _docs: dict[Path, pdfium.PdfDocument] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        import json

        folder = self.forms_out / "forms" / "选票"
        self.layout = json.loads((folder / "ballot-layout.json").read_text(encoding="utf-8"))
        secretaries = yaml.safe_load((self.data / "secretaries.yaml").read_text(encoding="utf-8"))
        self.roles = {s["id"]: s["role"] for s in secretaries}

    def booklets(self) -> list[Path]:
        return sorted((self.forms_out / "forms" / "选票").glob("*.pdf"))

    def page_count(self, booklet: Path) -> int:
        return len(self._doc(booklet))

    def issued(self) -> set[str]:
        path = self.forms_out / "forms" / "ballots-issued.csv"
        with path.open(encoding="utf-8-sig", newline="") as f:
            return {row["ballot_id"] for row in csv.DictReader(f)}

    def sheets(self, booklet: Path) -> list[Sheet]:
        """Every page of the booklet with its identity, read from the QR codes."""
        return [self.sheet(booklet, i) for i in range(self.page_count(booklet))]

    def sheet(self, booklet: Path, index: int) -> Sheet:
        """The booklet's page `index` (0-based), its QR code read once and kept."""
        known = self._sheets.setdefault(booklet, {})
        if index not in known:
            known[index] = self._identify(booklet, index)
        return known[index]

    def kind(self, sheet: Sheet) -> dict:
        return self.layout["kinds"][sheet.role]

    def render(self, sheet: Sheet) -> np.ndarray:
        """The page as printed: grey, uint8, A4 at `dpi`."""
        page = self._doc(sheet.booklet)[sheet.index]
        bitmap = page.render(scale=self.dpi / 72, grayscale=True)
        return np.array(bitmap.to_pil().convert("L"))

    def _doc(self, booklet: Path) -> pdfium.PdfDocument:
        if booklet not in self._docs:
            self._docs[booklet] = pdfium.PdfDocument(booklet)
        return self._docs[booklet]

    def _identify(self, booklet: Path, index: int) -> Sheet:
        page = self._doc(booklet)[index]
        x, y, w, h = next(iter(self.layout["kinds"].values()))["qr"]
        pad = 4
        crop = (  # pypdfium2's margins to cut: left, bottom, right, top, in pt
            (x - pad) * PT_PER_MM,
            (PAGE_MM[1] - y - h - pad) * PT_PER_MM,
            (PAGE_MM[0] - x - w - pad) * PT_PER_MM,
            (y - pad) * PT_PER_MM,
        )
        image = page.render(scale=self.dpi / 72, grayscale=True, crop=crop).to_pil()
        found = read_codes(image) or read_codes(page.render(scale=self.dpi / 72).to_pil())
        if not found:
            raise ValueError(f"{booklet.name} page {index + 1}: no ballot QR code")
        return Sheet(booklet, index, found[0], self.roles[found[0].secretary_id])


def read_codes(image: Image.Image | np.ndarray) -> list[BallotCode]:
    """The ballot codes zxing-cpp reads on an image (any rotation)."""
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code for r in results if (code := parse_code(r.text))]


# --- the hand ---------------------------------------------------------------------------------


def px(mm: float, dpi: int) -> float:
    return mm * dpi / MM_PER_INCH


def _stroke(
    image: np.ndarray,
    points_mm: Sequence[tuple[float, float]],
    dpi: int,
    ink: tuple[int, int, int],
    pen_mm: float,
) -> None:
    pts = np.array([[px(x, dpi) * 16, px(y, dpi) * 16] for x, y in points_mm], dtype=np.int32)
    thickness = max(1, round(px(pen_mm, dpi)))
    cv2.polylines(image, [pts], False, ink, thickness, cv2.LINE_AA, shift=4)


def _path(rng: random.Random, corners: Sequence[tuple[float, float]], jitter: float):
    """A hand's polyline through the corners: many small steps, each a little off."""
    points = []
    wobble = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        steps = max(4, int(math.hypot(x1 - x0, y1 - y0) / 0.4))
        for i in range(steps):
            t = i / steps
            wobble = 0.7 * wobble + rng.gauss(0, jitter)
            dx, dy = y1 - y0, x0 - x1  # normal to the segment, unnormalised
            norm = math.hypot(dx, dy) or 1.0
            points.append(
                (x0 + t * (x1 - x0) + wobble * dx / norm, y0 + t * (y1 - y0) + wobble * dy / norm)
            )
    points.append(corners[-1])
    return points


def glyph_strokes(rng: random.Random, glyph: str, box: tuple[float, float, float, float]):
    """The strokes of a √ or × filling `box` (x, y, w, h in mm)."""
    x, y, w, h = box
    if glyph == "cross":
        return [
            _path(rng, [(x, y), (x + w, y + h)], 0.08),
            _path(rng, [(x + w, y), (x, y + h)], 0.08),
        ]
    knee = (x + w * rng.uniform(0.3, 0.42), y + h)
    return [_path(rng, [(x, y + h * rng.uniform(0.45, 0.65)), knee, (x + w, y)], 0.08)]


def _inner(cell: Sequence[float], margin: float) -> tuple[float, float, float, float]:
    x, y, w, h = cell
    return x + margin, y + margin, w - 2 * margin, h - 2 * margin


def _glyph_box(rng: random.Random, inner: tuple[float, float, float, float]):
    """A glyph's box of hand size, placed anywhere inside `inner`."""
    x, y, w, h = inner
    gw = min(w, rng.uniform(5.0, 8.0))
    gh = min(h, rng.uniform(5.0, 9.0))
    return (x + rng.uniform(0, w - gw), y + rng.uniform(0, h - gh), gw, gh)


def draw_glyph(image, rng, dpi, cell, glyph, ink, pen_mm) -> None:
    """A √ or × inside the cell, clear of its borders by at least 1 mm of paper."""
    margin = 1.2 + pen_mm / 2 + 0.3  # 0.3: the jitter's reach
    for stroke in glyph_strokes(rng, glyph, _glyph_box(rng, _inner(cell, margin))):
        _stroke(image, stroke, dpi, ink, pen_mm)


def draw_scribble(image, rng, dpi, cell, ink, pen_mm, over=None) -> None:
    """A heavy zig-zag striking out a mark: dense strokes over `over` (default: the cell)."""
    x, y, w, h = over or _inner(cell, 1.2 + pen_mm / 2)
    ox, oy = x - 0.5, y - 0.5
    ow, oh = w + 1.0, h + 1.0
    corners = []
    rows = max(6, int(oh / 0.9))
    for i in range(rows + 1):
        yy = oy + oh * i / rows
        corners.append((ox + (0 if i % 2 else ow) + rng.uniform(-0.3, 0.3), yy))
    cell_inner = _inner(cell, 0.8 + pen_mm / 2)
    clipped = [_clip(p, cell_inner) for p in corners]
    _stroke(image, _path(rng, clipped, 0.05), dpi, ink, pen_mm)


def _clip(point, box):
    x, y, w, h = box
    return (min(max(point[0], x), x + w), min(max(point[1], y), y + h))


def draw_comments(image, rng, dpi, box, ink, pen_mm) -> None:
    """Lines of handwriting-like scribbles in a text box, clear of its borders."""
    x, y, w, h = _inner(box, 4.0)
    line_height = 7.0
    for line in range(rng.randint(1, max(1, min(4, int(h // line_height))))):
        baseline = y + line * line_height
        cx = x + rng.uniform(0, 6)
        end = x + rng.uniform(0.4, 1.0) * w
        while cx + 5 < end:
            size = rng.uniform(3.5, 5.0)
            for _ in range(rng.randint(2, 5)):
                a = (cx + rng.uniform(0, size), baseline + rng.uniform(0, size))
                b = (cx + rng.uniform(0, size), baseline + rng.uniform(0, size))
                _stroke(image, _path(rng, [a, b], 0.05), dpi, ink, pen_mm * 0.8)
            cx += size + rng.uniform(0.5, 1.5)


def mark_page(grey: np.ndarray, kind: dict, marks: Marks, rng: random.Random, dpi: int):
    """Return the page (RGB uint8) with the voter's marks drawn on it."""
    image = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    cells = {int(k): v for k, v in kind.get("score_cells", {}).items()}
    if marks.case != "blank" and not cells:
        raise ValueError("this layout has no tick cells (a written-score scale)")
    ink, pen = INKS[marks.ink], marks.pen_mm
    faint_pen = rng.uniform(0.2, 0.3)
    case = marks.case
    if case in ("tick", "double", "two_candidates") or (case == "struck_out" and marks.score):
        draw_glyph(image, rng, dpi, cells[marks.score], marks.glyph, ink, pen)
    if case == "double":
        draw_glyph(image, rng, dpi, cells[marks.other], marks.glyph, ink, pen)
    if case == "faint":
        draw_glyph(image, rng, dpi, cells[marks.score], marks.glyph, FAINT_INK, faint_pen)
    if case == "two_candidates":
        draw_glyph(image, rng, dpi, cells[marks.other], marks.glyph, FAINT_INK, faint_pen)
    if case == "across_border":
        left, _ = sorted((cells[marks.score], cells[marks.other]), key=lambda c: c[0])
        border = left[0] + left[2]
        gw = rng.uniform(6.0, 8.0)
        top, height = left[1] + 2.0, left[3] - 4.0
        gh = rng.uniform(5.0, min(9.0, height))
        gx = border - gw * rng.uniform(0.35, 0.65)
        box = (gx, top + rng.uniform(0, height - gh), gw, gh)
        for stroke in glyph_strokes(rng, marks.glyph, box):
            _stroke(image, stroke, dpi, ink, pen)
    if case == "struck_out":
        cell = cells[marks.other]
        margin = 1.2 + pen / 2 + 0.3
        box = _glyph_box(rng, _inner(cell, margin))
        for stroke in glyph_strokes(rng, marks.glyph, box):
            _stroke(image, stroke, dpi, ink, pen)
        draw_scribble(image, rng, dpi, cell, ink, max(pen, 0.8), over=box)
    for name in marks.comments:
        draw_comments(image, rng, dpi, kind["text_boxes"][name], ink, pen)
    return image


def expected(marks: Marks) -> tuple[str, str, int | None, str]:
    """The decision, status, score and reason the marks alone call for."""
    if marks.case == "tick":
        return "auto", "valid", marks.score, ""
    if marks.case == "blank":
        return "auto", "blank", None, ""
    if marks.case == "double":
        return "auto", "invalid", None, ""
    return "review", "", None, marks.case


# --- what happens to the paper ----------------------------------------------------------------


def cover_corner(image: np.ndarray, kind: dict, corner: int, rng: random.Random, dpi: int):
    """Paper over one corner mark, as a torn or folded corner leaves it."""
    x, y, w, h = kind["corner_marks"][corner]
    cx = 0.0 if x + w / 2 < PAGE_MM[0] / 2 else PAGE_MM[0]
    cy = 0.0 if y + h / 2 < PAGE_MM[1] / 2 else PAGE_MM[1]
    # The triangle's legs reach past the mark's far corner: leg ≥ dx + dy of that corner.
    far = abs(cx - (x if cx else x + w)) + abs(cy - (y if cy else y + h))
    leg = far + rng.uniform(3, 6)
    stretch = rng.uniform(1.0, 1.3)
    wide = rng.random() < 0.5
    while True:  # only the corner: never over the QR code or the serial, or the truth would lie
        legs = (leg * stretch, leg) if wide else (leg, leg * stretch)
        if not any(_in_corner(cx, cy, legs, box) for box in (kind["qr"], kind["serial"])):
            break
        stretch = max(1.0, stretch - 0.05)
        leg -= 0.5 if stretch == 1.0 else 0.0
        if leg < far:
            raise ValueError("this layout's corner mark cannot be torn off alone")
    sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)
    points = [(cx, cy), (cx + sx * legs[0], cy), (cx, cy + sy * legs[1])]
    pts = np.array([[px(a, dpi), px(b, dpi)] for a, b in points], dtype=np.int32)
    cv2.fillPoly(image, [pts], PAPER)


def _in_corner(cx: float, cy: float, legs: tuple[float, float], box, margin: float = 1.0):
    """Whether the corner triangle with these legs reaches the box (grown by `margin`)."""
    x, y, w, h = box[0] - margin, box[1] - margin, box[2] + 2 * margin, box[3] + 2 * margin
    return any(
        abs(px_ - cx) / legs[0] + abs(py_ - cy) / legs[1] <= 1
        for px_ in (x, x + w)
        for py_ in (y, y + h)
    )


def smudge_qr(image: np.ndarray, kind: dict, rng: random.Random, dpi: int) -> None:
    """An ink blot over the middle of the QR code: unreadable, the serial under it intact."""
    x, y, w, h = kind["qr"]
    centre = (round(px(x + w / 2 + rng.uniform(-2, 2), dpi)), round(px(y + h / 2, dpi)))
    axes = (round(px(w * rng.uniform(0.33, 0.4), dpi)), round(px(h * rng.uniform(0.3, 0.38), dpi)))
    cv2.ellipse(image, centre, axes, rng.uniform(0, 180), 0, 360, (60, 55, 70), -1, cv2.LINE_AA)
    for _ in range(6):
        a = (x + rng.uniform(2, w - 2), y + rng.uniform(2, h - 2))
        b = (x + rng.uniform(2, w - 2), y + rng.uniform(2, h - 2))
        _stroke(image, _path(rng, [a, b], 0.1), dpi, (40, 40, 50), 1.5)


def restamp(image: np.ndarray, kind: dict, code: BallotCode, dpi: int) -> None:
    """Print another code over the sheet's: its QR at the layout's place and size, its serial."""
    x, y, w, h = kind["qr"]
    _paper(image, (x - 1, y - 1, w + 2, h + 2), dpi)
    matrix = segno.make(
        code.payload(), error="m", micro=False, encoding="utf-8", eci=True, mask=2,
        boost_error=False,
    ).matrix  # fmt: skip
    module = w / len(matrix)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x0, y0 = px(x + c * module, dpi), px(y + r * module, dpi)
                x1, y1 = px(x + (c + 1) * module, dpi), px(y + (r + 1) * module, dpi)
                image[round(y0) : round(y1), round(x0) : round(x1)] = 0
    sx, sy, sw, sh = kind["serial"]
    _paper(image, (sx + sw - 25, sy, 25, sh), dpi)
    font = ImageFont.truetype("DejaVuSans.ttf", round(px(3.9, dpi)))
    picture = Image.fromarray(image)
    ImageDraw.Draw(picture).text(
        (px(sx + sw, dpi), px(sy + sh - 1.2, dpi)), code.serial, fill=(0, 0, 0), font=font,
        anchor="rs",
    )  # fmt: skip
    image[:] = np.array(picture)


def _paper(image: np.ndarray, box, dpi: int) -> None:
    x, y, w, h = box
    image[round(px(y, dpi)) : round(px(y + h, dpi)), round(px(x, dpi)) : round(px(x + w, dpi))] = (
        255
    )


def random_serial(rng: random.Random, avoid: set[str]) -> str:
    while True:
        text = "".join(rng.choice(ALPHABET) for _ in range(8))
        serial = f"{text[:4]}-{text[4:]}"
        if serial not in avoid:
            return serial


# --- the MFP ----------------------------------------------------------------------------------


def scan_page(image: np.ndarray, scan: Scan, rng: random.Random, dpi: int) -> Image.Image:
    """Return what the MFP makes of the (RGB) sheet: moved, blurred, noisy, in its mode."""
    if scan.mode != "rgb":
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    height, width = image.shape[:2]
    angle = scan.rotate + (180.0 if scan.upside_down else 0.0)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scan.scale)
    matrix[0, 2] += px(scan.shift_mm[0], dpi)
    matrix[1, 2] += px(scan.shift_mm[1], dpi)
    paper = PAPER if scan.mode == "rgb" else 255
    out = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=paper)
    if scan.blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), scan.blur)
    if scan.mode == "rgb" and scan.tint != (1.0, 1.0, 1.0):
        out = cv2.transform(out, np.diag(np.array(scan.tint, dtype=np.float32)))
    if scan.noise > 0:
        out = add_noise(out, scan.noise, rng)
    if scan.mode == "bw":
        return Image.fromarray(out >= scan.threshold)
    picture = Image.fromarray(out, "RGB" if scan.mode == "rgb" else "L")
    if scan.jpeg:
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=scan.jpeg)
        picture = Image.open(io.BytesIO(buffer.getvalue()))
        picture.load()
    return picture


_NOISE: dict[tuple[int, int], np.ndarray] = {}
_NOISE_SLACK = 256


def add_noise(image: np.ndarray, sigma: float, rng: random.Random) -> np.ndarray:
    """Gaussian sensor noise: a random window of one fixed noise field (drawing a fresh field
    for each page would cost more than the rest of the scan)."""
    height, width = image.shape[:2]
    if (height, width) not in _NOISE:
        field = np.random.default_rng(0).standard_normal(
            (height + _NOISE_SLACK, width + _NOISE_SLACK), dtype=np.float32
        )
        _NOISE[height, width] = field
    top, left = rng.randrange(_NOISE_SLACK), rng.randrange(_NOISE_SLACK)
    window = _NOISE[height, width][top : top + height, left : left + width]
    out = image.astype(np.float32)
    if out.ndim == 3:
        out += (window * sigma)[..., None]
    else:
        cv2.scaleAdd(window, sigma, out, out)
    return np.clip(out, 0, 255, out=out).astype(np.uint8)


def blank_back(rng: random.Random, dpi: int, mode: str) -> Image.Image:
    """The empty back of a sheet scanned duplex: paper, light noise, a few specks."""
    width, height = round(px(PAGE_MM[0], dpi)), round(px(PAGE_MM[1], dpi))
    grey = add_noise(np.full((height, width), 248, dtype=np.uint8), 3.0, rng)
    for _ in range(rng.randint(0, 6)):
        cx, cy, r = rng.randrange(width), rng.randrange(height), rng.randint(1, 3)
        grey[max(0, cy - r) : cy + r, max(0, cx - r) : cx + r] = rng.randint(60, 160)
    if mode == "bw":
        return Image.fromarray(grey >= 150)
    if mode == "rgb":
        return Image.fromarray(grey).convert("RGB")
    return Image.fromarray(grey, "L")


def random_scan(rng: random.Random, mode: str) -> Scan:
    """A sheet as an office MFP feeds it: mostly nearly straight, now and then upside down."""
    tints = {"rgb": (1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 0.98))}
    return Scan(
        rotate=max(-5.0, min(5.0, rng.gauss(0, 1.5))),
        shift_mm=(rng.uniform(-5, 5), rng.uniform(-5, 5)),
        scale=rng.uniform(0.97, 1.03),
        upside_down=rng.random() < 0.1,
        noise=rng.uniform(0, 6),
        blur=rng.uniform(0, 1.0),
        mode=mode,
        tint=tints.get(mode, (1.0, 1.0, 1.0)),
        threshold=rng.randint(140, 170),
    )


def keeps_on_page(scan: Scan, kind: dict, margin_mm: float = 1.0) -> bool:
    """Whether every corner mark and the QR code stay on the scanned page: a sheet skewed and
    shifted far enough to cut a mark off would make an ordinary page's truth wrong."""
    width, height = PAGE_MM
    angle = scan.rotate + (180.0 if scan.upside_down else 0.0)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scan.scale)
    matrix[:, 2] += scan.shift_mm
    for x, y, w, h in [*kind["corner_marks"], kind["qr"]]:
        corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]])
        moved = corners @ matrix.T
        if (
            moved.min() < margin_mm
            or (moved.max(axis=0) > (width - margin_mm, height - margin_mm)).any()
        ):
            return False
    return True


def random_marks(rng: random.Random, case: str, scores: Sequence[int]) -> Marks:
    """Marks of the given case on random cells, with a random pen."""
    score = rng.choice(scores)
    near = [s for s in scores if abs(s - score) == 1]
    far = [s for s in scores if s != score]
    other = {
        "double": rng.choice(far),
        "two_candidates": rng.choice(far),
        "across_border": rng.choice(near),
        "struck_out": rng.choice(far),
    }.get(case)
    if case == "struck_out" and rng.random() < 0.2:
        score = None  # struck out and nothing else ticked
    comments = tuple(n for n in ("problems", "suggestions") if rng.random() < 0.3)
    return Marks(
        case=case,
        score=None if case == "blank" else score,
        other=other,
        glyph="cross" if rng.random() < 0.2 else "tick",
        ink=rng.choice(("blue", "blue", "black")),
        pen_mm=rng.uniform(0.4, 0.9),
        comments=comments,
    )


# --- the files --------------------------------------------------------------------------------


def write_file(path: Path, pages: Sequence[Image.Image], dpi: int, quality: int = 75) -> None:
    """Write pages as an MFP would: the format by the suffix, multi-page for PDF and TIFF."""
    first, rest = pages[0], list(pages[1:])
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        jpeg = {} if first.mode == "1" else {"quality": quality}  # 1-bit pages go in as G4
        first.save(
            path, "PDF", save_all=True, append_images=rest, resolution=float(dpi),
            creationDate=FIXED_DATE, modDate=FIXED_DATE, producer="MFP", **jpeg,
        )  # fmt: skip
    elif suffix in (".tif", ".tiff"):
        compression = "group4" if first.mode == "1" else "tiff_lzw"
        first.save(
            path, "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi),
            compression=compression,
        )  # fmt: skip
    elif len(pages) != 1:
        raise ValueError(f"{path.name}: one page per PNG or JPEG file")
    elif suffix == ".png":
        first.save(path, "PNG", dpi=(dpi, dpi))
    elif suffix in (".jpg", ".jpeg"):
        first.save(path, "JPEG", dpi=(dpi, dpi), quality=quality)
    else:
        raise ValueError(f"{path.name}: not a format an MFP writes here")


def page_count(path: Path) -> int:
    if path.suffix.lower() == ".pdf":
        return len(pdfium.PdfDocument(path))
    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)


def write_truth(path: Path, rows: Sequence[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, TRUTH_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_truth(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- the corpus -------------------------------------------------------------------------------


def make_scan(
    forms: Forms,
    sheet: Sheet,
    marks: Marks,
    scan: Scan,
    rng: random.Random,
    case: str = "ordinary",
    issued: set[str] | None = None,
) -> tuple[Image.Image, Truth]:
    """One sheet marked by `marks`, with the sheet `case` done to it (SHEET_CASES), through the
    MFP as `scan` says: the scanned page and its truth. (A duplicate_conflict is two such pages
    of one sheet with different scores; this marks either as such.)"""
    if case not in SHEET_CASES:
        raise ValueError(f"unknown sheet case {case!r}")
    kind = forms.kind(sheet)
    image = mark_page(forms.render(sheet), kind, marks, rng, forms.dpi)
    decision, status, score, reason = expected(marks)
    code = sheet.code
    if case == "corner_missing":
        cover_corner(image, kind, rng.randrange(4), rng, forms.dpi)
    elif case == "qr_unreadable":
        smudge_qr(image, kind, rng, forms.dpi)
    elif case in ("other_campaign", "unissued"):
        fingerprint = code.fingerprint
        if case == "other_campaign":
            fingerprint = "".join(rng.choice("0123456789abcdef") for _ in range(8))
            fingerprint = fingerprint if fingerprint != code.fingerprint else "00000000"
        serial = random_serial(rng, forms.issued() if issued is None else issued)
        code = dataclasses.replace(code, serial=serial, fingerprint=fingerprint)
        restamp(image, kind, code, forms.dpi)
    if case != "ordinary":
        rejected = case in ("other_campaign", "unissued")
        decision, status, score, reason = ("rejected" if rejected else "review"), "", None, case
    truth = Truth(code.serial, code.secretary_id, code.source, decision, status, score, reason)
    return scan_page(image, scan, rng, forms.dpi), truth


@dataclass
class _Batch:
    name: str  # file name
    mode: str
    duplex: bool
    quality: int
    slots: list[tuple[str, int]] = field(default_factory=list)  # (case, pair id)


def _plan_cases(pages: int, mix: Mapping[str, float]) -> list[str]:
    cases: list[str] = []
    for case, share in mix.items():
        if case not in MARK_CASES + SHEET_CASES or case in ("tick", "ordinary"):
            raise ValueError(f"unknown case {case!r}")
        count = max(1, round(share * pages)) if share > 0 else 0
        cases += [case] * (2 * count if case == "duplicate_conflict" else count)
    if len(cases) > pages:
        raise ValueError(f"{pages} pages cannot hold the mix's {len(cases)} unusual pages")
    return cases + ["tick"] * (pages - len(cases))


def _plan_batches(rng: random.Random, pages: int) -> list[_Batch]:
    batches: list[_Batch] = []
    left = pages
    while left:
        fmt = rng.choices(("pdf", "tif", "png", "jpg"), (50, 20, 15, 15))[0]
        size = 1 if fmt in ("png", "jpg") else min(left, rng.randint(2, 30))
        mode = rng.choices(("rgb", "grey", "bw"), (30, 40, 30))[0]
        if fmt == "jpg" and mode == "bw":
            mode = "grey"
        duplex = fmt in ("pdf", "tif") and rng.random() < 0.2
        name = f"scan-{len(batches) + 1:03d}.{fmt}"
        batches.append(_Batch(name, mode, duplex, rng.randint(40, 80)))
        batches[-1].slots = [("", 0)] * size
        left -= size
    return batches


def build_corpus(
    forms_out: Path,
    dest: Path,
    pages: int = 100,
    seed: int = 1,
    mix: Mapping[str, float] = DEFAULT_MIX,
    dpi: int = DPI,
    data: Path = DATA,
    forms: Forms | None = None,
) -> list[dict]:
    """Write `pages` scanned ballot pages (plus blank duplex backs) into `dest` as MFP files,
    and `dest/truth.csv`; return the truth rows. Deterministic for a seed."""
    rng = random.Random(seed)
    forms = forms or Forms(forms_out, dpi, data)
    if forms.dpi != dpi:
        raise ValueError("the Forms' dpi differs from the corpus's")
    dest.mkdir(parents=True, exist_ok=True)
    for stale in [*dest.glob("scan-*.*"), dest / "truth.csv"]:  # an earlier corpus's files
        stale.unlink(missing_ok=True)
    cases = _plan_cases(pages, mix)
    batches = _plan_batches(rng, pages)
    _assign(rng, cases, batches)

    slots = [(b, i) for b in batches for i in range(len(b.slots))]
    pool = [(booklet, i) for booklet in forms.booklets() for i in range(forms.page_count(booklet))]
    distinct = len({pair for _, (_, pair) in _flat(batches)}) if batches else 0
    if distinct > len(pool):
        raise ValueError(f"{distinct} sheets asked for, {len(pool)} printed")
    chosen = rng.sample(pool, distinct)
    issued = forms.issued()
    picked: dict[int, tuple[Sheet, int]] = {}  # pair id → sheet, first score of a duplicate
    images: dict[str, list[Image.Image]] = {b.name: [] for b in batches}
    rows: list[dict] = []
    for batch, index in slots:
        case, pair = batch.slots[index]
        if pair not in picked:
            booklet, page = chosen[len(picked)]
            picked[pair] = (forms.sheet(booklet, page), 0)
        sheet, first_score = picked[pair]
        scores = sorted(int(s) for s in forms.kind(sheet).get("score_cells", {}))
        marks = random_marks(rng, case if case in MARK_CASES else "tick", scores)
        if case == "duplicate_conflict":
            if first_score:
                score = rng.choice([s for s in scores if s != first_score])
                marks = dataclasses.replace(marks, score=score)
            else:
                picked[pair] = (sheet, marks.score or 0)
        sheet_case = case if case in SHEET_CASES else "ordinary"
        scan = random_scan(rng, batch.mode)
        while not keeps_on_page(scan, forms.kind(sheet)):
            scan = random_scan(rng, batch.mode)
        scanned, truth = make_scan(forms, sheet, marks, scan, rng, sheet_case, issued)
        images[batch.name].append(scanned)
        rows.append(truth.row(batch.name, len(images[batch.name])))
        if batch.duplex:
            images[batch.name].append(blank_back(rng, dpi, batch.mode))
            rows.append(
                {**dict.fromkeys(TRUTH_FIELDS, ""), "file": batch.name,
                 "page": len(images[batch.name]), "decision": "skip", "reason": "blank_page"}
            )  # fmt: skip
    for batch in batches:
        write_file(dest / batch.name, images[batch.name], dpi, batch.quality)
    write_truth(dest / "truth.csv", rows)
    return rows


def _flat(batches: Sequence[_Batch]):
    return [(b, slot) for b in batches for slot in b.slots]


def _assign(rng: random.Random, cases: list[str], batches: list[_Batch]) -> None:
    """Put each case in a slot: faint marks never on 1-bit pages, a duplicate's two scans
    apart; every other page its own sheet (pair id)."""
    slots = [(b, i) for b in batches for i in range(len(b.slots))]
    rng.shuffle(slots)
    faint = [c for c in cases if c in FAINT_CASES]
    others = [c for c in cases if c not in FAINT_CASES]
    rng.shuffle(others)
    soft = [s for s in slots if s[0].mode != "bw"]
    if len(soft) < len(faint):  # too few grey or colour pages for the faint marks
        for b, _ in slots:
            b.mode = "grey"
        soft = slots
    faint_slots = soft[: len(faint)]
    rest = [s for s in slots if s not in faint_slots]
    pair = 0
    duplicate_first: int | None = None
    for (b, i), case in zip(faint_slots + rest, faint + others, strict=True):
        if case == "duplicate_conflict":
            if duplicate_first is None:
                duplicate_first = pair
                b.slots[i] = (case, pair)
                pair += 1
            else:
                b.slots[i] = (case, duplicate_first)
                duplicate_first = None
        else:
            b.slots[i] = (case, pair)
            pair += 1


FORMS_FILES = ("forms/选票/ballot-layout.json", "forms/ballots-issued.csv")


def fresh_out(forms_out: Path, folder: Path) -> Path:
    """An output folder holding only what `scan` reads of a `forms` run."""
    for relative in FORMS_FILES:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(forms_out / relative, folder / relative)
    return folder


def rows(path: Path) -> list[dict]:
    """Return a CSV file's rows (sheets.csv, truth.csv, …)."""
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))
