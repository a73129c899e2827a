"""Read and validate the secretaries who report: secretaries.yaml, or secretaries.xlsx."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from openpyxl.utils import get_column_letter

from ..model.campaign import ROLES, Campaign, Secretary
from ..model.errors import InputError, Problem
from ..model.limits import EVALUATORS_MAX, NAME_MAX, SECRETARIES_MAX, SHEETS_MAX
from .fields import Invalid, Record, as_date, as_text, as_texts, one_of
from .folder import DataFolder
from .workbooks import open_workbook
from .yamlmarks import Marked, MarkedList, file_problem, load_yaml

COLUMNS = (
    "id",
    "name",
    "gender",
    "organization",
    "role",
    "appointed",
    "key_issues",
    "last_year_issues",
    "evaluators",
)
OPTIONAL = ("gender", "last_year_issues", "evaluators")
LIST_COLUMNS = ("key_issues", "last_year_issues")
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
ITEM_SEPARATORS = re.compile(r"[\n\r；]+")
COPY_SEPARATORS = re.compile(r"[\n\r；;,，]+")


def load_secretaries(folder: DataFolder, campaign: Campaign | None) -> list[Secretary]:
    """Return the secretaries in file order, numbered, or raise InputError with every problem.

    Without a campaign (its file is broken) the checks against it are skipped.
    """
    problems: list[Problem] = []
    records = _records(folder, problems)
    if len(records) > SECRETARIES_MAX:
        zh = f"共 {len(records)} 名书记，超过上限 {SECRETARIES_MAX}：请分为几次考核"
        en = f"{len(records)} secretaries, over the bound of {SECRETARIES_MAX}: split the campaign"
        raise InputError([*problems, file_problem(records[0].file, zh, en)])
    secretaries = [_secretary(record, campaign) for record in records]
    _check_repeats(records)
    if not records and not problems:
        shown = folder.shown("secretaries.yaml")
        problems.append(file_problem(shown, "没有书记", "no secretaries"))
    if problems:
        raise InputError(problems)
    found = [secretary for secretary in secretaries if secretary is not None]
    if campaign is not None:
        _check_sheets(found, campaign, records[0].file)
    return [replace(secretary, number=n) for n, secretary in enumerate(found, start=1)]


def _check_sheets(secretaries: list[Secretary], campaign: Campaign, file: str) -> None:
    """Refuse a campaign whose ballots would take hours to print: too many sheets in all."""
    sheets = sum(sum(campaign.copies(s).values()) for s in secretaries)
    if sheets > SHEETS_MAX:
        zh = f"{len(secretaries)} 名书记共需印制 {sheets} 张选票，超过上限 {SHEETS_MAX}"
        en = f"{len(secretaries)} secretaries need {sheets} ballot sheets, over the bound {SHEETS_MAX}"
        raise InputError([file_problem(file, zh, en)])


def _records(folder: DataFolder, problems: list[Problem]) -> list[Record]:
    """Return one record per secretary from whichever of the two files exists."""
    yaml_name, xlsx_name = "secretaries.yaml", "secretaries.xlsx"
    yaml_shown, xlsx_shown = folder.shown(yaml_name), folder.shown(xlsx_name)
    if folder.exists(yaml_name) and folder.exists(xlsx_name):
        zh = "secretaries.yaml 与 secretaries.xlsx 同时存在，请只保留一个"
        problems.append(
            file_problem(yaml_shown, zh, "both secretaries.yaml and .xlsx exist; keep one")
        )
        return []
    if folder.exists(xlsx_name):
        return _xlsx_records(folder.read(xlsx_name), xlsx_shown, problems)
    if not folder.exists(yaml_name):
        zh, en = (
            "缺少 secretaries.yaml（或 secretaries.xlsx）",
            "secretaries.yaml (or .xlsx) not found",
        )
        problems.append(file_problem(yaml_shown, zh, en))
        return []
    return _yaml_records(load_yaml(folder.read(yaml_name), yaml_shown), yaml_shown, problems)


def _yaml_records(data: object, file: str, problems: list[Problem]) -> list[Record]:
    """Return a record for each mapping in the YAML list."""
    if not isinstance(data, MarkedList):
        line = str(getattr(data, "line", 1))
        problems.append(Problem(file, line, "secretaries", "须为列表", "must be a list"))
        return []
    records = []
    for number, (item, item_line) in enumerate(zip(data, data.item_lines, strict=True), start=1):
        if isinstance(item, Marked):
            records.append(Record.of_yaml(item, file, "", problems))
        else:
            zh, en = "每位书记须为映射（键: 值）", "each secretary must be a mapping (key: value)"
            problems.append(Problem(file, str(item_line), f"secretaries[{number}]", zh, en))
    return records


def _xlsx_records(content: bytes, file: str, problems: list[Problem]) -> list[Record]:
    """Return a record for each non-empty row of the first sheet, located by cell."""
    book = open_workbook(content, file)
    sheet = book.worksheets[0]
    for other in book.worksheets[1:]:
        filled = (c for row in other.iter_rows() for c in row if c.value not in (None, ""))
        if (first := next(filled, None)) is not None:
            zh = f"只读取第一个工作表“{sheet.title}”：工作表“{other.title}”中的内容不会被读取，请移入第一个工作表或删除"
            en = f"only the first sheet ({sheet.title}) is read: move sheet {other.title}'s rows there or delete it"
            problems.append(Problem(file, f"{other.title}!{first.coordinate}", "sheet", zh, en))
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    columns = _header(rows[0] if rows else [], sheet.title, file, problems)
    if columns is None:
        return []
    records = []
    for row_number, row in enumerate(rows[1:], start=2):
        if any(cell not in (None, "") for cell in row):
            records.append(_row_record(row, row_number, columns, sheet.title, file, problems))
    return records


def _header(cells: list, sheet: str, file: str, problems: list[Problem]) -> dict | None:
    """Return {column name: column index}; None when a column is unknown, repeated or missing."""
    found: dict[str, int] = {}
    before = len(problems)
    for index, name in enumerate(cells):
        if name in (None, ""):
            continue
        if name in COLUMNS and name not in found:
            found[name] = index
        else:
            where, listed = f"{sheet}!{get_column_letter(index + 1)}1", "、".join(COLUMNS)
            zh = f"未知或重复的列 {name}，应为 {listed} 之一"
            problems.append(
                Problem(file, where, str(name), zh, f"unknown or repeated column {name}")
            )
    last = max((i for i, name in enumerate(cells) if name not in (None, "")), default=-1)
    free_cell = f"{sheet}!{get_column_letter(last + 2)}1"  # where the missing column could go
    for name in COLUMNS:
        if name not in found and name not in OPTIONAL:
            problems.append(
                Problem(file, free_cell, name, f"缺少列 {name}", f"missing column {name}")
            )
    return found if len(problems) == before else None


def _row_record(
    row: list, row_number: int, columns: dict, sheet: str, file: str, problems: list[Problem]
) -> Record:
    """Return a row as a record whose keys are located at their cells."""
    cells = row + [None] * (len(COLUMNS) - len(row))  # openpyxl trims trailing empty cells
    values = {name: _cell_value(name, cells[index]) for name, index in columns.items()}

    def where(name: object) -> str:
        column = columns.get(name, 0) + 1
        return f"{sheet}!{get_column_letter(column)}{row_number}"

    return Record(values, file, "", where, problems)


def _cell_value(column: str, value: object) -> object:
    """Return a cell's value as YAML would give it: list columns split into items."""
    if isinstance(value, str) and column in LIST_COLUMNS:
        return [item.strip() for item in ITEM_SEPARATORS.split(value) if item.strip()]
    return value


