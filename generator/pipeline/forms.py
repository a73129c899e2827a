"""`forms`: validate the campaign data and write the pre-meeting pack.

load → issue the serials → render the pack's kinds into a staging folder → publish it in one step.
Bad input stops the run before anything is written; --out is never half-written.
"""

from __future__ import annotations

from pathlib import Path

from ..documents.context import FormsContext
from ..documents.registry import owns, pack
from ..load.data import load_campaign_data
from ..load.folder import DataFolder
from ..load.secret import SECRET_FILE, campaign_secret
from ..model.serials import issue_ballots
from ..output.staging import Staging, output_lock
from ..progress import Progress
from ..render.fonts import load_font_map
from ..render.pdf import PdfRenderer
from .packs import render_pack


def run_forms(
    data_dir: Path, out_dir: Path, *, reissue: bool = False, progress: Progress | None = None
) -> list[Path]:
    """Validate, render and write the pre-meeting pack; return the files written."""
    progress = progress or Progress(quiet=True)
    data = load_campaign_data(DataFolder(data_dir))
    renderer = PdfRenderer(load_font_map(data.campaign.fonts))
    with output_lock(out_dir):
        secret, new_secret = campaign_secret(data_dir, reissue)
        _announce_secret(progress, data_dir, reissue, new_secret)
        issued = issue_ballots(data.campaign, list(data.secretaries), secret)
        context = FormsContext(data.campaign, data.secretaries, data.plan, tuple(issued), renderer)
        staging = Staging(out_dir, len(data.secretaries))
        try:
            staging.carry_over(lambda path: owns("forms", path))
            written = render_pack(pack("forms"), context, staging, progress)
            staging.publish()
        except BaseException:
            staging.discard()
            raise
    return [out_dir / record.path for record in sorted(written, key=lambda w: w.path)]


def _announce_secret(progress: Progress, data_dir: Path, reissue: bool, new: bool) -> None:
    if reissue:
        progress.say(
            "已重新生成选票编号，此前印制的选票作废 / new ballot serials issued: "
            "sheets printed earlier are void"
        )
    elif new:
        progress.say(
            f"已生成本次考核的选票密钥 {data_dir / SECRET_FILE}，请妥善保管 / created the "
            "campaign's ballot secret; keep it: re-runs give the same serials from it"
        )
