"""Shared fixtures: the sample campaign's 通知, rendered once per test session.

Rendering the 通知 (PDF and DOCX) takes a few seconds, so `rendered_notice` runs `forms` once into
a session temporary folder and every test of tests/test_notice_*.py reads those two files.
The generator is imported inside the fixtures, so a broken generator fails these tests only,
not the collection of the whole suite.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEED = REPO / "docs" / "seed" / "2022年度上海庙镇党组织书记抓基层党建述职评议考核工作方案.txt"
MENDS = Path(__file__).resolve().parent / "seed_mends.yaml"


@dataclass(frozen=True)
class RenderedNotice:
    """Where the session's `forms` run wrote the 通知."""

    out_dir: Path
    written: tuple[Path, ...]

    @property
    def pdf(self) -> Path:
        return self.out_dir / "forms" / "通知.pdf"

    @property
    def docx(self) -> Path:
        return self.out_dir / "forms" / "通知.docx"


@pytest.fixture(scope="session")
def rendered_notice(tmp_path_factory) -> RenderedNotice:
    """Run `forms` on data/ once: the 通知 as PDF and DOCX."""
    from generator.forms import run_forms

    out_dir = tmp_path_factory.mktemp("forms-run-1")
    written = tuple(run_forms(DATA, out_dir))
    notice = RenderedNotice(out_dir, written)
    assert notice.pdf in written and notice.pdf.is_file(), written
    assert notice.docx in written and notice.docx.is_file(), written
    return notice


@pytest.fixture(scope="session")
def notice_inputs():
    """The validated sample data (campaign, secretaries, plan) that `forms` renders."""
    from generator.forms import load_inputs

    return load_inputs(DATA)


@pytest.fixture(scope="session")
def notice_context(notice_inputs):
    """The 通知's template context: every word the PDF and the DOCX are rendered from."""
    from generator.documents.notice import build_notice

    data = notice_inputs.data
    return build_notice(data.campaign, list(data.secretaries), notice_inputs.plan)


@pytest.fixture(scope="session")
def font_map(notice_inputs):
    """Role → MappedFont, with the campaign's overrides applied, as `forms` uses it."""
    from generator.fonts import load_font_map

    return load_font_map(notice_inputs.data.campaign.fonts)


@pytest.fixture(scope="session")
def letters_output(tmp_path_factory) -> Path:
    """Run forms then letters once on a copy of the sample; return the output folder.

    Every test of the post-grading pack reads what this one run wrote (under `letters/`).
    """
    import shutil

    from generator.forms import run_forms
    from generator.letters import run_letters

    root = tmp_path_factory.mktemp("letters-run")
    shutil.copytree(DATA, root / "data")
    run_forms(root / "data", root / "out")
    run_letters(root / "data", root / "out")
    return root / "out"


def convert_with_libreoffice(sources: list[Path], tmp_path: Path) -> Path:
    """Convert DOCX files to PDF with LibreOffice headless; return the folder of the PDFs.

    A private profile keeps runs apart; every source must come out as a PDF of the same stem.
    """
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    assert soffice, "soffice (LibreOffice) is not installed; `make test` installs it"
    out = tmp_path / "libreoffice-out"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for source in sources:
        assert (out / f"{source.stem}.pdf").is_file(), f"{source.name}: {result.stderr}"
    return out


def run_in_another_process(script: str, *args: object, hash_seed: str) -> None:
    """Run a Python snippet in a fresh interpreter with another hash seed (determinism tests)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def flip_content_byte(pdf: bytes) -> bytes:
    """Change one byte inside the first page's content stream, keeping the file parseable."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject

    contents = PdfReader(io.BytesIO(pdf)).pages[0].raw_get("/Contents")
    if isinstance(contents.get_object(), ArrayObject):
        contents = contents.get_object().raw_get(0)  # the first of the page's streams
    start = pdf.index(b"stream", pdf.index(b"\n%d 0 obj" % contents.idnum)) + len(b"stream\n") + 10
    return pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1 :]
