"""录入: blind double entry of the returned sheets, the comparison and its decisions, and the
ballot files (the two tally workbooks) uploaded into DIR/ballots/.

Every request that names a serial is a POST: a serial in a URL would land in the server's log
with the time, in the order the sheets were typed (docs/security.md). A clerk is shown only their
own readings; the two readings of a sheet that differ are shown side by side only to someone who
typed neither, who decides. The audit log says who entered, changed or decided, never what.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from ...model.limits import FILE_MAX_BYTES, TEXT_MAX
from ..ballot_files import ballot_files, check_upload, elsewhere, keep, set_aside
from ..comparison import FIELDS, Compared, compared, summarise, write_entered, written_rows
from ..entries import EntryRefused, decide, own_entry, save_entry
from ..files import UploadError, take_upload
from ..readings import STATUSES, form_of, form_sent, read_reading
from ..sheets import Issued, Sheet, find_sheet, load_issued, scan_pictures
from ..web import audit, requires, station, user

blueprint = Blueprint("entry", __name__, url_prefix="/entry")
TYPED_MAX = 2000  # characters of a serial field: a QR payload is under 100


@blueprint.route("/")
@requires("clerk")
def index():
    return _entry_page(_issued())


@blueprint.route("/open", methods=["POST"])
@requires("clerk")
def open_sheet():
    """Look up a typed or scanned serial; show whom the sheet is about and the clerk's own
    reading of it, if any."""
    issued, typed = _issued(), request.form.get("serial", "")[:TYPED_MAX]
    try:
        sheet = find_sheet(typed, issued)
    except EntryRefused as e:
        return _entry_page(issued, typed=typed, errors={"serial": str(e)}), 422
    own = own_entry(station().engine, sheet.serial, user().id)
    form = form_of(own.reading if own else None)
    return _entry_page(issued, sheet=sheet, form=form, version=own.version if own else 0)


@blueprint.route("/save", methods=["POST"])
@requires("clerk")
def save():
    here, issued = station(), _issued()
    typed = request.form.get("serial", "")[:TYPED_MAX]
    shown = _version(request.form.get("version", ""))
    try:
        sheet = find_sheet(typed, issued)
    except EntryRefused as e:
        return _entry_page(issued, typed=typed, errors={"serial": str(e)}), 422
    reading, errors = read_reading(request.form, issued.scale)
    held = elsewhere(here.data_dir, here.out_dir, issued).get(sheet.serial)
    if held:
        errors["serial"] = (
            f"选票 {sheet.serial} 已在 {held} 中，再录入会重复计票（make letters 会拒绝）/ "
            f"ballot {sheet.serial} is already in {held}: letters would refuse it twice"
        )
    if reading is None or errors:
        form = form_sent(request.form)
        return _entry_page(issued, sheet=sheet, form=form, version=shown, errors=errors), 422
    try:
        save_entry(here.engine, sheet.serial, user().id, reading, shown)
    except EntryRefused as e:
        own = own_entry(here.engine, sheet.serial, user().id)
        form = form_of(own.reading) if own else form_sent(request.form)
        version, errors = (own.version if own else 0), {"form": str(e)}
        return _entry_page(issued, sheet=sheet, form=form, version=version, errors=errors), 409
    audit("录入选票 / entered a sheet" if shown == 0 else "修改录入 / changed an entry")
    write_entered(here.data_dir, here.engine, issued.sheets)
    flash(f"已保存 {sheet.serial}（{sheet.secretary_name} · {sheet.source}）/ saved")
    return redirect(url_for("entry.index"), 303)


@blueprint.route("/compare")
@requires("clerk")
def compare():
    return _compare_page(_issued())


@blueprint.route("/decide", methods=["POST"])
@requires("clerk")
def decide_sheet():
    """Settle a sheet two clerks read differently, by someone who typed neither reading."""
    here, issued = station(), _issued()
    serial = request.form.get("serial", "")[:TYPED_MAX]
    sheet = next((s for s in compared(here.engine) if s.serial == serial), None)
    if sheet is None or sheet.state not in ("differing", "decided"):
        refused = "只有两人录入不一致的选票需要裁定 / only a sheet read differently is decided"
        return _compare_page(issued, failed=serial, errors={"form": refused}), 409
    if sheet.read_by(user().id):
        refused = (
            "您录入过这张选票，不能裁定：请由未录入的人裁定 / "
            "you entered this sheet: someone who entered neither reading decides"
        )
        return _compare_page(issued, failed=serial, errors={"form": refused}), 403
    reading, errors = read_reading(request.form, issued.scale)
    if reading is None:
        page = _compare_page(issued, failed=serial, form=form_sent(request.form), errors=errors)
        return page, 422
    try:
        decide(here.engine, serial, user().id, reading, request.form.get("stamp", "")[:80])
    except EntryRefused as e:
        return _compare_page(issued, failed=serial, errors={"form": str(e)}), 409
    audit("裁定选票 / decided a sheet", serial)
    write_entered(here.data_dir, here.engine, issued.sheets)
    flash(f"已裁定 {serial} / decided")
    return redirect(url_for("entry.compare"), 303)


@blueprint.route("/scan/<ballot_id>/<int:number>")
@requires("clerk")
def scan_picture(ballot_id: str, number: int):
    """Send a picture `scan` made of a sheet, found by its place in the station's own list."""
    if ballot_id not in _issued().sheets:
        abort(404)
    pictures = scan_pictures(station().out_dir, ballot_id)
    if not 0 < number <= len(pictures):
        abort(404)
    return send_file(pictures[number - 1].path, mimetype="image/png")


