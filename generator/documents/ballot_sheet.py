"""The serialised ballot: the 评议表 at fixed places, so a scanner can read it later.

Every box is given in millimetres from the page's top-left corner. The same figures place the
boxes on the page (templates/html/ballot_sheet.html) and go into the layout file beside the
booklets (`ballot-layout.json`), so what the file says is where the ink is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model.ballot_code import LAYOUT_VERSION, PAYLOAD
from ..model.campaign import Scale
from ..render.fitting import fit
from ..render.geometry import PAGE, Box
from ..render.stamp import QR_ERROR, qr_modules
from .evaluation_form import SCORE_AREA, EvaluationForm, WrittenScore

LEFT, WIDTH = 28.0, 156.0  # the 版心's left edge and width, as on the 通知
LABEL_WIDTH = WIDTH - SCORE_AREA  # 44 mm; right of it, the score cells share the score area
TABLE_TOP = 76.0
ROW_HEIGHTS = {
    "grades": 10.0,
    "scores": 10.0,
    "overall": 30.0,
    "problems": 55.0,
    "suggestions": 55.0,
}
MARK_SIZE, MARK_INSET = 8.0, 12.0  # corner marks: filled squares for aligning a scan
QR_SIZE, QR_TOP = 24.0, 22.0
QR_QUIET = 3.5  # mm of blank paper around the QR code: over 4 modules (stamp.QR_MIN_VERSION)
RULE = 0.25  # the table's lines, mm
PADDING = 1.5  # mm: a cell's padding on each side (ballot_sheet.css .cell)
CELL_SIZE = 14.0  # pt: the cells' words (ballot_sheet.css body), the largest a header is set in
TITLE_SIZE = 20.0  # pt: the title's largest size
TITLE_TOP, TITLE_HEIGHT = 58.0, 12.0
WRITTEN_BOX = (36.0, 16.0)  # mm: the box a score on a wide scale is written in
UNIT_WIDTH = 8.0  # mm: 分, after that box
HEADER_LABEL = "评价内容"  # over the questions (ballot_sheet.html)
# The form kind, small, bottom left within the margin, level with the bottom corner marks: a
# person holding a sheet (or a scan) can tell which kind's boxes to read without the QR code.
FORM_LABEL = Box(LEFT, PAGE[1] - MARK_INSET - 4.0, 80.0, 4.0)
FORM_LABEL_SIZE = 8.0  # pt
ROUND = 2  # the layout file's new figures: mm to 0.01


@dataclass(frozen=True, slots=True)
class Label:
    """Printed words in their box, at a size that keeps them inside: one line or several."""

    box: Box
    size: float  # pt
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.lines)

    @property
    def line_height(self) -> float:
        """Return each line's height in mm: the lines share the box's height, centred in it."""
        return self.box.h / len(self.lines)


@dataclass(frozen=True, slots=True)
class GradeCell:
    """A grade over the score cells it spans."""

    grade: str
    low: int
    high: int
    label: Label


@dataclass(frozen=True, slots=True)
class WrittenLayout:
    """The overall row on a scale too wide for tick cells: one box for the written number."""

    low: int
    high: int
    guide: Label  # the grades and their scores, over both header rows
    cell: Box  # the overall row's score area, framed
    prompt: Label  # 请填写分数（0～100分）
    box: Box  # where the number is written
    unit: Label  # 分
    bands: tuple[tuple[str, int, int], ...]  # (grade, lowest, highest score), best first


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where everything of one form kind is on the sheet."""

    corner_marks: tuple[Box, ...]
    qr: Box
    serial: Box
    source: Box
    title: Label  # one line, as large as fits the table's width
    header_label: Box  # 评价内容, over both header rows
    grade_cells: tuple[GradeCell, ...]  # none on a written-score sheet
    score_headers: tuple[tuple[int, Box], ...]
    score_size: float  # pt: the score headers' size, the same for all
    labels: tuple[Box, ...]  # the three questions
    score_cells: tuple[tuple[int, Box], ...]  # where the √ goes; none on a written-score sheet
    written: WrittenLayout | None  # the box for a written score, on a wide scale
    text_boxes: tuple[tuple[str, Box], ...]  # problems, suggestions
    note: Box
    note_text: str


