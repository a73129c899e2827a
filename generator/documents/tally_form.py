"""The tally 评议表 of one secretary: what all their ballots say together.

The form's grid with the votes in each score cell per source (on a scale too wide for tick
cells, the votes in each grade's scores), the valid, blank and invalid
ballots per source, the means, the weighted score and the grades as results.json gives them,
and the ballots' texts gathered: identical texts counted once with their number, ordered by how
often they were written and then by text, so none can be traced to a serial. The words live
here; templates/html/tally_forms.html and templates/docx/tally_form.docx only lay them out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..model.ballot import Ballot
from ..model.campaign import Campaign, Secretary
from ..model.figures import percent
from ..model.results import SecretaryResult
from .context import LettersContext
from .evaluation_form import (
    DocxSizes,
    EvaluationForm,
    GradeSpan,
    column_twips,
    column_width,
    docx_sizes,
    personal_form,
)
from .filled_form import source_order
from .kind import Archived, Document, Kind
from .personal import personal_documents

SUBTITLE = "评议结果汇总"
COLUMNS = ("评议类别", "收回票数", "有效票", "空白票", "废票", "有效票平均分", "权重")
TOTAL = "合计"
NONE = "无"
GATHERED_HEADINGS = {
    "problems": "一、存在的问题和不足",
    "suggestions": "二、意见建议",
}
GATHERED_NOTE = "（相同内容合并计数，按提出次数和内容排序，不对应选票编号）"
SIGNATURES = (
    "计票人（签字）：\u3000\u3000\u3000\u3000\u3000\u3000监票人（签字）：\u3000\u3000\u3000\u3000"
)


@dataclass(frozen=True, slots=True)
class GridSpan:
    """A heading over one or more columns of the grid."""

    text: str
    width: int  # columns


@dataclass(frozen=True, slots=True)
class Grid:
    """The form's grid: a column per score under its grade, or, on a scale too wide for tick
    cells, a column per grade with its scores under it."""

    spans: tuple[GridSpan, ...]  # the grades, each over its columns
    heads: tuple[str, ...]  # one per column: a score, or a grade's scores (90～100分)
    columns_of: tuple[tuple[int, ...], ...]  # one per column: the scores it counts

    @property
    def columns(self) -> int:
        return len(self.heads)

    @property
    def column_width(self) -> float:
        return column_width(self.columns)

    @property
    def column_twips(self) -> int:
        return column_twips(self.columns)

    @property
    def docx(self) -> DocxSizes:
        grades = [(span.text, span.width) for span in self.spans]
        return docx_sizes(grades, list(self.heads), self.column_width)


@dataclass(frozen=True, slots=True)
class CountRow:
    """A row of the form's grid: its label and the votes in each column."""

    label: str
    counts: tuple[str, ...]  # one per column of the grid


@dataclass(frozen=True, slots=True)
class Gathered:
    """The ballots' texts of one box, gathered."""

    heading: str
    items: tuple[str, ...]  # "1. text（3人次）"; ("无",) when no ballot wrote anything


@dataclass(frozen=True, slots=True)
class TallyForm:
    """Every word of one secretary's tally, in reading order."""

    title: str
    subtitle: str
    who: str  # 被评议人：…
    form: EvaluationForm
    grid: Grid  # the grade spans and columns of the votes
    counts: tuple[CountRow, ...]  # per source, then 合计 when there are several
    columns: tuple[str, ...]
    sources: tuple[tuple[str, ...], ...]  # a row of COLUMNS per source, then 合计
    results: tuple[tuple[str, str], ...]  # (label, value): score, low votes, grades
    note: str
    gathered: tuple[Gathered, ...]
    signatures: str


def tally_form(
    campaign: Campaign, result: SecretaryResult, form: EvaluationForm, ballots: list[Ballot]
) -> TallyForm:
    """Return the tally of one secretary from their result and their ballots."""
    secretary = result.secretary
    sources = [s for s in source_order(campaign, secretary.role) if s in result.sources]
    scores = {
        source: Counter(b.score for b in ballots if b.source == source and b.status == "valid")
        for source in sources
    }
    grid = count_grid(form)
    rows = [CountRow(f"{source}得票", _cells(scores[source], grid)) for source in sources]
    if len(sources) > 1:
        rows.append(CountRow(f"{TOTAL}得票", _cells(sum(scores.values(), Counter()), grid)))
    return TallyForm(
        title=form.title,
        subtitle=SUBTITLE,
        who=f"被评议人：{_post(campaign, secretary)}{secretary.name}",
        form=form,
        grid=grid,
        counts=tuple(rows),
        columns=COLUMNS,
        sources=_source_rows(campaign, result, sources),
        results=_results(campaign, result, sum(scores.values(), Counter())),
        note=GATHERED_NOTE,
        gathered=tuple(
            Gathered(heading, _gathered(result.comments[kind]))
            for kind, heading in GATHERED_HEADINGS.items()
        ),
        signatures=SIGNATURES,
    )


