"""The one writer of the output folder: everything is rendered first, then written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputWriter:
    """Collect the files of a run, then write each atomically (temp file + rename)."""

    def __init__(self, root: Path):
        self.root = root
        self._files: dict[str, bytes] = {}

    def add(self, relative: str, content: bytes) -> None:
        """Stage a file; staging one path twice is a bug in the caller."""
        if relative in self._files:
            raise ValueError(f"{relative} would be written twice")
        self._files[relative] = content

    def commit(self, replacing: tuple[str, ...] = ()) -> list[Path]:
        """Write every staged file; a reader never sees a half-written one.

        Files under the `replacing` folders that this run did not write are removed afterwards:
        they are a former run's, and the archive's manifest must not list them.
        """
        written = []
        for relative, content in sorted(self._files.items()):
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(content)
                os.chmod(temporary, 0o644)  # mkstemp makes files private; outputs are shared
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            written.append(target)
        self._remove_stale(replacing)
        return written

    def _remove_stale(self, folders: tuple[str, ...]) -> None:
        for folder in folders:
            for path in sorted((self.root / folder).rglob("*"), reverse=True):
                relative = path.relative_to(self.root).as_posix()
                if path.is_file() and relative not in self._files:
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
