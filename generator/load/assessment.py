"""Read assessment.yaml: the committee's 综合评价 of each secretary, after grading."""

from __future__ import annotations

from ..model.assessment import Assessment
from ..model.campaign import GRADES, Secretary
from ..model.errors import InputError, Problem
from .fields import Record, as_long_text, as_long_texts, as_mapping, one_of
from .folder import DataFolder
from .yamlmarks import Marked, load_yaml

FILE = "assessment.yaml"


def load_assessment(folder: DataFolder, secretaries: list[Secretary]) -> dict[str, Assessment]:
    """Return secretary id → assessment; a secretary without an entry gets an empty one.

    Every problem is reported at once: an unknown secretary, an unknown field, a grade that is not
    one of 好 较好 一般 差, an override without a reason.
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
                Record.of_yaml(entry, shown_as, str(ident), problems, int(top.where(ident)))
            )
    if problems:
        raise InputError(problems)
    return {ident: found.get(ident, Assessment()) for ident in known}


def _assessment(record: Record) -> Assessment:
    grade = record.take("grade", one_of(GRADES), None)
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
        grade=grade,
        reason=reason,
        located=record.locate(),
        grade_located=record.locate("grade"),
    )
    record.reject_unknown()
    return result
