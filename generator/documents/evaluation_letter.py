"""The 综合评价意见: the committee's letter to each secretary after grading (五（四）（五）（六）).

五（四） asks the 上级党组织 to form a 综合评价意见 that 肯定成绩, 指出问题 and sets the 等次;
五（五） has it fed back to the secretary and sets the consequences (no 优秀 unless 好; 约谈提醒
and 限期整改 for 一般 and 差); 五（六） asks every secretary for a 整改清单. Every figure comes
from results.json; the words of the letter are all here, the templates only lay them out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date, heading_numeral
from ..model.paragraph import Paragraph
from ..model.results import SecretaryResult
from ..render.geometry import TITLE_CHARS, signature_indent, title_lines
from . import appraisal
from .context import LettersContext
from .kind import Archived, Document, Kind
from .notice import plan_title
from .personal import personal_documents

BALLOT_POINTS = 3  # the ballots' problems and suggestions quoted: the most frequent few
MEETING = {  # 五（三）: how the secretaries were heard; {meeting}: the plan's name for it
    "现场": "召开{meeting}，听取了你{what}",
    "线上线下结合": "采取线上和线下相结合的方式，听取了你{what}",
    "书面": "采取书面述职方式，审阅了你{what}",
}


@dataclass(frozen=True, slots=True)
class EvaluationLetter:
    """Every word of one secretary's 综合评价意见, in reading order."""

    author: str  # PDF metadata: the committee
    created: str  # PDF metadata: results.date, ISO 8601
    title_lines: tuple[str, ...]
    addressee: str
    paragraphs: tuple[Paragraph, ...]  # h1 headings and body text
    signature: str
    signature_right_em: float
    date: str

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


def build_letter(
    campaign: Campaign, result: SecretaryResult, results_date: date
) -> EvaluationLetter:
    """Return one secretary's letter from their result."""
    issuer, name = campaign.issuer, result.secretary.name
    signed_on = chinese_date(results_date)
    # The 署名 names the committee; the title names the matter (关于…的综合评价意见).
    title = f"关于{name}同志{campaign.year}年度抓基层党建工作的综合评价意见"
    sections = (
        ("述职评议结果", _score(campaign, result)),
        ("综合评价等次", _grade(campaign, result)),
        ("主要成绩", _achievements(campaign, result)),
        ("存在的问题", _problems(campaign, result)),
        ("结果运用", _consequences(campaign, result)),
    )
    paragraphs = [Paragraph("body", "", _opening(campaign, result.secretary))]
    number = 0
    for heading, texts in sections:
        if not texts:
            continue
        number += 1
        paragraphs.append(Paragraph("h1", heading_numeral(1, number) + heading, ""))
        paragraphs += [Paragraph("body", "", text) for text in texts]
    paragraphs.append(Paragraph("body", "", "特此反馈。"))
    return EvaluationLetter(
        author=issuer.name,
        created=results_date.isoformat(),
        title_lines=tuple(title_lines(title, TITLE_CHARS)),
        addressee=f"{name}同志：",
        paragraphs=tuple(paragraphs),
        signature=issuer.name,
        signature_right_em=signature_indent(issuer.name, signed_on),
        date=signed_on,
    )


def _opening(campaign: Campaign, secretary: Secretary) -> str:
    meeting = campaign.meeting
    if secretary.role == "committee":
        what = "向各党支部书记所作的抓基层党建工作报告"
    elif secretary.reports_for_organisation(meeting.date):
        what = f"代表{secretary.organization}所作的抓基层党建工作述职"
    else:
        what = "所作的抓基层党建工作述职"
    heard = MEETING[meeting.mode].format(what=what, meeting=campaign.texts.say("meeting_name"))
    short = campaign.issuer.short
    return (
        f"根据《{plan_title(campaign.notice.title)}》，{short}于{chinese_date(meeting.date)}"
        f"{heard}，并组织了评议。经{short}研究，现将你{campaign.year}年度抓基层党建工作"
        "综合评价意见反馈如下。"
    )


