"""The docxtpl templates of the filled 评议表: filled_form.docx (one page per ballot, context
`sheets`, generator/documents/filled_form.py) and tally_form.docx (context `t`,
generator/documents/tally_form.py).

Built by `make templates`. The ballot page follows the
ballot sheet's geometry (generator/documents/ballot_sheet.py: the table 156 mm wide, 76 mm from
the top, its rows 10/10/30/55/55 mm) as nearly as a word processor's flow allows; the tally
uses the GB/T 9704 page and the column widths of generator/templates/html/tally_forms.css.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.table import Table

from ..ballot_sheet import LABEL_WIDTH, QR_TOP, ROW_HEIGHTS
from .common import (
    FORM_TABLE_ROWS,
    SCORE_WIDTH,
    SEED_COLUMNS,
    add_style,
    base_document,
    choose_rows,
    loop_row,
    score_area,
    score_columns,
    set_grid,
    sized,
    tag,
    written_box,
)
from .grid import off_the_grid
from .schedule import cell_margins, numbered_pages, row_properties

SHEET_COLUMNS = [Mm(LABEL_WIDTH)] + [SCORE_WIDTH] * SEED_COLUMNS
# The sheet's rows: the written-score rows as high as the tick rows they stand for.
SHEET_ROWS = {
    **ROW_HEIGHTS,
    "guide": ROW_HEIGHTS["grades"] + ROW_HEIGHTS["scores"],
    "written": ROW_HEIGHTS["overall"],
}
FIGURE_COLUMNS = [Mm(w) for w in (22, 22, 20, 20, 20, 32, 20)]  # as tally_forms.css
CELL_LINE = Pt(14 * 1.3)  # ballot_sheet.css: 4号, line-height 1.3


# --- the ballot page ----------------------------------------------------------------------------


def sheet_page(doc) -> None:
    """Set the page of the ballot sheet: its margins, and no line grid to snap the boxes to."""
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Mm(QR_TOP + 2), Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.attrib.pop(qn("w:type"), None)
    grid.attrib.pop(qn("w:linePitch"), None)


def sheet_styles(doc, fonts) -> None:
    """Add the ballot page's styles, in the fonts and sizes of ballot_sheet.css."""
    name = lambda role: fonts[role].docx_name  # noqa: E731
    left, right, centre = (
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.CENTER,
    )
    add_style(doc, "逐票类别", name("黑体"), 12, align=left, line=Mm(8))
    mark = add_style(doc, "逐票标记", name("黑体"), 20, align=right, line=Mm(15))
    boxed_and_spaced(mark.element.get_or_add_rPr())
    serial = add_style(doc, "逐票编号", name("黑体"), 12, align=right, line=Mm(6.5))
    serial.paragraph_format.space_after = Mm(4.5)
    add_style(doc, "逐票标题", name("小标宋"), 20, align=centre, line=Mm(12))
    add_style(doc, "逐票表头", name("仿宋"), 14, align=centre, line=CELL_LINE)
    add_style(doc, "逐票问题", name("仿宋"), 14, align=left, line=CELL_LINE)
    add_style(doc, "逐票勾选", name("仿宋"), 24, align=centre, line=Pt(30))
    add_style(doc, "逐票文字", name("仿宋"), 14, line=Pt(14 * 1.45))
    note = add_style(doc, "逐票注", name("仿宋"), 12, line=Pt(18))
    note.paragraph_format.first_line_indent = Pt(24)
    note.paragraph_format.space_before = Mm(3)


