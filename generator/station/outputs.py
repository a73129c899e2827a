"""The output folder as the browser sees it: listings, one file, or a folder as a ZIP.

A download is named by its place in the listing the station made, checked against that listing,
so no name from the browser ever reaches the file system.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LISTING_MAX = 20_000


@dataclass(frozen=True, slots=True)
class OutputFile:
    relative: str  # '/'-separated, under the output folder
    size: int


def listing(out_dir: Path, folder: str) -> list[OutputFile]:
    """Return the files under one folder of the output, sorted, without temporary ones."""
    root = out_dir / folder
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            found.append(OutputFile(path.relative_to(out_dir).as_posix(), path.stat().st_size))
            if len(found) >= LISTING_MAX:
                break
    return found


def find(out_dir: Path, folder: str, relative: str) -> Path | None:
    """Return the file if it is one the listing of `folder` shows, else None."""
    for entry in listing(out_dir, folder):
        if entry.relative == relative:
            return out_dir / entry.relative
    return None


def zipped(out_dir: Path, folder: str) -> IO[bytes]:
    """Return a temporary ZIP of a folder of the output (spilled to disk beyond 32 MB)."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 << 20)  # noqa: SIM115 (send_file closes it)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in listing(out_dir, folder):
            archive.write(out_dir / entry.relative, entry.relative)
    spool.seek(0)
    return spool  # type: ignore[return-value]


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size} {unit}"
        size //= 1024
    return f"{size} GB"
