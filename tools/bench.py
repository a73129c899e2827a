"""`make bench [SCALE=200]`: time per secretary and peak memory of forms, letters and verify;
pages a second of scan; the station's pages in milliseconds.

Each command runs as the clerk runs it (`python -m generator CMD --data data --out output`, from
the campaign's folder), on the sample (19 secretaries) and on a generated campaign of SCALE
secretaries (tools/campaigns.py). For each it prints the wall time, the time per secretary, the
peak resident memory of its largest process (what wait4 reports, as /usr/bin/time does) and the
peak proportional set size of all its processes together (sampled every 20 ms: pages the forked
workers share with the parent count once), then how the larger campaign compares.
Nothing is asserted: the figures are for the closing notes and for comparison over time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from campaigns import make_campaign  # noqa: E402

from generator.load.data import load_campaign_data  # noqa: E402
from generator.load.folder import DataFolder  # noqa: E402

COMMANDS = ("forms", "letters", "verify")
SCAN_PAGES = 500


@dataclass(frozen=True)
class Run:
    command: str
    seconds: float
    largest_mib: float  # the largest single process's peak RSS
    total_mib: float  # the peak of the command's processes' proportional set sizes, summed


def descendants(root: int) -> list[int]:
    """Return the process and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def proportional_bytes(pids: list[int]) -> int:
    """Return the processes' memory, each shared page counted once in all (Pss)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                line = next(line for line in rollup if line.startswith(b"Pss:"))
            total += int(line.split()[1]) * 1024
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    return total


def measure(command: str, folder: Path, *arguments: str) -> Run:
    """Run one command from the campaign's folder; return its time and memory."""
    argv = [sys.executable, "-m", "generator", command, "--data", "data", "--out", "output"]
    argv += arguments
    if command != "verify":
        argv.append("--quiet")
    log = folder / f"{command}.log"
    start = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(argv, cwd=folder, stdout=output, stderr=output)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], proportional_bytes(descendants(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{command} failed (exit {process.returncode}):\n{log.read_text()}")
    return Run(command, seconds, usage.ru_maxrss / 1024, peak[0] / 2**20)


def bench(secretaries: int, folder: Path) -> list[Run]:
    runs = [measure(command, folder) for command in COMMANDS]
    print(f"\n{secretaries} secretaries ({folder.name}):")
    print(
        f"  {'command':<8} {'wall s':>8} {'s/secretary':>12} {'largest MiB':>12} {'all Pss MiB':>12}"
    )
    for run in runs:
        print(
            f"  {run.command:<8} {run.seconds:8.1f} {run.seconds / secretaries:12.3f} "
            f"{run.largest_mib:12.0f} {run.total_mib:12.0f}"
        )
    total = sum(run.seconds for run in runs)
    print(f"  {'all':<8} {total:8.1f} {total / secretaries:12.3f}")
    return runs


def compare(small: tuple[int, list[Run]], large: tuple[int, list[Run]]) -> None:
    """Print the larger campaign's figures as multiples of the sample's."""
    (n, a), (m, b) = small, large
    print(f"\n{m} secretaries against {n} (time per secretary; peak memory):")
    for x, y in zip(a, b, strict=True):
        per = (y.seconds / m) / (x.seconds / n)
        print(
            f"  {x.command:<8} time/secretary ×{per:.2f}   largest process ×"
            f"{y.largest_mib / x.largest_mib:.2f}   all processes ×{y.total_mib / x.total_mib:.2f}"
        )
    per_all = (sum(r.seconds for r in b) / m) / (sum(r.seconds for r in a) / n)
    largest = max(r.largest_mib for r in b) / max(r.largest_mib for r in a)
    print(f"  {'all':<8} time/secretary ×{per_all:.2f}   largest process ×{largest:.2f}")
    print("  (goal: time per secretary within ×1.15, peak memory within ×1.5)")


def bench_scan(folder: Path, pages: int) -> None:
    """Time `scan` on a corpus of test scans of the campaign's own ballots (tests/scanlab.py:
    every case, colour, grey and 1-bit, at 200 dpi), in pages a second. The corpus is made in a
    process of its own: a child inherits its parent's peak memory, which would count here."""
    maker = [sys.executable, str(ROOT / "tools" / "make_test_scans.py"), "output", "scans"]
    maker += ["--pages", str(pages), "--seed", "1", "--dpi", "200", "--data", "data"]
    subprocess.run(maker, cwd=folder, check=True, capture_output=True)
    with open(folder / "scans" / "truth.csv", encoding="utf-8") as truth_file:
        scanned = sum(1 for _ in truth_file) - 1
    run = measure("scan", folder, "scans")
    print(f"\nscan, {scanned} pages at 200 dpi ({pages} sheets, duplex backs besides):")
    print(
        f"  {run.seconds:.1f} s, {scanned / run.seconds:.1f} pages/s (goal: 10 or more); "
        f"largest process {run.largest_mib:.0f} MiB, all processes {run.total_mib:.0f} MiB"
    )


def bench_station(folders: list[tuple[int, Path]]) -> None:
    """Time the station's pages on campaigns that forms and letters ran on (tools/bench_station.py,
    each campaign in a process of its own, so its peak memory is the station's)."""
    measured = []
    for secretaries, folder in folders:
        script = [sys.executable, str(ROOT / "tools" / "bench_station.py"), str(folder)]
        lines = subprocess.run(script, check=True, capture_output=True, text=True).stdout
        measured.append((secretaries, dict(line.split("\t")[:2] for line in lines.splitlines())))
    print("\nstation, server time of a page in ms (median of 5 requests; a blank entry saved):")
    print("  " + f"{'page':<12}" + "".join(f"{f'{n} secretaries':>18}" for n, _ in measured))
    for page in measured[0][1]:
        label = "peak MiB" if page == "peak" else page
        cells = "".join(f"{figures[page]:>18}" for _, figures in measured)
        print(f"  {label:<12}{cells}")


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample"
        ignored = shutil.ignore_patterns(".demo-signer")
        shutil.copytree(ROOT / "data", sample / "data", ignore=ignored)
        count = len(load_campaign_data(DataFolder(sample / "data")).secretaries)
        small = (count, bench(count, sample))
        generated = Path(folder) / f"generated-{scale}"
        make_campaign(generated, scale)
        large = (scale, bench(scale, generated))
        bench_station([(count, sample), (scale, generated)])
        bench_scan(sample, SCAN_PAGES)
    compare(small, large)


if __name__ == "__main__":
    main()
