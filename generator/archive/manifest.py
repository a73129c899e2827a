"""manifest.json: every file of the output folder with its SHA-256, and the inputs it came from.

It lists what `letters` leaves in the output folder once written (the pre-meeting pack already
there, the post-grading pack, results.json), except the bundle and the manifest itself; `verify`
holds the folder to it. The bundle embeds the same bytes and is signed, so the manifest cannot be
edited unseen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..ballot_input.reading import ballot_files
from .pdfa import AssociatedFile

MANIFEST = "archive/manifest.json"
PRODUCT = "shuzhi-pingyi"
INPUT_NAMES = (
    "campaign.yaml",
    "notice.md",
    "secretaries.yaml",
    "secretaries.xlsx",
    "assessment.yaml",
)
MIME = {
    ".yaml": "application/yaml",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file the output folder will hold, and what `verify` should expect of it."""

    path: str  # relative to --out, '/' separated
    content: bytes
    signed: bool = False
    pdfa: bool = False


def input_files(data_dir: Path) -> list[tuple[str, bytes]]:
    """Return the data files `letters` read, by their path under the data folder."""
    found = [data_dir / name for name in INPUT_NAMES if (data_dir / name).is_file()]
    found += ballot_files(data_dir, [])[0]
    return [(path.relative_to(data_dir).as_posix(), path.read_bytes()) for path in found]


def embedded_inputs(inputs: Iterable[tuple[str, bytes]]) -> list[AssociatedFile]:
    """Return the inputs as the bundle's associated files (flat names: input-ballots-上述.csv)."""
    return [
        AssociatedFile(
            "input-" + path.replace("/", "-"),
            content,
            MIME.get(Path(path).suffix.lower(), "application/octet-stream"),
            f"原始数据 / input: {path}",
        )
        for path, content in inputs
    ]


def manifest_json(
    campaign: dict,
    signer: dict,
    bundle: str,
    inputs: Iterable[tuple[str, bytes]],
    outputs: Iterable[OutputFile],
) -> bytes:
    """Return manifest.json's bytes; `campaign` and `signer` are written as given."""
    document = {
        "product": {"name": PRODUCT, "version": __version__},
        "campaign": campaign,
        "signer": signer,
        "bundle": bundle,
        "inputs": [_entry(path, content) for path, content in inputs],
        "outputs": [
            {**_entry(f.path, f.content), "signed": f.signed, "pdfa": f.pdfa}
            for f in sorted(outputs, key=lambda f: f.path)
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _entry(path: str, content: bytes) -> dict:
    return {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def files_on_disk(out_dir: Path, replaced_folders: tuple[str, ...]) -> dict[str, bytes]:
    """Return the files already in out_dir that a run keeps: those outside its own folders."""
    if not out_dir.is_dir():
        return {}
    kept = {}
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir).as_posix()
        if path.is_file() and relative.split("/", 1)[0] not in replaced_folders:
            kept[relative] = path.read_bytes()
    return kept
