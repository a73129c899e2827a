"""The 通报: the grades circulated 在一定范围内, as the seed's 五（五） allows.

From the committee to the branches (the notice's 主送): how the review was run, the branch
secretaries by grade with their organisations, the consequences in general terms (五（五）) and the
整改 requirement (五（六）). The town secretary is graded by the superior, not by the committee:
the 通报 gives his 述职评议 grade apart from the committee's list. Scores appear only when
campaign.yaml sets `results.publish_scores: true`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date, heading_numeral
from ..model.paragraph import Paragraph
from ..model.results import Results
from ..render.geometry import title_lines
from .context import LettersContext
from .kind import Archived, Document, Kind
from .official_letter import letter_documents
from .outcome import (
    TITLE_CHARS,
    Graded,
    OfficialLetter,
    ballots_sentence,
    body,
    by_grade,
    graded,
    heading,
    lead_in,
    meeting_sentence,
    participation,
    plan_reference,
    rectification_dates,
    signed,
)


def build_circular(campaign: Campaign, results: Results) -> OfficialLetter:
    """Return the 通报's context from the results and the campaign."""
    people = graded(results, campaign.meeting.date)
    signature, indent, day = signed(campaign, results)
    title = (
        f"{campaign.issuer.name}关于{campaign.year}年度党组织书记抓基层党建述职评议考核结果的通报"
    )
    return OfficialLetter(
        author=campaign.issuer.name,
        created=results.date.isoformat(),
        title_lines=tuple(title_lines(title, TITLE_CHARS)),
        addressee=f"{campaign.notice.addressee}：",
        blocks=(
            *_opening(campaign, people, results),
            *_grades(campaign, people),
            *_consequences(campaign, people),
            *_rectification(campaign, people),
        ),
        attachment_note="",
        signature=signature,
        signature_right_em=indent,
        date=day,
        remark=f"（此件发至{campaign.notice.addressee}）",
        attachments=(),
    )


def _opening(campaign: Campaign, people: list[Graded], results: Results) -> list[Paragraph]:
    short = campaign.issuer.short
    held = meeting_sentence(campaign, people)
    ballots = ballots_sentence(participation(results, campaign))
    return [
        body(f"根据{plan_reference(campaign)}安排，{held.removesuffix('。')}，{ballots}。"),
        body(
            f"{short}依据述职评议、实地调研、平时了解以及年度基层党建考核等情况，对各党支部书记"
            f"抓基层党建工作情况形成综合评价意见，经{chinese_date(results.date)}{short}"
            "研究，确定了综合评价等次。现将有关情况通报如下。"
        ),
    ]


def _named(person: Graded, publish_scores: bool) -> str:
    """Return 巴音陶勒盖嘎查党支部书记包甲子, with （9.181分） when scores are published."""
    return person.post + person.name + (f"（{person.score}分）" if publish_scores else "")


def _grades(campaign: Campaign, people: list[Graded]) -> list[Paragraph]:
    """Return 一、综合评价等次: a lead-in per grade that anyone holds, then the town secretary."""
    paragraphs = [heading(heading_numeral(1, 1) + "综合评价等次")]
    listed = [
        (grade, named)
        for grade, named in by_grade(people, campaign.rules.grade_names).items()
        if named
    ]
    for n, (grade, named) in enumerate(listed, start=1):
        names = "、".join(_named(p, campaign.publish_scores) for p in named)
        paragraphs.append(
            lead_in(f"{heading_numeral(2, n)}“{grade}”等次（{len(named)}名）。", names + "。")
        )
    short = campaign.issuer.short
    for p in people:
        if p.role == "committee":
            score = f"{p.score}分，" if campaign.publish_scores else ""
            paragraphs.append(
                body(
                    f"{short}书记{p.name}的述职评议结果为{score}“{p.grade}”等次，"
                    f"报{campaign.issuer.superior}综合评价。"
                )
            )
    return paragraphs


def _consequences(campaign: Campaign, people: list[Graded]) -> list[Paragraph]:
    """Return 二、结果运用: 五（五） in general terms, with the 整改 deadline."""
    short = campaign.issuer.short
    rules, say = campaign.rules, campaign.texts.say
    text = (
        "综合评价意见及等次已向本人反馈，并按照干部管理权限，由组织人事部门根据有关规定归入"
        "干部人事档案。述职评议考核结果作为党组织书记工作实绩评定的重要内容，作为干部考核、"
        "评先评优、选拔任用的重要依据"
    )
    if set(rules.may_be_excellent) != set(rules.grade_names):  # the plan has such a rule
        required = "".join(f"“{grade}”" for grade in rules.may_be_excellent)
        text += f"。综合评价等次未达到{required}的，其{say('not_excellent')}"
    if any(p.grade in rules.interviewed for p in people if p.role == "branch"):
        dates = rectification_dates(people)
        by_when = f"，限期于{chinese_date(dates[0])}前完成整改" if len(dates) == 1 else "、限期整改"
        named = "和".join(f"“{grade}”" for grade in rules.interviewed)
        text += (
            f"；对综合评价等次为{named}的党支部书记，由{short}约谈提醒{by_when}，"
            "问题严重的依据有关规定严肃追责"
        )
    return [heading(heading_numeral(1, 2) + "结果运用"), body(text + "。")]


def _rectification(campaign: Campaign, people: list[Graded]) -> list[Paragraph]:
    """Return 三、整改要求: 五（六）'s 整改清单 and the committee's follow-up."""
    short = campaign.issuer.short
    low = any(p.grade in campaign.rules.interviewed for p in people if p.role == "branch")
    text = (
        "各党组织书记要认真梳理自己查摆、上级点评、群众评议指出的问题，列出整改清单，明确整改"
        "措施、整改时限和责任人，认真抓好整改落实。"
    )
    if low:
        named = "和".join(f"“{grade}”" for grade in campaign.rules.interviewed)
        text += f"综合评价等次为{named}的党支部书记要在整改期限内完成整改，并向{short}书面报告整改情况。"
    text += f"{short}将加强跟踪问效，及时通报整改情况，推动基层党组织全面进步、全面过硬。"
    return [heading(heading_numeral(1, 3) + "整改要求"), body(text)]


def circular_files(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield the 通报 as PDF and DOCX, two renderings of one context."""
    letter = build_circular(context.campaign, context.results)
    yield from letter_documents(KIND, context.renderer, letter)


KIND: Kind[LettersContext] = Kind(
    key="circular",
    name="通报",
    pack="letters",
    folder="letters",
    stem="通报",
    build=circular_files,
    templates=("official_letter.html", "official_letter.docx"),
    archived=Archived("通报", section="campaign", order=1),
    cost=0.7,
)
