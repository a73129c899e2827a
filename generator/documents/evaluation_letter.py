"""The 综合评价意见: the committee's letter to each secretary after grading (五（四）（五）（六）).

五（四） asks the 上级党组织 to form a 综合评价意见 that 肯定成绩, 指出问题 and sets the 等次;
五（五） has it fed back to the secretary and sets the consequences (no 优秀 unless 好; 约谈提醒
and 限期整改 for 一般 and 差); 五（六） asks every secretary for a 整改清单. Every figure comes
from results.json; the words of the letter are all here, the templates only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..model import Campaign, Secretary
from ..numerals import chinese_date, heading_numeral
from ..plan import Paragraph
from ..render.docx import render_docx
from ..templating import html_environment
from . import appraisal
from .notice import TITLE_CHARS, plan_title
from .schedule import signature_indent
from .title import title_lines

if TYPE_CHECKING:
    from ..letters import LettersRun

FOLDER = "letters/综合评价意见"
BALLOT_POINTS = 3  # the ballots' problems and suggestions quoted: the most frequent few
MEETING = {  # 五（三）: how the secretaries were heard
    "现场": "召开党委扩大会议，听取了你{what}",
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
    campaign: Campaign, secretary: Secretary, entry: dict, results_date: date
) -> EvaluationLetter:
    """Return one secretary's letter from their results.json entry."""
    issuer = campaign.issuer
    signed_on = chinese_date(results_date)
    # The 署名 names the committee; the title names the matter (关于…的综合评价意见).
    title = f"关于{entry['name']}同志{campaign.year}年度抓基层党建工作的综合评价意见"
    sections = (
        ("述职评议结果", _score(campaign, entry)),
        ("综合评价等次", _grade(campaign, entry)),
        ("主要成绩", _achievements(entry)),
        ("存在的问题", _problems(entry)),
        ("结果运用", _consequences(entry)),
    )
    paragraphs = [Paragraph("body", "", _opening(campaign, secretary, entry))]
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
        addressee=f"{entry['name']}同志：",
        paragraphs=tuple(paragraphs),
        signature=issuer.name,
        signature_right_em=signature_indent(issuer.name, signed_on),
        date=signed_on,
    )


def _opening(campaign: Campaign, secretary: Secretary, entry: dict) -> str:
    meeting = campaign.meeting
    if secretary.role == "committee":
        what = "向各党支部书记所作的抓基层党建工作报告"
    elif secretary.reports_for_organisation(meeting.date):
        what = f"代表{entry['organization']}所作的抓基层党建工作述职"
    else:
        what = "所作的抓基层党建工作述职"
    heard = MEETING[meeting.mode].format(what=what)
    return (
        f"根据《{plan_title(campaign.notice.title)}》，镇党委于{chinese_date(meeting.date)}"
        f"{heard}，并组织了评议。经镇党委研究，现将你{campaign.year}年度抓基层党建工作"
        "综合评价意见反馈如下。"
    )


def _score(campaign: Campaign, entry: dict) -> list[str]:
    weights = campaign.rules.weights[entry["role"]]
    return [
        f"本次述职评议，{appraisal.source_counts(entry, weights)}。"
        f"按照{appraisal.weighting(entry, weights)}的比例计算，"
        f"你的述职评议结果为{entry['score']}分。"
    ]


def _grade(campaign: Campaign, entry: dict) -> list[str]:
    text = (
        f"按照工作方案确定的{appraisal.bands_text(campaign.rules.bands)}的等次标准，"
        f"你的述职评议结果对应“{entry['score_grade']}”等次"
    )
    reasons = appraisal.grade_reasons(entry, "按照工作方案规定，")
    if reasons:  # they end with the grade the letter gives
        return [text + "。" + "".join(reasons)]
    return [text + f"，综合评价等次确定为“{entry['grade']}”。"]


def _achievements(entry: dict) -> list[str]:
    achievements = entry["assessment"]["achievements"]
    if not achievements:
        return []
    return [f"镇党委肯定你抓基层党建工作取得的成绩：{appraisal.enumerated(achievements)}"]


def _problems(entry: dict) -> list[str]:
    found = entry["assessment"]["problems"]
    texts = []
    if found:
        texts.append(f"镇党委指出你抓基层党建工作存在的问题：{appraisal.enumerated(found)}")
    comments = entry["comments"]
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


def _consequences(entry: dict) -> list[str]:
    texts = [
        "本综合评价意见及等次在一定范围内通报，并按照干部管理权限，"
        "由组织人事部门根据有关规定归入干部人事档案。"
    ]
    if not entry["excellent_eligible"]:
        texts.append(
            f"你的综合评价等次为“{entry['grade']}”，未达到“好”，年度考核结果不得评为“优秀”等次。"
        )
    if entry["interview_required"]:
        due = chinese_date(date.fromisoformat(entry["rectification_due"]))
        texts.append(
            "镇党委将对你进行约谈提醒。请你认真梳理自己查摆、上级点评、群众评议指出的问题，"
            f"列出整改清单，限期整改，于{due}前整改到位。"
        )
    else:
        texts.append(
            "请你认真梳理自己查摆、上级点评、群众评议指出的问题，列出整改清单，认真抓好整改落实。"
        )
    return texts


def evaluation_letter_files(run: LettersRun) -> dict[str, bytes]:
    """Return each secretary's letter as DOCX and PDF, the PDFs laid out as one batch."""
    results_date = date.fromisoformat(run.document["campaign"]["results_date"])
    letters = [
        build_letter(run.campaign, secretary, entry, results_date)
        for secretary, entry in zip(run.secretaries, run.document["secretaries"], strict=True)
    ]
    html = (
        html_environment(run.renderer.fonts)
        .get_template("evaluation_letters.html")
        .render(letters=letters, title=f"{run.campaign.year}年度综合评价意见")
    )
    titles = [letter.title for letter in letters]
    pdfs = run.renderer.render_batch(html, len(letters), titles, signed=True)
    files = {}
    for number, (secretary, letter, pdf) in enumerate(
        zip(run.secretaries, letters, pdfs, strict=True), 1
    ):
        stem = f"{FOLDER}/{number:02d}-{secretary.name}"
        files[f"{stem}.pdf"] = pdf
        files[f"{stem}.docx"] = render_docx("evaluation_letter.docx", {"c": letter})
    return files
