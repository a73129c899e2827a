"""Writing into the data folder, and taking files from the browser.

What the station decides goes into `DIR` atomically (a temporary file renamed over the old one),
so the command line reads either the old file or the new one. Nothing a user sends becomes a path:
an upload is stored under a name the station makes, and its own name is kept only as a label.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from werkzeug.datastructures import FileStorage

# The first bytes each accepted type starts with.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "xlsx": (b"PK\x03\x04",),
    "csv": (),  # text: checked by the reader
}
SUFFIXES = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".tif": "tif"}
SUFFIXES |= {".tiff": "tif", ".xlsx": "xlsx", ".csv": "csv"}


class UploadError(ValueError):
    """An upload refused; the message says why, in Chinese and English."""


@dataclass(frozen=True, slots=True)
class Upload:
    label: str  # the name the user's file had, for display only
    kind: str  # pdf, png, jpg, tif, xlsx, csv
    content: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def write_atomically(path: Path, content: bytes) -> None:
    """Replace a file in one step: a reader sees the old bytes or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def file_digest(path: Path) -> str:
    """Return a file's SHA-256 (empty for a missing file): a form sends back the one it showed."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def take_upload(storage: FileStorage, allowed: set[str], limit: int) -> Upload:
    """Return the upload's bytes, checked: a known suffix, content of that type, within the limit."""
    label = display_name(storage.filename or "")
    kind = SUFFIXES.get(Path(label).suffix.lower())
    if kind is None or kind not in allowed:
        names = "、".join(sorted(allowed))
        raise UploadError(f"{label}：只接受 {names} 文件 / only {', '.join(sorted(allowed))} files")
    content = storage.stream.read(limit + 1)
    if len(content) > limit:
        raise UploadError(
            f"{label}：超过 {limit >> 20} MB 上限 / over the {limit >> 20} MB bound for one file"
        )
    if not content:
        raise UploadError(f"{label}：文件为空 / the file is empty")
    starts = SIGNATURES[kind]
    if starts and not content.startswith(starts):
        raise UploadError(f"{label}：内容不是 {kind} 文件 / the content is not a {kind} file")
    return Upload(label, kind, content)


def display_name(name: str) -> str:
    """Return the last part of a name the browser sent, without any folder it names."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in last if c.isprintable() and c not in '<>:"|?*')
    return cleaned.strip(". ")[:120] or "未命名"
