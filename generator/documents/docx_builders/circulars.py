"""The docxtpl templates of the 通报 and 备案 report (official_letter.docx) and of the 整改清单
(rectification.docx).

Built by `make templates`. official_letter.docx renders an
OfficialLetter (generator/documents/outcome.py) as `c`, rectification.docx a RectificationList
(generator/documents/rectification.py) as `c`. Column widths are those of
generator/templates/html/official_letter.css and rectification.css.
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips

from .common import (
    add_style,
    base_document,
    page_number_footer,
    set_east_asian_font,
    set_grid,
    tag,
)
from .grid import grid_styles, off_the_grid, type_area_grid
from .schedule import (
    cell_margins,
    numbered_pages,
    row_properties,
    signature_block,
    title_block,
)

# Column widths, as generator/templates/html/official_letter.css and rectification.css.
PARTICIPATION_WIDTHS = (Mm(26), *[Mm(21.66)] * 6)
GRADE_WIDTHS = (Mm(12), Mm(56), Mm(17), Mm(19), Mm(13), Mm(39))
RECTIFICATION_WIDTHS = (Mm(14), Mm(92), Mm(78), Mm(42), Mm(26))
# An item's row: 9 mm for the text, 1 mm of padding above and below, the 0.75 pt rule
# (rectification.css), so a page holds as many rows as the PDF's.
ITEM_ROW = Emu(Mm(9 + 2) + Pt(0.75))


def header_style(doc, fonts):
    """Return the 黑体 character style of a table's header row."""
    style = doc.styles.add_style("表头文字", WD_STYLE_TYPE.CHARACTER)
    set_east_asian_font(style.element.get_or_add_rPr(), fonts["黑体"].docx_name)
    return style


def data_table(doc, widths, table: str, header, *, left_last: bool = False) -> None:
    """Add a ruled 4号 table: a repeated header row from `table`.columns, a row per `table`.rows."""
    table_element = doc.add_table(rows=4, cols=len(widths))
    table_element.style = doc.styles["Table Grid"]
    table_element.alignment = WD_TABLE_ALIGNMENT.CENTER
    table_element.autofit = False
    set_grid(table_element, widths)
    cell_margins(table_element)
    for row in table_element.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = doc.styles["表格文字"]
    head, opening, body, closing = table_element.rows
    row_properties(head, header=True)
    row_properties(body)
    for index, cell in enumerate(head.cells):
        cell.paragraphs[0].add_run(f"{{{{ {table}.columns[{index}] }}}}", style=header)
    opening.cells[0].paragraphs[0].text = f"{{%tr for row in {table}.rows %}}"
    for index, cell in enumerate(body.cells):
        cell.paragraphs[0].text = f"{{{{ row[{index}] }}}}"
    if left_last:
        body.cells[-1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    closing.cells[0].paragraphs[0].text = "{%tr endfor %}"


def build_official_letter(fonts):
    """Return the template of a 通报 or 报告 (context `c`, an OfficialLetter)."""
    doc = base_document(fonts)
    grid = grid_styles(doc)
    header = header_style(doc, fonts)
    title_block(doc, "c.title_lines")
    doc.add_paragraph("", style="正文")
    doc.add_paragraph("{{ c.addressee }}", style="主送机关")
    tag(doc, "{%p for b in c.blocks %}")
    tag(doc, "{%p if b.kind == 'h1' %}")
    doc.add_paragraph(
        "{{ b.head }}{{ b.text }}", style="一级标题"
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p elif b.kind == 'h2' %}")
    lead = doc.add_paragraph(style="正文")
    lead.add_run("{{ b.head }}", style="楷体引题")
    lead.add_run("{{ b.text }}")
    tag(doc, "{%p elif b.kind == 'table' and b.name == 'participation' %}")
    data_table(doc, PARTICIPATION_WIDTHS, "b", header)
    doc.add_paragraph("", style="正文")
    tag(doc, "{%p elif loop.last %}")
    # The last paragraph goes with the 署名: its page must hold body text (GB/T 9704 §7.3.5).
    doc.add_paragraph("{{ b.text }}", style="正文").paragraph_format.keep_with_next = True
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ b.text }}", style="正文")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if c.attachment_note %}")
    doc.add_paragraph("", style="正文").paragraph_format.keep_with_next = True
    note = doc.add_paragraph("{{ c.attachment_note }}", style="正文").paragraph_format
    note.keep_with_next = True
    note.first_line_indent = -Twips(grid.cells(3))  # “附件：” hangs; a wrapped line aligns
    note.left_indent = Twips(grid.cells(5))  # with the name
    tag(doc, "{%p endif %}")
    signature_block(doc, "c", "date")
    tag(doc, "{%p if c.remark %}")
    doc.add_paragraph("{{ c.remark }}", style="正文")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for a in c.attachments %}")
    doc.add_paragraph("{{ a.label }}", style="附件标识").paragraph_format.page_break_before = True
    doc.add_paragraph("", style="正文")
    title_block(doc, "a.title_lines")
    doc.add_paragraph("", style="正文")
    data_table(doc, GRADE_WIDTHS, "a.table", header, left_last=True)
    tag(doc, "{%p endfor %}")
    numbered_pages(doc)
    type_area_grid(doc)
    return doc