def _as_id(value: object) -> str:
    """Return an id safe in file names and serials."""
    ident = as_text(value)
    if not ID_PATTERN.fullmatch(ident):
        zh = f"编号 {ident} 只能含字母、数字、_ 和 -"
        raise Invalid(zh, f"id {ident} must match [A-Za-z0-9_-]+")
    return ident


def _as_name(value: object) -> str:
    """Return a person's name: bounded, and no control characters or path separators."""
    name = as_text(value)
    if len(name) > NAME_MAX:
        zh = f"姓名过长（{len(name)} 字），不能超过 {NAME_MAX} 字"
        raise Invalid(zh, f"name too long ({len(name)} characters, at most {NAME_MAX})")
    for char in name:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in "/\\":
            code = f"U+{ord(char):04X}"
            zh = f"姓名中不能有控制字符或路径分隔符（{code}）"
            raise Invalid(zh, f"a name must not contain control characters or / \\ ({code})")
    return name


def _as_key_issues(value: object) -> tuple[str, ...]:
    """Return the 必答题: at least two."""
    issues = as_texts(value)
    if len(issues) < 2:
        zh = f"至少需要两个必答题，现有 {len(issues)} 个"
        raise Invalid(zh, f"at least 2 key issues (必答题) required, got {len(issues)}")
    return issues


