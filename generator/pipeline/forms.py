"""`forms`: validate the campaign data and write the pre-meeting pack.

load → issue the serials → render the pack's kinds into a staging folder → publish it in one step.
Bad input stops the run before anything is written; --out is never half-written.
"""

from __future__ import annotations

from pathlib import Path

from ..documents.context import FormsContext
from ..documents.registry import owns, pack
from ..load.folder import DataFolder
from ..load.register import read_register
from ..load.secret import SECRET_FILE, new_secret, read_secret, write_secret
from ..model.ballot import IssuedBallot
from ..model.errors import InputError, Problem
from ..model.serials import fingerprint, issue_ballots, printing_order, void_reasons, voided
from ..output.staging import Staging, output_lock
from ..progress import Progress
from ..render.pdf import PdfRenderer
from .packs import render_pack
from .showable import load_showable

PRINT_ADVICE = (
    "选票（forms/选票/*.pdf）为印制文件：印后请删除，分发前请把每位书记的选票各自洗乱 / the booklets "
    "are print files: delete them once printed, and shuffle each secretary's stack before handing "
    "sheets out (docs/security.md)"
)


def run_forms(
    data_dir: Path, out_dir: Path, *, reissue: bool = False, progress: Progress | None = None
) -> list[Path]:
    """Validate, render and write the pre-meeting pack; return the files written."""
    progress = progress or Progress(quiet=True)
    showable = load_showable(DataFolder(data_dir))
    for warning in showable.warnings:
        progress.warn(str(warning))
    data, renderer = showable.data, PdfRenderer(showable.fonts)
    with output_lock(out_dir):
        kept = None if reissue else read_secret(data_dir)
        secret = kept or new_secret()
        issued = issue_ballots(data.campaign, data.secretaries, secret)
        voids = _check_printed(out_dir, data_dir, issued, kept is None, reissue)
        if kept is None:
            write_secret(data_dir, secret)
        _announce(progress, data_dir, reissue, kept is None, voids)
        context = FormsContext(
            data.campaign,
            data.secretaries,
            data.plan,
            tuple(issued),
            tuple(printing_order(issued, secret)),
            fingerprint(secret),
            renderer,
        )
        staging = Staging(out_dir, len(data.secretaries))
        try:
            staging.carry_over(lambda path: owns("forms", path))
            written = render_pack(pack("forms"), context, staging, progress)
            staging.publish()
            progress.say(PRINT_ADVICE)
        except BaseException:
            staging.discard()
            raise
    return [out_dir / record.path for record in sorted(written, key=lambda w: w.path)]


def _check_printed(
    out_dir: Path, data_dir: Path, issued: list[IssuedBallot], new: bool, reissue: bool
) -> int:
    """Return how many sheets already printed this run voids; refuse it without --reissue."""
    problems: list[Problem] = []
    printed, register = read_register(out_dir, problems)
    if problems and not reissue:
        zh = "无法读取已有的选票登记表，不能判断哪些已印制的选票仍然有效：请恢复它，或加 --reissue"
        en = "the register cannot be read, so which printed sheets stay valid is unknown: "
        en += "restore it, or run with --reissue"
        raise InputError([*problems, Problem(register, "1", "serials", zh, en)])
    voids = voided(printed or [], issued)
    if not voids or reissue:
        return len(voids)
    if new:
        why = [
            (
                f"选票密钥 {data_dir / SECRET_FILE} 不在了",
                f"the ballot secret {SECRET_FILE} is gone",
            )
        ]
    else:
        why = void_reasons(voids, issued)
    zh = (
        f"已印制的选票中有 {len(voids)} 张将作废（{'；'.join(z for z, _ in why)}）。"
        "若确需重新发放，请加 --reissue；否则请恢复原有数据"
    )
    en = (
        f"{len(voids)} sheets already printed would become void ({'; '.join(e for _, e in why)}); "
        "run with --reissue if that is meant, else restore the data"
    )
    raise InputError([Problem(register, "1", "serials", zh, en)])


def _announce(progress: Progress, data_dir: Path, reissue: bool, new: bool, voids: int) -> None:
    if reissue:
        progress.say(
            f"已重新生成选票编号，此前印制的 {voids} 张选票作废 / new ballot serials issued: "
            f"{voids} sheets printed earlier are void"
        )
    elif new:
        progress.say(
            f"已生成本次考核的选票密钥 {data_dir / SECRET_FILE}，请妥善保管 / created the "
            "campaign's ballot secret; keep it: re-runs give the same serials from it"
        )
