"""The 评议表 of the seed's 附件1 (branch secretaries) and 附件2 (the town secretary).

The pre-meeting pack has each secretary's blank 评议表, for printing on demand: 附件1 for each
branch secretary and 附件2 for the town secretary, the organisation and name in place of “XX”.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model.campaign import Campaign, Rules, Scale, Secretary
from ..render.fitting import PT, em_width
from .context import FormsContext
from .kind import Document, Kind
from .personal import personal_documents

SCORES = tuple(range(10, 0, -1))  # the seed's score cells, left to right
TICK_SCALE_MAX = 12  # the highest score a row of tick cells takes (0–12: 13 cells); above, a number
SCORE_AREA = 112.0  # mm: the table's 156 mm less its 44 mm label column, shared by the score cells
TWIPS_PER_MM = 1440 / 25.4


def column_width(columns: int) -> float:
    """Return a score column's width in mm: the score area shared evenly."""
    return SCORE_AREA / columns


def column_twips(columns: int) -> int:
    """Return a score column's width in a DOCX table (twips): the score area shared evenly."""
    return round(SCORE_AREA * TWIPS_PER_MM / columns)


BLANK_NAME = "XX"  # the seed's placeholder on the blank form
ATTACHMENT_NAMES = {  # as the seed's 附件说明 names them
    "branch": "党支部书记抓基层党建工作情况述职评议表",
    "committee": "党委书记抓基层党建工作报告评议表",
}
INSTRUCTION = (
    "注：填写总体评价意见时，请在相应选项下面的空格内划“√”；"
    "填写问题不足和意见建议时，在相应的栏内用文字表述。"
)
WRITTEN_INSTRUCTION = (  # the same, for a scale too wide for tick cells
    "注：填写总体评价意见时，请在方框内填写{low}至{high}之间的整数分数；"
    "填写问题不足和意见建议时，在相应的栏内用文字表述。"
)
GUIDE_HEADING = "评分标准："
DOCX_MARGIN = 1.905  # mm: a DOCX table cell's left and right margin (Word's default)
DOCX_SIZE = 14.0  # pt: the DOCX tables' text (表格文字, 逐票表头, 汇总表格: 4号)
DOCX_SMALLEST = 9.0  # pt: a grade name no larger than this fits wraps in its cell instead
# A DOCX is set in the reader's fonts, or substitutes whose Latin digits are wider than the
# fitting's estimate (0.64 em in DejaVu Sans, LibreOffice's stand-in): a tenth to spare.
DOCX_SPARE = 0.9
TICK_SIZE = 24.0  # pt: the √ of the filled forms


@dataclass(frozen=True, slots=True)
class GradeSpan:
    """A grade and its scores on the scale, highest first: the score cells it spans."""

    grade: str
    scores: tuple[int, ...]

    @property
    def low(self) -> int:
        return self.scores[-1]

    @property
    def high(self) -> int:
        return self.scores[0]

    @property
    def points(self) -> str:
        """Return its scores: 90～100分, 1分."""
        return f"{self.low}～{self.high}分" if self.low != self.high else f"{self.low}分"

    @property
    def band(self) -> str:
        """Return the grade with its scores: 优秀（90～100分）, 差（1分）."""
        return f"{self.grade}（{self.points}）"


@dataclass(frozen=True, slots=True)
class WrittenScore:
    """The overall rating on a scale too wide for tick cells: one box for a written number, and
    the grades as guidance, so the evaluator knows the bands."""

    low: int
    high: int
    bands: tuple[GradeSpan, ...]  # the grades and their scores, best first
    unit: str = "分"  # after the box

    @property
    def label(self) -> str:
        """Return the words beside the box: 请填写分数（0～100分）."""
        return f"请填写分数（{self.low}～{self.high}分）"

    @property
    def guide(self) -> tuple[str, ...]:
        """Return 评分标准：, then 优秀（90～100分）、… : the guide's parts, where it may break."""
        bands = [span.band for span in self.bands]
        return (GUIDE_HEADING, *[band + "、" for band in bands[:-1]], bands[-1])

    @property
    def guide_text(self) -> str:
        return "".join(self.guide)


@dataclass(frozen=True, slots=True)
class DocxSizes:
    """The sizes, in half-points, of a form's header in a DOCX table, so that narrow columns keep
    their words: 28 (4号) unless a word is too wide for its column at that size."""

    grades: tuple[int, ...]  # one per grade over the columns
    heads: int  # the scores (or grades' scores) under them
    tick: int  # the √ of a filled form
    fitted: bool  # every grade name fits one line: the filled form's header rows keep their height


