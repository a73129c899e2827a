"""Write synthetic scans of a `forms` run's ballots, with their truth, to test and time `scan`.

Run: .venv/bin/python tools/make_test_scans.py FORMS_OUT DEST --pages 500 --seed 1 --dpi 200
FORMS_OUT is the folder `forms --out` wrote (holding forms/选票/); DEST gets scan-NNN.pdf/.tif/
.png/.jpg files and truth.csv (tests/scanlab.py says what each page's truth means).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import scanlab  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("forms_out", type=Path, help="the folder `forms --out` wrote")
    parser.add_argument("dest", type=Path, help="where the scans and truth.csv go")
    parser.add_argument("--pages", type=int, default=500, help="ballot pages (blank backs extra)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=scanlab.DPI, choices=range(150, 301))
    parser.add_argument("--data", type=Path, default=scanlab.DATA, help="the campaign's data/")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = scanlab.build_corpus(
        args.forms_out, args.dest, args.pages, args.seed, dpi=args.dpi, data=args.data
    )
    seconds = time.perf_counter() - start
    files = len({row["file"] for row in rows})
    print(f"wrote {len(rows)} pages in {files} files to {args.dest} in {seconds:.1f} s")
    kinds = Counter((r["decision"], r["status"] or r["reason"]) for r in rows)
    for (decision, what), count in sorted(kinds.items()):
        print(f"  {decision:9} {what:20} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
