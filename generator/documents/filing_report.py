"""The 备案 report to the superior: how the review went, for its files (seed 六（一）).

六（一） asks the committee to report on the review to the level above and to file the grades and
the 整改 plans with the superior's organisation department. The report says how the review was
run (the notice, the meeting, who reported and for whom), the ballots (issued = returned + not
returned, per source), the grades against 五（四）'s 40 % and 附件1's “2名左右” with results.json's
warnings, the grades that differ from the score's band and why, and who must 约谈 and 整改 by when;
the list of every secretary's score and grade is its 附件.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model.campaign import Campaign, Secretary
from ..model.figures import percent
from ..model.numerals import chinese_date, heading_numeral
from ..model.paragraph import Paragraph
from ..model.results import Distribution, Results
from ..render.geometry import title_lines
from .context import LettersContext
from .kind import Archived, Document, Kind
from .official_letter import letter_documents
from .outcome import (
    TITLE_CHARS,
    Attachment,
    Graded,
    OfficialLetter,
    Table,
    body,
    graded,
    heading,
    low_graded_names,
    meeting_sentence,
    participation,
    percent_text,
    plan_reference,
    rectification_dates,
    signed,
)

PARTICIPATION_COLUMNS = ("评议来源", "发放", "收回", "未收回", "有效票", "空白票", "废票")
GRADE_COLUMNS = ("序号", "党组织", "姓名", "述职评议结果", "等次", "备注")


def build_filing_report(campaign: Campaign, results: Results) -> OfficialLetter:
    """Return the 备案 report's context from the results and the campaign."""
    people = graded(results, campaign.meeting.date)
    signature, indent, day = signed(campaign, results)
    title = (
        f"{campaign.issuer.name}关于{campaign.year}年度党组织书记抓基层党建"
        "述职评议考核工作情况的报告"
    )
    list_title = f"{campaign.year}年度党组织书记述职评议考核结果一览表"
    return OfficialLetter(
        author=campaign.issuer.name,
        created=results.date.isoformat(),
        title_lines=tuple(title_lines(title, TITLE_CHARS)),
        addressee=f"{campaign.issuer.superior}：",
        blocks=(
            body(
                f"按照{campaign.issuer.superior}有关要求和{plan_reference(campaign)}安排，"
                f"{campaign.issuer.short}组织开展了{campaign.year}年度党组织书记"
                "抓基层党建述职评议考核工作。现将有关情况报告如下。"
            ),
            *_conduct(campaign, people),
            *_participation(campaign, results),
            *_grades(campaign, people, results),
            *_rectification(campaign, people),
            body("特此报告。"),
        ),
        attachment_note=f"附件：{list_title}",
        signature=signature,
        signature_right_em=indent,
        date=day,
        remark="",
        attachments=(
            Attachment(
                "附件",
                tuple(title_lines(list_title, TITLE_CHARS)),
                _list(people, campaign.rules.lowest),
            ),
        ),
    )


def _conduct(campaign: Campaign, people: list[Graded]) -> list[Paragraph]:
    """Return 一、工作开展情况: the notice, the meeting, who reported, how scores combine."""
    short = campaign.issuer.short
    labels = {"branch": "党支部书记", "committee": f"{short}书记"}
    weighting = "；".join(
        f"{labels[role]}按"
        + "、".join(f"“{source}”{percent(weight)}" for source, weight in weights.items() if weight)
        for role, weights in campaign.rules.weights.items()
        if any(p.role == role for p in people)
    )
    return [
        heading(heading_numeral(1, 1) + "工作开展情况"),
        body(
            f"{chinese_date(campaign.notice.date)}，{short}印发{plan_reference(campaign)}，"
            f"对述职评议考核工作作出安排。{meeting_sentence(campaign, people, named=True)}"
            f"述职评议结果按评议票有效票平均分加权计算：{weighting}。"
        ),
    ]


def _low_votes(campaign: Campaign) -> str:
    """Return the low votes as the plan names them (“一般”“差”), "" when it counts none."""
    return "".join(f"“{grade}”" for grade in campaign.rules.low_vote_grades)


def _participation(campaign: Campaign, results: Results) -> list[Paragraph | Table]:
    """Return 二、评议参与情况: the ballots in total and per source, in a sentence and a table."""
    figures = participation(results, campaign)
    total = figures[-1]
    text = f"本次述职评议共发放评议票{total.issued}张，收回{total.returned}张"
    text += f"，未收回{total.unreturned}张" if total.unreturned else "，全部收回"
    text += (
        f"。收回的评议票中，有效票{total.valid}张、空白票{total.blank}张、废票{total.invalid}张；"
        "空白票和废票计入收回张数，不计入平均分"
        + (f"和{low_votes}票比例。" if (low_votes := _low_votes(campaign)) else "。")
    )
    for f in figures[:-1]:
        text += (
            f"{f.label}评议票发放{f.issued}张，收回{f.returned}张，其中有效票{f.valid}张、"
            f"空白票{f.blank}张、废票{f.invalid}张；"
        )
    text = text.removesuffix("；") + "。" if len(figures) > 1 else text
    table = Table("participation", PARTICIPATION_COLUMNS, tuple(f.cells() for f in figures))
    return [heading(heading_numeral(1, 2) + "评议参与情况"), body(text), table]


