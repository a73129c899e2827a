"""扫描: take the scanned files, read them with `scan`, decide the pages in doubt, type the texts.

Everything decided goes into the data folder in the CLI's formats: the scans under DIR/scans/,
the decisions in DIR/scan-review.csv, the texts typed in DIR/scan-text.csv; so `scan DIR/scans`
and `letters` on the command line give what the station gives.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from ...load.fields import Invalid, check_text
from ...model.errors import InputError
from ...model.limits import TEXT_MAX
from ..files import Upload, UploadError, take_upload
from ..jobs import latest_jobs, start_job
from ..scan_pictures import form_boxes, marked_page, preview_path, read_picture
from ..scan_queue import (
    ADVICE,
    DecisionError,
    Pending,
    ScanState,
    decision_from,
    next_pending,
    scan_state,
    score_keys,
    sheets_digest,
    write_decision,
)
from ..scan_store import (
    ACCEPTED,
    FILE_MAX,
    ScanStoreError,
    remove_scan,
    scans_folder,
    store_scan,
    stored_scans,
    take_watched,
    watched_files,
    watched_folder,
)
from ..scan_texts import BOX_LABELS, Handwritten, picture_path, transcription_state, write_typed
from ..web import audit, requires, station, user

blueprint = Blueprint("scanning", __name__, url_prefix="/scanning")
UPLOAD_COUNT_MAX = 50  # files in one upload
TEXTS_SHOWN = 20  # ballots on one page of the transcription list


@blueprint.route("/")
@requires("clerk")
def index():
    here = station()
    jobs = latest_jobs(here.engine, "scan", limit=1)
    state, stored = _state(), stored_scans(here.data_dir)
    found, text_problems = _handwritten()
    read = {Path(sheet.file).name for sheet in state.sheets}
    return render_template(
        "scanning.html",
        job=jobs[0] if jobs else None,
        stored=stored,
        unread=[scan for scan in stored if scan.name not in read],
        watched=watched_files(here.data_dir),
        watched_folder=watched_folder(here.data_dir),
        state=state,
        labels={scan.name: scan.label for scan in stored},
        texts={"total": len(found), "typed": sum(h.typed is not None for h in found)},
        text_problems=text_problems,
        file_max=FILE_MAX >> 20,
        upload_max=UPLOAD_COUNT_MAX,
    )


@blueprint.route("/upload", methods=["POST"])
@requires("clerk")
def upload():
    files = [f for f in request.files.getlist("scans") if f.filename]
    if not files:
        flash("请选择要上传的扫描文件 / choose the scan files to upload", "error")
    elif len(files) > UPLOAD_COUNT_MAX:
        flash(
            f"一次最多上传 {UPLOAD_COUNT_MAX} 个文件 / at most {UPLOAD_COUNT_MAX} files at once",
            "error",
        )
    else:
        for storage in files:
            try:
                _keep(take_upload(storage, ACCEPTED, FILE_MAX), "上传扫描件 / uploaded a scan")
            except (UploadError, ScanStoreError) as e:
                flash(str(e), "error")
    return redirect(url_for("scanning.index"))


@blueprint.route("/take", methods=["POST"])
@requires("clerk")
def take():
    """Take one file of the scanner's folder, or every one not taken yet and read them all."""
    here = station()
    every = request.form.get("all") == "1"
    names = [f.name for f in watched_files(here.data_dir) if not f.taken]
    for name in names if every else [request.form.get("name", "")]:
        try:
            _keep(take_watched(here.data_dir, name), "导入扫描件 / took a scan from the folder")
        except (UploadError, ScanStoreError) as e:
            flash(str(e), "error")
    if every:
        return run()
    return redirect(url_for("scanning.index"))


