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
from ..model.campaign import Campaign, LowVote, Rules, Secretary
from ..model.errors import InputError, Problem
from ..model.figures import percent, round_half_up, shown
from ..model.results import Distribution, SecretaryResult, SourceCount


def count_source(ballots: list[Ballot], low_vote: LowVote | None) -> SourceCount:
    """Count valid, blank and invalid ballots; sum the valid scores; count the low votes."""
    valid = [b.score for b in ballots if b.status == "valid" and b.score is not None]
    at_most = low_vote.score_at_most if low_vote else None
    return SourceCount(
        valid=len(valid),
        blank=sum(1 for b in ballots if b.status == "blank"),
        invalid=sum(1 for b in ballots if b.status == "invalid"),
        total=sum(valid),
        low=sum(1 for score in valid if at_most is not None and score <= at_most),
    )


def _committee_score(source: str, assessment: Assessment) -> SourceCount:
    return SourceCount(0, 0, 0, 0, 0, given=assessment.scores.get(source))


def score_secretary(
    secretary: Secretary,
    campaign: Campaign,
    ballots: list[Ballot],
    assessment: Assessment,
    results_date: date,
) -> SecretaryResult:
    """Apply 三 and 五（四） to one secretary, or raise InputError saying what makes it impossible."""
    rules, say = campaign.rules, campaign.texts.say
    weights = rules.weights[secretary.role]
    sources = {
        source: _committee_score(source, assessment)
        if source in rules.committee_sources
        else count_source([b for b in ballots if b.source == source], rules.low_vote)
        for source in weights
    }
    _require_scores(secretary, sources, weights, rules, assessment)
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
    reasons.append(_weighting_reason(sources, weights, score, say("cite_score")))
    score_grade = rules.grade_of(Fraction(score))  # banded on the rounded score
    reasons.append(
        f"按{say('cite_grading')}分档（{_bands_text(rules.grades)}），{score:.3f}分属“{score_grade}”"
    )
    valid = sum(c.valid for c in sources.values())
    low_share = Fraction(sum(c.low for c in sources.values()), valid) if valid else Fraction(0)
    forced = _forced_reasons(sources, low_share, rules, assessment, say("cite_grading"))
    reasons += forced.explained
    grade = rules.lowest if forced.applies else score_grade
    decided = len(reasons)
    grade = _override(grade, forced.applies, campaign, assessment, reasons)
    overridden = reasons[decided:]
    reasons += _consequences(grade, results_date, campaign)
    interview = grade in rules.interviewed
    due = results_date + timedelta(days=rules.rectification_days) if interview else None
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
        excellent_eligible=grade in rules.may_be_excellent,
        interview_required=interview,
        forced_by=tuple(forced.causes),
        deciding=(*forced.cited, *overridden),
    )


def _require_scores(secretary, sources, weights, rules: Rules, assessment: Assessment) -> None:
    """Refuse a weighted source without a score: no valid ballot, or no committee score."""
    problems = []
    for source, weight in weights.items():
        if not weight or sources[source].mean is not None:
            continue
        if source in rules.committee_sources:
            file, where = _split(assessment.located or secretary.located)
            zh = f"{secretary.name}的“{source}”由党委评分，须在 assessment.yaml 的 scores 中给出"
            en = f"{secretary.name} ({secretary.id}): {source} is scored by the committee: "
            en += "give it under scores in assessment.yaml"
            problems.append(Problem(file, where, f"{secretary.id}.scores.{source}", zh, en))
        else:
            problems.append(
                Problem(
                    *_split(secretary.located),
                    f"{secretary.id}.{source}",
                    f"{secretary.name}的“{source}”没有有效票，无法计算述职评议结果",
                    f"{secretary.name} ({secretary.id}) has no valid {source} ballots: "
                    "the score cannot be computed",
                )
            )
    if problems:
        raise InputError(problems)


def _split(located: str) -> tuple[str, str]:
    file, _, where = located.rpartition(":")
    return (file, where) if file else (located, "1")


def _source_reason(source: str, count: SourceCount) -> str:
    if count.given is not None:
        return f"{source}：党委评定{shown(count.given)}分"
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


