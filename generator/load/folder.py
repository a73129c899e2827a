"""The campaign data folder, each file read once: what was checked is what the archive keeps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model.errors import InputError
from ..model.limits import FILE_MAX_BYTES
from .yamlmarks import file_problem

# The order the archive embeds the inputs in: these first, then the ballot files by name.
FIRST = ("campaign.yaml", "notice.md", "secretaries.yaml", "secretaries.xlsx", "assessment.yaml")


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file read from the data folder: its path there ('/'-separated) and its bytes."""

    path: str
    content: bytes


class DataFolder:
    """Read the data folder's files, each once, and remember their bytes."""

    def __init__(self, root: Path):
        self.root = root
        self._read: dict[str, bytes] = {}

    def shown(self, relative: str) -> str:
        """Return how messages name a file of the folder: data/ballots/上述.csv."""
        return f"{self.root.as_posix()}/{relative}"

    def exists(self, relative: str) -> bool:
        return relative in self._read or (self.root / relative).is_file()

    def names(self, folder: str) -> list[str] | None:
        """Return the names in a subfolder, sorted (None when it is not a folder)."""
        path = self.root / folder
        if not path.is_dir():
            return None
        return sorted(p.name for p in path.iterdir())

    def is_file(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def read(self, relative: str) -> bytes:
        """Return a file's bytes, read on first use; an unreadable file is an input problem."""
        if relative not in self._read:
            shown = self.shown(relative)
            try:
                size = (self.root / relative).stat().st_size
                if size > FILE_MAX_BYTES:
                    zh = f"文件 {size >> 20} MB，超过上限 {FILE_MAX_BYTES >> 20} MB"
                    en = f"{size >> 20} MB, over the {FILE_MAX_BYTES >> 20} MB bound for a file"
                    raise InputError([file_problem(shown, zh, en)])
                self._read[relative] = (self.root / relative).read_bytes()
            except FileNotFoundError as e:
                raise InputError([file_problem(shown, "文件不存在", "file not found")]) from e
            except OSError as e:
                problem = file_problem(shown, f"无法读取：{e}", f"cannot read: {e}")
                raise InputError([problem]) from e
        return self._read[relative]

    def inputs(self) -> tuple[InputFile, ...]:
        """Return every file read, in the order the archive embeds them."""

        def order(path: str) -> tuple[int, str]:
            return (FIRST.index(path) if path in FIRST else len(FIRST), path)

        return tuple(InputFile(path, self._read[path]) for path in sorted(self._read, key=order))
