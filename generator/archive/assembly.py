"""The last stages of `letters`: sign, bundle, list everything in the manifest, sign the bundle.

Order matters. The letters and inserts are signed first, each on its own; the bundle is built
meanwhile from the documents' unsigned PDF/A pages; the manifest then lists every file with its
final bytes (signed ones included); and the bundle is signed last, the manifest embedded in that
same signed revision, so the bundle's pages before signing stay the same bytes from run to run.
What is signed, what is PDF/A and where each PDF stands in the bundle come from the kinds'
declarations (documents/registry.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from ..documents.context import LettersContext
from ..documents.registry import kind, print_file
from ..load.folder import InputFile
from ..output.staging import Staging, Written
from ..progress import Progress
from .archival import JSON
from .ballots_file import sorted_ballots
from .bundle import build_bundle, bundle_name
from .manifest import MANIFEST, OutputFile, embedded_inputs, manifest_json
from .pdfa import AssociatedFile
from .signing import Signer, sign_file, sign_files

ARCHIVE = "archive"  # the archive's own folder under --out
BUNDLE_FIELD = "档案签名"


def assemble_archive(
    context: LettersContext,
    staging: Staging,
    written: Sequence[Written],
    carried: Sequence[str],
    inputs: Sequence[InputFile],
    signer: Signer,
    progress: Progress,
) -> list[Written]:
    """Sign what is signed, build and sign the bundle, write the manifest; return every record."""
    progress.say("签名并汇编档案 / signing and bundling …")
    to_sign = [w.path for w in written if _declared(w, signed=True)]
    name = bundle_name(context.campaign.year)
    unsigned = staging.aside_path(name)
    embedded = embedded_inputs(inputs, sorted_ballots(context))
    bundle = partial(build_bundle, context, staging, written, embedded, signer.is_demo, unsigned)
    sign_files(staging, to_sign, signer, meanwhile=bundle)
    final = [_swapped(staging, w) if w.path in to_sign else w for w in written]
    outputs = [
        OutputFile(w.path, w.size, w.sha256, signed=w.path in to_sign, pdfa=_declared(w))
        for w in final
    ] + [_carried(staging, path) for path in carried if not print_file(path)]
    printed = sorted(path for path in carried if print_file(path))
    manifest = manifest_json(_campaign(context), _signer(signer), name, inputs, outputs, printed)
    attached = AssociatedFile(
        "manifest.json", manifest, JSON, "文件清单 / the manifest", "Supplement"
    )
    sign_file(unsigned, staging.path(name), signer, BUNDLE_FIELD, attached=[attached])
    unsigned.unlink()
    return [
        *final,
        staging.write_file(MANIFEST, manifest, ARCHIVE),
        staging.record(name, ARCHIVE),
    ]


def _declared(record: Written, *, signed: bool = False) -> bool:
    """Say whether a written file is an archived PDF (and, with `signed`, a signed one)."""
    if record.kind == ARCHIVE or not record.path.endswith(".pdf"):
        return False
    archived = kind(record.kind).archived
    return archived is not None and (archived.signed or not signed)


def _swapped(staging: Staging, record: Written) -> Written:
    signed = staging.swap_in(record.path)
    return replace(record, size=signed.size, sha256=signed.sha256)


def _carried(staging: Staging, path: str) -> OutputFile:
    record = staging.record(path, "")
    return OutputFile(path, record.size, record.sha256)


def _campaign(context: LettersContext) -> dict:
    campaign = context.campaign
    return {
        "year": campaign.year,
        "issuer": campaign.issuer.name,
        "results_date": context.results.date.isoformat(),
    }


def _signer(signer: Signer) -> dict:
    return {"subject": signer.subject(), "sha256": signer.fingerprint(), "demo": signer.is_demo}
