"""评定: every secretary's score, grade and the reasons for it, as `letters` would compute them
now, and the committee's 综合评价 of each, written into assessment.yaml."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ...load.assessment import FILE
from ...model.campaign import Secretary
from ...model.errors import InputError, Problem
from ..files import write_atomically
from ..web import audit, requires, station
from .grading_check import Standing, check_entry, standing
from .grading_file import Entered, Snapshot, read_snapshot, rebuilt

blueprint = Blueprint("grading", __name__, url_prefix="/grading")
FORM_MAX = 1 << 20  # one secretary's assessment: a few dozen texts of at most 1,500 characters
FIELDS = ("achievements", "problems", "major_failure", "held_accountable", "grade", "reason")
STALE = (
    "您打开本页后，他人修改并保存了该书记的综合评价，您的修改未保存。下方是现在保存的内容，核对后如仍要"
    "以您的内容为准，请再次保存 / someone saved this secretary's assessment after you opened this "
    "page; yours was not saved. Theirs is shown below: check it, and save again to replace it"
)
NOTICES = {  # after a save, by the query the page is sent back to
    "saved": "已保存 / saved",
    "merged": "其间他人保存的其他书记的综合评价已一并保留 / assessments of other secretaries "
    "saved meanwhile were kept",
}
_saving = threading.Lock()  # one read-check-write of assessment.yaml at a time


@dataclass(frozen=True, slots=True)
class Filled:
    """The form as shown: its values, the version of the file they were filled from, and what
    the loader or the scoring rule refused, at its field."""

    values: Entered
    digest: str  # assessment.yaml's
    entry: str  # this secretary's entry's
    errors: dict[str, str] = field(default_factory=dict)
    others: tuple[str, ...] = ()  # problems at no field of the form


@blueprint.route("/")
@requires("committee")
def index():
    here = station()
    now = standing(here.data_dir, here.out_dir)
    snapshot, unreadable = _snapshot()
    results = now.results
    return render_template(
        "grading.html",
        rows=[(s, results.of(s).to_dict() if results else None) for s in now.secretaries],
        entered={str(ident) for ident, entry in snapshot.entries.items() if entry},
        distribution=results.distribution.to_dict() if results else None,
        **_shared(now, unreadable),
    )


@blueprint.get("/<ident>")
@requires("committee")
def secretary(ident: str):
    here = station()
    now = standing(here.data_dir, here.out_dir)
    who = now.find(ident) or abort(404)
    snapshot, unreadable = _snapshot()
    values = Entered.from_entry(snapshot.entries.get(ident), _sources(now, who))
    filled = Filled(values, snapshot.digest, snapshot.entry_digest(ident))
    notice = "；".join(text for key, text in NOTICES.items() if request.args.get(key))
    return _page(now, who, filled, unreadable, notice=notice)


@blueprint.post("/<ident>")
@requires("committee")
def save(ident: str):
    if (request.content_length or 0) > FORM_MAX:
        abort(413)
    here = station()
    now = standing(here.data_dir, here.out_dir)
    who = now.find(ident) or abort(404)
    sent = Filled(
        Entered.from_form(request.form, _sources(now, who)),
        request.form.get("digest", ""),
        request.form.get("entry", ""),
    )
    with _saving:
        try:
            snapshot = read_snapshot(here.data_dir / FILE)
        except InputError as error:
            return _page(now, who, sent, error.problems), 409
        if snapshot.stale(ident, sent.digest, sent.entry):
            theirs = Entered.from_entry(snapshot.entries.get(ident), _sources(now, who))
            again = Filled(sent.values, snapshot.digest, snapshot.entry_digest(ident))
            return _page(now, who, again, theirs=theirs, alert=STALE), 409
        entry = sent.values.to_entry()
        candidate = rebuilt(snapshot, ident, entry, now.secretaries)
        problems = check_entry(here.data_dir, here.out_dir, now, who, candidate, entry)
        if problems:
            return _page(now, who, _at_fields(sent, problems, ident)), 422
        write_atomically(here.data_dir / FILE, candidate)
    audit("保存综合评价 / saved an assessment", f"{who.name}（{who.id}）")
    merged = 1 if snapshot.digest != sent.digest else None  # None: left out of the query
    return redirect(url_for("grading.secretary", ident=ident, saved=1, merged=merged))


def _snapshot() -> tuple[Snapshot, list[Problem]]:
    """Return assessment.yaml as it is now; a file that cannot be read shows as no entries."""
    try:
        return read_snapshot(station().data_dir / FILE), []
    except InputError as error:
        return Snapshot("", {}), error.problems


def _sources(now: Standing, who: Secretary) -> list[str]:
    """Return the sources the committee scores itself for this secretary (assessment `scores`)."""
    rules = now.campaign.rules if now.campaign else None
    if rules is None:
        return []
    return [s for s in rules.weights[who.role] if s in rules.committee_sources]


def _at_fields(sent: Filled, problems: list[Problem], ident: str) -> Filled:
    """Return the form with each problem at the field it is about, the rest above the form."""
    errors: dict[str, list[str]] = {}
    others = []
    for problem in problems:
        name = problem.field.removeprefix(f"{ident}.")
        if name in FIELDS or name.startswith("scores."):
            errors.setdefault(name, []).append(f"{problem.zh} / {problem.en}")
        else:
            others.append(f"{problem.field}: {problem.zh} / {problem.en}")
    joined = {name: "；".join(messages) for name, messages in errors.items()}
    return Filled(sent.values, sent.digest, sent.entry, joined, tuple(others))


def _page(
    now: Standing,
    who: Secretary,
    filled: Filled,
    problems: Iterable[Problem] = (),
    *,
    theirs: Entered | None = None,
    alert: str = "",
    notice: str = "",
) -> str:
    result = now.results.of(who) if now.results else None
    assert now.campaign is not None, "a secretary is found only in a campaign that was read"
    return render_template(
        "grading_secretary.html",
        who=who,
        result=result.to_dict() if result else None,
        forced_by=result.forced_by if result else (),
        lowest=now.campaign.rules.lowest,
        grades=now.campaign.rules.grade_names,
        sources=_sources(now, who),
        filled=filled,
        theirs=theirs,
        alert=alert,
        notice=notice,
        **_shared(now, problems),
    )


def _shared(now: Standing, problems: Iterable[Problem]) -> dict[str, object]:
    """Return what both pages show: the problems that stop scoring, the warnings, the low-vote
    rule's name."""
    rules = now.campaign.rules if now.campaign else None
    grades = "".join(f"“{g}”" for g in rules.low_vote_grades) if rules else ""
    return {
        "problems": [str(p) for p in dict.fromkeys([*now.problems, *problems])],
        "warnings": [str(w) for w in now.warnings],
        "low_vote": f"{grades}票占有效票比例" if rules and rules.low_vote else "",
        "below": rules.grade_names[1] if rules else "",
    }