@blueprint.route("/files")
@requires("clerk")
def files():
    return _files_page()


@blueprint.route("/files/upload", methods=["POST"])
@requires("clerk")
def upload():
    """Keep a tally workbook or a ballot file in DIR/ballots/ if `letters` reads it cleanly."""
    here, issued = station(), _issued()
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        return _files_page(problems=["请选择文件 / choose a file"]), 422
    try:
        taken = take_upload(storage, {"csv", "xlsx"}, FILE_MAX_BYTES)
    except UploadError as e:
        return _files_page(problems=[str(e)]), 422
    being_entered = {sheet.serial for sheet in compared(here.engine) if sheet.settled is None}
    checked = check_upload(here.data_dir, here.out_dir, issued, taken, being_entered)
    if checked.problems:
        return _files_page(problems=list(checked.problems), label=taken.label), 422
    keep(here.data_dir, checked.name, taken.content)
    audit("上传选票文件 / uploaded a ballot file", f"{taken.label} → {checked.name}")
    flash(checked.note)
    return redirect(url_for("entry.files"), 303)


@blueprint.route("/files/remove", methods=["POST"])
@requires("clerk")
def remove():
    name = request.form.get("name", "")[:200]
    if not set_aside(station().data_dir, name):
        abort(404)
    audit("移出选票文件 / set a ballot file aside", name)
    flash(f"已移出 {name}（保存在 .station/set-aside/）/ set aside")
    return redirect(url_for("entry.files"), 303)


def _issued() -> Issued:
    here = station()
    return load_issued(here.data_dir, here.out_dir)


def _version(sent: str) -> int:
    return int(sent) if sent.isdigit() and len(sent) < 10 else 0


def _entry_page(
    issued: Issued,
    *,
    typed: str = "",
    sheet: Sheet | None = None,
    form: dict[str, str] | None = None,
    version: int = 0,
    errors: dict[str, str] | None = None,
) -> str:
    here, me = station(), user()
    everything = compared(here.engine)
    mine = [s for s in everything if s.read_by(me.id)]
    return render_template(
        "entry.html",
        issued=issued,
        typed=typed,
        sheet=sheet,
        form=form or form_of(None),
        version=version,
        errors=errors or {},
        mine=[(s, next(e for e in s.entries if e.user_id == me.id)) for s in mine],
        **_shared(issued, everything),
    )


def _compare_page(
    issued: Issued,
    *,
    failed: str = "",
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    me = user()
    everything = compared(station().engine)
    pictures = {
        s.serial: scan_pictures(station().out_dir, s.serial)
        for s in everything
        if s.state in ("differing", "decided")
    }
    return render_template(
        "entry_compare.html",
        sheets=everything,
        pictures=pictures,
        me=me.id,
        failed=failed,
        failed_form=form,
        decision_forms={s.serial: _decision_form(s) for s in everything if s.serial in pictures},
        errors=errors or {},
        **_shared(issued, everything),
    )


def _decision_form(sheet: Compared) -> dict[str, str]:
    """Return a decision form as it opens: the decision made, else what the readings agree on,
    the fields they differ on left for the decider to fill from the paper."""
    if sheet.decision is not None:
        return form_of(sheet.decision.reading)
    first = form_of(sheet.entries[0].reading)
    return {name: "" if name in sheet.differing else shown for name, shown in first.items()}


def _files_page(problems: list[str] | None = None, label: str = "") -> str:
    return render_template(
        "entry_files.html",
        files=ballot_files(station().data_dir),
        problems=problems or [],
        label=label,
    )


def _shared(issued: Issued, everything: list[Compared]) -> dict[str, object]:
    """Return what both entry pages show: the counts, the sheets, the scale, the field names,
    and where another file already holds a serial."""
    here = station()
    held = elsewhere(here.data_dir, here.out_dir, issued)
    summary = summarise(everything, issued.sheets, held, written_rows(here.data_dir))
    return {
        "summary": summary,
        "held": held,
        "sheets_issued": issued.sheets,
        "scale": issued.scale,
        "fields": FIELDS,
        "statuses": STATUSES,
        "text_max": TEXT_MAX,
    }
