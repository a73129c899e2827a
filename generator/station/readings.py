"""What a clerk types for one sheet, checked as `letters` checks a ballot file's row.

The same functions read the score, the status and the texts, so a reading the station accepts is
one `letters` accepts: a whole number on the campaign's scale, required exactly when the sheet is
valid; texts within the bound of a box and its continuation page, without control characters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from ..load.ballots.rows import score_of, status_of
from ..load.fields import Invalid, check_text
from ..model.campaign import Scale
from ..model.limits import TEXT_MAX
from .entries import Reading

TEXTS = ("problems", "suggestions")
STATUSES = {"valid": "有效", "blank": "空白票", "invalid": "废票"}


def read_reading(form: Mapping[str, str], scale: Scale) -> tuple[Reading | None, dict[str, str]]:
    """Return the reading a form holds, or None and a message per faulty field."""
    errors: dict[str, str] = {}
    status = _field(errors, "status", partial(_status, form.get("status", "")))
    score = _field(errors, "score", partial(score_of, form.get("score", ""), scale))
    texts = {name: _field(errors, name, partial(_text, form.get(name, ""))) for name in TEXTS}
    if "score" not in errors and "status" not in errors:
        if status == "valid" and score is None:
            errors["score"] = (
                f"有效票须填写得分（{scale.low}至{scale.high}的整数）/ "
                f"a valid ballot needs a score {scale.low}–{scale.high}"
            )
        elif status in ("blank", "invalid") and score is not None:
            errors["score"] = (
                f"{STATUSES[str(status)]}不填得分，现为“{score}” / "
                f"a {status} ballot has no score, got {score}"
            )
    if errors:
        return None, errors
    problems, suggestions = (str(texts[name]) for name in TEXTS)
    return Reading(
        str(status), score if isinstance(score, int) else None, problems, suggestions
    ), {}


def _field(errors: dict[str, str], name: str, read: Callable[[], object]) -> object:
    """Return read(); on Invalid keep its message under the field's name and return None."""
    try:
        return read()
    except Invalid as e:
        errors[name] = f"{e.zh} / {e.en}"
        return None


def _status(value: str) -> str:
    """Return the status chosen; unlike a file's empty cell, no choice is not taken as valid."""
    if not value.strip():
        raise Invalid(
            "请选择票状态（有效、空白票或废票）", "choose the status: valid, blank or invalid"
        )
    return status_of(value)


def _text(value: str) -> str:
    """Return a text as the loader keeps it: line breaks as LF, no surrounding whitespace."""
    return check_text(value.replace("\r\n", "\n").strip(), TEXT_MAX)


def form_of(reading: Reading | None) -> dict[str, str]:
    """Return a reading as a form shows it (an empty form for none)."""
    if reading is None:
        return {"status": "valid", "score": "", "problems": "", "suggestions": ""}
    return {
        "status": reading.status,
        "score": "" if reading.score is None else str(reading.score),
        "problems": reading.problems,
        "suggestions": reading.suggestions,
    }


def form_sent(form: Mapping[str, str]) -> dict[str, str]:
    """Return what a refused form sent, to show it again as typed (bounded)."""
    sent = {name: form.get(name, "")[: TEXT_MAX * 2] for name in ("score", *TEXTS)}
    return {"status": form.get("status", "valid")[:16], **sent}
