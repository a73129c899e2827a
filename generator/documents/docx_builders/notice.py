"""The docxtpl template of the 通知 (notice.docx), on the 版心's grid (GB/T 9704-2012).

Built by `make templates`. It renders generator/documents/notice.py's Notice as `n` and the
PDF's ImprintPlacement (render/imprint.py) as `n_layout`. Every measure is an indent, a tab stop
or a paragraph's spacing, never a run of spaces: the 版头's are render/geometry.py's Masthead,
templated; the 版记 is the footer of the last section, which starts on an even page.
"""

from __future__ import annotations

import copy

from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Mm, Pt

from .common import base_document, form_block, page_number_footer, set_cell_border, set_grid, tag
from .grid import Grid, grid_styles, text_width, type_area_grid
from .signature import signature_lines

# The children of w:pPr that follow w:pBdr (ECMA-376 order; Word insists on it).
AFTER_BORDERS = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
MASTHEAD = "n.masthead.docx"
BOTTOM_MARGIN = Mm(35)  # the 版心's bottom edge above the page's
FOOTER = Mm(23)  # the footer's foot above the page's: the page number's 14 pt line, 7 mm below
# the 版心 (§7.5), ends there


def jinja(element, attribute: str, expression: str) -> None:
    """Give an attribute a value docxtpl computes (python-docx writes only numbers there)."""
    element.set(qn(attribute), f"{{{{ {expression} }}}}")


def spacing(paragraph, **values: str) -> None:
    """Set the paragraph's w:spacing attributes (before, after, line, lineRule) as given."""
    element = paragraph._p.get_or_add_pPr().get_or_add_spacing()
    for name, value in values.items():
        element.set(qn(f"w:{name}"), value)


def masthead(doc) -> None:
    """Add the 发文机关标志, the 发文字号 two lines below it and the red line 4 mm below that.

    The 标志's exact line of 1.1 em puts its em box on the line's top, 35 mm below the 版心's;
    the red line is the 发文字号's bottom border; the space after it completes the 版头's lines.
    """
    mark = doc.add_paragraph(style="发文机关标志")
    run = mark.add_run("{{ n.mark }}")
    run.font.size = Pt(38.5)  # the element; its value is templated
    jinja(run._r.rPr.find(qn("w:sz")), "w:val", f"{MASTHEAD}.mark_half_points")
    spacing(mark, lineRule="exact")
    element = mark._p.pPr.spacing
    jinja(element, "w:before", f"{MASTHEAD}.mark_before")
    jinja(element, "w:line", f"{MASTHEAD}.mark_line")
    number = doc.add_paragraph("{{ n.number }}", style="发文字号")
    spacing(number, before="0", after="0")
    jinja(number._p.pPr.spacing, "w:before", f"{MASTHEAD}.number_before")
    jinja(number._p.pPr.spacing, "w:after", f"{MASTHEAD}.after")
    rule = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{{{{ {MASTHEAD}.rule_eighths }}}}"'
        f' w:space="{{{{ {MASTHEAD}.rule_space_pt }}}}" w:color="E60000"/></w:pBdr>'
    )
    number._p.pPr.insert_element_before(rule, *AFTER_BORDERS)


def title(doc, lines: str) -> None:
    tag(doc, f"{{%p for line in {lines} %}}")
    doc.add_paragraph("{{ line }}", style="标题").paragraph_format.keep_with_next = True
    tag(doc, "{%p endfor %}")


def plan(doc) -> None:
    """Add the 工作方案's paragraphs: 一、 headings in 黑体, （一） lead-ins in 楷体."""
    tag(doc, "{%p for p in n.plan %}")
    tag(doc, "{%p if p.kind == 'h1' %}")
    doc.add_paragraph(
        "{{ p.head }}{{ p.text }}", style="一级标题"
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p elif p.kind == 'h2' %}")
    lead = doc.add_paragraph(style="正文")
    lead.add_run("{{ p.head }}", style="楷体引题")
    lead.add_run("{{ p.text }}")
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ p.text }}", style="正文")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def attachment_note(doc, grid: Grid) -> None:
    """Add “附件：1.名称”, 2 characters in, each further name under the first (§7.3.4).

    Every name starts 5 characters in; on the first line “附件：” hangs 3 characters before it.
    """
    doc.add_paragraph("", style="正文")
    tag(doc, "{%p for name in n.attachment_names %}")
    note = doc.add_paragraph(
        "{% if loop.first %}{{ n.attachment_intro }}{% endif %}{{ name }}", style="正文"
    )
    indent = OxmlElement("w:ind")
    indent.set(qn("w:left"), str(grid.cells(5)))
    jinja(indent, "w:hanging", f"{grid.cells(3)} if loop.first else 0")
    note._p.get_or_add_pPr().append(indent)
    note.paragraph_format.keep_with_next = True
    tag(doc, "{%p endfor %}")


def signature(doc, grid: Grid) -> None:
    """Add two blank lines, then the 署名 centred over the 成文日期, 4 characters in."""
    for _ in range(2):
        doc.add_paragraph("", style="正文").paragraph_format.keep_with_next = True
    width = text_width(doc.sections[0])
    signature_lines(doc, "n", "date", line=width, char=grid.cell)


