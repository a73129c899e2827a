"""The last stages of `letters`: sign, bundle, list everything in the manifest, sign the bundle.

Order matters. The letters and inserts are signed first, each on its own; the bundle is built
from the documents' unsigned PDF/A pages; the manifest then lists every file with its final
bytes (signed ones included); and the bundle is signed last, the manifest embedded in that same
signed revision, so the bundle's pages before signing stay the same bytes from run to run.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..results import RESULTS, results_json
from .archival import JSON, archived_kind
from .bundle import build_bundle, bundle_name
from .manifest import (
    MANIFEST,
    OutputFile,
    embedded_inputs,
    files_on_disk,
    input_files,
    manifest_json,
)
from .pdfa import AssociatedFile
from .signing import Signer, sign_pdf, sign_pdfs

if TYPE_CHECKING:
    from ..letters import LettersRun

OWN_FOLDERS = ("letters", "archive")  # what `letters` writes anew each run
BUNDLE_FIELD = "档案签名"


def assemble_archive(
    run: LettersRun, pack: dict[str, bytes], signer: Signer, data_dir: Path, out_dir: Path
) -> dict[str, bytes]:
    """Return every file `letters` writes: the pack (letters and inserts signed), the bundle, the manifest."""
    pdfs = {path: pdf for path, pdf in pack.items() if path.endswith(".pdf")}
    run.progress.say("签名并汇编档案 / signing and bundling …")
    inputs = input_files(data_dir)
    signed, bundle = sign_pdfs(
        {p: pdf for p, pdf in pdfs.items() if archived_kind(p).signed},
        signer,
        meanwhile=partial(build_bundle, run, pdfs, embedded_inputs(inputs), signer.is_demo),
    )
    written = {**pack, **signed, RESULTS: results_json(run.document)}
    outputs = [
        OutputFile(path, content, signed=path in signed, pdfa=path in pdfs)
        for path, content in {**files_on_disk(out_dir, OWN_FOLDERS), **written}.items()
    ]
    name = bundle_name(run.campaign.year)
    manifest = manifest_json(_campaign(run), _signer(signer), name, inputs, outputs)
    attached = AssociatedFile(
        "manifest.json", manifest, JSON, "文件清单 / the manifest", "Supplement"
    )
    return {
        **written,
        MANIFEST: manifest,
        name: sign_pdf(bundle, signer, BUNDLE_FIELD, attached=[attached]),
    }


def _campaign(run: LettersRun) -> dict:
    campaign = run.campaign
    return {
        "year": campaign.year,
        "issuer": campaign.issuer.name,
        "results_date": run.document["campaign"]["results_date"],
    }


def _signer(signer: Signer) -> dict:
    return {"subject": signer.subject(), "sha256": signer.fingerprint(), "demo": signer.is_demo}
