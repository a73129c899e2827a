"""The 干部人事档案材料目录 rows of the inserts, for the archive office: 目录.xlsx and 目录.pdf.

One row per insert, with the columns of the 目录 (组通字〔2012〕28号: 序号, 材料名称, 材料形成时间,
页数, 备注) and whose file it goes into. 序号 numbers this list; the archive office gives each
material its place in the person's own 目录 when it files it.

材料形成时间 is written 2022.12.19: the 目录's convention — Arabic numerals, the year in four
digits and month and day in two, separated by points — which the archive office copies into its
目录 as it stands, and which keeps the column narrow and sortable. The insert itself, a document,
carries the full Chinese date 2022年12月19日 (its 落款, from which the 目录 takes the time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date
from ..render.templating import html_environment
from ..render.xlsx import workbook_bytes
from .archive_insert import FOLDER, ArchiveInsert, build_insert
from .archive_insert import KIND as INSERTS
from .context import LettersContext
from .kind import Archived, Document, Kind

CATEGORY = "第三类"  # 鉴定、考核、考察材料
COLUMNS = ("序号", "姓名", "单位及职务", "材料名称", "材料形成时间", "页数", "备注")
WIDTHS = (6, 10, 28, 44, 14, 6, 10)  # XLSX column widths, in characters
THIN = Side(style="thin", color="000000")


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    """One material, as the 目录 lists it."""

    number: int
    name: str  # whose 档案 it goes into
    post: str
    material: str  # 材料名称: the insert's title
    formed: str  # 材料形成时间: 2022.12.19
    pages: int  # counted from the rendered PDF
    note: str  # 备注

    def cells(self) -> tuple:
        return (
            self.number,
            self.name,
            self.post,
            self.material,
            self.formed,
            self.pages,
            self.note,
        )


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every word of the 目录 PDF."""

    author: str
    created: str
    title: str
    subtitle: str
    columns: tuple[str, ...]
    rows: tuple[CatalogueRow, ...]
    summary: str


def catalogue_date(day: date) -> str:
    """Return a 材料形成时间 as the 目录 writes it: 2022.12.19."""
    return f"{day.year:04d}.{day.month:02d}.{day.day:02d}"


def catalogue_row(number: int, insert: ArchiveInsert, formed: date, pages: int) -> CatalogueRow:
    return CatalogueRow(
        number, insert.name, insert.post, insert.title, catalogue_date(formed), pages, CATEGORY
    )


def build_catalogue(campaign: Campaign, formed: date, rows: list[CatalogueRow]) -> Catalogue:
    material = rows[0].material if rows else ""
    return Catalogue(
        author=campaign.issuer.name,
        created=formed.isoformat(),
        title="干部人事档案材料目录",
        subtitle=f"（{material}）",
        columns=COLUMNS,
        rows=tuple(rows),
        summary=(
            f"以上材料共{len(rows)}份{sum(row.pages for row in rows)}页，均属{CATEGORY}"
            f"（鉴定、考核、考察材料），由{campaign.issuer.name}于{chinese_date(formed)}形成。"
        ),
    )


def catalogue_xlsx(catalogue: Catalogue) -> bytes:
    """Return the 目录 as a workbook: a header row, then one row per material."""
    book = Workbook()
    sheet = book.active
    sheet.title = "目录"
    sheet.append(list(catalogue.columns))
    for row in catalogue.rows:
        sheet.append(list(row.cells()))
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.font = Font(name="仿宋_GB2312", size=11, bold=cell.row == 1)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    return workbook_bytes(
        book,
        dated=date.fromisoformat(catalogue.created),
        author=catalogue.author,
        title=f"{catalogue.title}{catalogue.subtitle}",
    )


def catalogue_files(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield 目录.xlsx and 目录.pdf: a row per insert, with the pages its PDF came to."""
    campaign, results = context.campaign, context.results
    rows = []
    for secretary in context.secretaries:
        insert = build_insert(campaign, results.of(secretary), results.date)
        pages = context.pages[(INSERTS.key, secretary.id)]
        rows.append(catalogue_row(secretary.number, insert, results.date, pages))
    catalogue = build_catalogue(campaign, results.date, rows)
    html = (
        html_environment(context.renderer.fonts)
        .get_template("archive_catalogue.html")
        .render(c=catalogue)
    )
    yield Document(KIND, ".xlsx", catalogue_xlsx(catalogue))
    yield Document(KIND, ".pdf", context.renderer.render(html))


KIND: Kind[LettersContext] = Kind(
    key="archive_catalogue",
    name="干部人事档案材料目录",
    pack="letters",
    folder=FOLDER,
    stem="目录",
    build=catalogue_files,
    templates=("archive_catalogue.html",),
    archived=Archived("干部人事档案材料目录", section="campaign", order=3),
    needs=INSERTS.key,
    cost=0.3,
)
