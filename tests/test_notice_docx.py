"""The 通知's DOCX: it opens in LibreOffice, says what the PDF says, and names the official fonts.

Text comparison reads both documents in reading order, with one rule for tables in both: row by
row, each cell once, a merged cell where it begins (its top-left grid position).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

import seedtext
from conftest import convert_with_libreoffice, run_in_another_process

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEED = next((REPO / "docs" / "seed").glob("*工作方案.txt"))
MENDS = Path(__file__).resolve().parent / "seed_mends.yaml"
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- text in reading order ----------------------------------------------------------------------


def block_texts(container) -> list[str]:
    """Return the text of each paragraph in a body, cell, header or footer, in document order."""
    texts: list[str] = []
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            texts.append(Paragraph(child, None).text)
        elif child.tag == qn("w:tbl"):
            texts += table_texts(child)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                texts += block_texts(content)
    return texts


def table_texts(table) -> list[str]:
    """Row by row, each w:tc once; a vertically merged cell only in the row where it starts.

    python-docx's row.cells repeats a cell once per grid column it spans and once per row of a
    vertical merge, so the XML's own w:tc elements are read instead.
    """
    texts: list[str] = []
    for row in table.iterchildren(qn("w:tr")):
        for cell in row.iterchildren(qn("w:tc")):
            merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if merge is not None and merge.get(qn("w:val")) != "restart":
                continue  # continues the cell above
            texts += block_texts(cell)
    return texts


def docx_text(path: Path) -> str:
    """The body's text, then the 版记 (the last section's footer); no page-number footers."""
    document = docx.Document(str(path))
    body = block_texts(document.element.body)
    last = document.sections[-1]
    assert not last.footer.is_linked_to_previous, "the 版记 section must have its own footer"
    footers = [block_texts(last.footer._element)]
    if document.settings.odd_and_even_pages_header_footer:
        footers.append(block_texts(last.even_page_footer._element))
    # The 版记 page may be odd or even in a word processor's layout: both footers must be it.
    assert all(
        seedtext.normalise("".join(f)) == seedtext.normalise("".join(footers[0])) for f in footers
    ), footers
    return "\n".join(body + footers[0])


def pdf_page_text(page) -> str:
    """A page's text top to bottom; each ruled table read row by row, each cell once."""
    tables = page.find_tables()

    def outside_tables(obj) -> bool:
        centre_x, centre_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(
            t.bbox[0] <= centre_x <= t.bbox[2] and t.bbox[1] <= centre_y <= t.bbox[3]
            for t in tables
        )

    blocks = [
        (line["top"], line["text"])
        for line in page.filter(outside_tables).extract_text_lines()
        if not PAGE_NUMBER.match(line["text"].strip())
    ]
    for table in tables:
        cells = [cell or "" for row in table.extract() for cell in row]
        blocks.append((table.bbox[1], "\n".join(cells)))
    return "\n".join(text for _, text in sorted(blocks, key=lambda block: block[0]))


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as document:
        return "\n".join(pdf_page_text(page) for page in document.pages)


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as document:
        return len(document.pages)


@pytest.fixture(scope="module")
def texts(rendered_notice) -> dict[str, str]:
    return {"docx": docx_text(rendered_notice.docx), "pdf": pdf_text(rendered_notice.pdf)}


def first_difference(a: str, b: str, context: int = 30) -> str:
    index = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return (
        f"first difference at {index} (lengths {len(a)} / {len(b)}):\n"
        f"  DOCX …{a[max(0, index - context) : index + context]}…\n"
        f"  PDF  …{b[max(0, index - context) : index + context]}…"
    )


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


def test_rendering_twice_gives_identical_bytes(rendered_notice, tmp_path):
    """A second run, in another process with another hash seed and a later clock, is identical."""
    second = tmp_path / "forms-run-2"
    script = (
        "import sys; from pathlib import Path; from generator.forms import run_forms; "
        "run_forms(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    run_in_another_process(script, DATA, second, hash_seed="12345")
    for name in ("通知.pdf", "通知.docx"):
        first_bytes = (rendered_notice.out_dir / "forms" / name).read_bytes()
        second_bytes = (second / "forms" / name).read_bytes()
        assert first_bytes == second_bytes, f"{name} differs between two runs"


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


def test_committed_template_is_what_its_script_generates(tmp_path):
    """templates/docx/notice.docx and tools/make_docx_templates.py never drift apart."""
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, str(root / "tools" / "make_docx_templates.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = (root / "templates" / "docx" / "notice.docx").read_bytes()
    assert (tmp_path / "notice.docx").read_bytes() == committed, (
        "run .venv/bin/python tools/make_docx_templates.py and commit the template"
    )
