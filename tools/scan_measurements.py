"""Measure the ink the reader sees in a corpus of test scans, by what the truth says was drawn.

    python tools/scan_measurements.py DATA OUT CORPUS

CORPUS is a folder from tools/make_test_scans.py (its truth.csv says what each page holds);
DATA and OUT the campaign and the `forms` output it was made from. For each kind of cell —
empty, a clear tick, a faint mark, a scribbled-over cell — the dark and light shares the reader
measured, as percentiles: the figures docs/scanning.md chooses the thresholds of scan/decide.py
on. Nothing is asserted.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline.scan import campaign_for  # noqa: E402
from generator.scan.identify import find_code  # noqa: E402
from generator.scan.measure import measure, to_layout  # noqa: E402
from generator.scan.pages import read_pages, scan_files  # noqa: E402
from generator.scan.register import first_guess, register  # noqa: E402

PERCENTILES = (0, 1, 50, 99, 100)


def main(data: Path, out: Path, corpus: Path) -> None:
    campaign = campaign_for(data, out)
    with open(corpus / "truth.csv", encoding="utf-8") as stream:
        truth = {(r["file"], int(r["page"])): r for r in csv.DictReader(stream)}
    shares: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for path in scan_files([corpus]):
        for page in read_pages(path):
            row = truth[(path.name, page.number)]
            if page.image is None or row["decision"] == "skip":
                continue
            found = find_code(page.image)
            if (
                found is None
                or found.code is None
                or row["reason"] in ("other_campaign", "unissued")
            ):
                continue
            boxes = campaign.layout.kinds[campaign.role_of[found.code.secretary_id]]
            registration = register(page.image, boxes, first_guess(boxes.qr, found.corners))
            if registration is None:
                continue
            ink = measure(
                to_layout(page.image, registration.transform, campaign.layout.page), boxes
            )
            ticked = int(row["score"]) if row["status"] == "valid" and row["score"] else None
            for cell in ink.cells:
                if row["decision"] == "auto" and row["status"] == "blank":
                    kind = "empty (blank sheet)"
                elif row["decision"] == "auto" and row["status"] == "valid":
                    kind = "clear tick" if cell.score == ticked else "empty (beside a tick)"
                elif row["decision"] == "auto":
                    kind = "cell of an invalid (two ticks) sheet"
                else:
                    kind = f"cell of a {row['reason']} sheet"
                shares[kind].append((cell.dark, cell.light, cell.solid))
            if row["reason"] in ("faint", "struck_out", "two_candidates"):
                top = max(ink.cells, key=lambda c: c.dark + c.light)
                shares[f"most inked cell of a {row['reason']} sheet"].append(
                    (top.dark, top.light, top.solid)
                )
            if row["reason"] == "struck_out":
                top = max(ink.cells, key=lambda c: c.dark)
                shares["darkest cell of a struck_out sheet"].append(
                    (top.dark, top.light, top.solid)
                )
    print(f"{'cells':<44} {'n':>5}  dark / light / solid (mm²), percentiles {PERCENTILES}")
    for kind in sorted(shares):
        values = np.array(shares[kind])
        dark = np.percentile(values[:, 0], PERCENTILES)
        light = np.percentile(values[:, 1], PERCENTILES)
        solid = np.percentile(values[:, 2], PERCENTILES)
        print(
            f"{kind:<44} {len(values):>5}  "
            + " ".join(f"{v:.4f}" for v in dark)
            + " / "
            + " ".join(f"{v:.4f}" for v in light)
            + " / "
            + " ".join(f"{v:.1f}" for v in solid)
        )


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:4]))
