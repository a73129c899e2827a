"""The one writer of the output folder: a staging folder beside it, published in one step.

A run writes every file into `.OUT.staging-XXXX` beside `--out` as it goes, so nothing is held in
memory for long and `--out` is never half-written. The files of `--out` the run does not own are
hard-linked into the staging folder first; when the whole run has succeeded the staging folder
and `--out` trade places in one atomic rename (Linux `renameat2(RENAME_EXCHANGE)`), and the old
tree is removed. Files an earlier run left in the folders this run owns are simply not carried
over. On any failure, or a kill, `--out` is exactly as it was; the next run removes the leftovers.
A lock file beside `--out` lets one run at a time write it (and `verify` read it meanwhile).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..documents.kind import Document
from ..model.errors import PipelineError
from .interrupts import start_publishing
from .names import document_path, number_width

STAGING, OLD, LOCK = ".{}.staging-", ".{}.old-", ".{}.lock"
RENAME_EXCHANGE, AT_FDCWD = 2, -100


@dataclass(frozen=True, slots=True)
class Written:
    """One file the run wrote: where, of which kind and whose, and its digest."""

    path: str  # relative to --out, '/'-separated
    kind: str  # the kind's key ("archive" for the archive's own files)
    secretary: str | None  # a personal document's secretary id
    size: int
    sha256: str
    pages: int | None = None


@contextmanager
def output_lock(out_dir: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold the lock of `--out`: exclusive to write it, shared to read it; refuse to wait."""
    target = _resolved(out_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.parent / LOCK.format(target.name)
    with open(lock, "a+b") as handle:
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise PipelineError(
                f"{out_dir}：另一个命令正在写入此输出目录，请等它结束后再运行 / "
                f"another run is writing {out_dir}; run again when it has finished"
            ) from e
        if not shared:
            _remove_leftovers(target)
        yield


class Staging:
    """A private copy of `--out` being built: written file by file, published in one step."""

    def __init__(self, out_dir: Path, secretaries: int):
        self.out_dir = out_dir
        self.target = _resolved(out_dir)
        if self.target.exists() and not self.target.is_dir():
            raise PipelineError(f"{out_dir}：不是目录 / --out is not a folder")
        self.root = self.target.parent / (STAGING.format(self.target.name) + secrets.token_hex(4))
        self.root.mkdir()
        self.width = number_width(secretaries)

    def carry_over(self, owned: Callable[[str], bool]) -> list[str]:
        """Link the files of `--out` that this run does not write anew; return their paths."""
        carried: list[str] = []
        if not self.target.is_dir():
            return carried
        for source in sorted(self.target.rglob("*")):
            relative = source.relative_to(self.target).as_posix()
            if source.is_dir() or owned(relative):
                continue
            destination = self.path(relative)
            destination.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, destination)
            carried.append(relative)
        return carried

    def write(self, document: Document) -> Written:
        """Write a document's file; refuse a path written before, in any worker."""
        relative = document_path(document, self.width)
        secretary = document.secretary.id if document.secretary else None
        return self.write_file(
            relative, document.content, document.kind.key, secretary, document.pages
        )

    def write_file(
        self,
        relative: str,
        content: bytes,
        kind: str,
        secretary: str | None = None,
        pages: int | None = None,
    ) -> Written:
        """Write one file under its path relative to --out; `x` mode refuses a second write."""
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as stream:
                stream.write(content)
        except FileExistsError as e:
            raise RuntimeError(f"{relative} would be written twice") from e
        digest = hashlib.sha256(content).hexdigest()
        return Written(relative, kind, secretary, len(content), digest, pages)

    def write_aside(self, relative: str, content: bytes) -> None:
        """Write a new version of a file beside it, for `swap_in` to put in its place later."""
        self.aside_path(relative).write_bytes(content)

    def swap_in(self, relative: str) -> Written:
        """Put the version written aside in the file's place; return the file's new record."""
        target = self.path(relative)
        os.replace(self.aside_path(relative), target)
        return _record_of(target, relative)

    def record(self, relative: str, kind: str) -> Written:
        """Return the record of a file already in the staging folder (a carried-over one)."""
        return replace(_record_of(self.path(relative), relative), kind=kind)

    def aside_path(self, relative: str) -> Path:
        """Return where a new version of a file is written beside it (its folder made)."""
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.with_name(f".{target.name}.aside")

    def path(self, relative: str) -> Path:
        """Return the staging path of a relative path; refuse any that would leave the folder."""
        parts = PurePosixPath(relative).parts
        if not parts or relative.startswith("/") or "\\" in relative or ".." in parts:
            raise ValueError(f"not a path inside the output folder: {relative!r}")
        path = self.root.joinpath(*parts)
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"not a path inside the output folder: {relative!r}")
        return path

    def publish(self) -> None:
        """Put the staging folder in --out's place in one step; remove the old tree."""
        start_publishing()
        if not self.target.exists():
            os.rename(self.root, self.target)
            return
        if _exchange(self.root, self.target):
            shutil.rmtree(self.root)
            return
        old = self.target.parent / (OLD.format(self.target.name) + secrets.token_hex(4))
        os.rename(self.target, old)  # where renameat2 is missing: two steps, recovered on next run
        os.rename(self.root, self.target)
        shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _record_of(path: Path, relative: str) -> Written:
    """Return a file's record from its bytes on disk, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return Written(relative, "", None, size, digest.hexdigest())


def _resolved(out_dir: Path) -> Path:
    target = out_dir.resolve()
    if target.parent == target:
        raise PipelineError(f"{out_dir}：不能用根目录作输出目录 / --out cannot be the root folder")
    return target


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return False
    paths = (os.fsencode(first), os.fsencode(second))
    if renameat2(AT_FDCWD, paths[0], AT_FDCWD, paths[1], RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(error, os.strerror(error), str(second))


def _link_or_copy(source: Path, destination: Path) -> None:
    if source.is_symlink():
        destination.symlink_to(os.readlink(source))
        return
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _remove_leftovers(target: Path) -> None:
    """Remove what a killed run left beside --out; put back an --out a two-step publish lost."""
    parent, name = target.parent, target.name
    siblings = sorted(p for p in parent.iterdir() if p.name.startswith(f".{name}."))
    olds = [p for p in siblings if p.name.startswith(OLD.format(name))]
    if not target.exists() and olds:
        os.rename(olds.pop(), target)
    for leftover in [*(p for p in siblings if p.name.startswith(STAGING.format(name))), *olds]:
        shutil.rmtree(leftover, ignore_errors=True)
