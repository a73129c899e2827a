"""Shared fixtures: the sample campaign's packs, rendered once per test session.

Rendering takes seconds, so `rendered_notice` runs `forms` once into a session temporary folder
and `letters_output` runs forms then letters once; the tests read what those runs wrote. The
generator is imported inside the fixtures, so a broken generator fails these tests only, not the
collection of the whole suite.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import (
    DATA,
    convert_with_libreoffice,
    font_substitutes,
    fontconfig_file,
    load_data,
)

ONE_FAMILY = "Noto Sans CJK SC"  # the robustness check's stand-in for every official font


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


# The files that take minutes run first: `make test` gives each worker whole files, in
# collection order, and one of these last would keep one core busy while the other idles.
LONGEST_FIRST = (
    "test_scan.py",
    "test_station_browser.py",
    "test_scan_end_to_end.py",
    "test_archive.py",
    "test_examples.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


@pytest.fixture(scope="session")
def rendered_notice(tmp_path_factory) -> RenderedNotice:
    """Run `forms` on data/ once: the 通知 as PDF and DOCX."""
    from generator.pipeline.forms import run_forms

    out_dir = tmp_path_factory.mktemp("forms-run-1") / "out"
    written = tuple(run_forms(DATA, out_dir))
    notice = RenderedNotice(out_dir, written)
    assert notice.pdf in written and notice.pdf.is_file(), written
    assert notice.docx in written and notice.docx.is_file(), written
    return notice


@pytest.fixture(scope="session")
def libreoffice_notice(rendered_notice, tmp_path_factory) -> Path:
    """The 通知's DOCX as LibreOffice lays it out with `make fonts`'s mapping of the official
    fonts to the shipped ones."""
    return _convert_notice(rendered_notice, None, tmp_path_factory)


@pytest.fixture(scope="session")
def libreoffice_notice_one_family(rendered_notice, font_map, tmp_path_factory) -> Path:
    """The same with every official font standing for one other family: other metrics."""
    substitutes = dict.fromkeys(font_substitutes(font_map), (ONE_FAMILY, False))
    return _convert_notice(rendered_notice, substitutes, tmp_path_factory)


def _convert_notice(rendered_notice, substitutes, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notice-libreoffice")
    source = folder / "通知.docx"
    shutil.copyfile(rendered_notice.docx, source)
    fonts = fontconfig_file(folder / "fontconfig", substitutes) if substitutes else None
    return convert_with_libreoffice([source], folder, fonts) / "通知.pdf"


@pytest.fixture(scope="session")
def forms_out(rendered_notice) -> Path:
    """The output folder of the session's `forms` run of the sample, as `scan` reads it."""
    return rendered_notice.out_dir


@pytest.fixture(scope="session")
def forms(forms_out):
    """The sample's printed sheets, as tests/scanlab.py marks and scans them."""
    import scanlab

    return scanlab.Forms(forms_out, scanlab.DPI)


@pytest.fixture(scope="session")
def sample_data():
    """The validated sample data (campaign, secretaries, plan) that `forms` renders."""
    return load_data(DATA)


@pytest.fixture(scope="session")
def notice_context(sample_data):
    """The 通知's template context: every word the PDF and the DOCX are rendered from."""
    from generator.documents.notice import build_notice

    return build_notice(sample_data.campaign, sample_data.secretaries, sample_data.plan)


@pytest.fixture(scope="session")
def font_map(sample_data):
    """Role → MappedFont, with the campaign's overrides applied, as `forms` uses it."""
    from generator.render.fonts import load_font_map

    return load_font_map(sample_data.campaign.fonts)


@pytest.fixture(scope="session")
def renderer(font_map):
    """The PDF renderer `forms` and `letters` build once per run."""
    from generator.render.pdf import PdfRenderer

    return PdfRenderer(font_map)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """Run forms then letters once, as the clerk does: from a folder holding data/, by the CLI's
    default relative paths, so that the outputs are the golden digests' byte for byte."""
    import os

    from generator.pipeline.forms import run_forms
    from generator.pipeline.letters import run_letters

    root = tmp_path_factory.mktemp("letters-run")
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns(".demo-signer"))
    here = Path.cwd()
    os.chdir(root)
    try:
        run_forms(Path("data"), Path("output"))
        run_letters(Path("data"), Path("output"))
    finally:
        os.chdir(here)
    return root


@pytest.fixture(scope="session")
def letters_output(sample_run) -> Path:
    """The output folder of the session's forms-then-letters run on the sample."""
    return sample_run / "output"


@pytest.fixture(scope="session")
def scored(letters_output):
    """The sample scored as `letters` scores it (after the session's forms run)."""
    from generator.pipeline.letters import score

    return score(letters_output.parent / "data", letters_output)


@pytest.fixture(scope="session")
def letters_context(scored, renderer):
    """The post-grading pack's context for the sample."""
    from generator.documents.context import LettersContext

    data = scored.data
    return LettersContext(data.campaign, data.secretaries, scored.results, renderer)


@pytest.fixture
def station(sample_run, tmp_path):
    """A station on a copy of the sample after `forms` (data, secret and register, no letters)."""
    from stationkit import make_campaign

    return make_campaign(tmp_path, sample_run / "data", sample_run / "output")


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server from Debian's packages, for the county-server tests; stopped at the end."""
    from pgserver import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_station(sample_run, tmp_path, postgres_url):
    """The `station` fixture with its store in PostgreSQL; the tables are dropped afterwards."""
    from generator.station.store import metadata

    from stationkit import make_campaign

    campaign = make_campaign(tmp_path, sample_run / "data", sample_run / "output", postgres_url)
    yield campaign
    metadata.drop_all(campaign.engine)
    campaign.engine.dispose()