@blueprint.route("/remove", methods=["POST"])
@requires("clerk")
def remove():
    removed = remove_scan(station().data_dir, request.form.get("name", ""))
    if removed is None:
        abort(404)
    audit("移除扫描件 / removed a scan", f"{removed.label} ({removed.name})")
    flash(f"已移除 {removed.label}，重新读取后生效 / removed: read the scans again", "notice")
    return redirect(url_for("scanning.index"))


@blueprint.route("/run", methods=["POST"])
@requires("clerk")
def run():
    here = station()
    if not stored_scans(here.data_dir):
        flash("还没有扫描件：请先上传或导入 / no scans yet: upload or take some first", "error")
        return redirect(url_for("scanning.index"))
    folder = (str(scans_folder(here.data_dir)),)
    job, new = start_job(here.engine, "scan", here.data_dir, here.out_dir, user().name, folder)
    if new:
        audit("读取扫描件 / ran scan")
    elif job.command != "scan":
        flash(f"“{job.title}”正在进行，请稍后再读取 / another job is running", "error")
    return redirect(url_for("scanning.index", _anchor="run"))


@blueprint.route("/review/<int:row>")
@requires("clerk")
def review(row: int):
    return _review_page(row, _state())


@blueprint.route("/review/<int:row>", methods=["POST"])
@requires("clerk")
def decide(row: int):
    """Write one decision into DIR/scan-review.csv, unless the page shown has changed since."""
    here = station()
    state = _state()
    item = _item(state, row)
    if state.campaign is None or state.problems:
        return _review_page(row, state, code=409)
    stale = request.form.get("scan") != sheets_digest(here.out_dir)
    if stale or request.form.get("seen") != item.marker:
        zh = "页面已过期：扫描件已重新读取或他人已判定，请看最新状态后再判定"
        return _review_page(row, state, [f"{zh} / the page changed meanwhile: look again"], 409)
    try:
        decided = decision_from(request.form, item, state.sheets, state.campaign)
        write_decision(here.data_dir, state.campaign.scale, decided)
    except DecisionError as e:
        return _review_page(row, state, [str(e)], 400)
    except InputError as e:
        return _review_page(row, state, _problems(e), 409)
    audit("判定扫描页 / decided a scanned page", f"{decided.ballot_id}（第 {row} 页 / page {row}）")
    flash(f"已判定第 {row} 页（{decided.ballot_id}）/ page {row} decided", "notice")
    following = next_pending(_state().queue, row)
    if following is None:
        return redirect(url_for("scanning.index", _anchor="queue"))
    return redirect(url_for("scanning.review", row=following.sheet.row))


@blueprint.route("/review/<int:row>.png")
@requires("clerk")
def picture(row: int):
    """Serve a page in review with the boxes concerned drawn on it."""
    state = _state()
    item = _item(state, row)
    image = read_picture(preview_path(station().out_dir, row))
    if image is None:
        abort(404)
    reading = int(item.sheet.score) if item.sheet.score.isdigit() else None
    boxes = form_boxes(state.campaign, item.sheet.secretary_id, image)
    png = marked_page(image, boxes, item.sheet.reason, reading)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@blueprint.route("/texts")
@requires("clerk")
def texts():
    """List the scanned ballots with handwriting: those not typed yet, or all."""
    return _texts_page(request.args.get("todo", "1") != "0", request.args.get("start", 0, type=int))


