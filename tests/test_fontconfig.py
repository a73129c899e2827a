"""The fontconfig mapping `make fonts` installs: each official font name of the DOCX files, and each
of its aliases, finds the shipped substitute the PDFs embed, from the font map alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from helpers import FONTCONFIG, REPO


def test_the_installed_mapping_is_the_font_map_s(font_map):
    from generator.render.fontconfig import fontconfig_mapping

    expected = fontconfig_mapping(font_map, (REPO / ".fonts").resolve(), include_system=True)
    assert FONTCONFIG.is_file(), f"{FONTCONFIG} is missing: run `make fonts`"
    assert FONTCONFIG.read_text(encoding="utf-8") == expected, "stale: run `make fonts`"


def test_each_name_and_alias_is_sent_to_the_role_s_families(font_map):
    from generator.render.fontconfig import fontconfig_mapping

    whole = ElementTree.fromstring(fontconfig_mapping(font_map, Path("/f"), include_system=True))
    part = ElementTree.fromstring(fontconfig_mapping(font_map, Path("/f"), include_system=False))
    assert [e.text for e in whole.iter("include")] == ["/etc/fonts/fonts.conf"]
    assert not list(part.iter("include")), "the user's fragment is included by the system's"
    assert [e.text for e in whole.iter("dir")] == [e.text for e in part.iter("dir")] == ["/f"]
    rules = {
        match.find("test/string").text: (
            [s.text for s in match.find("edit[@name='family']")],
            [c.text for c in match.iter("const")],
        )
        for match in whole.iter("match")
    }
    assert rules["仿宋_GB2312"] == rules["仿宋"] == (["FandolFang", "Noto Serif CJK SC"], [])
    assert (
        rules["楷体_GB2312"]
        == rules["KaiTi"]
        == (["FandolKai", "LXGW WenKai", "Noto Serif CJK SC"], [])
    )
    assert rules["方正小标宋简体"] == rules["方正小标宋_GBK"] == (["Noto Serif CJK SC"], ["bold"])
    assert rules["黑体"] == rules["SimHei"] == (["Noto Sans CJK SC"], [])
    assert rules["宋体"] == rules["SimSun"] == (["Noto Serif CJK SC"], [])
    assert set(rules) == {n for f in font_map.values() for n in (f.docx_name, *f.aliases)}


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig's fc-match is not installed")
def test_fc_match_finds_the_substitutes_without_the_home_folder(font_map, tmp_path):
    """With FONTCONFIG_FILE and an empty home, as the LibreOffice tests run."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG), "HOME": str(tmp_path)}
    env.pop("XDG_CONFIG_HOME", None)
    found = {}
    for font in font_map.values():
        for name in (font.docx_name, *font.aliases):
            pattern = re.sub(r"([-:,\\])", r"\\\1", name)  # fc-match reads "a-b" as size b
            found[name] = subprocess.run(
                ["fc-match", "--format", "%{family[0]}|%{postscriptname}", pattern],
                env=env, capture_output=True, text=True, check=True, timeout=60,
            ).stdout  # fmt: skip
    expected = {
        name: f"{_family(font)}|{font.postscript_name}"
        for font in font_map.values()
        for name in (font.docx_name, *font.aliases)
    }
    assert found == expected


def _family(font) -> str:
    from generator.render.fontconfig import mapped_families

    return mapped_families(font)[0]
