"""What several test modules share: the sample's paths, loading, reading DOCX and PDF text back,
LibreOffice conversion and small PDF surgery. Test modules import from here, never each other.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pdfplumber
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import seedtext

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEED = REPO / "docs" / "seed" / "2022年度上海庙镇党组织书记抓基层党建述职评议考核工作方案.txt"
MENDS = Path(__file__).resolve().parent / "seed_mends.yaml"
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
FONTCONFIG = REPO / ".fonts" / "fonts.conf"  # the official font names → the shipped fonts
PAGE_NUMBER_FIELD = re.compile(r"^—?\s*—?$")  # a footer's “— PAGE —”: the field has no text


def load_data(folder: Path):
    """Return the validated campaign data of a data folder, plan included."""
    from generator.load.data import load_campaign_data
    from generator.load.folder import DataFolder

    return load_campaign_data(DataFolder(folder))


def forms_context(folder: Path, secret: bytes = bytes(range(32))):
    """Return the pre-meeting pack's context for a data folder, with a fixed ballot secret."""
    from generator.documents.context import FormsContext
    from generator.model.serials import fingerprint, issue_ballots, printing_order
    from generator.render.fonts import load_font_map
    from generator.render.pdf import PdfRenderer

    data = load_data(folder)
    issued = tuple(issue_ballots(data.campaign, list(data.secretaries), secret))
    renderer = PdfRenderer(load_font_map(data.campaign.fonts))
    printing = tuple(printing_order(issued, secret))
    return FormsContext(
        data.campaign, data.secretaries, data.plan, issued, printing, fingerprint(secret), renderer
    )


def write_kinds(context, keys: list[str], out_dir: Path) -> list[Path]:
    """Render the kinds with these keys for every secretary and write them under out_dir."""
    from generator.documents.registry import kind
    from generator.output.names import document_path, number_width

    width, written = number_width(len(context.secretaries)), []
    for key in keys:
        for document in kind(key).build(context, context.secretaries):
            target = out_dir / document_path(document, width)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document.content)
            written.append(target)
    return written


# --- the golden digests of the sample's outputs -------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden" / "sample-outputs.sha256"


def tree(folder: Path) -> dict[str, str]:
    """Return path → SHA-256 of every file under a folder: to see that a run left it as it was."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def first_revision(pdf: bytes) -> bytes:
    """Return a PDF's bytes up to its first %%EOF: the file before any signature was appended."""
    end = pdf.find(b"%%EOF")
    return pdf if end < 0 else pdf[: end + len(b"%%EOF")]


def output_digests(out_dir: Path) -> dict[str, str]:
    """Return path → SHA-256 of every file under out_dir (PDFs before signing), but the manifest."""
    import hashlib

    found = {}
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir).as_posix()
        if not path.is_file() or relative == "archive/manifest.json":
            continue
        content = path.read_bytes()
        if relative.endswith(".pdf"):
            content = first_revision(content)
        found[relative] = hashlib.sha256(content).hexdigest()
    return found


def golden_digests() -> dict[str, str]:
    """Return the committed digests: `hash  path` lines, comments aside."""
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    pairs = [line.split("  ", 1) for line in lines if line and not line.startswith("#")]
    return {path: digest for digest, path in pairs}


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
    """The body's text, then the 版记 (the last section's footer); no page numbers."""
    document = docx.Document(str(path))
    body = block_texts(document.element.body)
    last = document.sections[-1]
    assert not last.footer.is_linked_to_previous, "the 版记 section must have its own footer"
    parts = [last.footer]
    if document.settings.odd_and_even_pages_header_footer:
        parts.append(last.even_page_footer)
    footers = [
        [text for text in block_texts(part._element) if not PAGE_NUMBER_FIELD.match(text)]
        for part in parts
    ]
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


def first_difference(a: str, b: str, context: int = 30) -> str:
    index = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return (
        f"first difference at {index} (lengths {len(a)} / {len(b)}):\n"
        f"  DOCX …{a[max(0, index - context) : index + context]}…\n"
        f"  PDF  …{b[max(0, index - context) : index + context]}…"
    )


HANZI = re.compile(r"[\u4e00-\u9fff]")


