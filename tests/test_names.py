"""Names that render: a character a role's font lacks is printed in the role's declared fallback.

FandolFang (仿宋) and FandolKai (楷体) lack 喆 堃 玥 昇 犇 燚 䶮 𠮷. The sample campaign, cut to ten
secretaries of whom eight bear such names (and two 复姓 each), runs `forms` and `letters` as the
clerk would: exit 0, one warning per character and person, every name in the text pdfplumber
extracts, no font outside the map. Names carry no weight in a serial, so the sample's ballots
stay valid after the renaming.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdfium2
import pytest
import yaml

from generator.cli import EXIT_INPUT, EXIT_OK, main
from generator.render.fonts import postscript_name

from helpers import DATA, embedded_fonts

RARE = {  # id → a name whose last character FandolFang and FandolKai lack
    "s01": "欧阳喆",
    "s02": "司马堃",
    "s03": "诸葛玥",
    "s04": "上官昇",
    "s05": "慕容犇",
    "s06": "东方燚",
    "s07": "皇甫䶮",
    "s08": "令狐𠮷",
}
ORGANIZATIONS = {"s04": "昇平村党支部", "s09": "犇牛村党支部"}  # 昇 twice for s04: one warning
KEPT = {*RARE, "s09", "t01"}
BALLOT_TEXT = "希望欧阳喆同志带头抓好党建"  # a ballot's suggestion on s01
WARNING = "警告 / warning: "
# The PDFs that list every secretary; any other PDF that prints a name is named after its person.
ROLL_CALLS = ("述职安排", "通报", "备案报告", "目录", "档案")


def cut_sample(root: Path) -> Path:
    """Copy the sample to root/data, keep ten secretaries, give eight of them rare names, and put
    a rare character in one ballot's suggestion."""
    data = root / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns(".demo-signer"))
    people = yaml.safe_load((data / "secretaries.yaml").read_text(encoding="utf-8"))
    kept = [person for person in people if person["id"] in KEPT]
    for person in kept:
        person["name"] = RARE.get(person["id"], person["name"])
        person["organization"] = ORGANIZATIONS.get(person["id"], person["organization"])
    dump(data / "secretaries.yaml", kept)
    assessment = yaml.safe_load((data / "assessment.yaml").read_text(encoding="utf-8"))
    dump(data / "assessment.yaml", {key: assessment[key] for key in assessment if key in KEPT})
    for name, encoding in (("上述.csv", "utf-8-sig"), ("下评.csv", "gb18030")):
        path = data / "ballots" / name
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))
        rows = rows[:1] + [row for row in rows[1:] if row[1] in KEPT]
        if name == "上述.csv":
            row = next(row for row in rows if row[1] == "s01" and row[4] == "valid")
            row[6] = BALLOT_TEXT
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(rows)
        path.write_bytes(text.getvalue().encode(encoding))
    return data


