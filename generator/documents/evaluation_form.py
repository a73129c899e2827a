"""The 评议表 of the seed's 附件1 (branch secretaries) and 附件2 (the town secretary).

The pre-meeting pack has each secretary's blank 评议表, for printing on demand: 附件1 for each
branch secretary and 附件2 for the town secretary, the organisation and name in place of “XX”.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model.campaign import Campaign, Rules, Secretary
from .context import FormsContext
from .kind import Document, Kind
from .personal import personal_documents

SCORES = tuple(range(10, 0, -1))  # the seed's score cells, left to right
BLANK_NAME = "XX"  # the seed's placeholder on the blank form
ATTACHMENT_NAMES = {  # as the seed's 附件说明 names them
    "branch": "党支部书记抓基层党建工作情况述职评议表",
    "committee": "党委书记抓基层党建工作报告评议表",
}
INSTRUCTION = (
    "注：填写总体评价意见时，请在相应选项下面的空格内划“√”；"
    "填写问题不足和意见建议时，在相应的栏内用文字表述。"
)


@dataclass(frozen=True, slots=True)
class GradeSpan:
    """A grade of the header and the score cells it spans."""

    grade: str
    scores: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EvaluationForm:
    """The wording and header of one 评议表."""

    title: str
    questions: tuple[str, str, str]  # overall rating, problems, suggestions
    header: tuple[GradeSpan, ...]
    note: str
    scores: tuple[int, ...] = SCORES


def grade_header(rules: Rules) -> tuple[GradeSpan, ...]:
    """Group the score cells, highest first, under the grade each falls in (rules.grades)."""
    spans: dict[str, list[int]] = {}
    for score in rules.scale.scores:
        spans.setdefault(rules.grade_of(score), []).append(score)
    return tuple(GradeSpan(grade, tuple(scores)) for grade, scores in spans.items())


def branch_form(campaign: Campaign, who: str, secretaries: int) -> EvaluationForm:
    """Return 附件1: the form about one branch secretary (who is "XX党支部书记" on the blank).

    Its 注 asks for the plan's distribution, when the plan sets one.
    """
    rules = campaign.rules
    note = INSTRUCTION
    if rules.distribution is not None:
        named = "".join(f"“{grade}”" for grade in rules.interviewed)
        note += (
            f"（在本次评议的{secretaries}名党支部书记中，"
            f"总体评价为{named}的比例控制在{rules.distribution.low_grades_expected}名左右）"
        )
    return EvaluationForm(
        title=f"{campaign.issuer.town}党支部书记抓基层党建述职评议表",
        questions=_questions(who),
        header=grade_header(rules),
        note=note,
        scores=rules.scale.scores,
    )


def committee_form(campaign: Campaign, name: str = "") -> EvaluationForm:
    """Return 附件2: the form about the town Party secretary's report."""

    return EvaluationForm(
        title=f"{campaign.issuer.head}抓基层党建报告评议表",
        questions=_questions(f"{campaign.issuer.head}{name}"),
        header=grade_header(campaign.rules),
        note=INSTRUCTION,
        scores=campaign.rules.scale.scores,
    )


def personal_form(
    campaign: Campaign, secretaries: Sequence[Secretary], secretary: Secretary
) -> EvaluationForm:
    """Return the form about one secretary: the organisation and name in place of "XX"."""
    if secretary.role == "committee":
        return committee_form(campaign, secretary.name)
    who = f"{secretary.organization}书记{secretary.name}"
    return branch_form(campaign, who, _branch_count(secretaries))


def _branch_count(secretaries: Sequence[Secretary]) -> int:
    return sum(1 for s in secretaries if s.role == "branch")


def _questions(who: str) -> tuple[str, str, str]:
    return (
        f"您对{who}抓基层党建工作情况的总体评价",
        f"您对{who}抓基层党建工作存在的问题和不足",
        f"您对{who}抓基层党建工作的意见建议",
    )


def blank_forms(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield each secretary's blank 评议表, PDF and DOCX."""
    campaign = context.campaign
    forms = [(s, personal_form(campaign, context.secretaries, s)) for s in batch]
    yield from personal_documents(
        KIND,
        context.renderer,
        forms,
        html="evaluation_forms.html",
        title=f"{campaign.year}年度述职评议表",
        titles=[f"{form.title}（{s.name}）" for s, form in forms],
        docx=("evaluation_form.docx", lambda form: {"f": form}),
    )


KIND: Kind[FormsContext] = Kind(
    key="evaluation_form",
    name="评议表",
    pack="forms",
    folder="forms/评议表",
    build=blank_forms,
    per_secretary=True,
    templates=("evaluation_forms.html", "evaluation_form.docx"),
    cost=0.1,
)
