"""The docxtpl templates of the 述职安排 (schedule.docx) and of the 述职报告模板 (report.docx).

Built by `make templates`. The 述职安排 renders the context
of generator/documents/schedule.py as `c`, the 述职报告模板 that of report_template.py as `r`.
Column widths are those of generator/templates/html/schedule.css.
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

from .common import base_document, page_number_footer, set_east_asian_font, set_grid, tag
from .grid import Grid, grid_styles, text_width, type_area_grid
from .signature import signature_lines

COLUMNS = ("序号", "述职人", "党组织", "述职方式", "必答题")
WIDTHS = (Mm(12), Mm(17.5), Mm(27), Mm(27), Mm(72.5))  # as generator/templates/html/schedule.css
CELLS = ("{{ s.number }}", "{{ s.name }}", "{{ s.organization }}", "{{ s.mode }}")


def numbered_pages(doc) -> None:
    """Number the pages “— N —”, odd pages right and even pages left (GB/T 9704 §7.5)."""
    section = doc.sections[0]
    page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent")
    page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")


def signature_block(doc, context: str, date_field: str) -> None:
    """Add two blank lines, the 署名 centred over the date, the date 4 characters in."""
    for _ in range(2):
        doc.add_paragraph("", style="正文").paragraph_format.keep_with_next = True
    width = text_width(doc.sections[0])
    signature_lines(doc, context, date_field, line=width, char=Grid(doc).cell)


def body_paragraphs(doc, paragraphs: str) -> None:
    """Add the loop over a context's paragraphs: 一、 headings in 黑体, the rest as 正文."""
    tag(doc, f"{{%p for p in {paragraphs} %}}")
    tag(doc, "{%p if p.kind == 'h1' %}")
    heading = doc.add_paragraph("{{ p.head }}{{ p.text }}", style="一级标题")
    heading.paragraph_format.keep_with_next = True
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ p.text }}", style="正文")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def title_block(doc, lines: str) -> None:
    tag(doc, f"{{%p for line in {lines} %}}")
    doc.add_paragraph("{{ line }}", style="标题").paragraph_format.keep_with_next = True
    tag(doc, "{%p endfor %}")


def row_properties(row, *, header: bool = False) -> None:
    """Keep a row on one page; repeat the header row on every page the table runs over."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def cell_margins(table) -> None:
    """1 mm above and below the text, 0.75 mm at the sides, as the PDF's cell padding."""
    margins = parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="57" w:type="dxa"/>'
        '<w:left w:w="43" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/>'
        '<w:right w:w="43" w:type="dxa"/></w:tblCellMar>'
    )
    table._tbl.tblPr.append(margins)


def schedule_table(doc, header_style) -> None:
    """Add the table: a header row, then one row per secretary with the 必答题 one per line."""
    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_grid(table, WIDTHS)
    cell_margins(table)
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = doc.styles["表格文字"]
    header, opening, body, closing = table.rows
    row_properties(header, header=True)
    for cell, name in zip(header.cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(name, style=header_style)
    opening.cells[0].paragraphs[0].text = "{%tr for s in c.rows %}"
    closing.cells[0].paragraphs[0].text = "{%tr endfor %}"
    row_properties(body)
    for cell, text in zip(body.cells, CELLS, strict=False):
        cell.paragraphs[0].text = text
    issues = body.cells[-1]
    issues.paragraphs[0].text = "{%p for item in s.key_issues %}"
    item = issues.add_paragraph("{{ item }}", style="表格文字")
    item.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # A wrapped 必答题 hangs under its text, past "1." (one 4号 character in 仿宋_GB2312).
    item.paragraph_format.left_indent = Pt(14)
    item.paragraph_format.first_line_indent = Pt(-14)
    issues.add_paragraph("{%p endfor %}", style="表格文字")


def schedule_notes(doc) -> None:
    """Add the 注: “注：1.…”, then “2.…” and on with the numbers aligned under the first."""
    first = doc.add_paragraph("{{ c.notes[0] }}", style="表注").paragraph_format
    first.space_before = Mm(2)
    tag(doc, "{%p for note in c.notes[1:] %}")
    rest = doc.add_paragraph("{{ note }}", style="表注").paragraph_format
    rest.first_line_indent = Pt(4 * 14)
    tag(doc, "{%p endfor %}")
    # The 注 stay whole and go with the 署名, so the 署名 page never holds a lone line.
    for note in (first, rest):
        note.keep_together = note.keep_with_next = True


def build_schedule(fonts):
    """Return the template of the 述职安排 (context `c`, generator/documents/schedule.py)."""
    doc = base_document(fonts)
    grid_styles(doc)
    header_style = doc.styles.add_style("表头文字", WD_STYLE_TYPE.CHARACTER)
    set_east_asian_font(header_style.element.get_or_add_rPr(), fonts["黑体"].docx_name)
    title_block(doc, "c.title_lines")
    doc.add_paragraph("", style="正文")
    body_paragraphs(doc, "c.paragraphs")
    schedule_table(doc, header_style)
    schedule_notes(doc)
    signature_block(doc, "c", "date")
    numbered_pages(doc)
    type_area_grid(doc)
    return doc


def boxed(paragraph) -> None:
    """Draw a box round an instruction the secretary deletes before submitting."""
    borders = "".join(
        f'<w:{edge} w:val="single" w:sz="6" w:space="4" w:color="000000"/>'
        for edge in ("top", "left", "bottom", "right")
    )
    paragraph._p.get_or_add_pPr().append(parse_xml(f"<w:pBdr {nsdecls('w')}>{borders}</w:pBdr>"))
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.left_indent = fmt.right_indent = Pt(6)
    fmt.space_after = Pt(6)


def build_report(fonts):
    """Return the template of one 述职报告模板 (context `r`, generator/documents/report_template.py)."""
    doc = base_document(fonts)
    grid_styles(doc)
    tag(doc, "{%p for note in r.notes %}")
    boxed(doc.add_paragraph("{{ note }}", style="正文"))
    tag(doc, "{%p endfor %}")
    doc.add_paragraph("", style="正文")
    title_block(doc, "r.title_lines")
    byline = doc.add_paragraph(style="正文")
    byline.add_run("{{ r.byline }}", style="楷体引题")
    byline.paragraph_format.first_line_indent = Pt(0)
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("", style="正文")
    tag(doc, "{%p for section in r.sections %}")
    doc.add_paragraph(
        "{{ section.heading }}", style="一级标题"
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p for item in section.items %}")
    tag(doc, "{%p if item.heading %}")
    sub = doc.add_paragraph(style="正文")
    sub.add_run("{{ item.heading }}", style="楷体引题")
    sub.paragraph_format.keep_with_next = True
    tag(doc, "{%p endif %}")
    doc.add_paragraph("{{ item.prompt }}", style="正文")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    signature_block(doc, "r", "date_line")
    numbered_pages(doc)
    type_area_grid(doc)
    return doc


TEMPLATES = {"schedule.docx": build_schedule, "report.docx": build_report}
