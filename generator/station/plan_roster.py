"""书记名单: the secretaries as a table, exported to XLSX and imported from it.

An imported workbook is read by the CLI's own reader (load/secretaries.py), every problem shown
at its cell, before anything is written. The data folder then keeps the list as secretaries.yaml,
written from what was read: one format to read and diff, the one the archive embeds; the loader
refuses a folder holding both files, so a secretaries.xlsx put there by hand is moved aside. The
replaced file is kept under the station's folder, never lost.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import yaml
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..load.campaign import load_campaign_file
from ..load.folder import DataFolder
from ..load.secretaries import COLUMNS, load_secretaries
from ..model.campaign import Campaign, Secretary
from ..model.errors import InputError
from .files import file_digest, write_atomically
from .plan_drafts import (
    CAMPAIGN,
    SECRETARIES_XLSX,
    SECRETARIES_YAML,
    DraftFolder,
    Shown,
    check_folder,
    introduced,
    shown,
)
from .store import STATION_FOLDER, now

SHEET = "书记名单"
WORKBOOK_LIMIT = 4 << 20  # a county's 1,000 secretaries take well under 1 MB
LIST_COLUMNS = ("key_issues", "last_year_issues")
ITEM_BREAKS = frozenset("；\n\r")  # what separates a cell's items (load/secretaries.py)
WIDTHS = {"name": 10, "organization": 28, "key_issues": 50, "last_year_issues": 40}
REPLACED = f"{STATION_FOLDER}/replaced"


@dataclass
class Roster:
    """The secretaries as the loader reads them, or the problems that stop it."""

    secretaries: list[Secretary]
    problems: list[Shown]
    file: str  # the file they come from
    digest: str  # of both possible files: a form sends it back to refuse a stale import


@dataclass
class Imported:
    """An uploaded workbook, checked: the list to write, or the problems at their cells."""

    secretaries: list[Secretary] = field(default_factory=list)
    content: bytes | None = None  # secretaries.yaml to write, when the workbook is valid
    problems: list[Shown] = field(default_factory=list)
    warnings: list[Shown] = field(default_factory=list)


def roster_digest(data_dir: Path) -> str:
    both = file_digest(data_dir / SECRETARIES_YAML) + file_digest(data_dir / SECRETARIES_XLSX)
    return hashlib.sha256(both.encode()).hexdigest()


def current_roster(data_dir: Path) -> Roster:
    folder = DataFolder(data_dir)
    file = SECRETARIES_XLSX if folder.exists(SECRETARIES_XLSX) else SECRETARIES_YAML
    try:
        found = load_secretaries(folder, _campaign(data_dir))
        return Roster(found, [], file, roster_digest(data_dir))
    except InputError as e:
        return Roster([], [shown(p, data_dir) for p in e.problems], file, roster_digest(data_dir))


def split_on_import(secretaries: list[Secretary]) -> list[str]:
    """Return the secretaries with a list item holding “；” or a line break: a cell keeps one
    item a line (or per “；”), so such an item would come back from Excel as two."""
    return [
        f"{s.name}（{s.id}）"
        for s in secretaries
        if any(ITEM_BREAKS & set(item) for item in (*s.key_issues, *s.last_year_issues))
    ]


def export_workbook(secretaries: list[Secretary]) -> bytes:
    """Return the secretaries as secretaries.xlsx: the loader's columns, one item a line."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for secretary in secretaries:
        sheet.append([_cell(secretary, column) for column in COLUMNS])
    for column, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS.get(name, 12)
        sheet.cell(1, column).font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            elif cell.value is not None and cell.column == COLUMNS.index("appointed") + 1:
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _cell(secretary: Secretary, column: str) -> object:
    value = getattr(secretary, column)
    if column in LIST_COLUMNS:
        return "\n".join(value) or None
    if column == "evaluators":
        return "；".join(f"{source}: {count}" for source, count in value.items()) or None
    return value


def check_import(data_dir: Path, content: bytes) -> Imported:
    """Read an uploaded workbook as the loader reads secretaries.xlsx, with the font check of
    `forms`; return the YAML to write, or every problem at its cell."""
    draft = DraftFolder(data_dir, {SECRETARIES_XLSX: content}, left_out={SECRETARIES_YAML})
    try:
        secretaries = load_secretaries(draft, _campaign(data_dir))
    except InputError as e:
        return Imported(problems=[shown(p, data_dir) for p in e.problems])
    showable, after = check_folder(draft)
    _, before = check_folder(DataFolder(data_dir))
    problems = introduced(after, before, SECRETARIES_XLSX)
    if problems:
        return Imported(problems=problems)
    warnings = [shown(w, data_dir) for w in showable.warnings] if showable else []
    content = roster_yaml(secretaries)
    _check_same(data_dir, content, secretaries)
    return Imported(secretaries, content, [], [w for w in warnings if w.file == SECRETARIES_XLSX])


def roster_yaml(secretaries: list[Secretary]) -> bytes:
    """Return secretaries.yaml holding exactly these secretaries, in this order."""
    entries = []
    for secretary in secretaries:
        entry: dict[str, object] = {name: getattr(secretary, name) for name in COLUMNS}
        entry["key_issues"] = list(secretary.key_issues)
        entry["last_year_issues"] = list(secretary.last_year_issues)
        entries.append({k: v for k, v in entry.items() if v not in (None, [], {})})
    head = f"# 述职的党组织书记：由工作站导入（{now():%Y-%m-%d %H:%M} UTC）\n\n"
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)
    return (head + body.replace("\n- ", "\n\n- ")).encode()


def _check_same(data_dir: Path, content: bytes, secretaries: list[Secretary]) -> None:
    """Refuse to write a YAML that the loader would read differently from the workbook."""
    draft = DraftFolder(data_dir, {SECRETARIES_YAML: content}, left_out={SECRETARIES_XLSX})
    if load_secretaries(draft, _campaign(data_dir)) != secretaries:
        raise RuntimeError("secretaries.yaml written from the workbook reads differently")


def write_roster(data_dir: Path, content: bytes) -> list[str]:
    """Write secretaries.yaml; keep the files it replaces under .station/replaced/ and move a
    secretaries.xlsx aside, which would otherwise stand beside it. Return what was kept."""
    stamp = f"{now():%Y%m%dT%H%M%S}"
    kept = []
    for name in (SECRETARIES_YAML, SECRETARIES_XLSX):
        path = data_dir / name
        if path.is_file():
            write_atomically(data_dir / REPLACED / f"{stamp}-{name}", path.read_bytes())
            kept.append(f"{REPLACED}/{stamp}-{name}")
    write_atomically(data_dir / SECRETARIES_YAML, content)
    (data_dir / SECRETARIES_XLSX).unlink(missing_ok=True)
    return kept


def _campaign(data_dir: Path) -> Campaign | None:
    """Return the campaign to check secretaries against, or None when its file is broken (the
    settings page shows why)."""
    path = data_dir / CAMPAIGN
    try:
        return load_campaign_file(path.read_bytes(), CAMPAIGN)
    except (InputError, OSError):
        return None
