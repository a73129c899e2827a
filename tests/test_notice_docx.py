"""The 通知's DOCX: it opens in LibreOffice, says what the PDF says, and names the official fonts.

Text comparison reads both documents in reading order, with one rule for tables in both: row by
row, each cell once, a merged cell where it begins (its top-left grid position).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from lxml import etree

import seedtext
from helpers import (
    convert_with_libreoffice,
    docx_text,
    first_difference,
    page_count,
    pdf_text,
)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEED = next((REPO / "docs" / "seed").glob("*工作方案.txt"))
MENDS = Path(__file__).resolve().parent / "seed_mends.yaml"
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- text in reading order ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def texts(rendered_notice) -> dict[str, str]:
    return {"docx": docx_text(rendered_notice.docx), "pdf": pdf_text(rendered_notice.pdf)}


# --- 1. LibreOffice opens it --------------------------------------------------------------------


def test_docx_converts_with_libreoffice(rendered_notice, tmp_path):
    source = tmp_path / "通知.docx"
    shutil.copyfile(rendered_notice.docx, source)
    converted = convert_with_libreoffice([source], tmp_path) / "通知.pdf"
    expected = page_count(rendered_notice.pdf)
    assert abs(page_count(converted) - expected) <= 1, (
        f"LibreOffice lays the DOCX out on {page_count(converted)} pages, WeasyPrint on {expected}"
    )


# --- 2. the same text ---------------------------------------------------------------------------


def test_docx_and_pdf_say_the_same(texts):
    docx_words, pdf_words = (seedtext.normalise(texts[kind]) for kind in ("docx", "pdf"))
    assert "{{" not in docx_words and "{%" not in docx_words, "docxtpl tags left in the DOCX"
    assert len(docx_words) > 3000
    assert docx_words == pdf_words, first_difference(docx_words, pdf_words)


# --- 3. the seed's 工作方案 -----------------------------------------------------------------------


def test_every_seed_sentence_is_in_both(texts):
    sentences = seedtext.seed_plan_sentences(SEED, MENDS)
    assert len(sentences) > 60
    for kind, text in texts.items():
        words = seedtext.normalise(text)
        missing = [s for s in sentences if seedtext.normalise(s) not in words]
        assert not missing, f"{kind}: {len(missing)} seed sentences missing, e.g. {missing[:3]}"


# --- 4. determinism -----------------------------------------------------------------------------


# --- 5. official font names ---------------------------------------------------------------------


def test_docx_names_the_official_fonts(rendered_notice, font_map):
    official = {font.docx_name for font in font_map.values()}
    with zipfile.ZipFile(rendered_notice.docx) as package:
        parts = {
            name: etree.fromstring(package.read(name))
            for name in package.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }
    assert "word/styles.xml" in parts and "word/document.xml" in parts
    named = set()
    for name in ("word/styles.xml", "word/document.xml"):
        for fonts in parts[name].iter(qn("w:rFonts")):
            east_asian = fonts.get(qn("w:eastAsia"))
            if east_asian is not None:
                assert east_asian in official, f"{name}: w:eastAsia={east_asian!r}"
                named.add(east_asian)
    assert named == official, f"official names never used: {official - named}"
    themed = {
        name: sum(1 for element in root.iter() if f"{{{W_NS}}}eastAsiaTheme" in element.attrib)
        for name, root in parts.items()
    }
    themed = {name: count for name, count in themed.items() if count}
    assert not themed, f"w:eastAsiaTheme attributes left (they override w:eastAsia): {themed}"
