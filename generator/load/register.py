"""Read the register of issued serials that `forms` wrote: what `letters` checks ballots against."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..model.ballot import REGISTER, REGISTER_COLUMNS, IssuedBallot
from ..model.errors import Problem
from .yamlmarks import file_problem


def read_register(out_dir: Path, problems: list[Problem]) -> tuple[list[IssuedBallot] | None, str]:
    """Return the issued serials in register order (None without a register), and its name."""
    path, file = out_dir / REGISTER, f"{out_dir.as_posix()}/{REGISTER}"
    if not path.is_file():
        return None, file
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        problems.append(file_problem(file, f"无法读取：{e}", f"cannot read: {e}"))
        return [], file
    records = csv.reader(io.StringIO(content, newline=""))
    if next(records, None) != REGISTER_COLUMNS:
        zh = "登记表表头须为 ballot_id,secretary_id,source：请重新运行 make forms"
        en = "the register's header must be ballot_id,secretary_id,source; re-run make forms"
        problems.append(Problem(file, "1", "register", zh, en))
        return [], file
    issued: list[IssuedBallot] = []
    seen: set[str] = set()
    for record in records:
        if len(record) != 3 or not all(record) or record[0] in seen:
            zh = "登记表此行有误（须为三项，编号不重复）：请重新运行 make forms"
            en = "bad register row (three fields, serial not repeated); re-run make forms"
            problems.append(Problem(file, str(records.line_num), "register", zh, en))
            continue
        seen.add(record[0])
        issued.append(IssuedBallot(*record))
    return issued, file
