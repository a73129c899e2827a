"""A job's state for the progress bar, and file downloads from the output folder."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, send_file

from ..jobs import job
from ..outputs import find, zipped
from ..web import requires, station

blueprint = Blueprint("runs", __name__)
STATES = {"running": "进行中", "done": "已完成", "failed": "失败", "interrupted": "已中断"}
FOLDERS = {"forms", "letters", "archive", "scan"}


@blueprint.route("/jobs/<int:job_id>")
@requires("clerk", "committee")
def state(job_id: int):
    found = job(station().engine, job_id)
    if found is None:
        abort(404)
    return jsonify(
        state=found.state,
        state_name=STATES[found.state],
        progress=found.progress,
        log=found.log,
        exit_code=found.exit_code,
    )


@blueprint.route("/files/<folder>/<path:relative>")
@requires("clerk", "committee")
def download(folder: str, relative: str):
    if folder not in FOLDERS:
        abort(404)
    path = find(station().out_dir, folder, relative)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=path.name)


@blueprint.route("/files/<folder>.zip")
@requires("clerk", "committee")
def download_zip(folder: str):
    if folder not in FOLDERS:
        abort(404)
    return send_file(
        zipped(station().out_dir, folder),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{folder}.zip",
    )