def landscape(doc) -> None:
    """Turn the page: A4 landscape, 25 mm on the binding side, no line grid."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.attrib.pop(qn("w:type"), None)


def centred_page_numbers(doc) -> None:
    """Number the pages “— N —” at the foot, centred, on odd and even pages alike."""
    section = doc.sections[0]
    for footer in (section.footer, section.even_page_footer):
        page_number_footer(footer, WD_ALIGN_PARAGRAPH.CENTER, "left_indent")
        footer.paragraphs[0].paragraph_format.left_indent = Pt(0)


def rectification_table(doc, header) -> None:
    """Add the table: the header row, then per group a full-width heading row and its items."""
    table = doc.add_table(rows=7, cols=len(RECTIFICATION_WIDTHS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_grid(table, RECTIFICATION_WIDTHS)
    cell_margins(table)
    for row in table.rows:
        for cell, width in zip(row.cells, RECTIFICATION_WIDTHS, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = doc.styles["表格文字"]
    head, groups, group, items, item, end_items, end_groups = table.rows
    row_properties(head, header=True)
    for index, cell in enumerate(head.cells):
        cell.paragraphs[0].add_run(f"{{{{ c.columns[{index}] }}}}", style=header)
    groups.cells[0].paragraphs[0].text = "{%tr for g in c.groups %}"
    heading = group.cells[0].merge(group.cells[-1]).paragraphs[0]
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    heading.add_run("{{ g.heading }}", style=header)
    row_properties(group)
    items.cells[0].paragraphs[0].text = "{%tr for item in g.items %}"
    row_properties(item)
    item.height, item.height_rule = ITEM_ROW, WD_ROW_HEIGHT_RULE.AT_LEAST
    cells = item.cells
    cells[0].paragraphs[0].text = "{{ item.number }}"
    cells[1].paragraphs[0].text = "{{ item.problem }}"
    cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    cells[3].paragraphs[0].text = "{{ item.deadline }}"
    end_items.cells[0].paragraphs[0].text = "{%tr endfor %}"
    end_groups.cells[0].paragraphs[0].text = "{%tr endfor %}"


def build_rectification(fonts):
    """Return the template of one 整改清单 (context `c`, a RectificationList)."""
    doc = base_document(fonts)
    landscape(doc)
    off_the_grid(doc.styles["表格文字"])
    off_the_grid(doc.styles["表注"])
    header = header_style(doc, fonts)
    name = fonts["仿宋"].docx_name
    title = doc.add_paragraph("{{ c.title }}", style="标题").paragraph_format
    title.space_after = Mm(4)
    particulars = add_style(doc, "清单说明", name, 14, line=Pt(21))
    off_the_grid(particulars)
    doc.add_paragraph("{{ c.particulars }}", style="清单说明").paragraph_format.space_after = Mm(2)
    rectification_table(doc, header)
    first = doc.add_paragraph("{{ c.notes[0] }}", style="表注").paragraph_format
    first.first_line_indent, first.space_before = Pt(0), Mm(2)
    tag(doc, "{%p for note in c.notes[1:] %}")
    rest = doc.add_paragraph("{{ note }}", style="表注").paragraph_format
    rest.first_line_indent, rest.left_indent = Pt(0), Pt(28)
    tag(doc, "{%p endfor %}")
    sign = doc.add_paragraph("{{ c.sign_line }}", style="正文")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign_format = sign.paragraph_format
    sign_format.first_line_indent, sign_format.right_indent = Pt(0), Pt(14)
    sign_format.space_before = Mm(8)
    sign_format.line_spacing_rule, sign_format.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(24)
    centred_page_numbers(doc)
    return doc


TEMPLATES = {
    "official_letter.docx": build_official_letter,
    "rectification.docx": build_rectification,
}
