"""The pages `scan` sent to a person, and the decisions written for them in DIR/scan-review.csv.

A page's state follows what `scan` does with the file on its next run (scan/settle.py): a page
naming a serial is settled by that serial's decision; a page whose QR code could not be read by a
decision naming a serial no page was read as, in page order. A decision counts once `scan` has run
again: until then the page is `decided`, and `letters` would still find it waiting.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..load.scan_review import COLUMNS, REVIEW_FILE, Decision, read_review
from ..model.campaign import Scale
from ..model.errors import InputError
from ..pipeline.scan import campaign_for
from ..scan.decide import REASONS
from ..scan.sheet import Campaign
from .files import file_digest, write_atomically

SHEETS = Path("scan") / "sheets.csv"
NOTE_MAX = 200  # characters of a person's note on a decision
DECIDED = " | 人工判定 / decided: "  # how sheets.csv's reason carries a person's note
_review_lock = threading.Lock()  # the server's threads merge into one file
ADVICE = {  # what a person does for each reason (docs/scanning.md)
    "faint": "对照原票：确为勾选，按该格分数；只是污迹，判为空白票。",
    "two_candidates": "淡痕是误触或已擦去，按清晰勾选的分数（扫描读数）；两处都是勾选，判为废票。",
    "across_border": "评议人意图清楚，按其分数；否则判为废票。",
    "struck_out": "另有一格是要选的勾，按该格分数；否则按工作方案判定（通常为废票）。",
    "corner_missing": "核对扫描读数与原票是否一致。",
    "not_registered": "对照原票判定。",
    "written_score": "按手写的分数录入。",
    "qr_unreadable": "读出二维码下方印刷的编号，填入后按该票判定。",
    "duplicate_conflict": "找到原票，只判定一次。",
}


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One page of OUT/scan/sheets.csv; `row` is its place (1-based), which names its picture."""

    row: int
    file: str
    page: int
    ballot_id: str
    secretary_id: str
    source: str
    score: str
    status: str
    decision: str  # auto, review, rejected
    reason: str  # a key of scan.decide.REASONS, or ""
    note: str | None  # the person's note once `scan` applied a decision

    @property
    def reason_zh(self) -> str:
        return REASONS[self.reason][0] if self.reason in REASONS else ""


@dataclass(frozen=True, slots=True)
class Pending:
    """A page in review: `pending` (no decision), `decided` (not yet applied by `scan`), or
    `applied`; with the decision that settles it."""

    sheet: SheetRow
    state: str
    decided: Decision | None
    marker: str  # what a decision form sends back: the page's decisions as shown


@dataclass(frozen=True, slots=True)
class ScanState:
    """The last scan as the page shows it: its pages, the queue in review, and what is wrong."""

    campaign: Campaign | None  # None before `forms`, say
    sheets: list[SheetRow]
    queue: list[Pending]
    problems: list[str]

    def item(self, row: int) -> Pending | None:
        return next((item for item in self.queue if item.sheet.row == row), None)

    def count(self, state: str) -> int:
        return sum(item.state == state for item in self.queue)

    def decided(self, decision: str) -> int:
        return sum(sheet.decision == decision for sheet in self.sheets)


def scan_state(data_dir: Path, out_dir: Path) -> ScanState:
    """Read the campaign, the last scan and the decisions, once for a request."""
    sheets = read_sheets(out_dir)
    try:
        campaign = campaign_for(data_dir, out_dir)
    except InputError as e:
        return ScanState(None, sheets, review_queue(sheets, {}), [str(p) for p in e.problems])
    try:
        decisions = read_review(data_dir, campaign.scale)
    except InputError as e:
        return ScanState(campaign, sheets, review_queue(sheets, {}), [str(p) for p in e.problems])
    return ScanState(campaign, sheets, review_queue(sheets, decisions), [])


def read_sheets(out_dir: Path) -> list[SheetRow]:
    """Return every page the last scan read, in order (none before the first)."""
    path = out_dir / SHEETS
    if not path.is_file():
        return []
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return [_sheet_row(row, index) for index, row in enumerate(reader, start=1)]


def _sheet_row(row: dict[str, str], index: int) -> SheetRow:
    reason, note = row.get("reason", ""), None
    if DECIDED in reason:
        reason, note = reason.split(DECIDED, 1)
    key = reason.split(":", 1)[0].strip()
    return SheetRow(
        index, row.get("file", ""), int(row.get("page") or 0), row.get("ballot_id", ""),
        row.get("secretary_id", ""), row.get("source", ""), row.get("score", ""),
        row.get("status", ""), row.get("decision", ""), key if key in REASONS else "", note,
    )  # fmt: skip


def sheets_digest(out_dir: Path) -> str:
    """Return the last scan's fingerprint: a form made from an older scan is stale."""
    return file_digest(out_dir / SHEETS)[:16]


