"""Read every ballot file in data/ballots/, check them together, collect every problem."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ...model.ballot import Ballot, BallotsRead, IssuedBallot
from ...model.campaign import Campaign, Secretary
from ...model.errors import InputError, Problem
from ...model.serials import issue_ballots
from ...model.tally import sources_of
from ..folder import DataFolder
from ..register import read_register
from ..secret import SECRET_FILE
from ..workbooks import open_workbook
from ..yamlmarks import file_problem
from .checks import check_candidates
from .double_entry import TallyFile, is_tally_workbook, merge_tallies, open_tally
from .rows import Candidate, read_row
from .scanned import scanned_candidates
from .tables import csv_rows, xlsx_rows

READ = (".csv", ".xlsx")
REFUSED = (".xls", ".xlsm", ".xlsb", ".ods", ".et", ".numbers", ".tsv")  # save as .xlsx or .csv
FOLDER = "ballots"
SKIPPED_PREFIXES = ("~$", ".")  # Office lock files, hidden files (macOS ._ copies)


@dataclass(frozen=True, slots=True)
class Collected:
    """Everything read, problems included: what `read_ballots` raises or returns."""

    ballots: tuple[Ballot, ...]
    unreturned: tuple[IssuedBallot, ...]
    files: tuple[str, ...]
    problems: tuple[Problem, ...]


def read_ballots(
    folder: DataFolder,
    out_dir: Path,
    campaign: Campaign,
    secretaries: Sequence[Secretary],
    secret: bytes | None,
) -> BallotsRead:
    """Return every ballot in the folder's ballots/, or raise one InputError listing every problem."""
    collected = collect_ballots(folder, out_dir, campaign, secretaries, secret)
    if collected.problems:
        raise InputError(list(collected.problems))
    return BallotsRead(collected.ballots, collected.unreturned, collected.files)


def collect_ballots(
    folder: DataFolder,
    out_dir: Path,
    campaign: Campaign,
    secretaries: Sequence[Secretary],
    secret: bytes | None,
) -> Collected:
    """Return the ballots that pass every check, and every problem found in all the files.

    The sheets issued are the register's under out_dir; without it, those the campaign's secret
    gives (`secret`), so that a made-up serial is refused either way.
    """
    problems: list[Problem] = []
    per_file: dict[str, list[Candidate]] = {}
    workbooks: list[TallyFile] = []
    scanned = scanned_candidates(folder, out_dir, campaign, problems)
    for relative in ballot_files(folder, problems, scanned=scanned is not None):
        file = folder.shown(relative)
        per_file[file] = []
        read = _read_file(folder, relative, campaign, problems)
        if isinstance(read, TallyFile):
            workbooks.append(read)
        else:
            per_file[file] = read
    merged = merge_tallies(workbooks, problems) if workbooks else None
    if merged is not None and merged.file is not None:
        per_file[merged.file] = list(merged.candidates)
    if scanned is not None:
        per_file[scanned[0]] = scanned[1]
    candidates = [c for file_candidates in per_file.values() for c in file_candidates]
    register = read_register(out_dir, problems)
    if register[0] is None and secret is not None:
        issued = issue_ballots(campaign, secretaries, secret)
        register = (issued, f"{folder.shown(SECRET_FILE)}（按选票密钥核算 / as the secret gives）")
    elif register[0] is None:
        zh = "既无选票登记表也无选票密钥，无法核对选票编号：请在运行过 make forms 的数据目录上评分"
        en = "neither the register nor the ballot secret: serials cannot be checked; "
        en += "score the data folder `forms` ran on"
        problems.append(file_problem(folder.shown(SECRET_FILE), zh, en))
    # By serial from here on: nothing downstream may keep the order the rows were typed in,
    # which is usually evaluator by evaluator (docs/security.md).
    checked = check_candidates(candidates, campaign, secretaries, register, problems)
    ballots = sorted(checked, key=lambda ballot: ballot.serial)
    returned = {c.serial for c in candidates}
    unreturned = tuple(b for b in register[0] or () if b.serial not in returned)
    ordered = sorted_problems(problems, list(per_file))
    return Collected(tuple(ballots), unreturned, tuple(per_file), tuple(ordered))


def ballot_files(folder: DataFolder, problems: list[Problem], *, scanned: bool) -> list[str]:
    """Return the CSV and XLSX files of the folder's ballots/, sorted by name; with scanned
    ballots, ballots/ may be empty or absent."""
    shown = folder.shown(FOLDER)
    names = folder.names(FOLDER)
    if names is None and scanned:
        return []
    if names is None:
        zh = "缺少选票文件夹 ballots/（放入录入的选票 CSV 或 XLSX）"
        problems.append(file_problem(shown, zh, "the ballots/ folder is missing"))
        return []
    found = []
    for name in names:
        relative, suffix = f"{FOLDER}/{name}", PurePosixPath(name).suffix.lower()
        if not folder.is_file(relative) or name.startswith(SKIPPED_PREFIXES):
            continue
        if suffix in READ:
            found.append(relative)
        elif suffix in REFUSED:
            zh = f"不读取 {suffix} 文件：请另存为 .xlsx 或 CSV UTF-8"
            en = f"{suffix} files are not read: save it as .xlsx or CSV UTF-8"
            problems.append(file_problem(folder.shown(relative), zh, en))
    if not found and not scanned:
        zh, en = (
            "ballots/ 中没有选票文件（*.csv、*.xlsx）",
            "no ballot files (*.csv, *.xlsx) in ballots/",
        )
        problems.append(file_problem(shown, zh, en))
    return found


def _read_file(
    folder: DataFolder, relative: str, campaign: Campaign, problems: list[Problem]
) -> list[Candidate] | TallyFile:
    """Return a contract-format file's candidate ballots, or a tally workbook to pair."""
    file, scale = folder.shown(relative), campaign.rules.scale
    try:
        content = folder.read(relative)
        if relative.lower().endswith(".csv"):
            rows = csv_rows(content, file, problems)
        else:
            book = open_workbook(content, file)
            if is_tally_workbook(book):
                stem = PurePosixPath(relative).stem
                return open_tally(stem, file, book, sources_of(campaign), problems, scale)
            rows = xlsx_rows(book, file, problems)
    except InputError as e:
        problems.extend(e.problems)
        return []
    candidates = [read_row(row, problems, scale) for row in rows]
    return [c for c in candidates if c is not None]


CELL = re.compile(r"(?:(?P<sheet>.+)!)?(?P<column>[A-Z]*)(?P<row>\d+)(?::(?P<field>\d+))?")


def sorted_problems(problems: list[Problem], files: list[str]) -> list[Problem]:
    """Return the problems file by file (in reading order), then row by row, then by column."""
    order = {file: index for index, file in enumerate(files)}
    sheets: dict[tuple[str, str], int] = {}

    def key(problem: Problem) -> tuple:
        file = order.get(problem.file, len(order))
        match = CELL.fullmatch(problem.where)
        if match is None:
            return (file, -1, 0, 0, "", 0)
        sheet = sheets.setdefault((problem.file, match["sheet"] or ""), len(sheets))
        letters, field = match["column"], int(match["field"] or 0)
        return (file, sheet, int(match["row"]), len(letters), letters, field)

    return sorted(problems, key=key)
