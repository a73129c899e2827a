"""方案与名单: campaign.yaml as a form, the secretaries (XLSX in and out), notice.md with a preview.

Whatever is saved is checked first by the CLI's own loaders and written into the data folder
atomically, so `make forms` reads what the page showed. Each form carries the digest of the file
it was made from; a save over a file changed since is refused rather than overwriting it.
"""

from __future__ import annotations

import io
import threading

from flask import Blueprint, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue

from ..files import UploadError, file_digest, take_upload, write_atomically
from ..plan_drafts import CAMPAIGN, NOTICE, DraftFolder, Shown, check_folder
from ..plan_notice import NOTICE_MAX, check_save, draft_text, preview
from ..plan_roster import (
    WORKBOOK_LIMIT,
    Imported,
    check_import,
    current_roster,
    export_workbook,
    roster_digest,
    split_on_import,
    write_roster,
)
from ..plan_settings import RULES, SettingsForm, save_settings, settings_form
from ..web import audit, requires, station

blueprint = Blueprint("plan", __name__, url_prefix="/plan")
_writing = threading.Lock()  # a check of the digest and the write that follows it, as one step

STALE = (
    "{file} 在您打开本页之后已被修改，为免覆盖他人的修改，本次未保存。请重新打开本页，再次修改 / "
    "{file} changed after this page was opened: not saved, so as not to overwrite that change. "
    "Reopen the page and make your change again"
)


@blueprint.route("/")
@requires("clerk")
def index():
    return _settings_page(settings_form(station().data_dir), saved=request.args.get("saved"))


@blueprint.route("/settings", methods=["POST"])
@requires("clerk")
def save():
    path = station().data_dir / CAMPAIGN
    with _writing:
        if request.form.get("digest", "") != file_digest(path):
            form = settings_form(station().data_dir)
            return _settings_page(
                form, stale=STALE.format(file=CAMPAIGN), unsaved=_unsaved(form)
            ), 409
        form, content, changed = save_settings(station().data_dir, request.form)
        if content is None:
            code = 422 if form.errors or form.general else 200
            return _settings_page(form, unchanged=not changed and code == 200), code
        write_atomically(path, content)
    audit("保存方案设置 / saved the campaign settings", "、".join(changed))
    return redirect(url_for("plan.index", saved=1))


def _settings_page(form: SettingsForm, **shown: object) -> str:
    context: dict[str, object] = {"saved": None, "stale": "", "unsaved": [], "unchanged": False}
    return render_template("plan.html", form=form, **(context | shown))


def _unsaved(form: SettingsForm) -> list[tuple[str, str]]:
    """Return what a refused form held that the file does not: the clerk can make it again."""
    fields = {f.name: f for f in (*form.fields, *form.evaluators)}
    return [
        (f"{fields[name].label} {name}" if name in fields else name, value)
        for name, value in request.form.items()
        if (name in fields and value.strip() != form.values[name])
        or (name == RULES and value.replace("\r\n", "\n").strip() != (form.rules or "").strip())
    ]


@blueprint.route("/secretaries")
@requires("clerk")
def secretaries():
    return _roster_page()


@blueprint.route("/secretaries.xlsx")
@requires("clerk")
def export():
    roster = current_roster(station().data_dir)
    if roster.problems:
        return _roster_page(
            error="名单有错误，请先修正 / the list has problems: fix them first"
        ), 409
    return send_file(
        io.BytesIO(export_workbook(roster.secretaries)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="secretaries.xlsx",
    )


@blueprint.route("/secretaries/import", methods=["POST"])
@requires("clerk")
def import_workbook():
    storage = request.files.get("workbook")
    if storage is None or not storage.filename:
        return _roster_page(error="请选择要导入的 XLSX 文件 / choose an XLSX file to import"), 400
    try:
        upload = take_upload(storage, {"xlsx"}, WORKBOOK_LIMIT)
    except UploadError as e:
        return _roster_page(error=str(e)), 400
    here = station()
    with _writing:
        if request.form.get("digest", "") != roster_digest(here.data_dir):
            return _roster_page(error=STALE.format(file="书记名单")), 409
        checked = check_import(here.data_dir, upload.content)
        if checked.content is None:
            return _roster_page(checked=checked, label=upload.label), 422
        kept = write_roster(here.data_dir, checked.content)
    audit(
        "导入书记名单 / imported the secretaries",
        f"{len(checked.secretaries)} 名，来自 {upload.label} / {len(checked.secretaries)} from it",
    )
    return _roster_page(checked=checked, label=upload.label, kept=kept)


def _roster_page(**shown: object) -> str:
    context: dict[str, object] = {"error": "", "checked": Imported(), "label": "", "kept": None}
    roster = current_roster(station().data_dir)
    return render_template(
        "plan_secretaries.html",
        roster=roster,
        split=split_on_import(roster.secretaries),
        limit_mb=WORKBOOK_LIMIT >> 20,
        **(context | shown),
    )


@blueprint.route("/notice")
@requires("clerk")
def notice():
    path = station().data_dir / NOTICE
    text = path.read_bytes().decode("utf-8-sig", errors="replace") if path.is_file() else ""
    _, problems = check_folder(DraftFolder(station().data_dir, {}))
    mine = [p for p in problems if p.file == NOTICE]
    return _notice_page(text, file_digest(path), problems=mine, saved=request.args.get("saved"))


@blueprint.route("/notice", methods=["POST"])
@requires("clerk")
def save_notice():
    here = station()
    draft, digest = draft_text(request.form.get("notice", "")), request.form.get("digest", "")
    if request.form.get("action") == "preview":
        return _notice_page(draft, digest, preview=preview(here.data_dir, draft))
    path = here.data_dir / NOTICE
    with _writing:
        if digest != file_digest(path):
            return _notice_page(draft, digest, stale=STALE.format(file=NOTICE)), 409
        problems = check_save(here.data_dir, draft)
        if problems:
            return _notice_page(draft, digest, problems=problems), 422
        write_atomically(path, draft.encode())
    audit("保存工作方案正文 / saved notice.md", f"{len(draft)} 字 / characters")
    return redirect(url_for("plan.notice", saved=1))


@blueprint.route("/notice/preview", methods=["POST"])
@requires("clerk")
def notice_preview() -> ResponseReturnValue:
    """Return the draft's 通知 as page images, or its problems, for the page's script."""
    result = preview(station().data_dir, draft_text(request.form.get("notice", "")))
    if result.busy:
        return jsonify(message=BUSY), 429
    return jsonify(
        pages=result.pages,
        more_pages=result.more_pages,
        problems=[_problem_json(p) for p in result.problems],
    )


BUSY = "正在生成另一份预览，请稍候再试 / another preview is being made: try again shortly"


def _problem_json(problem: Shown) -> dict[str, object]:
    return {
        "file": problem.file,
        "line": problem.line if problem.file == NOTICE else 0,
        "text": str(problem),
        "message": problem.message,
    }


def _notice_page(text: str, digest: str, **shown: object) -> str:
    context: dict[str, object] = {"problems": [], "preview": None, "stale": "", "saved": None}
    return render_template(
        "plan_notice.html",
        text=text,
        digest=digest,
        limit=NOTICE_MAX,
        busy=BUSY,
        **(context | shown),
    )
