"""`scan`: read the returned paper ballots from scanned files into contract-format ballots.

load (data, secret, layout, decisions) → each page read (scan/) → duplicates settled → the
person's decisions applied → OUT/scan/ published in one step: sheets.csv (every page read),
ballots.csv (the ballots `letters` reads), the text boxes' images, a review page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from ..load.ballot_layout import read_layout
from ..load.data import load_campaign_data
from ..load.folder import DataFolder
from ..load.register import read_register
from ..load.scan_review import read_review
from ..load.secret import read_secret
from ..model.errors import InputError, Problem
from ..model.serials import fingerprint, issue_ballots
from ..output.staging import Staging, Written, output_lock
from ..progress import Progress
from ..scan.pages import read_pages, scan_files
from ..scan.settle import Settled, settle
from ..scan.sheet import Campaign, SheetRead, read_sheet
from .scan_files import ballots_csv, keep_pictures, review_page, sheets_csv, text_index

SCAN = "scan"


def campaign_for(data_dir: Path, out_dir: Path) -> Campaign:
    """Return what pages are checked against, or raise every input problem."""
    folder = DataFolder(data_dir)
    data = load_campaign_data(folder, plan=False)
    secret = read_secret(data_dir)
    if secret is None:
        zh = "缺少选票密钥：请在运行过 forms 的数据目录上扫描"
        en = "the ballot secret is missing: scan against the data folder `forms` ran on"
        raise InputError([Problem(str(data_dir / ".ballot-secret"), "", "", zh, en)])
    problems: list[Problem] = []
    register, _ = read_register(out_dir, problems)
    if problems:
        raise InputError(problems)
    issued = register or issue_ballots(data.campaign, data.secretaries, secret)
    return Campaign(
        year=data.campaign.year,
        fingerprint=fingerprint(secret),
        issued={b.serial: b for b in issued},
        role_of={s.id: s.role for s in data.secretaries},
        layout=read_layout(out_dir),
        scale=data.campaign.rules.scale,
    )


def read_all(
    files: Iterable[Path], campaign: Campaign, write: Callable[[str, bytes], None]
) -> Iterator[SheetRead]:
    """Read every page in order; write its pictures at once and keep their names only."""
    seen: Counter = Counter()
    index = 0
    for path in files:
        for page in read_pages(path):
            index += 1
            yield keep_pictures(read_sheet(page, campaign), index, seen, write)


def with_pictures(
    settled: Settled, campaign: Campaign, write: Callable[[str, bytes], None]
) -> Settled:
    """Give each page awaiting a person its picture: a page read with confidence and then sent to
    review (a serial read twice, differently) is read again, those pages only."""
    order = {(s.file, s.page): i + 1 for i, s in enumerate(settled.sheets)}
    wanted = {(s.file, s.page) for s in settled.pending() if not s.preview_file and s.ballot}
    found: dict[tuple[str, int], str] = {}
    for file in sorted({file for file, _ in wanted}):
        for page in read_pages(Path(file)):
            if (file, page.number) in wanted:
                again = read_sheet(page, campaign, picture=True)
                index = order[(file, page.number)]
                found[(file, page.number)] = keep_pictures(
                    replace(again, text_images={}), index, Counter(), write
                ).preview_file
    sheets = tuple(
        replace(s, preview_file=found[(s.file, s.page)]) if (s.file, s.page) in found else s
        for s in settled.sheets
    )
    return replace(settled, sheets=sheets)


def run_scan(
    data_dir: Path, out_dir: Path, inputs: list[Path], progress: Progress | None = None
) -> list[Path]:
    """Read every page of the files given, publish OUT/scan/; return the files written.

    The pictures are written into the staging folder as the pages are read; the lists, once
    every page is read and settled."""
    progress = progress or Progress(quiet=True)
    files = scan_files(inputs)
    missing = [path for path in files if not path.is_file()]
    if missing or not files:
        zh, en = "找不到扫描文件", "no such scan file"
        raise InputError([Problem(str(p), "", "FILE", zh, en) for p in missing or inputs])
    with output_lock(out_dir):
        campaign = campaign_for(data_dir, out_dir)
        decisions = read_review(data_dir, campaign.scale)
        staging = Staging(out_dir, len(campaign.role_of))
        written: list[Written] = []

        def write(relative: str, content: bytes) -> None:
            written.append(staging.write_file(f"{SCAN}/{relative}", content, SCAN))

        try:
            staging.carry_over(lambda path: path.startswith(SCAN + "/"))
            pages = list(read_all(files, campaign, write))
            settled = with_pictures(settle(pages, decisions, campaign.issued), campaign, write)
            write("sheets.csv", sheets_csv(settled, campaign))
            write("ballots.csv", ballots_csv(settled.ballots))
            write("text/index.csv", text_index(settled))
            write("review.html", review_page(settled, campaign))
            staging.publish()
        except BaseException:
            staging.discard()
            raise
    for line in summary(settled):
        progress.say(line)
    return [out_dir / w.path for w in sorted(written, key=lambda w: w.path)]


def summary(settled: Settled) -> list[str]:
    """Return the run's account: pages by decision, and the ballots it gives."""
    counts = {"auto": 0, "review": 0, "rejected": 0}
    for sheet in settled.sheets:
        counts[sheet.reading.decision] += 1
    pending = len(settled.pending())
    return [
        f"扫描页 {len(settled.sheets)}：自动识别 {counts['auto']}，待人工 {counts['review']}"
        f"（未判定 {pending}），拒收 {counts['rejected']} / pages read {len(settled.sheets)}: "
        f"auto {counts['auto']}, review {counts['review']} ({pending} undecided), "
        f"rejected {counts['rejected']}",
        f"得到选票 {len(settled.ballots)} 张 / ballots: {len(settled.ballots)}",
    ]
