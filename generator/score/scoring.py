"""The rules of 五（四） and 三, computed exactly: ballots and assessments in, grades out.

Every number is a Fraction until it is shown; a score is rounded half-up to 3 decimals only to
be banded and displayed, never before. Each step that decides a grade is written into `reasons`,
in Chinese, with its figures, so the clerk can read why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from ..model.assessment import Assessment
from ..model.ballot import Ballot
from ..model.campaign import GRADES, Campaign, Secretary
from ..model.errors import InputError, Problem
from ..model.figures import percent, round_half_up, shown
from ..model.results import LOW_GRADES, Distribution, SecretaryResult, SourceCount
from .grades import grade_of

FORCED = "差"


def count_source(ballots: list[Ballot], bands) -> SourceCount:
    """Count valid, blank and invalid ballots; sum the valid scores; count the low votes."""
    valid = [b.score for b in ballots if b.status == "valid" and b.score is not None]
    return SourceCount(
        valid=len(valid),
        blank=sum(1 for b in ballots if b.status == "blank"),
        invalid=sum(1 for b in ballots if b.status == "invalid"),
        total=sum(valid),
        low=sum(1 for score in valid if grade_of(score, bands) in LOW_GRADES),
    )


def score_secretary(
    secretary: Secretary,
    campaign: Campaign,
    ballots: list[Ballot],
    assessment: Assessment,
    results_date: date,
) -> SecretaryResult:
    """Apply 三 and 五（四） to one secretary, or raise InputError saying what makes it impossible."""
    rules = campaign.rules
    weights = rules.weights[secretary.role]
    sources = {
        source: count_source([b for b in ballots if b.source == source], rules.bands)
        for source in weights
    }
    _require_valid_ballots(secretary, sources, weights)
    reasons = [_source_reason(source, count) for source, count in sources.items()]
    means = {source: count.mean for source, count in sources.items()}
    weighted = sum(
        (
            weight * mean
            for source, weight in weights.items()
            if weight and (mean := means[source]) is not None
        ),
        Fraction(0),
    )
    score = round_half_up(weighted)
    reasons.append(_weighting_reason(sources, weights, score))
    score_grade = grade_of(Fraction(score), rules.bands)  # banded on the rounded score
    reasons.append(
        f"按工作方案五（四）分档（{_bands_text(rules.bands)}），{score:.3f}分属“{score_grade}”"
    )
    valid = sum(c.valid for c in sources.values())
    low_share = Fraction(sum(c.low for c in sources.values()), valid)
    forced = _forced_reasons(sources, low_share, rules.low_vote_share_max, assessment, rules.bands)
    reasons += forced.explained
    grade = FORCED if forced.applies else score_grade
    grade = _override(grade, forced.applies, assessment, reasons)
    reasons += _consequences(grade, results_date, rules.rectification_days)
    due = results_date + timedelta(days=rules.rectification_days) if grade in LOW_GRADES else None
    return SecretaryResult(
        secretary,
        sources,
        weighted,
        score,
        low_share,
        score_grade,
        grade,
        tuple(reasons),
        due,
        comments={
            "problems": tuple(sorted(b.problems for b in ballots if b.problems)),
            "suggestions": tuple(sorted(b.suggestions for b in ballots if b.suggestions)),
        },
        assessment=assessment,
    )


def _require_valid_ballots(secretary, sources, weights) -> None:
    missing = [source for source, weight in weights.items() if weight and not sources[source].valid]
    if missing:
        raise InputError(
            [
                Problem(
                    *_split(secretary.located),
                    f"{secretary.id}.{source}",
                    f"{secretary.name}的“{source}”没有有效票，无法计算述职评议结果",
                    f"{secretary.name} ({secretary.id}) has no valid {source} ballots: "
                    "the score cannot be computed",
                )
                for source in missing
            ]
        )


def _split(located: str) -> tuple[str, str]:
    file, _, where = located.rpartition(":")
    return (file, where) if file else (located, "1")


def _source_reason(source: str, count: SourceCount) -> str:
    total = count.valid + count.blank + count.invalid
    mean = count.mean
    text = (
        f"{source}：收回评议票{total}张，其中有效票{count.valid}张、空白票{count.blank}张、"
        f"废票{count.invalid}张"
    )
    if mean is None:
        return text + "，无有效票（该项权重为0，不计入）"
    exact = "" if round_half_up(mean) == mean else f"（精确值{mean.numerator}/{mean.denominator}）"
    return text + f"；有效票平均分{shown(mean)}{exact}"


def _weighting_reason(sources, weights, score: Decimal) -> str:
    terms = [
        f"{source}平均分{shown(sources[source].mean)}×{percent(weight)}"
        for source, weight in weights.items()
        if weight
    ]
    return (
        f"述职评议结果 = {' + '.join(terms)} = {score:.3f}"
        "（按精确值计算后四舍五入保留三位小数，见工作方案三）"
    )


def _bands_text(bands) -> str:
    """Return the bands as the reasons cite them: 好≥9，较好≥7，一般≥4，差<4."""
    parts = [f"{grade}≥{_figure(lower)}" for grade, lower in bands[:-1]]
    return "，".join([*parts, f"{bands[-1][0]}<{_figure(bands[-2][1])}"])


def _figure(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else shown(value)


@dataclass(frozen=True, slots=True)
class _Forced:
    applies: bool
    explained: list[str]


def _forced_reasons(
    sources, low_share: Fraction, maximum: Fraction, assessment: Assessment, bands
) -> _Forced:
    """Return whether 五（四）'s last sentence forces 差, with one reason per cause."""
    low = sum(c.low for c in sources.values())
    valid = sum(c.valid for c in sources.values())
    too_many = low_share > maximum
    low_scores = [s for s in range(10, 0, -1) if grade_of(s, bands) in LOW_GRADES]
    span = f"{low_scores[-1]}–{low_scores[0]}分" if low_scores else "无"
    explained = [
        f"“一般”“差”票（{span}）{low}张，占有效票{valid}张的{percent(low_share)}，"
        f"{'超过' if too_many else '未超过'}{percent(maximum)}"
        + ("，综合评价等次确定为“差”（工作方案五（四））" if too_many else "")
    ]
    if assessment.major_failure:
        explained.append(
            f"年度基层党建工作出现重大失误造成严重影响（{assessment.major_failure}），"
            "综合评价等次确定为“差”（工作方案五（四））"
        )
    if assessment.held_accountable:
        explained.append(
            f"抓基层党建工作不力被问责追责（{assessment.held_accountable}），"
            "综合评价等次确定为“差”（工作方案五（四））"
        )
    applies = too_many or bool(assessment.major_failure) or bool(assessment.held_accountable)
    return _Forced(applies, explained)


