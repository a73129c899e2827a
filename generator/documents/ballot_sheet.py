"""The serialised ballot: the 评议表 at fixed places, so a scanner can read it later.

Every box is given in millimetres from the page's top-left corner. The same figures place the
boxes on the page (templates/html/ballot_sheet.html) and go into the layout file beside the
booklets (`ballot-layout.json`), so what the file says is where the ink is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..render.geometry import PAGE, Box
from .evaluation_form import EvaluationForm

LEFT, WIDTH = 28.0, 156.0  # the 版心's left edge and width, as on the 通知
LABEL_WIDTH = 44.0
SCORE_WIDTH = (WIDTH - LABEL_WIDTH) / 10
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
RULE = 0.25  # the table's lines, mm
QR_PAYLOAD = "SZPY|{year}|{serial}|{secretary_id}|{source}|{fingerprint}"


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where everything of one form kind is on the sheet."""

    corner_marks: tuple[Box, ...]
    qr: Box
    serial: Box
    source: Box
    title: Box
    header_label: Box  # 评价内容, over both header rows
    grade_cells: tuple[tuple[str, Box], ...]
    score_headers: tuple[tuple[int, Box], ...]
    labels: tuple[Box, ...]  # the three questions
    score_cells: tuple[tuple[int, Box], ...]  # where the √ goes
    text_boxes: tuple[tuple[str, Box], ...]  # problems, suggestions
    note: Box


def _row_tops() -> dict[str, float]:
    tops, y = {}, TABLE_TOP
    for row, height in ROW_HEIGHTS.items():
        tops[row] = y
        y += height
    return tops


def sheet_layout(form: EvaluationForm) -> SheetLayout:
    """Return the sheet's boxes for this form: its grade spans decide the header cells."""
    top = _row_tops()
    right = PAGE[0] - MARK_INSET - MARK_SIZE
    bottom = PAGE[1] - MARK_INSET - MARK_SIZE
    marks = tuple(
        Box(x, y, MARK_SIZE, MARK_SIZE) for y in (MARK_INSET, bottom) for x in (MARK_INSET, right)
    )
    column = {score: LEFT + LABEL_WIDTH + i * SCORE_WIDTH for i, score in enumerate(form.scores)}
    grades = tuple(
        (
            span.grade,
            Box(
                column[span.scores[0]],
                top["grades"],
                SCORE_WIDTH * len(span.scores),
                ROW_HEIGHTS["grades"],
            ),
        )
        for span in form.header
    )
    table_right = LEFT + WIDTH
    return SheetLayout(
        corner_marks=marks,
        qr=Box(table_right - QR_SIZE, QR_TOP, QR_SIZE, QR_SIZE),
        serial=Box(table_right - 50.0, QR_TOP + QR_SIZE + 1.5, 50.0, 6.0),
        source=Box(LEFT, QR_TOP + 2.0, 100.0, 8.0),
        title=Box(LEFT, 58.0, WIDTH, 12.0),
        header_label=Box(
            LEFT, top["grades"], LABEL_WIDTH, ROW_HEIGHTS["grades"] + ROW_HEIGHTS["scores"]
        ),
        grade_cells=grades,
        score_headers=tuple(
            (s, Box(x, top["scores"], SCORE_WIDTH, ROW_HEIGHTS["scores"]))
            for s, x in column.items()
        ),
        labels=tuple(
            Box(LEFT, top[row], LABEL_WIDTH, ROW_HEIGHTS[row])
            for row in ("overall", "problems", "suggestions")
        ),
        score_cells=tuple(
            (s, Box(x, top["overall"], SCORE_WIDTH, ROW_HEIGHTS["overall"]))
            for s, x in column.items()
        ),
        text_boxes=tuple(
            (row, Box(LEFT + LABEL_WIDTH, top[row], WIDTH - LABEL_WIDTH, ROW_HEIGHTS[row]))
            for row in ("problems", "suggestions")
        ),
        note=Box(LEFT, top["suggestions"] + ROW_HEIGHTS["suggestions"] + 3.0, WIDTH, 24.0),
    )


def layout_css(kind: str, layout: SheetLayout) -> str:
    """Return CSS that puts every box of this form kind in place, once for all its sheets.

    Classes instead of inline styles: WeasyPrint then parses each position once, not per copy.
    """
    boxes = [
        ("source", layout.source, False),
        ("title", layout.title, False),
        ("header-label", layout.header_label, True),
        ("note", layout.note, False),
    ]
    boxes += [(f"mark-{i}", box, False) for i, box in enumerate(layout.corner_marks)]
    boxes += [(f"grade-{i}", box, True) for i, (_, box) in enumerate(layout.grade_cells)]
    boxes += [(f"head-{score}", box, True) for score, box in layout.score_headers]
    boxes += [(f"question-{i}", box, True) for i, box in enumerate(layout.labels)]
    boxes += [(f"cell-{score}", box, True) for score, box in layout.score_cells]
    boxes += [(f"text-{name}", box, True) for name, box in layout.text_boxes]
    rules = []
    for name, box, framed in boxes:
        style = box.grown(RULE / 2).style if framed else box.style  # borders centred on edges
        rules.append(
            f".{kind} .{name} {{ {style}; line-height:{box.h:.3f}mm }}"
            if name.startswith(("grade-", "head-", "header-"))
            else f".{kind} .{name} {{ {style} }}"
        )
    return "\n".join(rules)


def layout_description(layouts: dict[str, SheetLayout]) -> dict:
    """Return the layout file's content: every box a scanner needs, per form kind, in mm."""
    return {
        "units": "mm, from the top-left corner of the page",
        "page": list(PAGE),
        "qr_payload": QR_PAYLOAD,
        "kinds": {
            kind: {
                "corner_marks": [box.as_list() for box in layout.corner_marks],
                "qr": layout.qr.as_list(),
                "serial": layout.serial.as_list(),
                "score_cells": {str(score): box.as_list() for score, box in layout.score_cells},
                "text_boxes": {name: box.as_list() for name, box in layout.text_boxes},
            }
            for kind, layout in layouts.items()
        },
    }