def boxed_and_spaced(rpr) -> None:
    """Frame the 空白票 / 废票 mark (0.6 mm) and space its characters 4 pt, as .status does."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), "80")
    rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs")
    rpr.append(parse_xml(f'<w:bdr {nsdecls("w")} w:val="single" w:sz="14" w:space="2"/>'))


def sheet_table(doc) -> None:
    """Add the form's table with the ballot's √ (or written number) and texts, rows as high as
    on the sheet."""
    table = doc.add_table(rows=len(FORM_TABLE_ROWS), cols=len(SHEET_COLUMNS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_grid(table, SHEET_COLUMNS)
    rows = dict(zip(FORM_TABLE_ROWS, table.rows, strict=True))
    for name, row in rows.items():
        if name in SHEET_ROWS:
            row.height = Mm(SHEET_ROWS[name])
        # The text boxes may grow with a long text; the rest keep the sheet's heights.
        row.height_rule = (
            WD_ROW_HEIGHT_RULE.AT_LEAST
            if name in ("problems", "suggestions")
            else WD_ROW_HEIGHT_RULE.EXACTLY
        )
        row_properties(row)
        for cell, width in zip(row.cells, SHEET_COLUMNS, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = doc.styles["逐票表头"]
    choose_rows(rows, "b.form.written")
    grades, scores, overall = rows["grades"], rows["scores"], rows["overall"]
    grades.cells[0].merge(scores.cells[0]).paragraphs[0].text = "评价内容"
    loop_row(grades, "span in b.form.header", "{% colspan span.scores|length %}{{ span.grade }}")
    loop_row(scores, "score in b.form.scores", "{{ score }}")
    sized(grades.cells[2], "b.form.docx.grades[loop.index0]")
    sized(scores.cells[2], "b.form.docx.heads")
    for row in (grades, scores):  # a grade name too long for one line wraps, and its row grows
        height = row._tr.trPr.find(qn("w:trHeight"))
        height.set(qn("w:hRule"), "{{ 'exact' if b.form.docx.fitted else 'atLeast' }}")
    for name, index in (("overall", 0), ("problems", 1), ("suggestions", 2), ("written", 0)):
        question = rows[name].cells[0]
        question.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        question.paragraphs[0].style = doc.styles["逐票问题"]
        question.paragraphs[0].text = f"{{{{ b.form.questions[{index}] }}}}"
        question.paragraphs[0].paragraph_format.space_before = Mm(2)
    loop_row(overall, "t in b.ticks", "{{ t }}")
    overall.cells[2].paragraphs[0].style = doc.styles["逐票勾选"]
    sized(overall.cells[2], "b.form.docx.tick", 48)
    rows["guide"].cells[0].paragraphs[0].text = "评价内容"
    guide = score_area(rows["guide"]).paragraphs[0]
    guide.text, guide.alignment = "{{ b.form.written.guide_text }}", WD_ALIGN_PARAGRAPH.LEFT
    written_box(score_area(rows["written"]).paragraphs[0], "b.form.written", WRITTEN, 24)
    for field in ("problems", "suggestions"):
        box = score_area(rows[field])
        box.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        paragraph = box.paragraphs[0]
        paragraph.style = doc.styles["逐票文字"]
        paragraph.text = f"{{{{ b.{field} }}}}"
        paragraph.paragraph_format.space_before = Mm(2)
        fitted(paragraph, f"fit.{field}")
    score_columns(table, "b.form")


WRITTEN = "\u3000{{ b.written }}\u3000"  # the number in its framed box, a space either side


def fitted(paragraph, fit: str) -> None:
    """Give a text the size and exact line the PDF gives it: a long one steps down, as there."""
    paragraph.paragraph_format.line_spacing = Pt(20)  # placeholder: the w:spacing element
    spacing = paragraph._p.pPr.find(qn("w:spacing"))
    spacing.set(qn("w:line"), f"{{{{ {fit}.line }}}}")
    rpr = paragraph.runs[0]._r.get_or_add_rPr()
    for tag_name in ("w:sz", "w:szCs"):
        size = OxmlElement(tag_name)
        size.set(qn("w:val"), f"{{{{ {fit}.size }}}}")
        rpr.append(size)


def break_unless_first(paragraph) -> None:
    """Start every ballot but the first on a new page (docxtpl fills in the loop's answer)."""
    element = paragraph._p.get_or_add_pPr().get_or_add_pageBreakBefore()
    element.set(qn("w:val"), "{{ 0 if loop.first else 1 }}")


def build_filled_form(fonts):
    """Return the template of one secretary's ballots, a page each.

    Context `sheets`: (FilledSheet, fit) pairs; fit gives each text box its size in half-points
    and its exact line in twips (generator/documents/filled_forms.py docx_fit).
    """
    doc = base_document(fonts)
    sheet_page(doc)
    sheet_styles(doc, fonts)
    tag(doc, "{%p for b, fit in sheets %}")
    break_unless_first(doc.add_paragraph("{{ b.source_line }}", style="逐票类别"))
    doc.add_paragraph("{{ b.mark }}", style="逐票标记")
    doc.add_paragraph("{{ b.serial_line }}", style="逐票编号")
    title = doc.add_paragraph("{{ b.form.title }}", style="逐票标题")
    title.paragraph_format.space_after = Mm(6)
    sheet_table(doc)
    doc.add_paragraph("{{ b.form.note }}", style="逐票注")
    tag(doc, "{%p endfor %}")
    return doc


# --- the tally ----------------------------------------------------------------------------------


def tally_styles(doc, fonts) -> None:
    name = lambda role: fonts[role].docx_name  # noqa: E731
    centre = WD_ALIGN_PARAGRAPH.CENTER
    add_style(doc, "汇总副标题", name("楷体"), 16, align=centre)
    add_style(doc, "汇总文字", name("仿宋"), 16)
    add_style(doc, "汇总小标题", name("黑体"), 16).paragraph_format.space_before = Mm(4)
    for style in ("汇总表格", "汇总表格左", "汇总条目", "汇总签字"):
        add_style(doc, style, name("仿宋"), 14, line=Pt(14 * 1.35 if "表格" in style else 21))
        off_the_grid(doc.styles[style])
    doc.styles["汇总表格"].paragraph_format.alignment = centre
    doc.styles["汇总表格左"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    item = doc.styles["汇总条目"].paragraph_format
    item.left_indent, item.first_line_indent = Pt(28), Pt(-16.8)  # .item: 2 em, −1.2 em
    doc.styles["汇总签字"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.styles["汇总签字"].paragraph_format.space_before = Mm(10)


def new_table(doc, rows: int, widths) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    set_grid(table, widths)
    cell_margins(table)
    for row in table.rows:
        row.height, row.height_rule = Mm(10), WD_ROW_HEIGHT_RULE.AT_LEAST
        row_properties(row)
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            cell.paragraphs[0].style = doc.styles["汇总表格"]
    return table


def repeated_row(table, index: int, loop: str) -> None:
    """Make rows index−1 and index+1 hold the {%tr for %} / {%tr endfor %} around row index."""
    table.rows[index - 1].cells[0].paragraphs[0].text = f"{{%tr for {loop} %}}"
    table.rows[index + 1].cells[0].paragraphs[0].text = "{%tr endfor %}"


def count_table(doc) -> None:
    """Add the form's grid: grade spans, a column per score (or grade), then a row of votes per
    source."""
    table = new_table(doc, 5, SHEET_COLUMNS)
    grades, scores, _, counts, _ = table.rows
    grades.cells[0].merge(scores.cells[0]).paragraphs[0].text = "评价内容"
    loop_row(grades, "span in t.grid.spans", "{% colspan span.width %}{{ span.text }}")
    loop_row(scores, "head in t.grid.heads", "{{ head }}")
    sized(grades.cells[2], "t.grid.docx.grades[loop.index0]")
    sized(scores.cells[2], "t.grid.docx.heads")
    repeated_row(table, 3, "row in t.counts")
    counts.cells[0].paragraphs[0].text = "{{ row.label }}"
    counts.cells[0].paragraphs[0].style = doc.styles["汇总表格左"]
    loop_row(counts, "n in row.counts", "{{ n }}")
    score_columns(table, "t.grid")


def figures_table(doc) -> None:
    """Add the counts and means per source, then the score and grades, label over two columns."""
    table = new_table(doc, 7, FIGURE_COLUMNS)
    table.rows[0].height = Mm(10)
    for index, cell in enumerate(table.rows[0].cells):
        cell.paragraphs[0].text = f"{{{{ t.columns[{index}] }}}}"
    repeated_row(table, 2, "row in t.sources")
    for index, cell in enumerate(table.rows[2].cells):
        cell.paragraphs[0].text = f"{{{{ row[{index}] }}}}"
    repeated_row(table, 5, "label, value in t.results")
    result = table.rows[5]
    label = result.cells[0].merge(result.cells[1])
    value = result.cells[2].merge(result.cells[6])
    for cell, text in ((label, "{{ label }}"), (value, "{{ value }}")):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = doc.styles["汇总表格左"]
    table._tbl.addprevious(gap(Mm(4)))


def gap(height) -> object:
    """Return an empty paragraph of this height: two tables side by side would merge into one."""
    return parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:before="0" w:after="0" '
        f'w:line="{height.twips}" w:lineRule="exact"/></w:pPr></w:p>'
    )


def build_tally_form(fonts):
    """Return the template of one secretary's tally (context `t`)."""
    doc = base_document(fonts)
    tally_styles(doc, fonts)
    doc.add_paragraph("{{ t.title }}", style="标题")
    doc.add_paragraph("{{ t.subtitle }}", style="汇总副标题")
    doc.add_paragraph("{{ t.who }}", style="汇总文字").paragraph_format.space_after = Mm(2)
    count_table(doc)
    figures_table(doc)
    tag(doc, "{%p for g in t.gathered %}")
    doc.add_paragraph("{{ g.heading }}", style="汇总小标题").paragraph_format.keep_with_next = True
    tag(doc, "{%p if loop.first %}")
    note = doc.add_paragraph("{{ t.note }}", style="汇总条目").paragraph_format
    note.first_line_indent = note.left_indent = Pt(0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for item in g.items %}")
    doc.add_paragraph("{{ item }}", style="汇总条目")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    doc.add_paragraph("{{ t.signatures }}", style="汇总签字")
    numbered_pages(doc)
    return doc


TEMPLATES = {"filled_form.docx": build_filled_form, "tally_form.docx": build_tally_form}