def _weighting_reason(sources, weights, score: Decimal, cited: str) -> str:
    terms = [
        f"{source}平均分{shown(sources[source].mean)}×{percent(weight)}"
        for source, weight in weights.items()
        if weight
    ]
    return (
        f"述职评议结果 = {' + '.join(terms)} = {score:.3f}"
        f"（按精确值计算后四舍五入保留三位小数，见{cited}）"
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
    explained: list[str]  # for the reasons, each cause cited
    causes: list[str]  # what forced the lowest grade, uncited: the documents word it so
    cited: list[str]  # the same, as the reasons cite them


def _forced_reasons(
    sources, low_share: Fraction, rules: Rules, assessment: Assessment, cited: str
) -> _Forced:
    """Return whether 五（四）'s last sentence forces the lowest grade, with one reason per cause."""
    lowest = rules.lowest
    explained, causes = [], []
    too_many = False
    if rules.low_vote is not None:
        low = sum(c.low for c in sources.values())
        valid = sum(c.valid for c in sources.values())
        maximum, at_most = rules.low_vote.share_max, rules.low_vote.score_at_most
        too_many = low_share > maximum
        named = "".join(f"“{g}”" for g in rules.low_vote_grades)
        span = f"{rules.scale.low}–{at_most}分" if at_most > rules.scale.low else f"{at_most}分"
        counted = (
            f"{named}票（{span}）{low}张，占有效票{valid}张的{percent(low_share)}，"
            f"{'超过' if too_many else '未超过'}{percent(maximum)}"
        )
        if too_many:
            causes.append(f"{counted}，综合评价等次确定为“{lowest}”")
        else:
            explained.append(counted)
    if assessment.major_failure:
        causes.append(
            f"年度基层党建工作出现重大失误造成严重影响（{assessment.major_failure}），"
            f"综合评价等次确定为“{lowest}”"
        )
    if assessment.held_accountable:
        causes.append(
            f"抓基层党建工作不力被问责追责（{assessment.held_accountable}），"
            f"综合评价等次确定为“{lowest}”"
        )
    cited_causes = [f"{cause}（{cited}）" for cause in causes]
    ordered = cited_causes if not explained else [*explained, *cited_causes]
    return _Forced(bool(causes), ordered, causes, cited_causes)


def lifting_refused(campaign: Campaign, assessment: Assessment) -> Problem:
    """Return the refusal of an override that would lift a forced lowest grade (五（四）)."""
    file, where = _split(assessment.grade_located)
    lowest = campaign.rules.lowest
    cited = campaign.texts.say("cite_grading")
    return Problem(
        file,
        where,
        "grade",
        f"综合评价等次依{cited}须确定为“{lowest}”，不能调整为“{assessment.grade}”",
        f"the grade is forced to {lowest} by 五（四); the committee cannot lift it to "
        f"{assessment.grade}",
    )


def _override(
    grade: str, forced: bool, campaign: Campaign, assessment: Assessment, reasons: list[str]
) -> str:
    """Apply the committee's override, which may never lift a forced lowest grade."""
    if assessment.grade is None or assessment.grade == grade:
        return grade
    if forced:
        raise InputError([lifting_refused(campaign, assessment)])
    reasons.append(
        f"经{campaign.issuer.short}研究，等次由“{grade}”调整为“{assessment.grade}”：{assessment.reason}"
    )
    return assessment.grade


def _consequences(grade: str, results_date: date, campaign: Campaign) -> list[str]:
    """Return 五（五）'s consequences of the grade, with the 整改 deadline."""
    rules, say = campaign.rules, campaign.texts.say
    cited = say("cite_consequences")
    lines = [f"综合评价等次：{grade}"]
    if grade not in rules.may_be_excellent:
        required = "".join(f"“{g}”" for g in rules.may_be_excellent)
        lines.append(f"综合评价等次未达到{required}，{say('not_excellent')}（{cited}）")
    if grade in rules.interviewed:
        due = results_date + timedelta(days=rules.rectification_days)
        lines.append(
            f"须{say('interview')}，整改期限至{due.year}年{due.month}月{due.day}日（{cited}）"
        )
    return lines


def distribution(results: list[SecretaryResult], campaign: Campaign) -> Distribution:
    """Count the branch secretaries' grades and warn where they stray from the guidance.

    五（四） asks that about 40 % be below the best grade (tolerance from rules.distribution);
    附件1's note asks for about `low_grades_expected` in the interview grades (“左右”: read as
    ± 1). Warnings, not errors: the guidance is the committee's to weigh. A plan without a
    distribution rule gets the counts alone.
    """
    rules, say = campaign.rules, campaign.texts.say
    graded = [r for r in results if r.secretary.role == "branch"]
    counts = Counter(r.grade for r in graded)
    below = sum(counts[g] for g in rules.grade_names[1:])
    share = Fraction(below, len(graded)) if graded else Fraction(0)
    low = sum(counts[g] for g in rules.interviewed)
    warnings = []
    guidance = rules.distribution
    if guidance is not None and graded:
        lowest, highest = (
            guidance.below_good_share - guidance.tolerance,
            guidance.below_good_share + guidance.tolerance,
        )
        if not lowest <= share <= highest:
            warnings.append(
                f"“{rules.grade_names[1]}”及以下等次{below}名，占{len(graded)}名党支部书记的"
                f"{percent(share)}，不在{say('cite_grading')}“{percent(guidance.below_good_share)}左右”"
                f"的范围（{percent(lowest)}–{percent(highest)}）内"
            )
        if abs(low - guidance.low_grades_expected) > 1:
            named = "".join(f"“{g}”" for g in rules.interviewed)
            warnings.append(
                f"{named}等次{low}名，与{say('cite_form_note')}“{guidance.low_grades_expected}名左右”不符"
            )
    return Distribution({g: counts[g] for g in rules.grade_names}, share, low, tuple(warnings))
