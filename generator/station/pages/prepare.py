"""会前材料: run `forms`, download the pack, and reissue serials only after a clear warning."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, redirect, render_template, request, url_for

from ...load.register import read_register
from ...model.errors import Problem
from ..jobs import latest_jobs, start_job
from ..outputs import listing
from ..web import audit, requires, station, user

blueprint = Blueprint("prepare", __name__, url_prefix="/prepare")


@blueprint.route("/")
@requires("clerk")
def index():
    here = station()
    jobs = latest_jobs(here.engine, "forms", limit=5)
    return render_template(
        "prepare.html",
        job=jobs[0] if jobs else None,
        files=listing(here.out_dir, "forms"),
        printed=_printed(),
    )


@blueprint.route("/run", methods=["POST"])
@requires("clerk")
def run():
    here = station()
    reissue = request.form.get("reissue") == "1"
    if reissue and request.form.get("confirmed") != "1":
        return redirect(url_for("prepare.reissue"))
    extra = ("--reissue",) if reissue else ()
    _, new = start_job(here.engine, "forms", here.data_dir, here.out_dir, user().name, extra)
    if new:
        audit("生成会前材料 / ran forms", "重新发放选票编号 / reissued" if reissue else "")
    return redirect(url_for("prepare.index"))


@blueprint.route("/reissue")
@requires("clerk")
def reissue():
    """Say which printed sheets a reissue voids, and ask once more."""
    return render_template("reissue.html", printed=_printed())


def _printed() -> list[tuple[str, str, int]]:
    """Return the sheets the register says were issued: (secretary, source, count)."""
    problems: list[Problem] = []
    issued, _ = read_register(station().out_dir, problems)
    counts = Counter((b.secretary_id, b.source) for b in issued or [])
    return [(secretary, source, n) for (secretary, source), n in counts.items()]
