"""What the entry pages read from files, kept while those files are unchanged.

Every sheet typed looks up its serial and the other ballot files; reading the campaign and every
ballot file again for each would make a county's clerks wait. A value is kept with the size and
modification time of each file it was read from, and read again as soon as one differs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
Signature = tuple[tuple[str, int, int], ...]


def signature(paths: Iterable[Path]) -> Signature:
    """Return each file's name, modification time and size (-1 for a missing one)."""
    found = []
    for path in paths:
        try:
            status = path.stat()
            found.append((str(path), status.st_mtime_ns, status.st_size))
        except OSError:
            found.append((str(path), -1, -1))
    return tuple(found)


class FileMemo(Generic[T]):
    """Values by key, each kept while the files it was made from are unchanged."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Signature, T]] = {}

    def get(self, key: Hashable, paths: Iterable[Path], make: Callable[[], T]) -> T:
        now = signature(paths)
        kept = self._kept.get(key)
        if kept is not None and kept[0] == now:
            return kept[1]
        value = make()
        self._kept[key] = (now, value)
        return value
