"""The scans the station reads: files uploaded, or taken from the office scanner's folder.

Each is kept in the data folder as `DIR/scans/<16 hex of its SHA-256>.<kind>`: the same file taken
twice is kept once, and no name a user typed becomes a path. The file's own name is kept only as
a label, in `DIR/scans/index.csv`. `scan DIR/scans` on the command line reads the same files.

The scanner's folder (`DIR/扫描件/`, or the folder `SHUZHI_SCAN_FOLDER` names) is where an MFP's
"scan to folder" saves; the page lists its files, and a file is taken by its name in that listing.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.datastructures import FileStorage

from ..scan.pages import SUFFIXES
from .files import Upload, take_upload, write_atomically

SCANS = "scans"
INDEX = "index.csv"
INDEX_COLUMNS = ("file", "label", "added")
WATCHED_VARIABLE = "SHUZHI_SCAN_FOLDER"
WATCHED_DEFAULT = "扫描件"
ACCEPTED = {"pdf", "png", "jpg", "tif"}
FILE_MAX = 200 << 20  # one scanned file: a stack of 500 sheets in grey at 200 dpi is ~150 MB
STORED_MAX = 500  # files kept for one campaign
LISTED_MAX = 500  # files of the scanner's folder shown
_index_lock = threading.Lock()  # the server's threads add to one index


class ScanStoreError(ValueError):
    """A scan not taken; the message says why, in Chinese and English."""


@dataclass(frozen=True, slots=True)
class StoredScan:
    name: str  # the station's name for it, in DIR/scans/
    label: str  # the name the file had
    size: int
    added: str  # UTC, YYYY-MM-DD HH:MM


@dataclass(frozen=True, slots=True)
class WatchedFile:
    name: str
    size: int
    modified: str
    taken: bool  # a stored scan has this name and size


def scans_folder(data_dir: Path) -> Path:
    return data_dir / SCANS


def watched_folder(data_dir: Path) -> Path:
    """Return the folder the office scanner saves into."""
    configured = os.environ.get(WATCHED_VARIABLE, "").strip()
    return Path(configured) if configured else data_dir / WATCHED_DEFAULT


def stored_scans(data_dir: Path) -> list[StoredScan]:
    """Return the stored scans in the order they were taken (files the index misses last)."""
    folder = scans_folder(data_dir)
    if not folder.is_dir():
        return []
    present = {p.name: p for p in folder.iterdir() if _is_scan(p)}
    found = []
    for row in _index(data_dir):
        path = present.pop(row["file"], None)
        if path is not None:
            found.append(
                StoredScan(path.name, row["label"], path.stat().st_size, row.get("added") or "")
            )
    for name, path in sorted(present.items()):
        found.append(StoredScan(name, name, path.stat().st_size, _stamp(path.stat().st_mtime)))
    return found


def store_scan(data_dir: Path, upload: Upload) -> tuple[StoredScan, bool]:
    """Keep an upload; return it and whether it is new (the same bytes are kept once)."""
    name = f"{upload.digest[:16]}.{upload.kind}"
    with _index_lock:
        known = {scan.name: scan for scan in stored_scans(data_dir)}
        if name in known:
            return known[name], False
        if len(known) >= STORED_MAX:
            raise ScanStoreError(
                f"已保存 {STORED_MAX} 个扫描文件，达到上限 / {STORED_MAX} scan files kept: the bound"
            )
        write_atomically(scans_folder(data_dir) / name, upload.content)
        stored = StoredScan(name, upload.label, len(upload.content), _stamp(None))
        _write_index(data_dir, [*known.values(), stored])
    return stored, True


def remove_scan(data_dir: Path, name: str) -> StoredScan | None:
    """Remove a stored scan named as the listing names it; return it, or None when unknown."""
    with _index_lock:
        scans = stored_scans(data_dir)
        found = next((scan for scan in scans if scan.name == name), None)
        if found is not None:
            (scans_folder(data_dir) / found.name).unlink(missing_ok=True)
            _write_index(data_dir, [scan for scan in scans if scan is not found])
    return found


def watched_files(data_dir: Path) -> list[WatchedFile]:
    """Return the scan files in the scanner's folder, newest first."""
    folder = watched_folder(data_dir)
    if not folder.is_dir():
        return []
    kept = {(scan.label, scan.size) for scan in stored_scans(data_dir)}
    paths = sorted(
        (p for p in folder.iterdir() if _is_scan(p)), key=lambda p: p.stat().st_mtime, reverse=True
    )
    listed = [(p.name, p.stat()) for p in paths[:LISTED_MAX]]
    return [
        WatchedFile(name, stat.st_size, _stamp(stat.st_mtime), (name, stat.st_size) in kept)
        for name, stat in listed
    ]


def take_watched(data_dir: Path, name: str) -> Upload:
    """Return a file of the scanner's folder, named as its listing names it, checked as an
    upload is."""
    if name not in {file.name for file in watched_files(data_dir)}:
        raise ScanStoreError(f"{name}：扫描文件夹中没有这个文件 / no such file in the scan folder")
    with open(watched_folder(data_dir) / name, "rb") as stream:
        return take_upload(FileStorage(stream, filename=name), ACCEPTED, FILE_MAX)


def _is_scan(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith(".")


def _index(data_dir: Path) -> list[dict[str, str]]:
    path = scans_folder(data_dir) / INDEX
    if not path.is_file():
        return []
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return [row for row in reader if row.get("file") and row.get("label") is not None]


def _write_index(data_dir: Path, scans: list[StoredScan]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    writer.writerows((scan.name, scan.label, scan.added) for scan in scans)
    write_atomically(scans_folder(data_dir) / INDEX, buffer.getvalue().encode("utf-8"))


def _stamp(timestamp: float | None) -> str:
    moment = datetime.now(UTC) if timestamp is None else datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%d %H:%M")
