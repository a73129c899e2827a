"""The filled 评议表: each ballot read, written back onto the sheet it was cast on.

One page per ballot, at the fixed places of the ballot sheet (ballot_sheet.py): the √ in the
cell of its score (on a scale too wide for tick cells, the number in its box), its two texts in
their boxes, its serial and source, and 空白票 / 废票 marked plainly on those. The words live
here; templates/html/filled_forms.html and templates/docx/filled_form.docx only lay them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.ballot import Ballot
from ..model.campaign import Campaign, Secretary
from ..render.fitting import PT
from ..render.geometry import Box
from .ballot_sheet import PADDING, QR_SIZE, QR_TOP, RULE, SheetLayout
from .evaluation_form import TICK_SIZE, EvaluationForm

TICK = "√"  # what the evaluator drew in the score cell (工作方案 附件 注: 划“√”)
SCANNED = "〔手写，见扫描件〕"  # the DOCX's words where the PDF shows the scanned handwriting
STATUS_MARKS = {"valid": "", "blank": "空白票", "invalid": "废票"}
MARK_WIDTH, MARK_HEIGHT = 36.0, 14.0  # mm: the 空白票 / 废票 box, where the sheet had its QR code


@dataclass(frozen=True, slots=True)
class FilledSheet:
    """Every word and mark of one ballot's page."""

    kind: str  # the form kind (the secretary's role): which layout places the boxes
    form: EvaluationForm
    source: str  # 上述, 下评: the sheet's form is laid out once per secretary and source
    source_line: str  # 评议类别：上述
    serial_line: str  # 编号 8E9A-886B
    mark: str  # 空白票, 废票, or "" on a valid ballot
    ticks: tuple[str, ...]  # one per score cell of form.scores: TICK in the ticked one, else ""
    written: str  # the score in the written-score box (form.written), else ""
    problems: str
    suggestions: str
    pictures: Mapping[str, str] = field(default_factory=dict)  # text box → its scan (file URI)


def source_order(campaign: Campaign, role: str) -> list[str]:
    """Return the sources of a role in meeting order: as campaign.yaml lists the evaluators."""
    return list(dict.fromkeys([*campaign.evaluators[role], *campaign.rules.weights[role]]))


def meeting_order(campaign: Campaign, secretary: Secretary, ballots: list[Ballot]) -> list[Ballot]:
    """Return one secretary's ballots source by source as the meeting went, each by serial."""
    order = source_order(campaign, secretary.role)
    mine = [b for b in ballots if b.secretary_id == secretary.id]
    return sorted(mine, key=lambda b: (order.index(b.source), b.serial))


def filled_sheet(
    secretary: Secretary,
    form: EvaluationForm,
    ballot: Ballot,
    pictures: Mapping[str, str] | None = None,
) -> FilledSheet:
    """Return the page of one ballot: only a valid ballot shows a √ or its number. A text box
    scanned with writing in it shows the scan in the PDF (the paper's own words are kept, not a
    transcription) and, in the DOCX, the text typed from it or else SCANNED."""
    pictures = pictures or {}
    ticked = ballot.score if ballot.status == "valid" else None
    written = str(ticked) if form.written is not None and ticked is not None else ""
    return FilledSheet(
        kind=secretary.role,
        form=form,
        source=ballot.source,
        source_line=f"评议类别：{ballot.source}",
        serial_line=f"编号 {ballot.serial}",
        mark=STATUS_MARKS[ballot.status],
        ticks=tuple(TICK if score == ticked else "" for score in form.scores),
        written=written,
        problems=_typed(ballot.problems, "problems" in pictures),
        suggestions=_typed(ballot.suggestions, "suggestions" in pictures),
        pictures=dict(pictures),
    )


def _typed(text: str, scanned: bool) -> str:
    """Return a box's text for the DOCX: a scanned box without a transcription says SCANNED."""
    return text.strip() or (SCANNED if scanned else "")


def mark_box(layout: SheetLayout) -> Box:
    """Return where 空白票 / 废票 goes: right-aligned over the serial, where the QR code was."""
    right = layout.serial.x + layout.serial.w
    return Box(right - MARK_WIDTH, QR_TOP + (QR_SIZE - MARK_HEIGHT) / 2, MARK_WIDTH, MARK_HEIGHT)


def tick_size(width: float) -> float:
    """Return the √'s size in a cell this wide (filled_forms.css .tick: TICK_SIZE), or less so
    that the glyph (1 em), set from the cell's left padding as a line too wide for it is, ends
    inside the cell."""
    room = width - PADDING - RULE
    return min(TICK_SIZE, int(room / PT * 4) / 4)


def filled_css(kind: str, layout: SheetLayout) -> str:
    """Return the boxes the blank sheet does not place: serial, mark, the √ centred in its cell
    or the written number in its box."""
    if layout.written is None:
        cell = layout.score_cells[0][1]
        size = tick_size(cell.w)
        sized = "" if size == TICK_SIZE else f"; font-size:{size:g}pt"
        ink = f".{kind} .tick {{ line-height:{cell.h:.3f}mm{sized} }}"
    else:
        ink = f".{kind} .written {{ line-height:{layout.written.box.h:.3f}mm }}"
    return "\n".join(
        (
            f".{kind} .serial {{ {layout.serial.style}; line-height:{layout.serial.h:.3f}mm }}",
            f".{kind} .status {{ {mark_box(layout).style}; "
            f"line-height:{MARK_HEIGHT - 1.2:.3f}mm }}",
            ink,
        )
    )
