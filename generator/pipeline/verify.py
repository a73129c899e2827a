"""`verify`: check an archive against its manifest, its signatures and its PDF/A markers."""

from __future__ import annotations

from pathlib import Path

from pyhanko.keys import load_certs_from_pemder

from ..archive.signing import trust_roots
from ..archive.verify import Verdict, is_demo, verify_archive
from ..load.campaign import load_campaign_file
from ..load.folder import DataFolder
from ..model.errors import PipelineError
from ..output.staging import output_lock


def run_verify(out_dir: Path, data_dir: Path, trust: Path | None) -> tuple[list[Verdict], bool]:
    """Return a verdict per file, and whether the demonstration certificate signed them."""
    roots = _trust_roots(trust, data_dir)
    with output_lock(out_dir, shared=True):
        return verify_archive(out_dir, roots), is_demo(out_dir)


def _trust_roots(pem: Path | None, data_dir: Path) -> list:
    """Return the CA certificates to trust: --trust's, else the campaign's."""
    if pem is None:
        folder = DataFolder(data_dir)
        campaign = load_campaign_file(folder.read("campaign.yaml"), folder.shown("campaign.yaml"))
        return trust_roots(data_dir, campaign)
    try:
        roots = list(load_certs_from_pemder([str(pem)]))
    except (OSError, ValueError) as e:
        raise PipelineError(f"{pem}: 无法读取证书 / cannot read the certificate: {e}") from e
    if not roots:
        raise PipelineError(f"{pem}: 文件中没有证书 / no certificate in the file")
    return roots
