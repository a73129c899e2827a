"""Each secretary's blank 评议表: their name and organisation in place of "XX", DOCX and PDF alike."""

from __future__ import annotations

import re

import docx
import pytest

from helpers import DATA, block_texts, embedded_fonts, pdf_text


@pytest.fixture(scope="module")
def forms_folder(rendered_notice):
    return rendered_notice.out_dir / "forms" / "评议表"


def test_one_form_per_secretary_naming_them(forms_folder):
    from helpers import load_data

    data = load_data(DATA)
    branches = sum(1 for s in data.secretaries if s.role == "branch")
    for number, secretary in enumerate(data.secretaries, start=1):
        stem = forms_folder / f"{number:02d}-{secretary.name}"
        pdf = re.sub(r"\s", "", pdf_text(stem.with_suffix(".pdf")))
        assert "XX" not in pdf and secretary.name in pdf
        if secretary.role == "branch":
            assert (
                f"您对{secretary.organization}书记{secretary.name}抓基层党建工作情况的总体评价"
                in pdf
            )
            assert f"在本次评议的{branches}名党支部书记中" in pdf
        else:
            assert f"您对{data.campaign.issuer.town}党委书记{secretary.name}" in pdf
            assert "党委书记抓基层党建报告评议表" in pdf


def test_docx_and_pdf_say_the_same(forms_folder):
    for pdf in sorted(forms_folder.glob("*.pdf")):
        as_pdf = re.sub(r"\s", "", pdf_text(pdf))
        body = docx.Document(str(pdf.with_suffix(".docx"))).element.body
        as_docx = re.sub(r"\s", "", "".join(block_texts(body)))
        assert as_docx == as_pdf, pdf.name


def test_forms_embed_only_mapped_fonts_and_carry_no_page_number(forms_folder, font_map):
    allowed = {font.postscript_name for font in font_map.values()}
    for pdf in sorted(forms_folder.glob("*.pdf"))[:3]:
        assert set(embedded_fonts(pdf).values()) <= allowed
        assert "—" not in pdf_text(pdf)