def spaced_digits(path: Path) -> list[str]:
    """Return each place where a digit and a hanzi beside it on a line stand apart by more than
    an eighth of the font size (and less than an em), as "2022 年": a word processor's automatic
    space between East Asian text and digits (a fifth of an em in LibreOffice, a quarter in Word)."""
    found = []
    with pdfplumber.open(path) as document:
        for page in document.pages:
            for a, b in itertools.pairwise(page.chars):
                pair = a["text"] + b["text"]
                mixed = re.fullmatch(r"\d" + HANZI.pattern, pair) or re.fullmatch(
                    HANZI.pattern + r"\d", pair
                )
                same_line = abs(a["top"] - b["top"]) < 1 and b["x0"] > a["x0"]
                gap = b["x0"] - a["x1"]  # wider than an em: apart by layout (table cells)
                if mixed and same_line and a["size"] / 8 < gap < a["size"]:
                    found.append(f"{a['text']} {b['text']} (p. {page.page_number})")
    return found


# --- fonts --------------------------------------------------------------------------------------


def embedded_fonts(pdf_path: Path) -> dict[str, str]:
    """Return BaseFont (subset prefix removed) → the PostScript name of its embedded program."""
    reader = PdfReader(pdf_path)
    found: dict[str, str] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if fonts is None:
            continue
        for reference in fonts.get_object().values():
            font = reference.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for descendant in descendants:
                base = str(descendant["/BaseFont"]).lstrip("/").split("+", 1)[-1]
                descriptor = descendant["/FontDescriptor"].get_object()
                program = next(
                    (
                        descriptor[key]
                        for key in ("/FontFile2", "/FontFile3", "/FontFile")
                        if key in descriptor
                    ),
                    None,
                )
                assert program is not None, f"font {base} is not embedded"
                with TTFont(io.BytesIO(program.get_object().get_data())) as embedded:
                    found[base] = str(embedded["name"].getDebugName(6))
    return found


def font_program_names(file: Path) -> set[str]:
    """Return the names a font file's program may be embedded under: its PostScript name and, in
    a CFF font, the CFF's own names (Noto CJK's SC faces keep the collection's CFF, named for JP)."""
    with TTFont(file, lazy=True) as font:
        names = {str(font["name"].getDebugName(6))}
        if "CFF " in font:
            cff = font["CFF "].cff
            names.update(cff.fontNames)
            top = cff[0]
            names.update(
                fd.FontName for fd in getattr(top, "FDArray", []) if hasattr(fd, "FontName")
            )
    return names


def libreoffice_faces(pdf_path: Path, files: list[Path]) -> set[str]:
    """Return the PostScript names of the font files a LibreOffice PDF's fonts were taken from;
    a font from none of them by its own name.

    LibreOffice embeds a CFF font as Type 1 subsets named after the CFF's font dicts, so a Noto CJK
    SC face, whose CFF is the collection's, comes out as "NotoSerifCJKjp-Bold-VKana": whether it
    is the SC face is told by its glyphs, each character drawn with the glyph the SC face's cmap
    gives it (the JP face draws some with others).
    """
    candidates = {file: font_program_names(file) for file in files}
    found: set[str] = set()
    for font in _page_fonts(pdf_path):
        base = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
        matching = [file for file, names in candidates.items() if base in names]
        if base in {postscript(file) for file in matching}:
            found.add(base)
            continue
        drawn = _drawn_glyphs(font)
        faithful = [file for file in matching if drawn and _same_glyphs(file, drawn)]
        found.add(postscript(faithful[0]) if faithful else base)
    return found


def postscript(file: Path) -> str:
    with TTFont(file, lazy=True) as font:
        return str(font["name"].getDebugName(6))


def _page_fonts(pdf_path: Path) -> list:
    fonts: dict[int, object] = {}
    for page in PdfReader(pdf_path).pages:
        resources = page.get("/Resources")
        table = resources.get_object().get("/Font") if resources else None
        for reference in table.get_object().values() if table else ():
            fonts[reference.idnum] = reference.get_object()
    return list(fonts.values())


