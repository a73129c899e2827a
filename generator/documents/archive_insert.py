"""The 干部人事档案 insert: each secretary's result as an archive material of 第三类 (考核鉴定类).

五（五）: “综合评价意见及等次经镇党委研究后……由组织人事部门根据有关规定归入干部人事档案”.
The material follows the archive rules rather than GB/T 9704: A4 with a 20–25 mm binding margin
on the left (24 mm; 中组发〔2009〕12号《干部人事档案材料收集归档规定》), one page, the deciding body
and a full 形成时间 (its 落款 date, which the 目录 copies), room for the seal. Every figure comes
from results.json; the words are all here, the templates only lay them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from ..model.campaign import Campaign, Secretary
from ..model.figures import percent
from ..model.numerals import chinese_date
from ..model.results import SecretaryResult
from ..render.geometry import signature_indent
from ..render.templating import html_environment
from . import appraisal
from .context import LettersContext
from .kind import Archived, Document, Kind
from .personal import personal_documents

FOLDER = "letters/干部人事档案"
QUOTED = re.compile(r"“([^“”]{1,6})”")
TITLE = "{year}年度党组织书记抓基层党建工作述职评议考核结果"


@dataclass(frozen=True, slots=True)
class Labels:
    """The words of the form's left column."""

    name: str = "姓名"
    gender: str = "性别"
    post: str = "单位及职务"
    score: str = "述职评议结果"
    grade: str = "综合评价等次"
    opinion: str = "综合评价意见"
    decision: str = "审定意见"


@dataclass(frozen=True, slots=True)
class ArchiveInsert:
    """Every word of one secretary's archive material, in reading order."""

    author: str  # PDF metadata: the deciding body
    created: str  # PDF metadata: the 形成时间, ISO 8601
    title: str
    labels: Labels
    name: str
    gender: str  # "" when secretaries.yaml does not give it: the archive office fills it in
    post: str
    score: str
    grade: str
    opinion: str
    decision: str
    signature: str
    signature_right_em: float  # in characters of the form's 4号 text
    date: str  # the 形成时间, in full


def build_insert(campaign: Campaign, result: SecretaryResult, results_date: date) -> ArchiveInsert:
    """Return one secretary's archive material from their result."""
    secretary = result.secretary
    signed_on = chinese_date(results_date)
    weights = campaign.rules.weights[secretary.role]
    terms = "＋".join(
        f"{source}{result.sources[source].mean_text}分×{percent(weight)}"
        for source, weight in weights.items()
        if weight
    )
    return ArchiveInsert(
        author=campaign.issuer.name,
        created=results_date.isoformat(),
        title=TITLE.format(year=campaign.year),
        labels=Labels(),
        name=secretary.name,
        gender=secretary.gender or "",
        post=appraisal.post(secretary.organization),
        score=f"{result.score_text}分（{terms}）",
        grade=result.grade,
        opinion=_opinion(campaign, result),
        decision=(
            f"经{campaign.issuer.short}研究，确定{secretary.name}同志{campaign.year}年度抓基层党建工作"
            f"述职评议考核综合评价等次为“{result.grade}”。"
        ),
        signature=campaign.issuer.name,
        signature_right_em=signature_indent(campaign.issuer.name, signed_on),
        date=signed_on,
    )


def _opinion(campaign: Campaign, result: SecretaryResult) -> str:
    """Return the short 综合评价意见: the committee's findings and how the grade was set."""
    assessment = result.assessment
    achievements = [appraisal.clean(a) for a in assessment.achievements]
    problems = [appraisal.clean(p) for p in assessment.problems]
    text = ""
    if achievements:
        text += f"该同志{campaign.year}年度抓基层党建工作，{'，'.join(achievements)}。"
    if problems:
        text += (
            f"{'存在' if achievements else '该同志抓基层党建工作存在'}{'、'.join(problems)}等问题。"
        )
    text += "".join(appraisal.grade_reasons(result))
    text += f"述职评议结果{result.score_text}分，综合评价等次为“{result.grade}”。"
    if result.interview_required and result.rectification_due:
        due = chinese_date(result.rectification_due)
        text += f"按照工作方案要求{campaign.texts.say('interview')}，整改期限至{due}。"
    return text


def unbroken_quotes(text: str) -> Markup:
    """Return the text with each short quoted term (“一般”) kept on one line in the PDF."""
    return Markup(QUOTED.sub(lambda m: f'“<span class="nobr">{m[1]}</span>”', str(escape(text))))


def archive_inserts(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield each secretary's insert, PDF (laid out in one batch, signed later) and DOCX."""
    campaign, results = context.campaign, context.results
    inserts = [(s, build_insert(campaign, results.of(s), results.date)) for s in batch]
    environment = html_environment(context.renderer.fonts)
    environment.filters["unbroken_quotes"] = unbroken_quotes
    yield from personal_documents(
        KIND,
        context.renderer,
        inserts,
        html="archive_inserts.html",
        title=inserts[0][1].title if inserts else "",
        titles=[f"{insert.title}（{insert.name}）" for _, insert in inserts],
        docx=("archive_insert.docx", lambda insert: {"c": insert}),
        environment=environment,
        signed=True,
    )


KIND: Kind[LettersContext] = Kind(
    key="archive_insert",
    name="干部人事档案材料（述职评议考核结果）",
    pack="letters",
    folder=FOLDER,
    build=archive_inserts,
    per_secretary=True,
    templates=("archive_inserts.html", "archive_insert.docx"),
    archived=Archived("干部人事档案材料", signed=True, section="personal", order=2),
    cost=0.24,
)
