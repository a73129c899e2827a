"""The committed DOCX templates are exactly what their builders make (`make templates`)."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from helpers import REPO

COMMITTED = REPO / "generator" / "templates" / "docx"


@pytest.fixture(scope="module")
def built(font_map) -> dict[str, bytes]:
    from generator.documents.docx_builders import build_templates

    return build_templates(font_map)


def test_every_committed_template_has_a_builder(built):
    assert sorted(built) == sorted(p.name for p in COMMITTED.glob("*.docx"))


def test_committed_templates_are_what_their_builders_make(built):
    drifted = [
        name for name, content in built.items() if (COMMITTED / name).read_bytes() != content
    ]
    assert not drifted, f"{drifted}: run `make templates` and commit the templates"


def test_every_kind_names_templates_that_exist():
    from generator.documents.registry import KINDS

    html = REPO / "generator" / "templates" / "html"
    for kind in KINDS:
        for name in kind.templates:
            folder = COMMITTED if name.endswith(".docx") else html
            assert (folder / name).is_file(), f"{kind.key}: {name}"


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def xml(built) -> dict[str, dict[str, etree._Element]]:
    """Template name → its word/*.xml parts, parsed."""
    found = {}
    for name, content in built.items():
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            found[name] = {
                part: etree.fromstring(package.read(part))
                for part in package.namelist()
                if part.startswith("word/") and part.endswith(".xml")
            }
    return found


def test_every_template_lists_the_official_fonts_with_alternates(xml, font_map):
    """The font table: each official font, GB 2312 coded, with the alternate Word and WPS take
    when it is missing (仿宋_GB2312 → 仿宋)."""
    official = {font.docx_name: font.aliases[0] for font in font_map.values()}
    for name, parts in xml.items():
        table = {f.get(f"{W}name"): f for f in parts["word/fontTable.xml"].iter(f"{W}font")}
        assert {n: f.find(f"{W}altName").get(f"{W}val") for n, f in table.items()} == official
        assert all(f.find(f"{W}charset").get(f"{W}val") == "86" for f in table.values()), name


def test_every_run_style_names_its_east_asian_font_with_the_hint(xml):
    for name, parts in xml.items():
        for part, root in parts.items():
            for fonts in root.iter(f"{W}rFonts"):
                if fonts.get(f"{W}eastAsia") is not None:
                    assert fonts.get(f"{W}hint") == "eastAsia", (name, part)
                themed = [a for a in fonts.attrib if a.lower().endswith("theme")]
                assert not themed, (name, part, themed)


def test_every_template_is_chinese_without_automatic_spacing(xml):
    """zh-CN in the defaults, the styles and the theme; no space beside digits (“2022年”), no
    punctuation hung past the margin."""
    for name, parts in xml.items():
        defaults = parts["word/styles.xml"].find(f"{W}docDefaults")
        languages = [defaults.find(f"{W}rPrDefault/{W}rPr/{W}lang")]
        languages += parts["word/styles.xml"].findall(f"{W}style/{W}rPr/{W}lang")
        languages.append(parts["word/settings.xml"].find(f"{W}themeFontLang"))
        for language in languages:
            assert language.get(f"{W}val") == language.get(f"{W}eastAsia") == "zh-CN", name
        assert not any(b"ja-JP" in etree.tostring(root) for root in parts.values()), name
        paragraph = defaults.find(f"{W}pPrDefault/{W}pPr")
        for switch in ("overflowPunct", "autoSpaceDE", "autoSpaceDN"):
            assert paragraph.find(f"{W}{switch}").get(f"{W}val") == "0", (name, switch)


def test_page_numbers_are_in_song(xml, font_map):
    """GB/T 9704 §7.5: 4号 half-width 宋体 numerals, in the 页码 style."""
    numbered = 0
    for name, parts in xml.items():
        style = next(
            s for s in parts["word/styles.xml"].iter(f"{W}style") if s.get(f"{W}styleId") == "页码"
        )
        assert style.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == font_map["宋体"].docx_name
        assert style.find(f"{W}rPr/{W}sz").get(f"{W}val") == "28", name
        for part, root in parts.items():
            for p in root.iter(f"{W}p") if part.startswith("word/footer") else ():
                if "PAGE" in "".join(p.itertext()):
                    numbered += 1
                    assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "页码", (name, part)
    assert numbered >= 10, "page-number footers not found"