def _row_tops() -> dict[str, float]:
    tops, y = {}, TABLE_TOP
    for row, height in ROW_HEIGHTS.items():
        tops[row] = y
        y += height
    return tops


def score_width(columns: int) -> float:
    """Return a score cell's width in mm: the score area shared evenly."""
    return SCORE_AREA / columns


def cell_label(words: Sequence[str], box: Box, largest: float = CELL_SIZE) -> Label:
    """Return the words set inside a framed cell: within its padding, lines breaking between
    words, as large as fits up to `largest`."""
    inner_width = box.w - 2 * PADDING - RULE  # the border is centred on the edge
    fitted = fit(words, inner_width, box.h - RULE, largest)
    return Label(box, fitted.size, fitted.lines)


def title_label(title: str) -> Label:
    """Return the title on one line over the table's width: smaller than TITLE_SIZE if long."""
    box = Box(LEFT, TITLE_TOP, WIDTH, TITLE_HEIGHT)
    fitted = fit(list(title), box.w, box.h, TITLE_SIZE, max_lines=1)
    return Label(box, fitted.size, fitted.lines)


def sheet_layout(form: EvaluationForm) -> SheetLayout:
    """Return the sheet's boxes for this form: its grade spans decide the header cells."""
    top = _row_tops()
    right = PAGE[0] - MARK_INSET - MARK_SIZE
    bottom = PAGE[1] - MARK_INSET - MARK_SIZE
    marks = tuple(
        Box(x, y, MARK_SIZE, MARK_SIZE) for y in (MARK_INSET, bottom) for x in (MARK_INSET, right)
    )
    width = score_width(len(form.scores) or 1)
    column = {score: LEFT + LABEL_WIDTH + i * width for i, score in enumerate(form.scores)}
    score_headers = tuple(
        (s, Box(x, top["scores"], width, ROW_HEIGHTS["scores"])) for s, x in column.items()
    )
    table_right = LEFT + WIDTH
    return SheetLayout(
        corner_marks=marks,
        qr=Box(table_right - QR_SIZE, QR_TOP, QR_SIZE, QR_SIZE),
        serial=Box(table_right - 50.0, QR_TOP + QR_SIZE + QR_QUIET, 50.0, 6.0),
        source=Box(LEFT, QR_TOP + 2.0, 100.0, 8.0),
        title=title_label(form.title),
        header_label=Box(
            LEFT, top["grades"], LABEL_WIDTH, ROW_HEIGHTS["grades"] + ROW_HEIGHTS["scores"]
        ),
        grade_cells=_grade_cells(form, column, width, top["grades"]),
        score_headers=score_headers,
        score_size=min(
            (cell_label([str(s)], box).size for s, box in score_headers), default=CELL_SIZE
        ),
        labels=tuple(
            Box(LEFT, top[row], LABEL_WIDTH, ROW_HEIGHTS[row])
            for row in ("overall", "problems", "suggestions")
        ),
        score_cells=tuple(
            (s, Box(x, top["overall"], width, ROW_HEIGHTS["overall"])) for s, x in column.items()
        ),
        written=None if form.written is None else written_layout(form.written, top),
        text_boxes=tuple(
            (row, Box(LEFT + LABEL_WIDTH, top[row], SCORE_AREA, ROW_HEIGHTS[row]))
            for row in ("problems", "suggestions")
        ),
        note=Box(LEFT, top["suggestions"] + ROW_HEIGHTS["suggestions"] + 3.0, WIDTH, 24.0),
        note_text=form.note,
    )


FORM_OF_KIND = {"branch": "附件1", "committee": "附件2"}  # the 通知's 附件 each role's form is


def form_label(kind: str) -> Label:
    """Return the form kind printed on its sheets: the 通知's 附件 the clerk knows it by, then the
    layout file's key and version a reader matches."""
    text = f"评议表（{FORM_OF_KIND.get(kind, kind)}）{kind} · 版式{LAYOUT_VERSION}"
    fitted = fit(list(text), FORM_LABEL.w, FORM_LABEL.h, FORM_LABEL_SIZE, max_lines=1)
    return Label(FORM_LABEL, fitted.size, fitted.lines)


def _grade_cells(
    form: EvaluationForm, column: dict[int, float], width: float, top: float
) -> tuple[GradeCell, ...]:
    """Return each grade's header cell, over the cells of its scores, its name fitted inside."""
    cells = []
    for span in form.header:
        box = Box(column[span.high], top, width * len(span.scores), ROW_HEIGHTS["grades"])
        cells.append(GradeCell(span.grade, span.low, span.high, cell_label(list(span.grade), box)))
    return tuple(cells)