def _post(campaign: Campaign, secretary: Secretary) -> str:
    if secretary.role == "committee":
        return campaign.issuer.head
    return f"{secretary.organization}书记"


def count_grid(form: EvaluationForm) -> Grid:
    """Return the grid of the form's tick cells, or of its grades when a number is written."""
    if form.written is None:
        spans = tuple(GridSpan(span.grade, len(span.scores)) for span in form.header)
        return Grid(spans, tuple(map(str, form.scores)), tuple((s,) for s in form.scores))
    bands: tuple[GradeSpan, ...] = form.written.bands
    return Grid(
        tuple(GridSpan(span.grade, 1) for span in bands),
        tuple(span.points for span in bands),
        tuple(span.scores for span in bands),
    )


def _cells(votes: Counter, grid: Grid) -> tuple[str, ...]:
    return tuple(str(sum(votes[score] for score in scores)) for scores in grid.columns_of)


def _source_rows(
    campaign: Campaign, result: SecretaryResult, sources: list[str]
) -> tuple[tuple[str, ...], ...]:
    weights = campaign.rules.weights[result.secretary.role]
    rows: list[tuple[str, ...]] = []
    totals = [0, 0, 0, 0]
    for source in sources:
        counts = result.sources[source]
        figures = [counts.returned, counts.valid, counts.blank, counts.invalid]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        mean = counts.mean_text or "—"
        rows.append((source, *map(str, figures), mean, percent(weights.get(source, Fraction(0)))))
    if len(sources) > 1:
        rows.append((TOTAL, *map(str, totals), "—", "—"))
    return tuple(rows)


def _results(
    campaign: Campaign, result: SecretaryResult, votes: Counter
) -> tuple[tuple[str, str], ...]:
    weights = campaign.rules.weights[result.secretary.role]
    parts = [
        f"{source}平均{counts.mean_text}分×{percent(weights[source])}"
        for source, counts in result.sources.items()
        if weights.get(source) and counts.mean_text is not None
    ]
    rules = campaign.rules
    rows = [("述职评议结果", f"{result.score_text}分"), ("计算方法", "＋".join(parts))]
    if rules.low_vote is not None:  # the low votes the plan's rule counts
        valid = sum(votes.values())
        at_most = rules.low_vote.score_at_most
        low = sum(n for score, n in votes.items() if score <= at_most)
        share = percent(Fraction(low, valid)) if valid else "—"
        named = "".join(f"“{g}”" for g in rules.low_vote_grades)
        rows.append((f"{named}票", f"{low}张，占有效票的{share}（{low}/{valid}）"))
    return (*rows, ("按得分分档", result.score_grade), ("综合评价等次", result.grade))


def _gathered(texts: Iterable[str]) -> tuple[str, ...]:
    counted = sorted(Counter(t.strip() for t in texts if t.strip()).items(), key=_by_count)
    if not counted:
        return (NONE,)
    return tuple(
        f"{number}. {text}" + (f"（{n}人次）" if n > 1 else "")
        for number, (text, n) in enumerate(counted, start=1)
    )


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def tally_forms(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield each secretary's tally 评议表, PDF (laid out in one batch) and DOCX."""
    campaign, results = context.campaign, context.results
    tallies = [
        (
            s,
            tally_form(
                campaign,
                results.of(s),
                personal_form(campaign, context.secretaries, s),
                results.ballots_of(s),
            ),
        )
        for s in batch
    ]
    yield from personal_documents(
        KIND,
        context.renderer,
        tallies,
        html="tally_forms.html",
        title=f"{campaign.year}年度述职评议表（汇总）",
        titles=[f"{t.title}（{t.subtitle}）{s.name}" for s, t in tallies],
        docx=("tally_form.docx", lambda tally: {"t": tally}),
    )


KIND: Kind[LettersContext] = Kind(
    key="tally_form",
    name="评议表汇总",
    pack="letters",
    folder="letters/评议表",
    stem="-汇总",
    build=tally_forms,
    per_secretary=True,
    templates=("tally_forms.html", "tally_form.docx"),
    archived=Archived("评议表", section="personal", order=3),
    cost=0.42,
)