def extracted_text(pdf: Path) -> str:
    """Return the PDF's text as a reader extracts it (its ToUnicode maps, not its glyphs), line
    breaks removed: a name may be broken across lines. pdfium reads these 80 PDFs in seconds
    where pdfplumber takes a minute."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return re.sub(r"\s", "", text)


def dump(path: Path, value: object) -> None:
    path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")


def line_of(path: Path, text: str, encoding: str = "utf-8") -> int:
    lines = path.read_bytes().decode(encoding).splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


@dataclass(frozen=True)
class Run:
    data: Path
    out: Path
    codes: dict[str, int]
    errs: dict[str, str]

    def warnings(self, command: str) -> list[str]:
        return [line for line in self.errs[command].splitlines() if line.startswith(WARNING)]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """Run forms then letters (quiet, as the CLI) on the cut sample."""
    root = tmp_path_factory.mktemp("rare-names")
    data, out = cut_sample(root), root / "out"
    codes, errs = {}, {}
    for command in ("forms", "letters"):
        stream = io.StringIO()
        with contextlib.redirect_stderr(stream):
            codes[command] = main([command, "--quiet", "--data", str(data), "--out", str(out)])
        errs[command] = stream.getvalue()
    return Run(data, out, codes, errs)


def expected_warnings(data: Path) -> list[tuple[str, str, str, str]]:
    """Return (place, field, character, whose) for each warning due from secretaries.yaml."""
    people = data / "secretaries.yaml"
    found = []
    for ident, name in RARE.items():
        found.append((f"{people}:{line_of(people, f'name: {name}')}", "name", name[-1], ident))
    organization = ORGANIZATIONS["s09"]
    line = line_of(people, f"organization: {organization}")
    found.append((f"{people}:{line}", "organization", organization[0], "s09"))
    return found


def names_of(data: Path) -> dict[str, str]:
    people = yaml.safe_load((data / "secretaries.yaml").read_text(encoding="utf-8"))
    return {person["id"]: person["name"] for person in people}


def assert_warning(line: str, place: str, field: str, char: str, whose: tuple[str, str]) -> None:
    code = f"U+{ord(char):04X}"
    assert line.startswith(f"{WARNING}{place}: "), line
    assert f".{field}: " in line or f" {field}: " in line, line
    assert f"字符“{char}”（{code}）" in line and f"character {char} ({code})" in line, line
    assert whose[0] in line and whose[1] in line, line
    for words in ("仿宋字体 FandolFang", "楷体字体 FandolKai", "Noto Serif CJK SC", "LXGW WenKai"):
        assert words in line, line


# --- the runs ----------------------------------------------------------------------------------


def test_forms_and_letters_succeed(run):
    assert run.codes == {"forms": EXIT_OK, "letters": EXIT_OK}, run.errs


def test_each_fallback_character_is_one_warning_naming_person_and_line(run):
    names = names_of(run.data)
    due = expected_warnings(run.data)
    warnings = run.warnings("forms")
    assert len(warnings) == len(due), "\n".join(warnings)  # 昇 of s04's organisation: no second
    for line, (place, field, char, ident) in zip(warnings, due, strict=True):
        person = names[ident]
        assert_warning(line, place, field, char, (f"{person}（{ident}）", f"{person} ({ident})"))


def test_letters_warns_again_and_for_a_ballot_text(run):
    warnings = run.warnings("letters")
    assert warnings[:-1] == run.warnings("forms")
    ballots = run.data / "ballots" / "上述.csv"
    place = f"{ballots}:{line_of(ballots, BALLOT_TEXT, 'utf-8-sig')}"
    whose = ("关于欧阳喆（s01）的选票", "a ballot on 欧阳喆 (s01)")
    assert_warning(warnings[-1], place, "suggestions", "喆", whose)


def test_every_pdf_that_prints_a_name_holds_it_in_its_text(run):
    names = list(names_of(run.data).values())
    pdfs = sorted(run.out.rglob("*.pdf"))
    checked = 0
    for pdf in pdfs:
        text = extracted_text(pdf)
        assert "\ufffd" not in text, pdf
        due = names_due(pdf, names)
        missing = [name for name in due if name not in text]
        assert not missing, f"{pdf.relative_to(run.out)} lacks {missing}"
        checked += bool(due)
    assert checked >= len(RARE) * 6, checked  # 评议表, 选票, letters, 整改清单, 档案, filled forms


def test_the_pdfs_embed_only_the_map_s_fonts_and_their_fallbacks(run, font_map):
    declared = {  # CSS family → the PostScript name of its file
        family: postscript_name(file)
        for font in font_map.values()
        for family, file in (
            (font.css_family, font.file),
            *((fallback.css_family, fallback.file) for fallback in font.fallbacks),
        )
    }
    fallbacks_used = set()
    for pdf in sorted(run.out.rglob("*.pdf")):
        for base, name in embedded_fonts(pdf).items():
            family = family_of(base, declared)
            assert family is not None, f"{pdf.name}: {base} ({name}) is outside the font map"
            assert name == declared[family], f"{pdf.name}: {base} embeds {name}"
            fallbacks_used.add(family)
    assert {"GW-FangSong-Fallback-1", "GW-FangSong"} <= fallbacks_used  # the names' 仿宋 text


def family_of(base: str, families: dict[str, str]) -> str | None:
    """Return the CSS family a BaseFont was made from: WeasyPrint may add a style (-Bold)."""
    matching = [f for f in families if base == f or base.startswith(f + "-")]
    return max(matching, key=len, default=None)


def test_every_docx_keeps_the_names(run):
    names = list(names_of(run.data).values())
    for document in sorted(run.out.rglob("*.docx")):
        text = docx_words(document)
        due = names_due(document, names)
        missing = [name for name in due if name not in text]
        assert not missing, f"{document.relative_to(run.out)} lacks {missing}"


def names_due(path: Path, names: list[str]) -> list[str]:
    """Return the names a file must print: all for a roll call, else its person's."""
    if any(word in path.stem for word in ROLL_CALLS):
        return names
    return [name for name in names if name in path.stem]