def docx_sizes(grades: list[tuple[str, int]], heads: list[str], column: float) -> DocxSizes:
    """Return the DOCX header sizes of grades (name, columns) over heads, columns `column` mm.

    A name fits one line at DOCX_SMALLEST or more, or wraps; a head always fits one line; the √,
    set from the cell's left margin, ends inside the cell (as on the PDF: filled_form.tick_size).
    """
    room = (column - 2 * DOCX_MARGIN) * DOCX_SPARE
    fits = [room * width / (em_width(name) * PT) for name, width in grades]
    heads_fit = min((room / (em_width(head) * PT) for head in heads), default=DOCX_SIZE)
    tick = min(TICK_SIZE, (column - DOCX_MARGIN) / PT)
    return DocxSizes(
        grades=tuple(_half_points(max(DOCX_SMALLEST, min(DOCX_SIZE, fit))) for fit in fits),
        heads=_half_points(min(DOCX_SIZE, heads_fit)),
        tick=_half_points(tick),
        fitted=all(fit >= DOCX_SMALLEST for fit in fits),
    )


def _half_points(size: float) -> int:
    return int(size * 2)  # rounded down: never larger than what fits


@dataclass(frozen=True, slots=True)
class EvaluationForm:
    """The wording and header of one 评议表.

    A scale up to TICK_SCALE_MAX has a tick cell per score under its grade (`header`, `scores`);
    a wider one has neither, but `written`: one box for the number.
    """

    title: str
    questions: tuple[str, str, str]  # overall rating, problems, suggestions
    header: tuple[GradeSpan, ...]
    note: str
    scores: tuple[int, ...] = SCORES
    written: WrittenScore | None = None

    @property
    def columns(self) -> int:
        """Return how many columns share the score area: a tick cell each, or the one box."""
        return len(self.scores) if self.written is None else 1

    @property
    def column_width(self) -> float:
        return column_width(self.columns)

    @property
    def column_twips(self) -> int:
        return column_twips(self.columns)

    @property
    def docx(self) -> DocxSizes:
        grades = [(span.grade, len(span.scores)) for span in self.header]
        return docx_sizes(grades, [str(score) for score in self.scores], self.column_width)


def grade_spans(rules: Rules) -> tuple[GradeSpan, ...]:
    """Group the scale's scores, highest first, under the grade each falls in (rules.grades).

    A grade no whole score of the scale reaches has no span.
    """
    spans: dict[str, list[int]] = {}
    for score in rules.scale.scores:
        spans.setdefault(rules.grade_of(score), []).append(score)
    return tuple(GradeSpan(grade, tuple(scores)) for grade, scores in spans.items())


def ticked(scale: Scale) -> bool:
    """Say whether the scale's scores fit a row of tick cells."""
    return scale.high <= TICK_SCALE_MAX


def grade_header(rules: Rules) -> tuple[GradeSpan, ...]:
    """Return the grades over the tick cells; none when a number is written instead."""
    return grade_spans(rules) if ticked(rules.scale) else ()


def written_score(rules: Rules) -> WrittenScore | None:
    """Return the written-score box's words for a scale too wide for tick cells, else None."""
    if ticked(rules.scale):
        return None
    return WrittenScore(rules.scale.low, rules.scale.high, grade_spans(rules))


def _instruction(rules: Rules) -> str:
    if ticked(rules.scale):
        return INSTRUCTION
    return WRITTEN_INSTRUCTION.format(low=rules.scale.low, high=rules.scale.high)


def _scores(rules: Rules) -> tuple[int, ...]:
    return rules.scale.scores if ticked(rules.scale) else ()


def branch_form(campaign: Campaign, who: str, secretaries: int) -> EvaluationForm:
    """Return 附件1: the form about one branch secretary (who is "XX党支部书记" on the blank).

    Its 注 asks for the plan's distribution, when the plan sets one.
    """
    rules = campaign.rules
    note = _instruction(rules)
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
        scores=_scores(rules),
        written=written_score(rules),
    )


def committee_form(campaign: Campaign, name: str = "") -> EvaluationForm:
    """Return 附件2: the form about the town Party secretary's report."""
    rules = campaign.rules
    return EvaluationForm(
        title=f"{campaign.issuer.head}抓基层党建报告评议表",
        questions=_questions(f"{campaign.issuer.head}{name}"),
        header=grade_header(rules),
        note=_instruction(rules),
        scores=_scores(rules),
        written=written_score(rules),
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
