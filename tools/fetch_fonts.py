"""Fetch the open font substitutes into .fonts/ from Debian's packages.

Noto Serif/Sans CJK come as collections (TTC) from fonts-noto-cjk; WeasyPrint would take the
collection's first face (Japanese), so the Simplified Chinese face is saved on its own.
FandolFang/FandolKai come from texlive-lang-chinese, and LXGW WenKai (the 楷体 role's first
fallback) from fonts-lxgw-wenkai: each package is downloaded and unpacked without installing it
(nor TeX), unless the face is installed already. Faces are copied byte for byte.

Then the fontconfig mapping (generator/render/fontconfig.py) is written twice: `fonts.conf` in
the fonts folder, a whole configuration that tests point FONTCONFIG_FILE at, and a fragment in
the user's `~/.config/fontconfig/conf.d/`, so that LibreOffice on this machine renders the DOCX
files with these fonts; `fc-match` then checks that every official name finds its font.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from fontTools.ttLib import TTCollection

from generator.render.fontconfig import fontconfig_mapping, mapped_families
from generator.render.fonts import MappedFont, load_font_map

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
NOTO_SC_FACES = {  # collection → standalone Simplified Chinese face
    "NotoSerifCJK-Bold.ttc": "NotoSerifCJKsc-Bold.otf",
    "NotoSerifCJK-Regular.ttc": "NotoSerifCJKsc-Regular.otf",
    "NotoSansCJK-Regular.ttc": "NotoSansCJKsc-Regular.otf",
}
# Debian package → the folder of its faces (as unpacked, and as installed under /) → faces taken
PACKAGED_FACES = {
    "texlive-lang-chinese": (
        "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
        ("FandolFang-Regular.otf", "FandolKai-Regular.otf"),
    ),
    "fonts-lxgw-wenkai": ("usr/share/fonts/truetype/lxgw-wenkai", ("LXGWWenKai-Regular.ttf",)),
}


def save_sc_face(collection: Path, target: Path) -> None:
    """Save the face whose PostScript name marks it Simplified Chinese, byte for byte the same on
    every machine: fontTools would stamp the time of saving into its head table, and every PDF
    embeds that table."""
    for font in TTCollection(collection, recalcTimestamp=False).fonts:
        if "CJKsc-" in font["name"].getDebugName(6):
            partial = _partial(target)
            font.save(partial)
            partial.replace(target)
            return
    raise SystemExit(f"no Simplified Chinese face in {collection}")


def copy_faces(package: str, target_dir: Path) -> None:
    """Copy a package's faces into target_dir: from / if installed, else from its unpacked .deb."""
    folder, faces = PACKAGED_FACES[package]
    installed = Path("/") / folder
    if all((installed / face).is_file() for face in faces):
        for face in faces:
            _copy(installed / face, target_dir / face)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if subprocess.run(["apt-get", "download", package], cwd=work).returncode:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "download", package], cwd=work, check=True)
        deb = next(work.glob(f"{package}_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
        for face in faces:
            _copy(work / "x" / folder / face, target_dir / face)


USER_CONF = "60-shuzhi-pingyi-fonts.conf"  # in the user's fontconfig/conf.d/


def install_fontconfig(target_dir: Path) -> None:
    """Write the mapping into target_dir/fonts.conf and the user's conf.d, cache, and check."""
    fonts, folder = load_font_map(), target_dir.resolve()
    whole = target_dir / "fonts.conf"
    _write_text(whole, fontconfig_mapping(fonts, folder, include_system=True))
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = config_home / "fontconfig" / "conf.d" / USER_CONF
    user.parent.mkdir(parents=True, exist_ok=True)
    _write_text(user, fontconfig_mapping(fonts, folder, include_system=False))
    if shutil.which("fc-cache"):
        subprocess.run(["fc-cache", str(folder)], check=True)
    for config in (whole, None):  # the tests' configuration, then the user's
        check_mapping(fonts, config)
    print(f"fontconfig mapping in {whole} and {user}", file=sys.stderr)


def check_mapping(fonts: dict[str, MappedFont], config: Path | None) -> None:
    """Stop unless fc-match finds each role's font for its official name and every alias."""
    if not shutil.which("fc-match"):
        return
    env = {**os.environ, **({"FONTCONFIG_FILE": str(config)} if config else {})}
    wrong = []
    for font in fonts.values():
        expected = mapped_families(font)[0]
        for name in (font.docx_name, *font.aliases):
            found = subprocess.run(
                ["fc-match", "--format", "%{family[0]}", re.sub(r"([-:,\\])", r"\\\1", name)],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            if found != expected:
                wrong.append(f"{name} → {found} (expected {expected})")
    if wrong:
        raise SystemExit(f"fontconfig ({config or 'user configuration'}): " + "; ".join(wrong))


def _write_text(target: Path, text: str) -> None:
    partial = _partial(target)
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def _copy(source: Path, target: Path) -> None:
    """Copy in one rename: a run reading .fonts/ meanwhile never sees half a font."""
    partial = _partial(target)
    shutil.copyfile(source, partial)
    partial.replace(target)


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def main(target_dir: Path) -> None:
    target_dir.mkdir(parents=True, exist_ok=True)
    for collection, face in NOTO_SC_FACES.items():  # rewritten: an older copy may be stamped
        save_sc_face(NOTO_DIR / collection, target_dir / face)
    for package, (_, faces) in PACKAGED_FACES.items():
        if not all((target_dir / face).exists() for face in faces):
            copy_faces(package, target_dir)
    install_fontconfig(target_dir)
    print(f"fonts ready in {target_dir}/", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".fonts"))
