"""Every document kind, listed once: the packs are read off this list.

Adding a document is writing its module (with its `KIND`) and adding it here; its files' names,
its place in the pack, whether it is signed and where it stands in the bundle all follow from its
declaration (docs/architecture.md works through an example).
"""

from __future__ import annotations

from typing import Any

from . import (
    archive_catalogue,
    archive_insert,
    ballots,
    circular,
    evaluation_form,
    evaluation_letter,
    filing_report,
    filled_forms,
    notice,
    rectification,
    register,
    report_template,
    results_file,
    schedule,
    tally_form,
    tally_workbook,
)
from .kind import Kind, Pack

KINDS: tuple[Kind[Any], ...] = (
    # forms: the pre-meeting pack
    notice.KIND,
    evaluation_form.KIND,
    register.KIND,
    ballots.BOOKLETS,
    ballots.LAYOUT,
    schedule.KIND,
    report_template.KIND,
    tally_workbook.KIND,
    # letters: the post-grading pack
    results_file.KIND,
    filled_forms.KIND,
    tally_form.KIND,
    evaluation_letter.KIND,
    archive_insert.KIND,
    archive_catalogue.KIND,
    circular.KIND,
    filing_report.KIND,
    rectification.KIND,
)


def pack(name: Pack) -> tuple[Kind[Any], ...]:
    """Return the kinds of one pack, in the registry's order."""
    return tuple(kind for kind in KINDS if kind.pack == name)


def kind(key: str) -> Kind[Any]:
    """Return the kind with this key."""
    return next(k for k in KINDS if k.key == key)


def print_file(path: str) -> bool:
    """Say whether a path under --out is a print file: a PDF of a print-only kind's folder."""
    return path.endswith(".pdf") and any(
        k.print_only and path.startswith(k.folder + "/") for k in KINDS
    )


def owns(name: Pack, path: str) -> bool:
    """Say whether a path under --out is one a pack's run writes anew (stale files go)."""
    for k in pack(name):
        if k.folder and path.startswith(k.folder.split("/", 1)[0] + "/"):
            return True
        if not k.folder and "/" not in path and path.rsplit(".", 1)[0] == k.stem:
            return True
    return False
