"""The 述职安排: when and how the 述职评议会 is held, and who reports, in which order, on what.

It goes out with the 通知, so it carries the 通知's 成文日期. Its wording follows the seed's
工作方案: 五（二） (述职报告 a week before the meeting, 代表党组织述职), 五（三） (the three ways
of holding the meeting), 三 (the town secretary's 下评 report) and 六（三） (“一述一评”).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date, heading_numeral
from ..model.paragraph import Paragraph
from ..render.docx import render_docx
from ..render.geometry import TITLE_CHARS, signature_indent, title_lines
from ..render.justify import MEASURE_PT, Run, justified_html
from ..render.templating import html_environment
from .context import FormsContext
from .kind import Document, Kind
from .notice import plan_title

MODE_PHRASES = {  # 五（三）: how the meeting is held; {meeting}: the plan's name for it
    "现场": "召开{meeting}现场述职",
    "线上线下结合": "采取线上和线下相结合方式述职",
    "书面": "采取书面述职方式",
}
IN_PERSON = "本人述职"
FOR_ORGANISATION = "代表党组织述职"
COLUMNS = ("序号", "述职人", "党组织", "述职方式", "必答题")
NOTE_PT = 14.0  # the 注 in 4号, as the table


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One secretary's line of the table, in meeting order."""

    number: str
    name: str
    organization: str
    mode: str  # 本人述职 | 代表党组织述职
    key_issues: tuple[str, ...]  # "1.…", "2.…": one line each


@dataclass(frozen=True, slots=True)
class Schedule:
    """Every word of the 述职安排, in reading order."""

    author: str  # PDF metadata: the issuing organ
    created: str  # PDF metadata: the date, ISO 8601
    title_lines: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]  # before the table; h1 headings and body text
    columns: tuple[str, ...]
    rows: tuple[ScheduleRow, ...]
    notes: tuple[str, ...]  # 注 under the table
    signature: str
    signature_right_em: float
    date: str


def report_deadline(campaign: Campaign) -> date:
    """Return the day by which the 述职报告 reach the superior: a week before the meeting."""
    return campaign.meeting.reports_due


def reporting_mode(secretary: Secretary, meeting: date) -> str:
    """Return 代表党组织述职 for a secretary appointed under 3 months before it, else 本人述职."""
    return FOR_ORGANISATION if secretary.reports_for_organisation(meeting) else IN_PERSON


def numbered(items: tuple[str, ...]) -> tuple[str, ...]:
    """Return the items numbered 1. 2. …, as the table lists the 必答题."""
    return tuple(f"{n}.{item}" for n, item in enumerate(items, start=1))


def build_schedule(campaign: Campaign, secretaries: Sequence[Secretary]) -> Schedule:
    """Return the 述职安排's context; the rows follow secretaries.yaml, the meeting order."""
    issuer, meeting = campaign.issuer, campaign.meeting
    rows = tuple(
        ScheduleRow(
            number=str(n),
            name=s.name,
            organization=s.organization,
            mode=reporting_mode(s, meeting.date),
            key_issues=numbered(s.key_issues),
        )
        for n, s in enumerate(secretaries, start=1)
    )
    signed_on = chinese_date(campaign.notice.date)
    return Schedule(
        author=issuer.name,
        created=campaign.notice.date.isoformat(),
        title_lines=tuple(
            title_lines(
                f"{campaign.year}年度{issuer.town}党组织书记抓基层党建述职评议会安排", TITLE_CHARS
            )
        ),
        paragraphs=_paragraphs(campaign),
        columns=COLUMNS,
        rows=rows,
        notes=_notes(issuer.head, rows, secretaries),
        signature=issuer.name,
        signature_right_em=signature_indent(issuer.name, signed_on),
        date=signed_on,
    )


def _paragraphs(campaign: Campaign) -> tuple[Paragraph, ...]:
    meeting = campaign.meeting
    say = campaign.texts.say
    guests = "" if meeting.mode == "书面" else f"会议邀请{say('attendees')}参加。"
    held = MODE_PHRASES[meeting.mode].format(meeting=say("meeting_name"))
    deadline = chinese_date(report_deadline(campaign))
    sections = (
        ("时间和方式", f"{chinese_date(meeting.date)}，{held}。{guests}"),
        (
            "述职报告",
            "参加述职的党组织书记要对照工作方案撰写述职报告，讲清上年度点评指出问题整改情况和"
            f"书记项目“必答题”推进情况。述职报告于{deadline}前报{campaign.issuer.superior}"
            "审核把关。",
        ),
        ("述职顺序和“必答题”", "按下表顺序逐一述职。"),
    )
    paragraphs = [
        Paragraph(
            "body",
            "",
            f"根据《{plan_title(campaign.notice.title)}》，现将述职评议会有关事项安排如下。",
        )
    ]
    for n, (heading, text) in enumerate(sections, start=1):
        paragraphs += [
            Paragraph("h1", heading_numeral(1, n) + heading, ""),
            Paragraph("body", "", text),
        ]
    return tuple(paragraphs)


def _notes(
    head: str, rows: tuple[ScheduleRow, ...], secretaries: Sequence[Secretary]
) -> tuple[str, ...]:
    """Return the 注: what 代表党组织述职 means (when anyone does), “一述一评”, the 下评 report."""
    notes = []
    if any(row.mode == FOR_ORGANISATION for row in rows):
        notes.append(
            "任职不足3个月的书记代表党组织述职，同时报告了解的基层党建突出问题、"
            "履职尽责抓党建的认识体会和思路举措。"
        )
    notes.append(
        f"党支部书记述职后，{head}采取“一述一评”的方式点评，点准问题、"
        "保持“辣味”、“红脸出汗”，防止不痛不痒。"
    )
    if any(s.role == "committee" for s in secretaries):
        notes.append(
            f"{head}向各党支部书记报告全年抓基层党建工作情况和本人作为"
            "全面从严治党第一责任人履职情况，接受评议。"
        )
    if len(notes) == 1:
        return (f"注：{notes[0]}",)
    return tuple(
        ("注：" if n == 1 else "") + f"{n}.{note}" for n, note in enumerate(notes, start=1)
    )


def schedule_files(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield the 述职安排 as PDF and DOCX, two renderings of one context."""
    schedule = build_schedule(context.campaign, context.secretaries)
    environment = html_environment(context.renderer.fonts)
    environment.globals["justify_note"] = note_setter(context.renderer.fonts)
    html = environment.get_template("schedule.html").render(c=schedule)
    yield Document(KIND, ".pdf", context.renderer.render(html))
    yield Document(KIND, ".docx", render_docx("schedule.docx", {"c": schedule}))


def note_setter(fonts):
    """Return justify_note(text, indent): a 4号 注 set line by line to fill the 版心, as justify()."""
    body = fonts["仿宋"].file

    def justify_note(text: str, indent_chars: int):
        runs = [Run(text, "", body)]
        return justified_html(runs, NOTE_PT, 0.0, MEASURE_PT, indent_chars * NOTE_PT)

    return justify_note


KIND: Kind[FormsContext] = Kind(
    key="schedule",
    name="述职安排",
    pack="forms",
    folder="forms",
    stem="述职安排",
    build=schedule_files,
    templates=("schedule.html", "schedule.docx"),
    cost=1.1,
)
