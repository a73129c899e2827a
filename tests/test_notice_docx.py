"""The 通知's DOCX: LibreOffice lays it out on the PDF's pages, on the 版心's grid even in other
fonts (its geometry is measured in test_notice_pdf.py); it says what the PDF says, and names the
official fonts.

Text comparison reads both documents in reading order, with one rule for tables in both: row by
row, each cell once, a merged cell where it begins (its top-left grid position).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
from docx.oxml.ns import qn
from lxml import etree

import seedtext
from helpers import docx_text, first_difference, page_count, pdf_text
from layout import (
    BOTTOM,
    CHARS_PER_LINE,
    LEFT,
    horizontal_rules,
    read_pages,
    without_hung_mark,
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


# --- 1. LibreOffice lays it out as the PDF does, whatever the fonts -----------------------------


def test_libreoffice_lays_it_out_on_as_many_pages_as_the_pdf(rendered_notice, libreoffice_notice):
    expected, found = page_count(rendered_notice.pdf), page_count(libreoffice_notice)
    assert found == expected, (
        f"LibreOffice lays the DOCX out on {found} pages, WeasyPrint on {expected}"
    )


def test_the_grid_holds_in_other_fonts(libreoffice_notice_one_family, notice_context):
    """With one family (other metrics) for every official font: still 28 characters a line,
    and the 版记 at the foot of an even last page (a comma LibreOffice hangs past the margin
    left out: test_docx_libreoffice.py)."""
    with pdfplumber.open(libreoffice_notice_one_family) as document:
        pages = read_pages(document, lambda name: "仿宋")  # every font is the body's here
    lines = [without_hung_mark(line) for page in pages for line in page.body_lines]
    non_final = [
        line for line, following in pairwise(lines) if following.x0 < LEFT + 1 and line.all_cjk
    ]
    counts = Counter(len(line.chars) for line in non_final)
    assert len(non_final) > 50 and counts.most_common(1)[0][0] == CHARS_PER_LINE, counts
    assert max(counts) == CHARS_PER_LINE, counts
    imprinted = [
        page for page in pages if any(notice_context.printed_on in line.text for line in page.lines)
    ]
    assert [page.number for page in imprinted] == [len(pages)], "the 版记 is not on the last page"
    assert len(pages) % 2 == 0, f"{len(pages)} pages: the 版记 page must be even"
    last_rule = max(
        horizontal_rules(libreoffice_notice_one_family, len(pages) - 1), key=lambda r: r.bottom
    )
    assert last_rule.bottom == pytest.approx(BOTTOM, abs=1), last_rule


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
