"""What every DOCX template shares (the GB/T 9704 page, grid and named styles), and the 通知's.

The templates are ordinary Word files a clerk can open and restyle: every paragraph has a named
style (正文, 一级标题, …) with the official font set for East Asian text.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from ...render.docx import deterministic_zip
from ...render.fonts import MappedFont
from ..evaluation_form import SCORE_AREA
from .grid import off_the_grid

LINE = Pt(28.95)  # 225 mm / 22 lines, as Word's grid gives it (579 twips)
TEMPLATE_DATE = datetime(2022, 1, 1)  # fixed, so the same script gives the same bytes
RED = RGBColor(0xE6, 0x00, 0x00)
FORM_ROWS = {"grades": Mm(11), "overall": Mm(26), "guide": Mm(22), "text": Mm(42)}  # form.css
LABEL_WIDTH = Mm(44)
# The score area is built as ten columns, then templated to the form's (score_columns).
SEED_COLUMNS = 10
SCORE_WIDTH = Mm(SCORE_AREA / SEED_COLUMNS)
BOX_SPACES = "\u3000" * 4  # the written-score box of a blank form: framed ideographic spaces
LANGUAGE = "zh-CN"
FONT_FAMILIES = {"黑体": "swiss"}  # the font table's generic family: 黑体 is sans, the rest serif
# The children of w:pPr that follow w:overflowPunct (ECMA-376 order).
AFTER_OVERFLOW_PUNCT = (
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def set_east_asian_font(element_rpr, name: str) -> None:
    """Name the font for every script, East Asian included, and drop theme fonts that override it.

    The hint makes characters both scripts share (“ ” — …) East Asian, so they take w:eastAsia
    too; the language is Chinese, for Latin text as well.
    """
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    set_language(element_rpr)


def set_language(element_rpr) -> None:
    """Mark the text Chinese (zh-CN), its Latin and East Asian parts alike."""
    language = element_rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        element_rpr.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)


def set_lines_as_the_pdf(element_ppr) -> None:
    """Break lines as the PDF does: no extra space between Chinese and Latin text or digits
    (“2022 年”), and no punctuation hanging past the right margin (a line's last “，” goes to the
    next line with the character before it), so the text keeps to the 版心's 28 characters."""
    for name in ("w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
        switch = OxmlElement(name)
        switch.set(qn("w:val"), "0")
        order = ("w:overflowPunct", *AFTER_OVERFLOW_PUNCT)
        element_ppr.insert_element_before(switch, *order[order.index(name) + 1 :])


def font_table(fonts: dict[str, MappedFont]) -> bytes:
    """Return word/fontTable.xml listing each official font, GB 2312 coded, with its alternate:
    the font Word and WPS take when the official one is not installed (仿宋_GB2312 → 仿宋)."""
    entries: dict[str, str] = {}
    for font in fonts.values():
        alternate = f"<w:altName w:val={quoteattr(font.aliases[0])}/>" if font.aliases else ""
        entries.setdefault(
            font.docx_name,
            f'<w:font w:name={quoteattr(font.docx_name)}>{alternate}<w:charset w:val="86"/>'
            f'<w:family w:val="{FONT_FAMILIES.get(font.role, "roman")}"/>'
            '<w:pitch w:val="variable"/></w:font>',
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f"<w:fonts {nsdecls('w')}>{''.join(entries.values())}</w:fonts>"
    ).encode()


def add_style(
    doc, name, font, size_pt, *, base="Normal", align=None, indent_chars=0, color=None, line=LINE
):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.font.size = Pt(size_pt)
    style.font.bold = False
    if color:
        style.font.color.rgb = color
    set_east_asian_font(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(indent_chars * 15.79)
    if align is not None:
        fmt.alignment = align
    return style


def base_document(fonts):
    """Return a document with the GB/T 9704 page, grid and the named styles."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(23)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), "579")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_east_asian_font(default_rpr, fonts["仿宋"].docx_name)
    for size in default_rpr.findall(qn("w:sz")) + default_rpr.findall(qn("w:szCs")):
        size.set(qn("w:val"), "32")
    # 28 characters of 16 pt fill 156 mm only 0.21 pt closer together, as the PDF sets them.
    default_rpr.insert_element_before(
        parse_xml(f'<w:spacing {nsdecls("w")} w:val="-4"/>'), "w:w", "w:kern", "w:position", "w:sz"
    )
    set_lines_as_the_pdf(defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")))
    font_table_part(doc)._blob = font_table(fonts)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    set_east_asian_font(normal.element.get_or_add_rPr(), fonts["仿宋"].docx_name)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.widow_control = False  # every page holds its 22 lines
    name = lambda role: fonts[role].docx_name  # noqa: E731
    add_style(doc, "正文", name("仿宋"), 16, indent_chars=2)
    add_style(doc, "一级标题", name("黑体"), 16, indent_chars=2)
    add_style(
        doc,
        "发文机关标志",
        name("小标宋"),
        38.5,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        line=Pt(44),
    )
    add_style(doc, "发文字号", name("仿宋"), 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_style(doc, "标题", name("小标宋"), 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_style(doc, "主送机关", name("仿宋"), 16)
    add_style(doc, "署名", name("仿宋"), 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_style(doc, "附件标识", name("黑体"), 16)
    add_style(doc, "表格文字", name("仿宋"), 14, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(19))
    add_style(
        doc, "表注", name("仿宋"), 14, indent_chars=0, line=Pt(21)
    ).paragraph_format.first_line_indent = Pt(28)
    add_style(doc, "版记", name("仿宋"), 14, line=Pt(20))
    add_style(doc, "页码", name("宋体"), 14, line=Pt(14))
    kai = doc.styles.add_style("楷体引题", WD_STYLE_TYPE.CHARACTER)
    set_east_asian_font(kai.element.get_or_add_rPr(), name("楷体"))
    settings = doc.settings.element
    settings.append(parse_xml(f"<w:evenAndOddHeaders {nsdecls('w')}/>"))
    theme_language = settings.find(qn("w:themeFontLang"))  # ja-JP in python-docx's template
    theme_language.set(qn("w:val"), LANGUAGE)
    theme_language.set(qn("w:eastAsia"), LANGUAGE)
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    return doc


def tag(doc, text, style="正文"):
    """Add a paragraph that holds only a docxtpl block tag (it disappears when rendered)."""
    return doc.add_paragraph(text, style=style)


def font_table_part(doc):
    """Return the package's word/fontTable.xml part (python-docx keeps it as plain bytes)."""
    return next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")


def page_number_footer(footer, align, indent_side):
    """Number the pages “— N —” in the 页码 style: 4号 half-width 宋体 (GB/T 9704 §7.5), one
    character in from `indent_side`."""
    paragraph = footer.paragraphs[0]
    paragraph.style = "页码"
    paragraph.alignment = align
    setattr(paragraph.paragraph_format, indent_side, Pt(14))
    paragraph.add_run("— ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" —")


def _field(paragraph, instruction):
    run = paragraph.add_run()
    for kind in ("begin", None, "separate", "end"):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def set_cell_border(cell, **edges):
    tcPr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge, size in edges.items():
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if size else "nil")
        element.set(qn("w:sz"), str(size))
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tcPr.append(borders)


def form_block(doc, form="a.form", label="a.label"):
    """Add one 评议表: a 附件's label (none on a personal form), the title, table and note.

    The table has both overall rows, chosen by the form: a tick cell per score under its grade,
    or, on a scale too wide for them, the grades as guidance and one box for the number.
    """
    if label:
        doc.add_paragraph(
            f"{{{{ {label} }}}}", style="附件标识"
        ).paragraph_format.page_break_before = True
    doc.add_paragraph("", style="正文")
    title = doc.add_paragraph(f"{{{{ {form}.title }}}}", style="标题")
    title.paragraph_format.space_after = Mm(4)  # form.css: the table 4 mm below the title
    table = doc.add_table(rows=10, cols=1 + SEED_COLUMNS)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_grid(table, [LABEL_WIDTH] + [SCORE_WIDTH] * SEED_COLUMNS)
    rows = dict(zip(FORM_TABLE_ROWS, table.rows, strict=True))
    for name, row in rows.items():
        row.height = FORM_ROWS.get(ROW_KINDS.get(name, name))
        for index, cell in enumerate(row.cells):
            cell.width = LABEL_WIDTH if index == 0 else SCORE_WIDTH
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = doc.styles["表格文字"]
    choose_rows(rows, f"{form}.written")
    header = rows["grades"].cells
    header[0].merge(rows["scores"].cells[0]).paragraphs[0].text = "评价内容"
    loop_row(
        rows["grades"], f"span in {form}.header", "{% colspan span.scores|length %}{{ span.grade }}"
    )
    loop_row(rows["scores"], f"score in {form}.scores", "{{ score }}")
    sized(rows["grades"].cells[2], f"{form}.docx.grades[loop.index0]")
    sized(rows["scores"].cells[2], f"{form}.docx.heads")
    loop_row(rows["overall"], f"score in {form}.scores", "")
    questions = ("overall", "problems", "suggestions")
    for name, question in (*zip(questions, range(3), strict=True), ("written", 0)):
        rows[name].cells[0].paragraphs[0].text = f"{{{{ {form}.questions[{question}] }}}}"
        rows[name].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    rows["guide"].cells[0].paragraphs[0].text = "评价内容"
    guide = score_area(rows["guide"]).paragraphs[0]
    guide.text, guide.alignment = f"{{{{ {form}.written.guide_text }}}}", WD_ALIGN_PARAGRAPH.LEFT
    written_box(score_area(rows["written"]).paragraphs[0], f"{form}.written", BOX_SPACES, 28)
    for name in ("problems", "suggestions"):
        score_area(rows[name])
    doc.add_paragraph(f"{{{{ {form}.note }}}}", style="表注")
    score_columns(table, form)
    return table


# The rows of a form's table: {%tr if %} … {%tr else %} … {%tr endif %} rows vanish when rendered.
FORM_TABLE_ROWS = (
    "if", "grades", "scores", "overall", "else", "guide", "written", "endif", "problems",
    "suggestions",
)  # fmt: skip
ROW_KINDS = {"scores": "grades", "written": "overall", "problems": "text", "suggestions": "text"}


def choose_rows(rows: dict, written: str) -> None:
    """Mark the tick rows and the written-score rows as alternatives, by whether `written` is."""
    for name, tag_text in (
        ("if", f"{{%tr if not {written} %}}"),
        ("else", "{%tr else %}"),
        ("endif", "{%tr endif %}"),
    ):
        rows[name].cells[0].paragraphs[0].text = tag_text


def score_area(row):
    """Return the row's score columns merged into one cell (score_columns templates its span)."""
    return row.cells[1].merge(row.cells[SEED_COLUMNS])


def written_box(paragraph, written: str, value: str, size_pt: float) -> None:
    """Write 请填写分数（…）, the framed box with `value` in it, and 分, right-aligned."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(f"{{{{ {written}.label }}}}")
    box = paragraph.add_run(value)
    box.font.size = Pt(size_pt)
    box._r.get_or_add_rPr().append(
        parse_xml(f'<w:bdr {nsdecls("w")} w:val="single" w:sz="6" w:space="0" w:color="000000"/>')
    )
    paragraph.add_run(f"{{{{ {written}.unit }}}}")


def score_columns(table, form: str, count: str = "columns", width: str = "column_twips") -> None:
    """Make the score area's columns the form's: the grid repeats one column `form.columns`
    times, each `form.column_twips` wide, and so does a looped cell; a cell over the score area
    spans them all. Call it last: python-docx cannot read the table once these are Jinja."""
    columns = table._tbl.tblGrid.findall(qn("w:gridCol"))
    for column in columns[2:]:
        column.getparent().remove(column)
    seed_width = columns[1].get(qn("w:w"))
    columns[1].set(qn("w:w"), f"{{{{ {form}.{width} }}}}")
    columns[0].tail = f"{{% for _ in range({form}.{count}) %}}"
    columns[1].tail = "{% endfor %}"
    for cell in table._tbl.iter(qn("w:tc")):
        if "{%tc" in "".join(cell.itertext()):
            continue  # it vanishes; a Jinja width after a plain text would get it xml:space
        properties = cell.tcPr
        cell_width = properties.find(qn("w:tcW"))
        if cell_width is not None and cell_width.get(qn("w:w")) == seed_width:
            cell_width.set(qn("w:w"), f"{{{{ {form}.{width} }}}}")
        span = properties.find(qn("w:gridSpan"))
        if span is not None and span.get(qn("w:val")) == str(SEED_COLUMNS):
            span.set(qn("w:val"), f"{{{{ {form}.{count} }}}}")


def set_grid(table, widths) -> None:
    """Set the table's column grid, which Word and LibreOffice lay the cells out by."""
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(width.twips))


def sized(cell, size: str, default: int = 28) -> None:
    """Give the cell's words the size `size` (half-points) where it is not the style's `default`.

    The size element is written only then: a form whose words fit the style's size renders to
    the same bytes as before sizes were templated.
    """
    run = cell.paragraphs[0].runs[0]._r
    properties = run.get_or_add_rPr()
    for name in ("w:sz", "w:szCs"):
        element = OxmlElement(name)
        element.set(qn("w:val"), f"{{{{ {size} }}}}")
        properties.append(element)
    etree._Element.text.__set__(run, f"{{% if {size} != {default} %}}")  # CT_R.text is the run's
    properties.tail = "{% endif %}"


def loop_row(row, loop: str, cell_text: str) -> None:
    """Keep three cells after the label: docxtpl repeats the middle one for each item."""
    cells = row.cells
    cells[1].paragraphs[0].text = f"{{%tc for {loop} %}}"
    if cell_text:
        cells[2].paragraphs[0].text = cell_text
    cells[3].paragraphs[0].text = "{%tc endfor %}"
    for cell in cells[4:]:
        cell._tc.getparent().remove(cell._tc)


THEME_FONT = re.compile(rb'\s+w:(?:asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)="[^"]*"')
EMPTY_FONTS = re.compile(rb"<w:rFonts\s*/>")  # a style's fonts, once only theme fonts


def template_bytes(doc: DocxDocument) -> bytes:
    """Return the document's bytes, deterministic.

    The built-in styles of python-docx's default template (Heading 1–9, Title, Subtitle, the
    table styles; in styles.xml and stylesWithEffects.xml) name theme fonts (w:eastAsiaTheme,
    w:asciiTheme, …), which would give their text the theme's fonts instead of the official
    ones: they are removed everywhere, so those styles fall back to the document default (仿宋).
    """
    properties = doc.core_properties
    properties.author = properties.last_modified_by = "述职评议考核"
    properties.created = properties.modified = TEMPLATE_DATE
    properties.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as zin:
        entries = {name: zin.read(name) for name in zin.namelist()}
    for name in entries:
        if name.startswith("word/") and name.endswith(".xml"):
            entries[name] = EMPTY_FONTS.sub(b"", THEME_FONT.sub(b"", entries[name]))
    with zipfile.ZipFile(buffer := io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries.items():
            zout.writestr(name, data)
    return deterministic_zip(buffer.getvalue())


def build_evaluation_form(fonts) -> DocxDocument:
    """Return the personal 评议表: one form, the secretary's name in its questions."""
    doc = base_document(fonts)
    for style in ("表格文字", "表注"):
        off_the_grid(doc.styles[style])
    form_block(doc, form="f", label=None)
    return doc


TEMPLATES = {"evaluation_form.docx": build_evaluation_form}