def _grades(campaign: Campaign, people: list[Graded], results: Results) -> list[Paragraph]:
    """Return 三、综合评价等次情况: counts, the guidance and its warnings, changed grades."""
    short = campaign.issuer.short
    rules = campaign.rules
    guidance = rules.distribution
    distribution: Distribution = results.distribution
    counts = distribution.counts
    branches = [p for p in people if p.role == "branch"]
    paragraphs = [
        heading(heading_numeral(1, 3) + "综合评价等次情况"),
        body(
            f"{short}依据述职评议、实地调研、平时了解以及年度基层党建考核等情况，形成综合评价"
            f"意见，经{chinese_date(results.date)}{short}研究确定等次。"
            f"{len(branches)}名党支部书记中，"
            + "、".join(f"“{g}”等次{counts[g]}名" for g in rules.grade_names)
            + "（名单见附件）。"
        ),
    ]
    if guidance is not None:  # the plan's distribution, and how far the grades kept to it
        below = sum(counts[g] for g in rules.grade_names[1:])
        second = rules.grade_names[1]
        lowest = percent(guidance.below_good_share - guidance.tolerance)
        highest = percent(guidance.below_good_share + guidance.tolerance)
        named = "".join(f"“{g}”" for g in rules.interviewed)
        paragraphs.append(
            body(
                f"“{second}”及以下等次{below}名，占{percent_text(distribution.below_good_share)}，"
                f"工作方案要求“评价为‘{second}’及以下等次的应占{percent(guidance.below_good_share)}"
                f"左右的比例”（按{lowest}–{highest}掌握）；{named}等次{distribution.low_grades}名，"
                f"评议表注明“控制在{guidance.low_grades_expected}名左右”。"
                + _warnings(distribution.warnings)
            )
        )
    changed = [p for p in branches if p.deciding_reasons]
    if changed:
        paragraphs.append(
            body(
                f"综合评价等次与述职评议结果分档不同的{len(changed)}名："
                + "；".join(
                    f"{p.name}（{p.organization}）述职评议结果{p.score}分，"
                    + "，".join(r.removesuffix("。") for r in p.deciding_reasons)
                    for p in changed
                )
                + "。"
            )
        )
    for p in people:
        if p.role == "committee":
            paragraphs.append(
                body(
                    f"{short}书记{p.name}的述职评议结果为{p.score}分，对应“{p.grade}”等次，"
                    "请予综合评价。"
                )
            )
    return paragraphs


def _warnings(warnings: Sequence[str]) -> str:
    """Return results.json's distribution warnings as sentences, or that there are none."""
    if not warnings:
        return "等次分布符合上述要求。"
    return "经对照，" + "；".join(warnings) + "。"


def _rectification(campaign: Campaign, people: list[Graded]) -> list[Paragraph]:
    """Return 四、整改工作安排: who is talked to and must rectify by when, and the 整改清单."""
    short = campaign.issuer.short
    paragraphs = [heading(heading_numeral(1, 4) + "整改工作安排")]
    if any(p.grade in campaign.rules.interviewed for p in people if p.role == "branch"):
        dates = rectification_dates(people)
        by_when = f"，限期于{chinese_date(dates[0])}前完成整改" if len(dates) == 1 else "、限期整改"
        paragraphs.append(
            body(
                f"对综合评价等次为{low_graded_names(people, campaign.rules.interviewed)}，由{short}约谈提醒{by_when}。"
            )
        )
    paragraphs.append(
        body(
            "各党组织书记对照自己查摆、上级点评、群众评议指出的问题列出整改清单，明确整改措施、"
            f"整改时限和责任人。{short}将加强跟踪问效，及时通报整改情况；整改清单经{short}审核后"
            f"报{campaign.issuer.superior}备案。"
        )
    )
    return paragraphs


def _list(people: list[Graded], lowest: str) -> Table:
    """Return the 附件: every secretary in secretaries.yaml order, score, grade and notes."""
    rows = []
    for p in people:
        notes = []
        if p.role == "committee":
            notes.append("由上级党组织综合评价")
        if p.for_organisation:
            notes.append("代表党组织述职")
        if p.forced:
            notes.append(f"依规定确定为“{lowest}”")  # 五（四）: too many low votes, or a failure
        elif p.deciding_reasons:
            notes.append("经研究调整等次")  # the committee's override
        if p.rectification_due:
            notes.append("约谈提醒、限期整改")  # by the date the body gives
        rows.append((str(p.number), p.organization, p.name, p.score, p.grade, "；".join(notes)))
    return Table("grades", GRADE_COLUMNS, tuple(rows))


def filing_report_files(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield the 备案 report as PDF and DOCX, two renderings of one context."""
    letter = build_filing_report(context.campaign, context.results)
    yield from letter_documents(KIND, context.renderer, letter)


KIND: Kind[LettersContext] = Kind(
    key="filing_report",
    name="备案报告",
    pack="letters",
    folder="letters",
    stem="备案报告",
    build=filing_report_files,
    templates=("official_letter.html", "official_letter.docx"),
    archived=Archived("备案报告", section="campaign", order=2),
    cost=1.0,
)