def docx_words(path: Path) -> str:
    """Return the text of every w:t of the document and its headers and footers, run into one."""
    with zipfile.ZipFile(path) as package:
        parts = [n for n in package.namelist() if n.startswith("word/") and n.endswith(".xml")]
        xml = "".join(package.read(name).decode("utf-8") for name in sorted(parts))
    return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


def test_an_emoji_in_a_name_is_still_an_input_error_at_its_line(tmp_path, capsys):
    data = cut_sample(tmp_path)
    people = data / "secretaries.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("name: 欧阳喆", "name: 欧阳喆😀"),
        encoding="utf-8",
    )
    code = main(["forms", "--quiet", "--data", str(data), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT, err
    line = line_of(people, "欧阳喆😀")
    located = [text for text in err.splitlines() if f"{people}:{line}: " in text]
    assert len(located) == 1 and "U+1F600" in located[0], err
    assert "U+5586" not in located[0]  # 喆 has a fallback: not the problem
    assert not (tmp_path / "out").exists()


# --- the font map, its CSS, the font check ------------------------------------------------------


def test_each_role_declares_its_fallbacks_in_order():
    from generator.render.fonts import load_font_map

    fonts = load_font_map()
    files = {role: [f.file.name for f in font.fallbacks] for role, font in fonts.items()}
    assert files == {
        "小标宋": [],  # its fallback is its own file, Noto Serif CJK SC Bold
        "仿宋": ["NotoSerifCJKsc-Regular.otf"],
        "楷体": ["LXGWWenKai-Regular.ttf", "NotoSerifCJKsc-Regular.otf"],
        "黑体": [],
        "宋体": [],
    }
    assert fonts["楷体"].css_families == ("GW-Kai", "GW-Kai-Fallback-1", "GW-Kai-Fallback-2")


def test_a_licensed_font_keeps_the_role_s_fallbacks():
    from generator.model.campaign import FontChoice
    from generator.render.fonts import load_font_map, repertoire

    licensed = load_font_map()["仿宋"].file  # stands in for a licensed 方正小标宋 with GB2312 only
    fonts = load_font_map({"小标宋": FontChoice(name=None, file=str(licensed))})
    assert [f.file.name for f in fonts["小标宋"].fallbacks] == ["NotoSerifCJKsc-Bold.otf"]
    used = repertoire(fonts).fallbacks_for(ord("喆"))
    assert [(role.role, face.name) for role, face in used] == [
        ("小标宋", "Noto Serif CJK SC"),
        ("仿宋", "Noto Serif CJK SC"),
        ("楷体", "LXGW WenKai"),
    ]


def test_a_missing_fallback_file_names_the_role_and_the_remedy(tmp_path, monkeypatch):
    from generator.model.errors import FontError
    from generator.render import fonts

    configured = yaml.safe_load(fonts.FONT_MAP_FILE.read_text(encoding="utf-8"))
    configured["楷体"]["fallbacks"] = ["/nonexistent/WenKai.ttf"]
    changed = tmp_path / "fonts.yaml"
    changed.write_text(yaml.safe_dump(configured, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(fonts, "FONT_MAP_FILE", changed)
    with pytest.raises(FontError) as raised:
        fonts.load_font_map()
    message = str(raised.value)
    assert "楷体" in message and "/nonexistent/WenKai.ttf" in message and "make fonts" in message
    assert "仿宋" not in message


def test_the_css_lists_each_role_s_fallbacks_in_one_property():
    from generator.render.fonts import font_face_css, load_font_map

    css = font_face_css(load_font_map())
    assert css.count("@font-face") == 5 + 3
    assert '--GW-Kai: "GW-Kai", "GW-Kai-Fallback-1", "GW-Kai-Fallback-2";' in css
    assert '--GW-FangSong: "GW-FangSong", "GW-FangSong-Fallback-1";' in css
    assert '--GW-Hei: "GW-Hei";' in css


def test_templates_name_a_role_only_through_its_property():
    from generator.render.templating import TEMPLATES

    for path in sorted((TEMPLATES / "html").iterdir()):
        for value in re.findall(r"font-family:\s*([^;}]+)", path.read_text(encoding="utf-8")):
            assert re.fullmatch(r"var\(--GW-[A-Za-z]+\)\s*", value), f"{path.name}: {value}"


def test_a_character_the_role_s_font_lacks_prints_in_its_fallback(renderer, tmp_path):
    pdf = tmp_path / "kai.pdf"
    pdf.write_bytes(renderer.render('<p style="font-family: var(--GW-Kai)">欧阳喆 令狐𠮷</p>'))
    assert embedded_fonts(pdf) == {
        "GW-Kai": "FandolKai-Regular",
        "GW-Kai-Fallback-1": "LXGWWenKai-Regular",
    }
    assert extracted_text(pdf) == "欧阳喆令狐𠮷"


@pytest.mark.parametrize(
    ("style", "text"),
    [
        pytest.param("font-family: GW-Kai", "欧阳喆", id="role-without-its-fallbacks"),
        pytest.param("font-family: var(--GW-FangSong)", "述职\U00020000", id="in-no-font"),
        pytest.param("font-family: var(--GW-FangSong)", "述职😀", id="emoji"),
    ],
)
def test_fonts_outside_the_map_and_its_fallbacks_are_still_refused(renderer, style, text):
    from generator.model.errors import FontError

    with pytest.raises(FontError):
        renderer.render(f'<p style="{style}">{text}</p>')


# --- where a warning comes from -----------------------------------------------------------------


def test_one_warning_per_character_and_person_or_line():
    from generator.load.coverage import Typed, fallbacks_used, typed_in_secretaries
    from generator.model.campaign import Secretary
    from generator.model.repertoire import Face, Repertoire, RoleFaces

    narrow = Face("Narrow", frozenset(map(ord, "张甲党支部")))
    wide = Face("Wide", narrow.code_points | {ord("喆"), ord("堃")})
    printable = Repertoire.of((RoleFaces("仿宋", narrow, (wide,)), RoleFaces("黑体", wide)))

    def listed(ident: str, name: str, organization: str, row: int) -> Secretary:
        appointed, issues = date(2020, 1, 1), ("甲", "甲")
        located = f"data/secretaries.xlsx:Sheet1!A{row}"  # a workbook's secretaries, by cell
        return Secretary(
            ident, name, None, organization, "branch", appointed, issues, (), row - 1, located
        )

    typed = typed_in_secretaries(
        [listed("b01", "张喆", "喆堃党支部", 2), listed("b02", "甲喆", "党支部", 3)]
    )
    typed += [
        Typed("data/notice.md", "3", "notice.md", "喆喆"),
        Typed("data/notice.md", "4", "notice.md", "喆"),
    ]
    warnings = fallbacks_used(typed, printable)
    assert [(w.file, w.where, w.field, w.zh.partition("不在")[0]) for w in warnings] == [
        ("data/secretaries.xlsx", "Sheet1!A2", "name", "张喆（b01）：字符“喆”（U+5586）"),
        ("data/secretaries.xlsx", "Sheet1!A2", "organization", "张喆（b01）：字符“堃”（U+5803）"),
        ("data/secretaries.xlsx", "Sheet1!A3", "name", "甲喆（b02）：字符“喆”（U+5586）"),
        ("data/notice.md", "3", "notice.md", "字符“喆”（U+5586）"),
        ("data/notice.md", "4", "notice.md", "字符“喆”（U+5586）"),
    ]
    assert warnings[0].zh.endswith("不在仿宋字体 Narrow 中，改用后备字体 Wide"), warnings[0]
    assert warnings[0].en == (
        "张喆 (b01): character 喆 (U+5586) is not in the 仿宋 font Narrow: printed in the "
        "fallback Wide"
    )  # 黑体's font has it: not named