def written_layout(written: WrittenScore, top: dict[str, float]) -> WrittenLayout:
    """Return the written-score sheet's boxes: the guide over both header rows; in the overall
    row, the prompt, the box for the number and 分, right-aligned, all inside the row's cell."""
    x = LEFT + LABEL_WIDTH
    header = ROW_HEIGHTS["grades"] + ROW_HEIGHTS["scores"]
    cell = Box(x, top["overall"], SCORE_AREA, ROW_HEIGHTS["overall"])
    box_w, box_h = WRITTEN_BOX
    y = cell.y + (cell.h - box_h) / 2
    unit = Box(x + SCORE_AREA - PADDING - UNIT_WIDTH, y, UNIT_WIDTH, box_h)
    box = Box(unit.x - PADDING - box_w, y, box_w, box_h)
    prompt = Box(x + PADDING, y, box.x - PADDING - (x + PADDING), box_h)
    return WrittenLayout(
        low=written.low,
        high=written.high,
        guide=cell_label(written.guide, Box(x, top["grades"], SCORE_AREA, header)),
        cell=cell,
        prompt=_unframed(written.label, prompt),
        box=box,
        unit=_unframed(written.unit, unit),
        bands=tuple((span.grade, span.low, span.high) for span in written.bands),
    )


def _unframed(text: str, box: Box) -> Label:
    fitted = fit(list(text), box.w, box.h, CELL_SIZE)
    return Label(box, fitted.size, fitted.lines)


def layout_css(kind: str, layout: SheetLayout) -> str:
    """Return CSS that puts every box of this form kind in place, once for all its sheets.

    Classes instead of inline styles: WeasyPrint then parses each position once, not per copy.
    A label's lines share its box's height; its size is given where it is not the default.
    """
    boxes: list[tuple[str, Box, bool, str]] = [
        ("source", layout.source, False, ""),
        ("title", layout.title.box, False, _size(layout.title.size, TITLE_SIZE)),
        ("header-label", layout.header_label, True, _lines(layout.header_label.h)),
        ("note", layout.note, False, ""),
        ("form-label", FORM_LABEL, False, _label_style(form_label(kind))),
    ]
    boxes += [(f"mark-{i}", box, False, "") for i, box in enumerate(layout.corner_marks)]
    boxes += [
        (f"grade-{i}", cell.label.box, True, _label_style(cell.label))
        for i, cell in enumerate(layout.grade_cells)
    ]
    head_style = _lines(ROW_HEIGHTS["scores"]) + _size(layout.score_size, CELL_SIZE)
    boxes += [(f"head-{score}", box, True, head_style) for score, box in layout.score_headers]
    boxes += [(f"question-{i}", box, True, "") for i, box in enumerate(layout.labels)]
    boxes += [(f"cell-{score}", box, True, "") for score, box in layout.score_cells]
    if (written := layout.written) is not None:
        boxes += [
            ("guide", written.guide.box, True, _label_style(written.guide)),
            ("written-cell", written.cell, True, ""),
            ("prompt", written.prompt.box, False, _label_style(written.prompt)),
            ("written-box", written.box, True, ""),
            ("unit", written.unit.box, False, _label_style(written.unit)),
        ]
    boxes += [(f"text-{name}", box, True, "") for name, box in layout.text_boxes]
    rules = []
    for name, box, framed, extra in boxes:
        style = box.grown(RULE / 2).style if framed else box.style  # borders centred on edges
        rules.append(f".{kind} .{name} {{ {style}{extra} }}")
    return "\n".join(rules)


def _label_style(label: Label) -> str:
    return _lines(label.line_height) + _size(label.size, CELL_SIZE)


def _lines(height: float) -> str:
    return f"; line-height:{height:.3f}mm"


def _size(size: float, default: float) -> str:
    return "" if size == default else f"; font-size:{size:g}pt"


