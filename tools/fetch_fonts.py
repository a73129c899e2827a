"""Fetch the open font substitutes into .fonts/ from Debian's packages.

Noto Serif/Sans CJK come as collections (TTC) from fonts-noto-cjk; WeasyPrint would take the
collection's first face (Japanese), so the Simplified Chinese face is saved on its own.
FandolFang/FandolKai come from texlive-lang-chinese, downloaded and unpacked without installing TeX.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools.ttLib import TTCollection

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
NOTO_SC_FACES = {  # collection → standalone Simplified Chinese face
    "NotoSerifCJK-Bold.ttc": "NotoSerifCJKsc-Bold.otf",
    "NotoSerifCJK-Regular.ttc": "NotoSerifCJKsc-Regular.otf",
    "NotoSansCJK-Regular.ttc": "NotoSansCJKsc-Regular.otf",
}
FANDOL_PACKAGE = "texlive-lang-chinese"
FANDOL_DIR = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
FANDOL_FACES = ("FandolFang-Regular.otf", "FandolKai-Regular.otf")


def save_sc_face(collection: Path, target: Path) -> None:
    """Save the face whose PostScript name marks it Simplified Chinese, byte for byte the same on
    every machine: fontTools would stamp the time of saving into its head table, and every PDF
    embeds that table."""
    for font in TTCollection(collection, recalcTimestamp=False).fonts:
        if "CJKsc-" in font["name"].getDebugName(6):
            font.save(target)
            return
    raise SystemExit(f"no Simplified Chinese face in {collection}")


def download_fandol(target_dir: Path) -> None:
    """Download texlive-lang-chinese and copy the Fandol faces out of it."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if subprocess.run(["apt-get", "download", FANDOL_PACKAGE], cwd=work).returncode:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "download", FANDOL_PACKAGE], cwd=work, check=True)
        deb = next(work.glob(f"{FANDOL_PACKAGE}_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
        for face in FANDOL_FACES:
            shutil.copyfile(work / "x" / FANDOL_DIR / face, target_dir / face)


def main(target_dir: Path) -> None:
    target_dir.mkdir(parents=True, exist_ok=True)
    for collection, face in NOTO_SC_FACES.items():  # rewritten: an older copy may be stamped
        save_sc_face(NOTO_DIR / collection, target_dir / face)
    if not all((target_dir / face).exists() for face in FANDOL_FACES):
        download_fandol(target_dir)
    print(f"fonts ready in {target_dir}/", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".fonts"))
