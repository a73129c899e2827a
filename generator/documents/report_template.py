"""The 述职报告模板: a DOCX per secretary, prefilled, to be written over.

It follows what the seed's 工作方案 五（二） asks a 述职报告 to say: the rectification of last
year's 点评 problems, this year's work measured against the 二十大's call to strengthen the
Party organisations' political and organisational functions, the shortcomings and their causes
(not only achievements), the next steps, and the 书记项目“必答题”. Everything the secretary
must replace is a prompt in full-width brackets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date, heading_numeral
from ..render.docx import render_docx
from ..render.geometry import signature_indent, title_lines
from .context import FormsContext
from .kind import Document, Kind
from .schedule import report_deadline

DATE_LINE = "    年  月  日"  # filled in by hand or by the secretary
# 20 characters of 2号 fill the 版心 to the last 0.8 mm: a one-line title of exactly 20 would
# wrap its last character in a word processor whose font is a hair wider. Break it earlier.
TITLE_CHARS = 18


@dataclass(frozen=True, slots=True)
class Prompted:
    """A 楷体 sub-heading (（一）…; may be empty) and the bracketed prompt written under it."""

    heading: str
    prompt: str


@dataclass(frozen=True, slots=True)
class ReportSection:
    """One 一级标题 of the outline and what stands under it."""

    heading: str
    items: tuple[Prompted, ...]


@dataclass(frozen=True, slots=True)
class ReportTemplate:
    """Every word of one secretary's 述职报告模板, in reading order."""

    notes: tuple[str, ...]  # boxed instructions above the title
    title_lines: tuple[str, ...]
    byline: str  # organisation, post and name, under the title
    sections: tuple[ReportSection, ...]
    signature: str
    signature_right_em: float  # the name centred over the date line
    date_line: str


def build_report_template(campaign: Campaign, secretary: Secretary) -> ReportTemplate:
    """Return the template of one secretary."""
    for_organisation = secretary.reports_for_organisation(campaign.meeting.date)
    notes = [
        "（提示：括号内文字为撰写提示，成稿时请替换为述职内容并删除本框；述职报告于"
        f"{chinese_date(report_deadline(campaign))}前报{campaign.issuer.superior}审核把关）"
    ]
    if for_organisation:
        notes.append(
            "（任职不足3个月，代表党组织述职，同时报告了解的基层党建突出问题、"
            "履职尽责抓党建的认识体会和思路举措）"
        )
    return ReportTemplate(
        notes=tuple(notes),
        title_lines=tuple(
            title_lines(
                f"{secretary.name}同志{campaign.year}年度抓基层党建工作述职报告", TITLE_CHARS
            )
        ),
        byline=f"{secretary.organization}书记　{secretary.name}",
        sections=_sections(secretary, for_organisation),
        signature=secretary.name,
        signature_right_em=signature_indent(secretary.name, DATE_LINE),
        date_line=DATE_LINE,
    )


def _sections(secretary: Secretary, for_organisation: bool) -> tuple[ReportSection, ...]:
    outline = (
        ("上年度点评问题整改情况", _last_year(secretary)),
        ("本年度抓基层党建工作情况", (Prompted("", _this_year(secretary, for_organisation)),)),
        ("存在的问题和不足及原因剖析", (Prompted("", _shortcomings(for_organisation)),)),
        ("下一步工作思路和措施", (Prompted("", _next_steps(for_organisation)),)),
        ("书记项目“必答题”推进情况", _key_issues(secretary)),
    )
    return tuple(
        ReportSection(heading_numeral(1, n) + heading, items)
        for n, (heading, items) in enumerate(outline, start=1)
    )


def _last_year(secretary: Secretary) -> tuple[Prompted, ...]:
    if not secretary.last_year_issues:
        return (
            Prompted(
                "",
                "（上年度述职评议考核未记录点评指出的问题，请如实说明；巡视巡察反馈中涉及"
                "基层党建工作的问题，一并写明整改措施和成效）",
            ),
        )
    return tuple(
        Prompted(heading_numeral(2, n) + issue, "（请写明整改措施和成效）")
        for n, issue in enumerate(secretary.last_year_issues, start=1)
    )


def _this_year(secretary: Secretary, for_organisation: bool) -> str:
    who = "代表党组织报告本党组织" if for_organisation else "报告本人"
    first_responsible = (
        "，同时报告本人作为全面从严治党第一责任人履职情况" if secretary.role == "committee" else ""
    )
    return (
        "（对标党的二十大关于增强党组织政治功能和组织功能的要求，对照工作方案所列述职评议考核"
        f"主要内容，{who}本年度抓基层党建工作的主要做法和成效{first_responsible}）"
    )


def _shortcomings(for_organisation: bool) -> str:
    if for_organisation:
        return (
            "（报告了解的基层党建突出问题，讲清基层党建工作存在的差距不足，剖析问题根源，"
            "防止一味评功摆好）"
        )
    return (
        "（讲清履职尽责抓党建的差距不足和基层党建工作存在的突出问题，剖析问题根源，"
        "防止一味评功摆好）"
    )


def _next_steps(for_organisation: bool) -> str:
    if for_organisation:
        return "（写明履职尽责抓党建的认识体会和思路举措）"
    return "（针对查摆的问题，写明下一步抓基层党建工作的思路和具体措施）"


def _key_issues(secretary: Secretary) -> tuple[Prompted, ...]:
    return tuple(
        Prompted(
            heading_numeral(2, n) + issue, "（请写明集中推动解决的措施、进展成效和下一步打算）"
        )
        for n, issue in enumerate(secretary.key_issues, start=1)
    )


def report_templates(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield each secretary's 述职报告模板 (DOCX only: it is to be written in)."""
    for secretary in batch:
        template = build_report_template(context.campaign, secretary)
        yield Document(KIND, ".docx", render_docx("report.docx", {"r": template}), secretary)


KIND: Kind[FormsContext] = Kind(
    key="report_template",
    name="述职报告模板",
    pack="forms",
    folder="forms/述职报告模板",
    build=report_templates,
    per_secretary=True,
    templates=("report.docx",),
    cost=0.08,
)