def layout_description(layouts: dict[str, SheetLayout], scale: Scale, qr_version: int) -> dict:
    """Return the layout file's content: every box a scanner needs, per form kind, in mm.

    `rating` says what the overall row holds: `score_cells` (a cell to tick per score, under
    `grade_headers`) or `written_score` (one box for a written number, under `grade_guide`: a
    scanner sends such sheets to a person). `printed` lists every box the sheet prints in, so a
    reader can tell print from a voter's marks; `rules` says where a box's edge lies on its line.
    """
    return {
        "layout_version": LAYOUT_VERSION,
        "units": "mm, from the top-left corner of the page",
        "page": list(PAGE),
        "orientation": {"page": "portrait", "qr_corner": "top_right"},
        "rules": {
            "width": RULE,
            "box_edges": "centre",
            "framed": "score_cells, text_boxes, grade_headers, written_score, grade_guide and "
            "each printed box with framed: true; each edge is the middle of a line `width` wide",
        },
        "qr_payload": PAYLOAD,
        "scale": {"min": scale.low, "max": scale.high},
        "kinds": {
            kind: _kind_description(kind, layout, qr_version) for kind, layout in layouts.items()
        },
    }


def qr_description(box: Box, version: int) -> dict:
    """Return the QR code's settings: a reader can check a decode against them."""
    modules = qr_modules(version)
    module = box.w / modules
    return {
        "box": box.as_list(ROUND),
        "error_correction": QR_ERROR,
        "version": version,
        "modules": modules,
        "module_size": round(module, ROUND),
        "quiet_zone": {"modules": int(QR_QUIET / module * 100) / 100, "mm": QR_QUIET},
    }


def printed_boxes(kind: str, layout: SheetLayout) -> list[dict]:
    """Return every box the sheet prints in, with its words where every sheet of the kind has
    the same: ink there is print, not a voter's mark. A framed box's edges are its lines'
    middles. The row labels name the secretary, the serial and source differ: no words."""

    def item(what: str, box: Box, text: str | None = None, framed: bool = False) -> dict:
        described: dict = {"what": what}
        if text is not None:
            described["text"] = text
        described["box"] = box.as_list(ROUND)
        if framed:
            described["framed"] = True
        return described

    items = [item("corner_mark", box) for box in layout.corner_marks]
    items += [item("qr", layout.qr), item("serial", layout.serial), item("source", layout.source)]
    items.append(item("title", layout.title.box, layout.title.text))
    items.append(item("header_label", layout.header_label, HEADER_LABEL, framed=True))
    items += [item("grade_header", c.label.box, c.grade, True) for c in layout.grade_cells]
    items += [item("score_header", box, str(s), True) for s, box in layout.score_headers]
    if (written := layout.written) is not None:
        items += [
            item("grade_guide", written.guide.box, written.guide.text, True),
            item("written_cell", written.cell, framed=True),
            item("written_prompt", written.prompt.box, written.prompt.text),
            item("written_unit", written.unit.box, written.unit.text),
        ]
    items += [item("row_label", box, framed=True) for box in layout.labels]  # name the secretary
    items.append(item("note", layout.note, layout.note_text))
    label = form_label(kind)
    items.append(item("form_label", label.box, label.text))
    return items


def _kind_description(kind: str, layout: SheetLayout, qr_version: int) -> dict:
    label = form_label(kind)
    described: dict = {
        "corner_marks": [box.as_list() for box in layout.corner_marks],
        "qr": layout.qr.as_list(),
        "qr_code": qr_description(layout.qr, qr_version),
        "serial": layout.serial.as_list(),
        "title": layout.title.box.as_list(),
        "form_label": {"text": label.text, "box": label.box.as_list(ROUND)},
    }
    written = layout.written
    if written is None:
        described["rating"] = "score_cells"
        described["score_cells"] = {str(s): box.as_list() for s, box in layout.score_cells}
        described["grade_headers"] = [
            {"grade": c.grade, "min": c.low, "max": c.high, "box": c.label.box.as_list()}
            for c in layout.grade_cells
        ]
    else:
        described["rating"] = "written_score"
        described["written_score"] = {
            "kind": "written_score",
            "box": written.box.as_list(),
            "min": written.low,
            "max": written.high,
        }
        described["grade_guide"] = {
            "box": written.guide.box.as_list(),
            "grades": [{"grade": g, "min": low, "max": high} for g, low, high in written.bands],
        }
    described["text_boxes"] = {name: box.as_list() for name, box in layout.text_boxes}
    described["printed"] = printed_boxes(kind, layout)
    return described
