"""The data folder as it would be after a change: checked by the CLI's own loaders before writing.

Every page of 方案与名单 validates what the clerk sends the way `forms` will read it: the draft's
bytes stand in for the file in an otherwise unchanged folder, and `load_showable` (the loaders
and the font check of `forms`) reports every problem with its file and line or cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..load.folder import DataFolder
from ..model.errors import InputError, PipelineError, Problem
from ..pipeline.showable import Showable, load_showable

CAMPAIGN, NOTICE = "campaign.yaml", "notice.md"
SECRETARIES_YAML, SECRETARIES_XLSX = "secretaries.yaml", "secretaries.xlsx"


class DraftFolder(DataFolder):
    """The data folder with some files' bytes replaced by drafts, and some files left out."""

    def __init__(self, root: Path, drafts: Mapping[str, bytes], left_out: Iterable[str] = ()):
        super().__init__(root)
        self._read.update(drafts)  # read once, as the loaders expect: the draft is what they see
        self.left_out = frozenset(left_out)

    def exists(self, relative: str) -> bool:
        return relative not in self.left_out and super().exists(relative)


@dataclass(frozen=True, slots=True)
class Shown:
    """A problem as a page shows it: the file named within the data folder, both languages."""

    file: str  # campaign.yaml, secretaries.xlsx
    where: str  # 14, 14:3, 书记名单!C5
    field: str
    message: str  # 中文 / English

    @property
    def line(self) -> int:
        """Return the line the problem is on (0 for a workbook's cell)."""
        head = self.where.split(":", 1)[0]
        return int(head) if head.isdigit() else 0

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.field}: {self.message}"


def shown(problem: Problem, data_dir: Path) -> Shown:
    """Return the problem as the page shows it; the server's folder is not the clerk's business."""
    file = problem.file.removeprefix(data_dir.as_posix() + "/")
    message = f"{problem.zh} / {problem.en}" if problem.en else problem.zh
    return Shown(file, problem.where, problem.field, message)


def check_folder(folder: DataFolder) -> tuple[Showable | None, list[Shown]]:
    """Return the folder's data as `forms` would load it, or the problems that stop it."""
    try:
        return load_showable(folder), []
    except InputError as e:
        return None, [shown(p, folder.root) for p in e.problems]
    except PipelineError as e:  # the font map itself: not the data's fault, but it stops forms
        return None, [Shown(CAMPAIGN, "1", "fonts", str(e))]


def introduced(after: list[Shown], before: list[Shown], file: str) -> list[Shown]:
    """Return the problems a change brings: all of the changed file's, and the others' that were
    not there before (a folder already broken elsewhere must not block every edit)."""
    known = {(p.file, p.where, p.field, p.message) for p in before}
    return [
        p for p in after if p.file == file or (p.file, p.where, p.field, p.message) not in known
    ]