def review_queue(sheets: list[SheetRow], decisions: dict[str, Decision]) -> list[Pending]:
    """Return every page in review with its state, in page order."""
    read = {s.ballot_id for s in sheets if s.ballot_id and s.decision != "rejected"}
    manual = sorted(serial for serial in decisions if serial not in read)
    unread_marker = _marker(",".join(manual))
    queue, waiting = [], iter(manual)
    for sheet in sheets:
        if sheet.decision != "review":
            continue
        if not sheet.ballot_id:
            serial = next(waiting, None)
            decided = decisions[serial] if serial else None
            queue.append(
                Pending(sheet, "decided" if decided else "pending", decided, unread_marker)
            )
            continue
        decided = decisions.get(sheet.ballot_id)
        state = (
            "pending" if decided is None else "applied" if _applied(sheet, decided) else "decided"
        )
        queue.append(Pending(sheet, state, decided, _marker(_shown(decided))))
    return queue


def _applied(sheet: SheetRow, decided: Decision) -> bool:
    score = "" if decided.score is None else str(decided.score)
    return sheet.note == decided.note and (sheet.status, sheet.score) == (decided.status, score)


def _shown(decided: Decision | None) -> str:
    return "" if decided is None else f"{decided.status}|{decided.score}|{decided.note}"


def _marker(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def next_pending(queue: list[Pending], after: int) -> Pending | None:
    """Return the next page awaiting a decision after page `after`, from the start again."""
    waiting = [item for item in queue if item.state == "pending"]
    return next((item for item in waiting if item.sheet.row > after), None) or next(
        iter(waiting), None
    )


def write_decision(data_dir: Path, scale: Scale, decided: Decision) -> None:
    """Merge one decision into DIR/scan-review.csv: one row per serial, the last decision wins,
    sorted by serial. A file that does not read raises its InputError and is left alone."""
    with _review_lock:
        decisions = read_review(data_dir, scale)
        decisions[decided.ballot_id] = decided
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for serial in sorted(decisions):
            d = decisions[serial]
            writer.writerow((serial, "" if d.score is None else d.score, d.status, d.note))
        write_atomically(data_dir / REVIEW_FILE, buffer.getvalue().encode("utf-8"))


class DecisionError(ValueError):
    """A decision refused; the message says why, in Chinese and English."""


def chosen(choice: str, typed: str, reading: str, scale: Scale) -> tuple[str, int | None]:
    """Return the status and score a decision form asks for: a score button, the score typed,
    blank, invalid, or `accept` (the scan's reading)."""
    if choice in ("blank", "invalid"):
        return choice, None
    value = {"accept": reading, "typed": typed.strip()}.get(choice, choice)
    if choice == "accept" and not value:
        raise DecisionError(
            "扫描没有给出读数，请选择分数 / the scan gave no reading: choose a score"
        )
    if not value.isdigit() or not scale.low <= int(value) <= scale.high:
        raise DecisionError(
            f"请选择 {scale.low}～{scale.high} 的分数、空白票或废票"
            f" / choose a score from {scale.low} to {scale.high}, blank or invalid"
        )
    return "valid", int(value)


def score_keys(scale: Scale) -> list[tuple[int, str]]:
    """Return each score's button and its key: 1–9 their digit, 10 the key 0 (when 0 is off
    the scale); a scale too wide for buttons has none (the score is typed)."""
    low, high = scale.low, scale.high
    if high - low > 10:
        return []
    keys = {score: str(score) for score in range(max(low, 0), min(high, 9) + 1)}
    if low > 0 and high == 10:
        keys[10] = "0"
    return [(score, keys.get(score, "")) for score in range(high, low - 1, -1)]


def decision_from(
    form: Mapping[str, str], item: Pending, sheets: list[SheetRow], campaign: Campaign
) -> Decision:
    """Return the decision a form asks for on a page in review, or raise DecisionError."""
    sheet = item.sheet
    serial = sheet.ballot_id or unread_serial(form.get("serial", ""), set(campaign.issued), sheets)
    choice, typed = form.get("decision", ""), form.get("score", "")
    status, score = chosen(choice, typed, sheet.score, campaign.scale)
    shown = "".join(c for c in form.get("note", "") if c.isprintable() or c.isspace())
    note = " ".join(shown.split())[:NOTE_MAX]  # one line, no control character: the file reads
    return Decision(serial, score, status, note, "", "")


def unread_serial(typed: str, issued: set[str], sheets: list[SheetRow]) -> str:
    """Return the serial a person read off a page whose QR code could not be read: one issued
    and read on no other page."""
    serial = typed.strip().upper()
    if serial not in issued:
        raise DecisionError(f"{serial or '（空）'}：编号未发放，请核对 / a serial never issued")
    if any(s.ballot_id == serial and s.decision != "rejected" for s in sheets):
        raise DecisionError(
            f"{serial}：该编号已在另一页读到，请在那一页判定 / read on another page: decide it there"
        )
    return serial