def _drawn_glyphs(font) -> dict[str, int]:
    """Return character → CID of a Type 1 subset whose glyphs are named cidNNNN (LibreOffice's
    rendering of a CID-keyed CFF font); empty for any other font."""
    descriptor = font["/FontDescriptor"].get_object()
    if "/FontFile" not in descriptor or "/ToUnicode" not in font:
        return {}
    program = descriptor["/FontFile"].get_object().get_data().decode("latin-1")
    glyphs = {int(code): name for code, name in re.findall(r"dup (\d+) /(\S+) put", program)}
    unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    drawn = {}
    for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", unicode):
        name = glyphs.get(int(code, 16), "")
        if name.startswith("cid"):
            drawn[bytes.fromhex(text).decode("utf-16-be")] = int(name[3:])
    return drawn


def _same_glyphs(file: Path, drawn: dict[str, int]) -> bool:
    with TTFont(file, lazy=True) as font:
        cmap = font.getBestCmap()
    return all(
        len(char) == 1
        and cmap.get(ord(char), "").startswith("cid")
        and int(cmap[ord(char)][3:]) == cid
        for char, cid in drawn.items()
    )


# --- LibreOffice, other processes, PDF surgery ----------------------------------------------


def font_substitutes(font_map) -> dict[str, tuple[str, bool]]:
    """Return each official font name of the DOCX → the family of the file the PDF embeds for
    that role, and whether that file is bold."""
    from generator.render.fonts import family_name

    substitutes = {}
    for font in font_map.values():
        with TTFont(font.file, lazy=True) as program:
            bold = program["OS/2"].usWeightClass >= 600
        substitutes[font.docx_name] = (family_name(font.file), bold)
    return substitutes


def fontconfig_file(folder: Path, substitutes: dict[str, tuple[str, bool]]) -> Path:
    """Write a fontconfig file that gives LibreOffice the shipped fonts (.fonts/) and nothing
    else, each official name standing for its substitute; return its path.

    Only these fonts and rules count, whatever the machine's own configuration says: the
    robustness tests give every official name one other family this way.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rules = []
    for name, (family, bold) in substitutes.items():
        weight = '<edit name="weight" mode="assign"><const>bold</const></edit>' if bold else ""
        rules.append(
            f'<match target="pattern"><test name="family"><string>{name}</string></test>'
            f'<edit name="family" mode="assign" binding="strong"><string>{family}</string>'
            f"</edit>{weight}</match>"
        )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"<dir>{REPO / '.fonts'}</dir>\n<cachedir>{folder / 'cache'}</cachedir>\n"
        + "\n".join(rules)
        + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def convert_with_libreoffice(
    sources: list[Path], tmp_path: Path, fontconfig: Path | None = None
) -> Path:
    """Convert DOCX files to PDF with LibreOffice headless; return the folder of the PDFs.

    A private profile keeps runs apart; the official fonts are mapped to the shipped ones by the
    fontconfig file `make fonts` writes (FONTCONFIG_FILE), whatever the home folder holds, or by
    `fontconfig` when given; every source must come out as a PDF of the same stem.
    """
    soffice = shutil.which("soffice")
    assert soffice, "soffice (LibreOffice) is not installed; `make test` installs it"
    assert FONTCONFIG.is_file(), f"{FONTCONFIG} is missing: run `make fonts`"
    out = tmp_path / "libreoffice-out"
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig or FONTCONFIG)}
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)],
        capture_output=True, text=True, timeout=300, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for source in sources:
        assert (out / f"{source.stem}.pdf").is_file(), f"{source.name}: {result.stderr}"
    return out


def run_in_another_process(script: str, *args: object, hash_seed: str) -> None:
    """Run a Python snippet in a fresh interpreter with another hash seed (determinism tests)."""
    path = os.pathsep.join([str(REPO), str(REPO / "tests")])
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def flip_content_byte(pdf: bytes) -> bytes:
    """Change one byte inside the first page's content stream, keeping the file parseable."""
    from pypdf.generic import ArrayObject

    contents = PdfReader(io.BytesIO(pdf)).pages[0].raw_get("/Contents")
    if isinstance(contents.get_object(), ArrayObject):
        contents = contents.get_object().raw_get(0)  # the first of the page's streams
    start = pdf.index(b"stream", pdf.index(b"\n%d 0 obj" % contents.idnum)) + len(b"stream\n") + 10
    return pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1 :]
