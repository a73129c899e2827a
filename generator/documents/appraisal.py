"""Wording shared by the 综合评价意见 letter and the 干部人事档案 insert.

Both read one secretary's entry of results.json (the scored result and the committee's
assessment) and say the same things about it: the post, how the score was combined, why the
grade is what it is, and the points the committee and the ballots raised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction

from ..model.campaign import Campaign
from ..model.figures import percent
from ..model.numerals import chinese_number
from ..model.results import SecretaryResult

POINT_END = "。；;，,、 "  # stripped from the end of an item before it is listed


def post(organization: str) -> str:
    """Return the post as the documents name it: the organisation's 书记."""
    return f"{organization}书记"


def clean(item: str) -> str:
    """Return an item without the punctuation that ends it, so it can be listed."""
    return item.strip().rstrip(POINT_END)


def enumerated(items: Iterable[str]) -> str:
    """Return the items as 一是…；二是…。, the way such letters list points."""
    listed = [clean(item) for item in items if clean(item)]
    return "；".join(f"{chinese_number(n)}是{item}" for n, item in enumerate(listed, 1)) + "。"


def series(items: Iterable[str]) -> str:
    """Return the items joined by ；and closed with 。 (they may hold commas of their own)."""
    return "；".join(clean(item) for item in items if clean(item)) + "。"


def most_frequent(texts: Iterable[str], limit: int, known: Iterable[str] = ()) -> tuple[str, ...]:
    """Return the `limit` texts written most often, each once, leaving out those already known.

    Ties keep the order of the texts as results.json sorts them, so the choice is deterministic.
    """
    already = {clean(text) for text in known}
    counts = Counter(clean(text) for text in texts if clean(text))
    ranked = sorted(counts, key=lambda text: (-counts[text], text))
    return tuple(text for text in ranked if text not in already)[:limit]


def grade_reasons(result: SecretaryResult, forced_lead: str = "") -> tuple[str, ...]:
    """Return, as sentences, why the grade differs from the score's: forced 差, the override.

    A forced 差 is worded as results.json's reasons give it, without the citation; the override
    as “综合评价等次由“较好”调整为“一般”：” and the committee's own reason.
    """
    sentences = [forced_lead + sentence(cause) for cause in result.forced_by]
    override = result.assessment
    if not result.forced_by and override.grade is not None and override.grade != result.score_grade:
        sentences.append(
            f"综合评价等次由“{result.score_grade}”调整为“{override.grade}”："
            + sentence(override.reason or "")
        )
    return tuple(sentences)


def sentence(text: str) -> str:
    """Return the text closed with 。."""
    return clean(text) + "。"


def figure(value: Fraction) -> str:
    """Return a bound as the plan writes it: 9, 6.999."""
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.3f}"


def grade_standard(campaign: Campaign) -> str:
    """Return the grades as the plan states them (texts/grade_standard.txt), by default as
    五（四） does: 好（9～10分）、较好（7～8.999分）…差（3.999分以下）."""
    rules = campaign.rules
    step = Fraction(1, 1000)  # scores are banded on 3 decimals
    grades, upper = [], Fraction(rules.scale.high)
    for index, (grade, lower) in enumerate(rules.grades):
        last = index == len(rules.grades) - 1
        shown_range = f"{figure(upper)}分以下" if last else f"{figure(lower)}～{figure(upper)}分"
        grades.append(
            {"name": grade, "low": figure(lower), "high": figure(upper), "range": shown_range}
        )
        upper = lower - step
    return campaign.texts.say("grade_standard", grades=grades)


def weighting(weights: dict[str, Fraction]) -> str:
    """Return how the sources combine: “上述”70%、“下评”30%."""
    return "、".join(f"“{source}”{percent(weight)}" for source, weight in weights.items() if weight)


def source_counts(result: SecretaryResult, weights: dict[str, Fraction]) -> str:
    """Return each weighted source's ballots and mean, as one clause each."""
    clauses = []
    for source, weight in weights.items():
        counts = result.sources[source]
        if not weight or counts.mean_text is None:
            continue
        if counts.given is not None:
            clauses.append(f"“{source}”党委评定{counts.mean_text}分")
            continue
        clauses.append(
            f"“{source}”收回评议票{counts.returned}张，其中有效票{counts.valid}张，"
            f"平均分{counts.mean_text}分"
        )
    return "；".join(clauses)
