"""Read assessment.yaml: the committee's 综合评价 of each secretary, after grading."""

from __future__ import annotations

from ..model.assessment import Assessment
from ..model.campaign import Rules, Secretary
from ..model.errors import InputError, Problem
from .fields import Invalid, Record, as_long_text, as_long_texts, as_mapping, as_number, one_of
from .folder import DataFolder
from .yamlmarks import Marked, load_yaml

FILE = "assessment.yaml"


def load_assessment(
    folder: DataFolder, secretaries: list[Secretary], rules: Rules
) -> dict[str, Assessment]:
    """Return secretary id → assessment; a secretary without an entry gets an empty one.

    Every problem is reported at once: an unknown secretary, an unknown field, a grade that is not
    one of the plan's grades, an override without a reason, a committee score off the scale.
    """
    known = {s.id for s in secretaries}
    if not folder.is_file(FILE):
        return {ident: Assessment() for ident in known}
    shown_as = folder.shown(FILE)
    document = load_yaml(folder.read(FILE), shown_as)
    problems: list[Problem] = []
    if document is None:
        document = Marked()
    if not isinstance(document, Marked):
        raise InputError(
            [
                Problem(
                    shown_as,
                    "1",
                    "assessment",
                    "顶层须为映射（述职人编号: …）",
                    "the top level must map secretary ids to their assessment",
                )
            ]
        )
    top = Record.of_yaml(document, shown_as, "", problems)
    found = {}
    for ident in document:
        if ident not in known:
            top.report(ident, f"未知的述职人编号 {ident}", f"unknown secretary id {ident}")
            continue
        entry = top.take(ident, as_mapping, None)
        if entry is not None:
            found[ident] = _assessment(
                Record.of_yaml(entry, shown_as, str(ident), problems, int(top.where(ident))), rules
            )
    if problems:
        raise InputError(problems)
    return {ident: found.get(ident, Assessment()) for ident in known}


def _assessment(record: Record, rules: Rules) -> Assessment:
    grade = record.take("grade", one_of(rules.grade_names), None)
    scores = _scores(record.sub("scores", required=False), rules)
    reason = record.take("reason", as_long_text, None)
    if grade is not None and reason is None:
        record.report(
            "reason",
            "调整等次须写明理由（reason）",
            "a committee override of the grade needs a reason",
        )
    result = Assessment(
        achievements=record.take("achievements", as_long_texts, ()) or (),
        problems=record.take("problems", as_long_texts, ()) or (),
        major_failure=record.take("major_failure", as_long_text, None),
        held_accountable=record.take("held_accountable", as_long_text, None),
        scores=scores,
        grade=grade,
        reason=reason,
        located=record.locate(),
        grade_located=record.locate("grade"),
    )
    record.reject_unknown()
    return result


def _scores(record: Record | None, rules: Rules) -> dict:
    """Return the committee's scores of the sources it gives (rules.committee_sources)."""
    if record is None:
        return {}
    scale = rules.scale

    def on_scale(value: object):
        score = as_number(value)
        if not scale.low <= score <= scale.high:
            zh = f"须在 {scale.low}–{scale.high} 分之间，现为 {value}"
            raise Invalid(zh, f"must be between {scale.low} and {scale.high}, got {value}")
        return score

    scores = {}
    for source in list(record.values):
        if source not in rules.committee_sources:
            named = "、".join(sorted(rules.committee_sources)) or "（无）"
            zh = f"{source} 不是由党委评分的来源（sources 中 kind: committee 的有：{named}）"
            en = f"{source} is not a source the committee scores (sources of kind committee)"
            record.report(source, zh, en)
            record.seen.add(source)
        elif (score := record.take(source, on_scale)) is not None:
            scores[str(source)] = score
    return scores