def build_notice(fonts) -> DocxDocument:
    """Return the 通知's template: the 版头, the body, the 附件, the 版记 on an even page."""
    doc = base_document(fonts)
    grid = grid_styles(doc)
    masthead(doc)
    doc.add_paragraph("", style="正文")
    doc.add_paragraph("", style="正文")
    title(doc, "n.title_lines")
    doc.add_paragraph("", style="正文")
    doc.add_paragraph("{{ n.addressee }}", style="主送机关")
    doc.add_paragraph("{{ n.sentence }}", style="正文")
    doc.add_paragraph("", style="正文")
    title(doc, "n.plan_title_lines")
    doc.add_paragraph("", style="正文")
    plan(doc)
    attachment_note(doc, grid)
    signature(doc, grid)
    tag(doc, "{%p for a in n.attachments[:-1] %}")
    form_block(doc)
    tag(doc, "{%p endfor %}")
    before_last = tag(doc, "")
    tag(doc, "{%p set a = n.attachments[-1] %}")
    form_block(doc)
    after_last = tag(doc, "")
    tiny(doc.add_paragraph("", style="正文"))
    imprint_sections(doc, before_last, after_last)
    type_area_grid(doc)
    return doc


def imprint_sections(doc, before_last, after_last) -> None:
    """End the main section before the last 附件, or after it when the 版记 has a page of its
    own; the last section starts on an even page and has the 版记 in its footers."""
    main = doc.sections[0]
    page_number(main.footer, doc.styles, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent")
    page_number(main.even_page_footer, doc.styles, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")
    last = doc.add_section(WD_SECTION.EVEN_PAGE)
    last.footer_distance = FOOTER
    imprint_footer(last.footer, doc.styles, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent")
    imprint_footer(last.even_page_footer, doc.styles, WD_ALIGN_PARAGRAPH.LEFT, "left_indent")
    main_sectPr = doc.element.body.findall(".//" + qn("w:pPr") + "/" + qn("w:sectPr"))[-1]
    holder = main_sectPr.getparent().getparent()
    holder.getparent().remove(holder)
    for paragraph, condition in (
        (before_last, "not n_layout.own_page"),
        (after_last, "n_layout.own_page"),
    ):
        paragraph._p.addprevious(
            parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>{{%p if {condition} %}}</w:t></w:r></w:p>")
        )
        paragraph._p.get_or_add_pPr().append(copy.deepcopy(main_sectPr))
        tiny(paragraph)
        paragraph._p.addnext(
            parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>{{%p endif %}}</w:t></w:r></w:p>")
        )


def imprint_footer(footer, styles, align, indent_side) -> None:
    """Put the 版记 in a footer, its rules as wide as the 版心, the last on its bottom edge, and
    the page number 7 mm below, unless a blank page stands before (§7.5).

    A footer, unlike a floating table, stays at the foot of the page in Word, WPS and
    LibreOffice alike.
    """
    footer.is_linked_to_previous = False
    table = footer.add_table(rows=2, cols=2, width=Mm(156))
    table.autofit = False
    set_grid(table, [Mm(78), Mm(78)])
    # No cell margins: the rules run from edge to edge of the 版心 whatever the compatibility
    # mode (Word 2010's puts the text, not the border, on the margin); the text has indents.
    table._tbl.tblPr.append(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        )
    )
    copy_row, printed_row = table.rows
    copy_cell = copy_row.cells[0].merge(copy_row.cells[1])
    copy_cell.paragraphs[0].text = "{{ n.copy_to }}"
    left, right = printed_row.cells
    left.paragraphs[0].text, right.paragraphs[0].text = "{{ n.printed_by }}", "{{ n.printed_on }}"
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            cell.width = Mm(78)
            for paragraph in cell.paragraphs:
                paragraph.style = styles["版记"]
                paragraph.paragraph_format.left_indent = Pt(14)
                paragraph.paragraph_format.right_indent = Pt(14)
    set_cell_border(copy_cell, top=8, bottom=6, left=0, right=0)
    for cell in printed_row.cells:
        set_cell_border(cell, top=6, bottom=8, left=0, right=0)
    fix_copy_row_tag(table)
    number = page_number(footer, styles, align, indent_side)
    table._tbl.addnext(number._p)  # a footer ends with a paragraph: the page number's
    number.paragraph_format.space_before = Emu(BOTTOM_MARGIN - FOOTER - Pt(14))
    runs = number._p.findall(qn("w:r"))
    runs[0].addprevious(_run("{%r if not n_layout.blank_before %}"))
    runs[-1].addnext(_run("{%r endif %}"))


def page_number(footer, styles, align, indent_side):
    """Put “— N —” in the footer, in 4号宋体 on a line of 14 pt ending where the footer ends."""
    page_number_footer(footer, align, indent_side)
    number = footer.paragraphs[0]
    number.style = styles["页码"]
    fmt = number.paragraph_format
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(14)
    return number


def _run(text: str):
    return parse_xml(f"<w:r {nsdecls('w')}><w:t>{text}</w:t></w:r>")


def fix_copy_row_tag(table):
    """Move the {%tr if %} / {%tr endif %} tags into rows of their own around the 抄送 row."""
    rows = table._tbl.findall(qn("w:tr"))
    for text, anchor, where in (
        ("{%tr if n.copy_to %}", rows[0], "before"),
        ("{%tr endif %}", rows[0], "after"),
    ):
        row = copy.deepcopy(rows[0])
        for t in row.iter(qn("w:t")):
            t.text = ""
        next(row.iter(qn("w:t"))).text = text
        (anchor.addprevious if where == "before" else anchor.addnext)(row)


def tiny(paragraph):
    """Make a structural paragraph (a section break) too small to push content to a new page."""
    paragraph.paragraph_format.line_spacing = Pt(1)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    for run in paragraph.runs:
        run.font.size = Pt(1)
    rpr = paragraph._p.get_or_add_pPr()
    rpr.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/></w:rPr>'))


TEMPLATES = {"notice.docx": build_notice}