@blueprint.route("/texts/<ballot_id>", methods=["POST"])
@requires("clerk")
def transcribe(ballot_id: str):
    """Write what a ballot's handwriting says into DIR/scan-text.csv; a text refused stays in
    its field."""
    found = _find_handwritten(ballot_id)
    todo, start = request.form.get("todo") != "0", request.form.get("start", 0, type=int)
    typed = {f: request.form.get(f, "").replace("\r\n", "\n").strip() for f in found.pictures}
    if request.form.get("seen") != found.marker:
        zh = "他人已修改该票的转录，请核对后再保存"
        error = f"{ballot_id}：{zh} / the transcription changed meanwhile: look again"
        return _texts_page(todo, start, {ballot_id: typed}, [error], 409)
    try:
        for text in typed.values():
            check_text(text, TEXT_MAX)
        write_typed(station().data_dir, ballot_id, typed)
    except Invalid as e:
        return _texts_page(todo, start, {ballot_id: typed}, [f"{ballot_id}：{e.zh} / {e.en}"], 400)
    except InputError as e:
        return _texts_page(todo, start, {ballot_id: typed}, _problems(e), 409)
    audit("转录手写意见 / transcribed handwriting", ballot_id)
    flash(f"已保存 {ballot_id} 的转录 / transcription saved", "notice")
    return redirect(url_for("scanning.texts", todo=int(todo), start=start))


@blueprint.route("/texts/<ballot_id>/<field>.png")
@requires("clerk")
def text_picture(ballot_id: str, field: str):
    path = picture_path(station().out_dir, _find_handwritten(ballot_id), field)
    if path is None:
        abort(404)
    return Response(path.read_bytes(), mimetype="image/png", headers={"Cache-Control": "no-store"})


# --- what the views share -----------------------------------------------------------------------


def _state() -> ScanState:
    here = station()
    return scan_state(here.data_dir, here.out_dir)


def _item(state: ScanState, row: int) -> Pending:
    found = state.item(row)
    if found is None:
        abort(404)
    return found


def _keep(taken: Upload, action: str) -> None:
    stored, new = store_scan(station().data_dir, taken)
    if new:
        audit(action, f"{stored.label} → {stored.name}")
        flash(f"已保存 {stored.label} / stored", "notice")
    else:
        flash(
            f"{taken.label}：与已保存的 {stored.label} 相同，未重复保存 / already stored", "notice"
        )


def _review_page(row: int, state: ScanState, errors: list[str] | None = None, code: int = 200):
    here = station()
    item = _item(state, row)
    scale = state.campaign.scale if state.campaign else None
    place = state.queue.index(item)
    page = render_template(
        "scanning_review.html",
        item=item,
        label=_labels().get(Path(item.sheet.file).name, item.sheet.file),
        advice=ADVICE.get(item.sheet.reason, ""),
        buttons=score_keys(scale) if scale else [],
        scale=scale,
        scan=sheets_digest(here.out_dir),
        previous=state.queue[place - 1] if place else None,
        following=next_pending(state.queue, row),
        place=place + 1,
        count=len(state.queue),
        has_picture=preview_path(here.out_dir, row).is_file(),
        errors=[*(errors or []), *state.problems],
    )
    return page, code


def _labels() -> dict[str, str]:
    return {scan.name: scan.label for scan in stored_scans(station().data_dir)}


def _texts_page(
    todo: bool,
    start: int,
    drafts: dict[str, dict[str, str]] | None = None,
    errors: list[str] | None = None,
    code: int = 200,
):
    found, problems = _handwritten()
    drafted = [h for h in found if drafts and h.ballot_id in drafts]
    listed = [h for h in found if h.typed is None] if todo else found
    start = max(start, 0)
    page = render_template(
        "scanning_texts.html",
        ballots=drafted or listed[start : start + TEXTS_SHOWN],
        drafts=drafts or {},
        total=len(found),
        typed=sum(h.typed is not None for h in found),
        listed=len(listed),
        start=start,
        step=TEXTS_SHOWN,
        todo=todo,
        labels=BOX_LABELS,
        errors=[*(errors or []), *problems],
    )
    return page, code


def _handwritten() -> tuple[list[Handwritten], list[str]]:
    here = station()
    return transcription_state(here.data_dir, here.out_dir)


def _find_handwritten(ballot_id: str) -> Handwritten:
    found = next((h for h in _handwritten()[0] if h.ballot_id == ballot_id), None)
    if found is None:
        abort(404)
    return found


def _problems(error: InputError) -> list[str]:
    return [str(problem) for problem in error.problems]