def _override(grade: str, forced: bool, assessment: Assessment, reasons: list[str]) -> str:
    """Apply the committee's override, which may never lift a forced 差."""
    if assessment.grade is None or assessment.grade == grade:
        return grade
    if forced:
        file, where = _split(assessment.grade_located)
        raise InputError(
            [
                Problem(
                    file,
                    where,
                    "grade",
                    f"综合评价等次依工作方案五（四）须确定为“差”，不能调整为“{assessment.grade}”",
                    f"the grade is forced to 差 by 五（四); the committee cannot lift it to "
                    f"{assessment.grade}",
                )
            ]
        )
    reasons.append(f"经镇党委研究，等次由“{grade}”调整为“{assessment.grade}”：{assessment.reason}")
    return assessment.grade


def _consequences(grade: str, results_date: date, days: int) -> list[str]:
    """Return 五（五）'s consequences of the grade, with the 整改 deadline."""
    lines = [f"综合评价等次：{grade}"]
    if grade != "好":
        lines.append("综合评价等次未达到“好”，年度考核结果不得评为“优秀”等次（工作方案五（五））")
    if grade in LOW_GRADES:
        due = results_date + timedelta(days=days)
        lines.append(
            f"须约谈提醒、限期整改，整改期限至{due.year}年{due.month}月{due.day}日"
            "（工作方案五（五））"
        )
    return lines


def distribution(results: list[SecretaryResult], campaign: Campaign) -> Distribution:
    """Count the branch secretaries' grades and warn where they stray from the guidance.

    五（四） asks that about 40 % be 较好 or below (tolerance from rules.distribution); 附件1's note
    asks for about `low_grades_expected` 一般 and 差 (“左右”: read as ± 1). Warnings, not errors:
    the guidance is the committee's to weigh.
    """
    graded = [r for r in results if r.secretary.role == "branch"]
    counts = Counter(r.grade for r in graded)
    guidance = campaign.rules.distribution
    below = sum(counts[g] for g in GRADES[1:])
    share = Fraction(below, len(graded)) if graded else Fraction(0)
    low = sum(counts[g] for g in LOW_GRADES)
    warnings = []
    lowest, highest = (
        guidance.below_good_share - guidance.tolerance,
        guidance.below_good_share + guidance.tolerance,
    )
    if graded and not lowest <= share <= highest:
        warnings.append(
            f"“较好”及以下等次{below}名，占{len(graded)}名党支部书记的{percent(share)}，"
            f"不在工作方案五（四）“{percent(guidance.below_good_share)}左右”的范围"
            f"（{percent(lowest)}–{percent(highest)}）内"
        )
    if graded and abs(low - guidance.low_grades_expected) > 1:
        warnings.append(
            f"“一般”“差”等次{low}名，与附件1所注“{guidance.low_grades_expected}名左右”不符"
        )
    return Distribution({g: counts[g] for g in GRADES}, share, low, tuple(warnings))
