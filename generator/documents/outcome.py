"""The review's outcome as the 通报 and the 备案 report state it, read from results.json.

Both documents say the same facts: how the meeting was held, how many ballots went out and came
back, who was graded what, and who must be talked to and rectify by when. They are worded here
once, from the scored results and the campaign data; the two document
modules only arrange them. Both are GB/T 9704 pages without the 版头 (a clerk prints them on the
committee's letterhead, which needs a 发文字号 the campaign does not hold), so their context is
one shape, `OfficialLetter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..model.campaign import Campaign
from ..model.figures import shown
from ..model.numerals import chinese_date
from ..model.paragraph import Paragraph
from ..model.results import Results
from ..render.geometry import signature_indent
from .notice import plan_title

# 2号 characters a title line may hold: 20 fill the 版心, but 小标宋's digits are wider than
# the half em title_lines counts them as; 18 keeps a line from wrapping in a word processor.
TITLE_CHARS = 18


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled table in the text; `name` picks its column widths in both templates."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str = "table"


@dataclass(frozen=True, slots=True)
class Attachment:
    """An 附件 on its own page after the 署名: its label, title and table."""

    label: str
    title_lines: tuple[str, ...]
    table: Table


@dataclass(frozen=True, slots=True)
class OfficialLetter:
    """Every word of a 通报 or a 报告, in reading order."""

    author: str  # PDF metadata: the issuing organ
    created: str  # PDF metadata: the date, ISO 8601
    title_lines: tuple[str, ...]
    addressee: str  # 主送机关, with its colon
    blocks: tuple[Paragraph | Table, ...]  # the body: h1 / h2 / body paragraphs and tables
    attachment_note: str  # “附件：名称” under the body, or ""
    signature: str
    signature_right_em: float
    date: str
    remark: str  # 附注 under the date, in round brackets, or ""
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True, slots=True)
class Graded:
    """A secretary as the documents name them: their result and the post held."""

    number: int  # place in secretaries.yaml
    name: str
    organization: str
    role: str
    score: str
    score_grade: str
    grade: str
    reasons: tuple[str, ...]
    rectification_due: date | None
    for_organisation: bool  # 代表党组织述职
    deciding_reasons: tuple[str, ...]  # the reasons that moved the grade: forced, override
    forced: bool  # the lowest grade was imposed (五（四）)

    @property
    def post(self) -> str:
        """Return the post as a 通报 names it: 巴音陶勒盖嘎查党支部书记."""
        return f"{self.organization}书记"


@dataclass(frozen=True, slots=True)
class SourceFigures:
    """The ballots of one source (or all of them): issued = returned + not returned."""

    label: str
    issued: int
    returned: int
    unreturned: int
    valid: int
    blank: int
    invalid: int

    def cells(self) -> tuple[str, ...]:
        figures = (
            self.issued,
            self.returned,
            self.unreturned,
            self.valid,
            self.blank,
            self.invalid,
        )
        return (self.label, *map(str, figures))


def graded(results: Results, meeting: date) -> list[Graded]:
    """Return the secretaries, in secretaries.yaml order, with their posts."""
    return [
        Graded(
            number=r.secretary.number,
            name=r.secretary.name,
            organization=r.secretary.organization,
            role=r.secretary.role,
            score=r.score_text,
            score_grade=r.score_grade,
            grade=r.grade,
            reasons=r.reasons,
            rectification_due=r.rectification_due,
            for_organisation=r.secretary.reports_for_organisation(meeting),
            deciding_reasons=r.deciding,
            forced=bool(r.forced_by),
        )
        for r in results.secretaries
    ]


def by_grade(
    people: list[Graded], grades: tuple[str, ...], role: str = "branch"
) -> dict[str, list[Graded]]:
    """Return grade → the secretaries of a role graded so, highest grade first, none left out."""
    return {grade: [p for p in people if p.role == role and p.grade == grade] for grade in grades}


def source_order(campaign: Campaign) -> list[str]:
    """Return the ballot sources in the order campaign.yaml weighs them: 上述, 下评."""
    order: list[str] = []
    for weights in campaign.rules.weights.values():
        order += [source for source in weights if source not in order]
    return order


def participation(results: Results, campaign: Campaign) -> list[SourceFigures]:
    """Return per source, then in total: ballots issued, returned, not returned and their kinds.

    Issued is returned plus not returned: the register `forms` wrote, as `letters` checked it.
    """
    per_source, unreturned = results.per_source(), results.unreturned
    sources = [s for s in source_order(campaign) if s in per_source] + [
        s for s in per_source if s not in source_order(campaign)
    ]
    rows = []
    for source in sources:
        counts = per_source[source]
        missing = sum(1 for b in unreturned if b.source == source)
        rows.append(
            SourceFigures(
                f"“{source}”",
                counts.read + missing,
                counts.read,
                missing,
                counts.valid,
                counts.blank,
                counts.invalid,
            )
        )
    totals = results.totals
    rows.append(
        SourceFigures(
            "合计",
            totals.read + len(unreturned),
            totals.read,
            len(unreturned),
            totals.valid,
            totals.blank,
            totals.invalid,
        )
    )
    return rows


def plan_reference(campaign: Campaign) -> str:
    """Return 《…工作方案》（上党发〔2022〕49号）: the plan the review followed."""
    return f"《{plan_title(campaign.notice.title)}》（{campaign.notice.number}）"


MEETING_PHRASES = {  # 五（三）: how the meeting was held, after “{date}，镇党委”; {meeting}: its name
    "现场": "召开{meeting}，组织现场述职",
    "线上线下结合": "采取线上和线下相结合方式组织述职",
    "书面": "采取书面方式组织述职",
}


def meeting_sentence(campaign: Campaign, people: list[Graded], *, named: bool = False) -> str:
    """Return what happened at the 述职评议会: when, how, who reported, who was invited.

    `named` names those who reported for their organisation (the 备案 report does).
    """
    short = campaign.issuer.short
    branches = [p for p in people if p.role == "branch"]
    standing_in = [p for p in branches if p.for_organisation]
    say = campaign.texts.say
    held = MEETING_PHRASES[campaign.meeting.mode].format(meeting=say("meeting_name"))
    parts = [f"{chinese_date(campaign.meeting.date)}，{short}{held}"]
    reported = f"{len(branches)}名党支部书记向{short}述职"
    if standing_in and named:
        names = "、".join(f"{p.name}（{p.organization}）" for p in standing_in)
        reported += f"，其中{names}任职不足3个月，代表党组织述职"
    elif standing_in:
        reported += f"（其中{len(standing_in)}名任职不足3个月的书记代表党组织述职）"
    parts.append(reported)
    town = [
        f"{short}书记{p.name}向各党支部书记报告抓基层党建工作情况和本人作为"
        "全面从严治党第一责任人履职情况，并接受评议"
        for p in people
        if p.role == "committee"
    ]
    sentence = "；".join(["，".join(parts), *town]) + "。"
    if campaign.meeting.mode != "书面":
        sentence += f"会议邀请{say('attendees')}参加。"
    return sentence


def ballots_sentence(figures: list[SourceFigures]) -> str:
    """Return the ballots in total: issued, returned, and the valid among those returned."""
    total = figures[-1]
    text = f"共发放评议票{total.issued}张，收回{total.returned}张"
    if total.unreturned:
        text += f"（未收回{total.unreturned}张）"
    return text + f"，其中有效票{total.valid}张"


def percent_text(share: Fraction) -> str:
    """Return a share as results.json shows it ("0.444"), as a percentage: 44.4%."""
    return f"{(Decimal(shown(share)) * 100).normalize():f}%"


def rectification_dates(people: list[Graded]) -> list[date]:
    """Return the distinct 整改 deadlines, earliest first."""
    return sorted({p.rectification_due for p in people if p.rectification_due})


def low_graded_names(people: list[Graded], interviewed: tuple[str, ...]) -> str:
    """Return “一般”的陈庚午（…）和“差”的赵壬申（…）、徐丙子（…）: who must be talked to."""
    groups = []
    for grade in interviewed:
        named = [p for p in people if p.role == "branch" and p.grade == grade]
        if named:
            groups.append(
                f"“{grade}”的" + "、".join(f"{p.name}（{p.organization}）" for p in named)
            )
    return "和".join(groups)


def signed(campaign: Campaign, results: Results) -> tuple[str, float, str]:
    """Return the 署名, its right indent (centred over the date, sealed) and the date."""
    day = chinese_date(results.date)
    return campaign.issuer.name, signature_indent(campaign.issuer.name, day), day


def body(text: str) -> Paragraph:
    return Paragraph("body", "", text)


def heading(text: str) -> Paragraph:
    return Paragraph("h1", text, "")


def lead_in(head: str, text: str) -> Paragraph:
    return Paragraph("h2", head, text)
