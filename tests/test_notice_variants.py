"""The 通知 beyond the sample: 抄送 when given, and the refusal of slow font subsetting."""

from __future__ import annotations

import shutil

import docx
import pdfplumber
import pytest

from helpers import DATA


def test_copy_to_appears_in_the_imprint_of_both_renderings(tmp_path):
    from generator.pipeline.forms import run_forms

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    campaign = data / "campaign.yaml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace(
            "copy_to: []", "copy_to: [中共鄂托克前旗委员会组织部, 镇纪委]"
        ),
        encoding="utf-8",
    )
    run_forms(data, tmp_path / "out")
    line = "抄送：中共鄂托克前旗委员会组织部，镇纪委。"
    with pdfplumber.open(tmp_path / "out" / "forms" / "通知.pdf") as pdf:
        last_page = pdf.pages[-1].extract_text().replace(" ", "")
    assert line in last_page and "印发" in last_page
    document = docx.Document(tmp_path / "out" / "forms" / "通知.docx")
    footer = document.sections[-1].footer
    footer_text = "".join(cell.text for table in footer.tables for cell in table._cells)
    assert line in footer_text


def test_slow_font_subsetting_is_refused(monkeypatch):
    from generator.model.errors import SlowRenderingError
    from generator.render import pdf

    monkeypatch.setattr(pdf.weasy_ffi, "harfbuzz_subset", None)
    with pytest.raises(SlowRenderingError, match="libharfbuzz-subset0"):
        pdf.require_fast_subsetting()
