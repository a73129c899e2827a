"""结果与归档: run `letters`, download the pack and archive, verify it, and read the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for

from ...model.errors import PipelineError
from ...pipeline.verify import run_verify
from ..jobs import latest_jobs, start_job
from ..outputs import listing
from ..store import audit as audit_log
from ..web import audit, requires, station, user

blueprint = Blueprint("archive", __name__, url_prefix="/archive")
AUDIT_SHOWN = 200


@blueprint.route("/")
@requires("clerk", "committee")
def index():
    return _page()


@blueprint.route("/run", methods=["POST"])
@requires("clerk", "committee")
def run():
    here = station()
    _, new = start_job(here.engine, "letters", here.data_dir, here.out_dir, user().name)
    if new:
        audit("评定结果与归档 / ran letters")
    return redirect(url_for("archive.index"))


@blueprint.route("/verify", methods=["POST"])
@requires("clerk", "committee")
def verify():
    """Check the archive now and show a verdict per file (it takes seconds, not minutes)."""
    here = station()
    try:
        verdicts, demo = run_verify(here.out_dir, here.data_dir, None)
    except PipelineError as e:
        audit("核验归档 / verified the archive", "无法核验 / could not verify")
        return _page(verify_error=str(e))
    passed = bool(verdicts) and all(v.ok for v in verdicts)
    audit("核验归档 / verified the archive", "通过 pass" if passed else "未通过 fail")
    return _page(verdicts=verdicts, demo=demo, passed=passed)


def _page(**shown: object) -> str:
    here = station()
    jobs = latest_jobs(here.engine, "letters", limit=1)
    with here.engine.connect() as connection:
        log = connection.execute(
            sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(AUDIT_SHOWN)
        ).all()
    context: dict[str, object] = {
        "verdicts": None,
        "demo": False,
        "passed": False,
        "verify_error": "",
        **shown,
    }
    return render_template(
        "archive.html",
        job=jobs[0] if jobs else None,
        letters=listing(here.out_dir, "letters"),
        archive=listing(here.out_dir, "archive"),
        results_ready=(here.out_dir / "results.json").is_file(),
        log=log,
        **context,
    )
