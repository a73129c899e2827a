"""Rewrite tests/golden/sample-outputs.sha256 from a fresh run of forms and letters on the sample.

Run: .venv/bin/python tests/refresh_golden.py — only when an output changed on purpose.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from generator.pipeline.forms import run_forms  # noqa: E402
from generator.pipeline.letters import run_letters  # noqa: E402

from helpers import DATA, GOLDEN, output_digests  # noqa: E402

HEADER = """\
# SHA-256 of every file the sample campaign writes (forms, then letters, run from a copy of
# data/ as `--data data --out output`); a PDF counts up to its first %%EOF: its bytes before
# any signature. archive/manifest.json is left out: it lists the signatures' bytes.
"""

with tempfile.TemporaryDirectory() as folder:
    root = Path(folder)
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns(".demo-signer"))
    os.chdir(root)
    run_forms(Path("data"), Path("output"))
    run_letters(Path("data"), Path("output"))
    digests = output_digests(Path("output"))
lines = "".join(f"{digest}  {path}\n" for path, digest in digests.items())
GOLDEN.write_text(HEADER + lines, encoding="utf-8")
print(f"wrote {GOLDEN}: {len(digests)} files")