def _score(campaign: Campaign, result: SecretaryResult) -> list[str]:
    weights = campaign.rules.weights[result.secretary.role]
    return [
        f"本次述职评议，{appraisal.source_counts(result, weights)}。"
        f"按照{appraisal.weighting(weights)}的比例计算，"
        f"你的述职评议结果为{result.score_text}分。"
    ]


def _grade(campaign: Campaign, result: SecretaryResult) -> list[str]:
    text = (
        f"按照工作方案确定的{appraisal.grade_standard(campaign)}的等次标准，"
        f"你的述职评议结果对应“{result.score_grade}”等次"
    )
    reasons = appraisal.grade_reasons(result, "按照工作方案规定，")
    if reasons:  # they end with the grade the letter gives
        return [text + "。" + "".join(reasons)]
    return [text + f"，综合评价等次确定为“{result.grade}”。"]


def _achievements(campaign: Campaign, result: SecretaryResult) -> list[str]:
    achievements = result.assessment.achievements
    if not achievements:
        return []
    short = campaign.issuer.short
    return [f"{short}肯定你抓基层党建工作取得的成绩：{appraisal.enumerated(achievements)}"]


def _problems(campaign: Campaign, result: SecretaryResult) -> list[str]:
    found = result.assessment.problems
    texts = []
    if found:
        short = campaign.issuer.short
        texts.append(f"{short}指出你抓基层党建工作存在的问题：{appraisal.enumerated(found)}")
    comments = result.comments
    raised = appraisal.most_frequent(comments["problems"], BALLOT_POINTS, found)
    suggested = appraisal.most_frequent(comments["suggestions"], BALLOT_POINTS)
    gathered = ""
    if raised:
        gathered += f"评议中反映的问题主要有：{appraisal.series(raised)}"
    if suggested:
        gathered += f"提出的意见建议主要有：{appraisal.series(suggested)}"
    if gathered:
        texts.append(gathered)
    return texts


def _consequences(campaign: Campaign, result: SecretaryResult) -> list[str]:
    texts = [
        "本综合评价意见及等次在一定范围内通报，并按照干部管理权限，"
        "由组织人事部门根据有关规定归入干部人事档案。"
    ]
    say = campaign.texts.say
    if not result.excellent_eligible:
        required = "".join(f"“{grade}”" for grade in campaign.rules.may_be_excellent)
        texts.append(
            f"你的综合评价等次为“{result.grade}”，未达到{required}，{say('not_excellent')}。"
        )
    if result.interview_required and result.rectification_due:
        due = chinese_date(result.rectification_due)
        texts.append(
            f"{campaign.issuer.short}将对你进行约谈提醒。请你认真梳理自己查摆、上级点评、群众评议"
            f"指出的问题，列出整改清单，限期整改，于{due}前整改到位。"
        )
    else:
        texts.append(
            "请你认真梳理自己查摆、上级点评、群众评议指出的问题，列出整改清单，认真抓好整改落实。"
        )
    return texts


def evaluation_letters(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield each secretary's letter as PDF (laid out in one batch, signed later) and DOCX."""
    campaign, results = context.campaign, context.results
    letters = [(s, build_letter(campaign, results.of(s), results.date)) for s in batch]
    yield from personal_documents(
        KIND,
        context.renderer,
        letters,
        html="evaluation_letters.html",
        title=f"{campaign.year}年度综合评价意见",
        titles=[letter.title for _, letter in letters],
        docx=("evaluation_letter.docx", lambda letter: {"c": letter}),
        signed=True,
    )


KIND: Kind[LettersContext] = Kind(
    key="evaluation_letter",
    name="综合评价意见",
    pack="letters",
    folder="letters/综合评价意见",
    build=evaluation_letters,
    per_secretary=True,
    templates=("evaluation_letters.html", "evaluation_letter.docx"),
    archived=Archived("综合评价意见", signed=True, section="personal", order=1),
    cost=0.29,
)