def _as_copies_by_source(value: object) -> dict[str, int]:
    """Return a secretary's own sheet counts per source: `{下评: 31}` in YAML, `下评: 31` in a
    cell (several separated by ；, commas or lines)."""
    if isinstance(value, str):
        pairs = [
            part.replace("：", ":").split(":")
            for part in COPY_SEPARATORS.split(value)
            if part.strip()
        ]
        if any(len(pair) != 2 for pair in pairs):
            raise Invalid(
                "须写成“来源: 份数”，如 下评: 31", "must read source: copies, e.g. 下评: 31"
            )
        value = {source.strip(): count.strip() for source, count in pairs}
        value = {s: int(c) if c.isdigit() else c for s, c in value.items()}
    if not isinstance(value, dict):
        raise Invalid("须为“来源: 份数”的映射", "must map sources to copies")
    copies = {}
    for source, count in value.items():
        if (
            isinstance(count, bool)
            or not isinstance(count, int)
            or not 0 <= count <= EVALUATORS_MAX
        ):
            zh = f"{source} 的份数须为 0–{EVALUATORS_MAX} 的整数，现为 {count}"
            raise Invalid(
                zh, f"copies of {source} must be a whole number 0–{EVALUATORS_MAX}, got {count}"
            )
        copies[str(source)] = count
    return copies


def _check_own_evaluators(
    record: Record, role: str | None, evaluators: dict[str, int] | None, campaign: Campaign
) -> None:
    """Report an override of a source the secretary's role does not collect on ballots."""
    if role is None or not evaluators or role not in campaign.evaluators:
        return
    for source in evaluators:
        if source not in campaign.evaluators[role]:
            listed = "、".join(campaign.evaluators[role])
            zh = f"{source} 不是 {role} 角色的选票来源（{listed}）"
            en = f"{source} is not a ballot source of role {role} ({', '.join(campaign.evaluators[role])})"
            record.report("evaluators", zh, en)


def _secretary(record: Record, campaign: Campaign | None) -> Secretary | None:
    """Return one secretary; None after reporting what is wrong with it."""
    ident, name = record.take("id", _as_id), record.take("name", _as_name)
    gender = record.take("gender", as_text, None)
    organization = record.take("organization", as_text)
    role = record.take("role", one_of(ROLES))
    appointed = record.take("appointed", as_date)
    key_issues = record.take("key_issues", _as_key_issues)
    last_year_issues = record.take("last_year_issues", as_texts, ())
    evaluators = record.take("evaluators", _as_copies_by_source, {})
    record.reject_unknown()
    if campaign is not None:
        _check_against_campaign(record, role, appointed, campaign)
        _check_own_evaluators(record, role, evaluators, campaign)
    if (
        ident is None
        or name is None
        or organization is None
        or role is None
        or appointed is None
        or key_issues is None
        or last_year_issues is None
        or evaluators is None
    ):
        return None
    return Secretary(
        ident,
        name,
        gender,
        organization,
        role,
        appointed,
        key_issues,
        last_year_issues,
        located=record.locate("id"),
        evaluators=evaluators,
    )


def _check_against_campaign(
    record: Record, role: object, appointed: date | None, campaign: Campaign
) -> None:
    """Report a role the campaign has no evaluators for, and an appointment after the meeting."""
    if role is not None and role not in campaign.evaluators:
        zh = f"campaign.yaml 中没有 {role} 角色的评议人（evaluators.{role}）"
        record.report("role", zh, f"campaign.yaml has no evaluators for role {role}")
    if appointed is not None and appointed > campaign.meeting.date:
        zh = f"任职日期 {appointed} 晚于述职评议会 {campaign.meeting.date}"
        record.report("appointed", zh, f"appointed {appointed}, after the meeting")


def _check_repeats(records: list[Record]) -> None:
    """Report a repeated id, and a second committee secretary, naming where the first is."""
    first_of_id: dict[str, str] = {}
    first_committee = None
    for record in records:
        ident = record.values.get("id")
        if isinstance(ident, str) and ident.strip() in first_of_id:
            first = first_of_id[ident.strip()]
            zh = f"编号 {ident.strip()} 重复，首次出现于 {first}"
            record.report("id", zh, f"duplicate id {ident.strip()}, first at {first}")
        elif isinstance(ident, str):
            first_of_id[ident.strip()] = record.locate("id")
        if record.values.get("role") == "committee":
            if first_committee:
                zh = f"镇党委书记（committee）只能有一名，已见于 {first_committee}"
                record.report(
                    "role", zh, f"at most one committee secretary; first at {first_committee}"
                )
            first_committee = first_committee or record.locate("role")
