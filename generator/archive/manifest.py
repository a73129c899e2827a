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
from pathlib import PurePosixPath

from .. import __version__
from ..load.folder import InputFile
from .ballots_file import NAME as SORTED
from .pdfa import AssociatedFile

MANIFEST = "archive/manifest.json"
BALLOTS = "ballots/"  # the data folder's ballot files: their rows are not embedded
PRODUCT = "shuzhi-pingyi"
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
    size: int
    sha256: str
    signed: bool = False
    pdfa: bool = False


def embedded_inputs(inputs: Iterable[InputFile], ballots: bytes) -> list[AssociatedFile]:
    """Return the inputs as the bundle's associated files (flat names: input-campaign.yaml): the
    ballot files replaced by the ballots sorted (archive/ballots_file.py), never their rows."""
    embedded = [
        AssociatedFile(
            "input-" + item.path.replace("/", "-"),
            item.content,
            MIME.get(PurePosixPath(item.path).suffix.lower(), "application/octet-stream"),
            f"原始数据 / input: {item.path}",
        )
        for item in inputs
        if not item.path.startswith(BALLOTS)
    ]
    described = "评议票，按述职人、类别、编号排列，不含录入顺序 / the ballots read, by secretary, "
    described += "source and serial: the order they were entered in is not kept"
    return [*embedded, AssociatedFile(f"input-{SORTED}", ballots, MIME[".csv"], described)]


def manifest_json(
    campaign: dict,
    signer: dict,
    bundle: str,
    inputs: Iterable[InputFile],
    outputs: Iterable[OutputFile],
    print_files: Iterable[str] = (),
) -> bytes:
    """Return manifest.json's bytes; `campaign` and `signer` are written as given.

    Print files (the ballot booklets) are named apart, without hashes: they are destroyed once
    printed, and `verify` neither needs them nor minds them gone.
    """
    document = {
        "product": {"name": PRODUCT, "version": __version__},
        "campaign": campaign,
        "signer": signer,
        "bundle": bundle,
        "inputs": [_entry(item.path, item.content) for item in inputs],
        "outputs": [
            {"path": f.path, "size": f.size, "sha256": f.sha256, "signed": f.signed, "pdfa": f.pdfa}
            for f in sorted(outputs, key=lambda f: f.path)
        ],
        "print_files": sorted(print_files),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _entry(path: str, content: bytes) -> dict:
    return {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
