"""The docxtpl template of the 干部人事档案 insert (archive_insert.docx).

Built by `make templates`. It renders the context of
generator/documents/archive_insert.py as `c`. The page is the archive's, not GB/T 9704's: A4 with
a 24 mm binding margin on the left, no line grid, no page number; the form's column widths,
row heights and padding are those of generator/templates/html/archive.css and archive_insert.css.
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from .common import add_style, base_document, set_east_asian_font, set_grid
from .signature import signature_lines

SIZE = 14  # 4号
LINE = Pt(21)  # 1.5 lines, as archive.css
WIDTHS = (Mm(36), Mm(55), Mm(22), Mm(53))  # as archive_insert.css: 166 mm
HEIGHTS = (Mm(14), Mm(14), Mm(14), Mm(14), Mm(94), Mm(60))  # padding included
LABELS = ("name", "post", "score", "grade", "opinion", "decision")
SIDE = 130  # twips: 2.3 mm of cell padding at either side, as archive_insert.css


def archive_page(doc) -> None:
    """A4, 24 mm binding margin on the left, 20 mm on the right, 25 mm above and below; no grid."""
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(24), Mm(20)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)


def cell_margins(table) -> None:
    """2 mm above and below the text, 2.3 mm at the sides, as the PDF's cell padding."""
    table._tbl.tblPr.append(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:top w:w="113" w:type="dxa"/>'
            f'<w:left w:w="{SIDE}" w:type="dxa"/><w:bottom w:w="113" w:type="dxa"/>'
            f'<w:right w:w="{SIDE}" w:type="dxa"/></w:tblCellMar>'
        )
    )


def label_style(doc, fonts):
    style = doc.styles.add_style("档案栏目", WD_STYLE_TYPE.CHARACTER)
    set_east_asian_font(style.element.get_or_add_rPr(), fonts["黑体"].docx_name)
    return style


def fill(cell, text: str, style: str, *, label=None, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.alignment = align
    paragraph.add_run(text, style=label)
    return paragraph


def signature(cell, style: str) -> None:
    """The deciding body centred over the date, the date 4 characters in, room for the seal."""
    line = sum(width.twips for width in WIDTHS[1:]) - 2 * SIDE
    body, _ = signature_lines(cell, "c", "date", line=line, char=SIZE * 20, style=style)
    body.paragraph_format.space_before = Mm(20)


def insert_table(doc, label) -> None:
    table = doc.add_table(rows=len(HEIGHTS), cols=len(WIDTHS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_grid(table, WIDTHS)
    cell_margins(table)
    for row, height in zip(table.rows, HEIGHTS, strict=True):
        row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.AT_LEAST
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first = table.rows[0].cells
    fill(first[1], "{{ c.name }}", "档案表格")
    fill(first[2], "{{ c.labels.gender }}", "档案表格", label=label)
    fill(first[3], "{{ c.gender }}", "档案表格")
    for row, name in zip(table.rows, LABELS, strict=True):
        fill(row.cells[0], f"{{{{ c.labels.{name} }}}}", "档案表格", label=label)
    left = WD_ALIGN_PARAGRAPH.LEFT
    for row, field in zip(table.rows[1:4], ("post", "score", "grade"), strict=True):
        fill(row.cells[1].merge(row.cells[3]), f"{{{{ c.{field} }}}}", "档案表格", align=left)
    opinion = table.rows[4].cells[1].merge(table.rows[4].cells[3])
    fill(opinion, "{{ c.opinion }}", "档案正文", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    decision = table.rows[5].cells[1].merge(table.rows[5].cells[3])
    fill(decision, "{{ c.decision }}", "档案正文", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    signature(decision, "档案表格")
    for cell in (opinion, decision):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def build_archive_insert(fonts):
    """Return the template of one 干部人事档案 insert (context `c`)."""
    doc = base_document(fonts)
    archive_page(doc)
    fangsong, centre = fonts["仿宋"].docx_name, WD_ALIGN_PARAGRAPH.CENTER
    add_style(doc, "档案标题", fonts["小标宋"].docx_name, 18, align=centre, line=Pt(25.2))
    add_style(doc, "档案表格", fangsong, SIZE, align=centre, line=LINE)
    add_style(doc, "档案正文", fangsong, SIZE, line=LINE).paragraph_format.first_line_indent = Pt(
        2 * SIZE
    )
    for name in ("档案标题", "档案表格", "档案正文"):
        # Characters at their own width: the GB/T tightening of base_document is for 3号 text.
        doc.styles[name].element.get_or_add_rPr().append(
            parse_xml(f'<w:spacing {nsdecls("w")} w:val="0"/>')
        )
    title = doc.add_paragraph("{{ c.title }}", style="档案标题")
    title.paragraph_format.space_after = Mm(6)
    insert_table(doc, label_style(doc, fonts))
    closing = doc.add_paragraph("", style="档案表格")  # a document ends with a paragraph
    closing.paragraph_format.line_spacing = Pt(1)
    return doc


TEMPLATES = {"archive_insert.docx": build_archive_insert}
