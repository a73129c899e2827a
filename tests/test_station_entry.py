"""录入: blind double entry of returned sheets, the comparison, decisions, and ballot uploads.

The sample's ballot files hold every returned sheet; a test moves some rows out of them (the
sheets to type), has clerks enter them in the browser, and checks what lands in DIR/ballots/.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from stationkit import password

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

COLUMNS = ["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]
TAKEN = {"上述.csv": (0, 1, 3, 28, 88), "下评.csv": (0, 2, 38)}  # valid, texts, blank, invalid
ENTERED = Path("ballots") / "录入.csv"


def read_rows(path: Path) -> list[dict[str, str]]:
    from generator.load.ballots.tables import decode

    return list(csv.DictReader(io.StringIO(decode(path.read_bytes()), newline="")))


def take_out(data_dir: Path, taken: dict[str, tuple[int, ...]] = TAKEN) -> list[dict[str, str]]:
    """Move some rows out of the sample's ballot files, in each file's own encoding: the
    sheets the clerks will type. Return them, by serial."""
    moved = []
    for name, indexes in taken.items():
        path = data_dir / "ballots" / name
        content = path.read_bytes()
        encoding = "utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else "gb18030"
        rows = read_rows(path)
        moved += [rows[i] for i in indexes]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(row for i, row in enumerate(rows) if i not in indexes)
        path.write_bytes(buffer.getvalue().encode(encoding))
    return sorted(moved, key=lambda row: row["ballot_id"])


def form(row: dict[str, str], **changed: str) -> dict[str, str]:
    """Return the entry form a clerk sends for a sheet (a new entry unless `version` given)."""
    fields = {"serial": row["ballot_id"], "version": "0", "status": row["status"]}
    fields |= {name: row[name] for name in ("score", "problems", "suggestions")}
    return fields | changed


def enter(client, rows: list[dict[str, str]], **changed_by_serial: dict[str, str]) -> None:
    for row in rows:
        response = client.post(
            "/entry/save", form(row, **changed_by_serial.get(row["ballot_id"], {}))
        )
        assert response.status_code == 303, errors(response)


def errors(response) -> list[str]:
    """Return the messages a page shows next to its fields and forms."""
    page = response.data.decode()
    return re.findall(r'class="(?:field-)?error"[^>]*>([^<]+)<', page)


def clerk3(station):
    from generator.station.accounts import add_user

    add_user(station.engine, "clerk3", "clerk", password("clerk3"))
    return station.client("clerk3")


def section(page: str, serial: str) -> str:
    """Return one sheet's section of the comparison page."""
    start = page.index(f'id="sheet-{serial}"')
    end = page.find("<section", start)
    return page[start : end if end > 0 else len(page)]


def test_double_entry_then_a_decision_writes_what_letters_scores_as_before(station, scored):
    _double_entry_round(station, scored)


def test_double_entry_works_the_same_on_postgresql(postgres_station, scored):
    _double_entry_round(postgres_station, scored)


def _double_entry_round(station, scored) -> None:
    from generator.pipeline.letters import score

    moved = take_out(station.data_dir)
    first, second, decider = station.client("clerk1"), station.client("clerk2"), clerk3(station)
    differing = moved[2]
    wrong = str(int(differing["score"]) % 10 + 1) if differing["score"] else "5"
    enter(first, moved)
    enter(second, moved, **{differing["ballot_id"]: {"score": wrong, "status": "valid"}})

    page = decider.get("/entry/compare").data.decode()
    assert 'id="count-differing">1<' in page and 'id="count-agreed">7<' in page
    shown = section(page, differing["ballot_id"])
    assert "clerk1 录入" in shown and "clerk2 录入" in shown
    cells = re.findall(r'data-field="(\w+)" data-value="([^"]*)"', shown)
    assert ("score", differing["score"]) in cells and ("score", wrong) in cells
    assert 'class="differs"><th>得分' in shown
    assert "没有这张选票的扫描件" in shown

    refused = first.post("/entry/decide", form(differing, stamp=""))
    assert refused.status_code == 403
    decided = decider.post("/entry/decide", form(differing, stamp=""))
    assert decided.status_code == 303, errors(decided)

    written = (station.data_dir / ENTERED).read_bytes()
    assert written.startswith(b"\xef\xbb\xbfballot_id,secretary_id,source,score,status,")
    assert read_rows(station.data_dir / ENTERED) == moved
    rescored = score(station.data_dir, station.out_dir)
    assert _results(rescored) == _results(scored)
    assert _ballots(rescored) == _ballots(scored)


def _results(scored) -> dict:
    document = json.loads(scored.results.to_json())
    document.pop("files")
    return document


def _ballots(scored) -> set[tuple]:
    return {
        (b.serial, b.score, b.status, b.problems, b.suggestions) for b in scored.results.ballots
    }


def test_only_agreed_and_decided_sheets_are_written_and_an_edit_unsettles_one(station):
    moved = take_out(station.data_dir, {"上述.csv": (0, 1, 3)})
    first, second = station.client("clerk1"), station.client("clerk2")
    enter(first, moved)
    assert read_rows(station.data_dir / ENTERED) == []  # one reading each: nothing settled
    enter(second, moved[:2])
    assert read_rows(station.data_dir / ENTERED) == moved[:2]
    edit = form(moved[0], version="1", score="1" if moved[0]["score"] != "1" else "2")
    assert second.post("/entry/save", edit).status_code == 303
    assert read_rows(station.data_dir / ENTERED) == moved[1:2]
    page = second.get("/entry/").data.decode()
    assert re.search(rf'id="mine-{moved[0]["ballot_id"]}".*?不一致：得分', page, re.S)
    compare = second.get("/entry/compare").data.decode()
    assert 'id="count-waiting">1<' in compare and moved[2]["ballot_id"] in compare


def test_a_clerk_sees_only_their_own_values(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    first, second, third = station.client("clerk1"), station.client("clerk2"), clerk3(station)
    secret_text = "甲独有的录入文字"
    enter(first, moved, **{moved[0]["ballot_id"]: {"problems": secret_text}})
    assert secret_text in first.get("/entry/").data.decode()
    for page in (
        second.get("/entry/"),
        second.get("/entry/compare"),
        second.post("/entry/open", {"serial": moved[0]["ballot_id"]}),
    ):
        assert page.status_code == 200
        assert secret_text not in page.data.decode()
    enter(second, moved)  # the second reading, without the text: the two differ
    compare = second.get("/entry/compare").data.decode()
    assert secret_text not in compare
    assert "您录入过这张选票，看不到另一人的录入" in compare
    assert secret_text in third.get("/entry/compare").data.decode()


def test_an_edit_of_a_stale_view_is_refused(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    first = station.client("clerk1")
    enter(first, moved)
    again = first.post("/entry/save", form(moved[0]))  # a second window's new entry
    assert again.status_code == 409
    assert "您已录入过这张选票" in again.data.decode()
    assert first.post("/entry/save", form(moved[0], version="1", score="3")).status_code == 303
    stale = first.post("/entry/save", form(moved[0], version="1", score="4"))
    assert stale.status_code == 409
    assert "这张选票的录入在您打开之后已被修改" in stale.data.decode()
    opened = first.post("/entry/open", {"serial": moved[0]["ballot_id"]}).data.decode()
    assert 'name="version" value="2"' in opened and 'name="score" value="3"' in opened


def test_unknown_serials_and_sheets_of_another_campaign_are_refused(station):
    first = station.client("clerk1")
    unknown = first.post("/entry/open", {"serial": "ZZZZ-ZZZZ"})
    assert unknown.status_code == 422
    assert "编号“ZZZZ-ZZZZ”不是本次考核发放的选票" in unknown.data.decode()
    saved = first.post("/entry/save", {"serial": "ZZZZ-ZZZZ", "status": "valid", "score": "5"})
    assert saved.status_code == 422
    foreign = _payload(station, fingerprint="00000000")
    refused = first.post("/entry/open", {"serial": foreign})
    assert refused.status_code == 422
    assert "这张选票不属于本次考核" in refused.data.decode()
    assert _entries(station) == 0


def test_scores_off_the_scale_and_statuses_without_them_are_refused(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    first = station.client("clerk1")
    cases = [
        ({"score": "11"}, "得分须为1至10的整数，现为“11”"),
        ({"score": "八"}, "得分须为1至10的整数"),
        ({"score": "", "status": "valid"}, "有效票须填写得分（1至10的整数）"),
        ({"score": "5", "status": "blank"}, "空白票不填得分"),
        ({"problems": "x" * 1501}, "内容过长（1501 字），不能超过 1500 字"),
    ]
    for changed, message in cases:
        response = first.post("/entry/save", form(moved[0], **changed))
        assert response.status_code == 422, changed
        assert any(message in shown for shown in errors(response)), (changed, errors(response))
    assert _entries(station) == 0
    full_width = first.post("/entry/save", form(moved[0], score="１０", status="valid"))
    assert full_width.status_code == 303  # typed with a Chinese IME: read as 10


def test_a_qr_payload_typed_by_a_barcode_reader_finds_the_sheet(station):
    moved = take_out(station.data_dir, {"下评.csv": (0,)})
    row, first = moved[0], station.client("clerk1")
    payload = _payload(station, row["ballot_id"])
    opened = first.post("/entry/open", {"serial": payload})
    assert opened.status_code == 200
    page = opened.data.decode()
    assert f'<h2 id="sheet-serial">{row["ballot_id"]}</h2>' in page
    assert re.search(r'id="sheet-source">下评<', page)
    assert first.post("/entry/save", form(row, serial=payload)).status_code == 303
    assert row["ballot_id"] in first.get("/entry/").data.decode()
    assert (
        first.post("/entry/open", {"serial": row["ballot_id"].lower().replace("-", "")}).status_code
        == 200
    )


def _payload(station, serial: str = "", fingerprint: str = "") -> str:
    from generator.load.register import read_register
    from generator.load.secret import read_secret
    from generator.model import serials
    from generator.model.ballot_code import LAYOUT_VERSION, BallotCode

    issued, _ = read_register(station.out_dir, [])
    sheet = next(b for b in issued if b.serial == serial) if serial else issued[0]
    mark = fingerprint or serials.fingerprint(read_secret(station.data_dir))
    code = BallotCode(LAYOUT_VERSION, 2022, sheet.serial, sheet.secretary_id, sheet.source, mark)
    return code.payload()


def _entries(station) -> int:
    from generator.station.store import entries

    with station.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(entries)).scalar()


def test_a_third_reading_and_a_serial_another_file_holds_are_refused(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    enter(station.client("clerk1"), moved)
    enter(station.client("clerk2"), moved)
    third = clerk3(station).post("/entry/save", form(moved[0]))
    assert third.status_code == 409
    assert "这张选票已由另外两名办事员录入" in third.data.decode()
    held = read_rows(station.data_dir / "ballots" / "上述.csv")[0]
    doubled = station.client("clerk1").post("/entry/save", form(held))
    assert doubled.status_code == 422
    assert f"选票 {held['ballot_id']} 已在 data/ballots/上述.csv:2 中" in doubled.data.decode()
    assert _entries(station) == 2


def test_the_committee_cannot_use_the_entry_pages(station):
    committee = station.client("committee1")
    for url in ("/entry/", "/entry/compare", "/entry/files", "/entry/scan/ABCD-EFGH/1"):
        assert committee.get(url).status_code == 403, url
    for url in ("/entry/open", "/entry/save", "/entry/decide", "/entry/files/upload"):
        assert committee.post(url, {"serial": "ABCD-EFGH"}).status_code == 403, url


def test_neither_the_audit_log_nor_the_store_keeps_what_was_typed_or_in_which_order(station):
    from generator.station.store import audit, entries

    moved = take_out(station.data_dir, {"上述.csv": (5, 1, 3, 0)})
    typed = sorted(moved, key=lambda row: row["problems"] + row["score"])
    assert typed != moved  # typed in another order than by serial
    differing = typed[0]
    enter(station.client("clerk1"), typed)
    enter(station.client("clerk2"), [differing], **{differing["ballot_id"]: {"score": "1"}})
    decided = clerk3(station).post("/entry/decide", form(differing, stamp="", score="1"))
    assert decided.status_code == 303
    with station.engine.connect() as connection:
        log = connection.execute(sa.select(audit.c.action, audit.c.detail)).all()
        stored = connection.exec_driver_sql("SELECT ballot_id FROM entries").scalars().all()
        updated = connection.execute(sa.select(entries.c.updated)).scalars().all()
        with pytest.raises(sa.exc.OperationalError):
            connection.exec_driver_sql("SELECT rowid FROM entries")
    entered = [detail for action, detail in log if action.startswith(("录入选票", "裁定选票"))]
    assert entered == [""] * 5 + [differing["ballot_id"]]
    everything = " ".join(f"{action} {detail}" for action, detail in log)
    texts = {row[name] for row in moved for name in ("problems", "suggestions")} - {""}
    assert texts and not any(text in everything for text in texts)
    assert not re.search(r"得分|score|\b(?:10|[1-9])\b", everything)
    assert stored == sorted(row["ballot_id"] for row in [*moved, differing])
    assert {(t.hour, t.minute, t.second) for t in updated} == {(0, 0, 0)}


def test_pages_keep_to_the_content_security_policy(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    first = station.client("clerk1")
    enter(first, moved)
    enter(station.client("clerk2"), moved, **{moved[0]["ballot_id"]: {"score": "1"}})
    pages = [
        first.get("/entry/"),
        first.post("/entry/open", {"serial": moved[0]["ballot_id"]}),
        clerk3(station).get("/entry/compare"),
        first.get("/entry/files"),
    ]
    for response in pages:
        page = response.data.decode()
        assert response.status_code == 200
        assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son\w+=", page)
        for match in re.finditer(r'<form[^>]*method="post"[^>]*>', page):
            after = page[match.end() : match.end() + 200]
            assert 'name="csrf"' in after, match.group(0)


def test_the_scan_of_a_differing_sheet_is_shown(station):
    moved = take_out(station.data_dir, {"上述.csv": (3,)})
    serial = moved[0]["ballot_id"]
    text = station.out_dir / "scan" / "text"
    text.mkdir(parents=True)
    (text / f"{serial}-问题和不足.png").write_bytes(b"\x89PNG\r\n\x1a\npicture")
    (text / "index.csv").write_text(
        f"ballot_id,box,content,image\n{serial},问题和不足,written,{serial}-问题和不足.png\n",
        encoding="utf-8",
    )
    enter(station.client("clerk1"), moved)
    enter(station.client("clerk2"), moved, **{serial: {"score": "1"}})
    third = clerk3(station)
    shown = section(third.get("/entry/compare").data.decode(), serial)
    assert f'src="/entry/scan/{serial}/1"' in shown and "扫描件：存在的问题和不足" in shown
    picture = third.get(f"/entry/scan/{serial}/1")
    assert picture.status_code == 200 and picture.data.endswith(b"picture")
    assert third.get(f"/entry/scan/{serial}/2").status_code == 404
    assert third.get("/entry/scan/..%2F..%2Fsecret/1").status_code == 404


def _filled_tally(station, entry: str, rows: list[dict[str, str]], changed: str = "") -> bytes:
    """Return the forms' tally workbook for one entry with the given sheets typed in."""
    book = openpyxl.load_workbook(station.out_dir / "forms" / f"计票表-录入{entry}.xlsx")
    labels = {"valid": "有效", "blank": "空白票", "invalid": "废票"}
    for row in rows:
        sheet = book[row["source"]]
        line = next(
            r for r in range(2, sheet.max_row + 1) if sheet[f"A{r}"].value == row["ballot_id"]
        )
        score = int(row["score"]) if row["score"] else None
        if changed == row["ballot_id"]:
            score = 1 if score != 1 else 2
        sheet[f"E{line}"], sheet[f"F{line}"] = score, labels[row["status"]]
        sheet[f"G{line}"], sheet[f"H{line}"] = row["problems"] or None, row["suggestions"] or None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, name: str, content: bytes):
    return client.post(
        "/entry/files/upload",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_tally_workbooks_are_checked_by_letters_reader_before_they_are_kept(station):
    moved = take_out(station.data_dir, {"上述.csv": (0, 1), "下评.csv": (2,)})
    first, ballots = station.client("clerk1"), station.data_dir / "ballots"
    kept = _upload(first, "我的A表.xlsx", _filled_tally(station, "A", moved))
    assert kept.status_code == 303
    assert "缺少录入B" in first.get("/entry/files").data.decode()
    assert (ballots / "计票表-录入A.xlsx").is_file()
    valid = next(row["ballot_id"] for row in moved if row["status"] == "valid")
    differing = _upload(first, "b.xlsx", _filled_tally(station, "B", moved, valid))
    assert differing.status_code == 422
    assert re.search(r"data/ballots/计票表-录入A\.xlsx:上述!E\d+: score: ", differing.data.decode())
    assert not (ballots / "计票表-录入B.xlsx").exists()
    assert _upload(first, "b.xlsx", _filled_tally(station, "B", moved)).status_code == 303
    assert (ballots / "计票表-录入B.xlsx").is_file()
    doubled = station.client("clerk2").post("/entry/save", form(moved[0]))
    assert doubled.status_code == 422 and "计票表-录入A.xlsx" in doubled.data.decode()


def test_a_faulty_ballot_file_is_refused_at_its_line_and_nothing_is_kept(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    first, ballots = station.client("clerk1"), station.data_dir / "ballots"
    before = sorted(p.name for p in ballots.iterdir())
    row = moved[0] | {"score": "11", "status": "valid"}
    content = (",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n").encode()
    refused = _upload(first, "../../etc/ballots.csv", content)
    assert refused.status_code == 422
    assert re.search(
        r"data/ballots/上传-[0-9a-f]{12}\.csv:2: score: 得分须为1至10的整数", refused.data.decode()
    )
    held = read_rows(ballots / "下评.csv")[0]
    duplicate = ",".join(held[c] for c in COLUMNS)
    refused = _upload(
        first, "dup.csv", (",".join(COLUMNS) + "\n" + duplicate + "\n").encode("utf-8")
    )
    assert refused.status_code == 422 and "选票编号重复（跨文件）" in refused.data.decode()
    assert _upload(first, "x.pdf", b"%PDF-1.7").status_code == 422
    assert sorted(p.name for p in ballots.iterdir()) == before
    good = (",".join(COLUMNS) + "\n" + ",".join(moved[0][c] for c in COLUMNS) + "\n").encode()
    assert _upload(first, "good.csv", good).status_code == 303
    files = first.get("/entry/files").data.decode()
    name = re.search(r"上传-[0-9a-f]{12}\.csv", files).group(0)
    assert first.post("/entry/files/remove", {"name": "上述.csv"}).status_code == 404
    assert first.post("/entry/files/remove", {"name": name}).status_code == 303
    assert sorted(p.name for p in ballots.iterdir()) == before


def test_a_decision_is_revised_only_from_the_decision_shown(station):
    moved = take_out(station.data_dir, {"上述.csv": (0,)})
    row = moved[0]
    enter(station.client("clerk1"), moved)
    enter(station.client("clerk2"), moved, **{row["ballot_id"]: {"score": "1"}})
    decider = clerk3(station)
    unchosen = decider.post("/entry/decide", form(row, stamp="", status=""))
    assert unchosen.status_code == 422 and "请选择票状态" in unchosen.data.decode()
    assert decider.post("/entry/decide", form(row, stamp="", score="1")).status_code == 303
    assert read_rows(station.data_dir / ENTERED)[0]["score"] == "1"
    page = decider.get("/entry/compare").data.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', section(page, row["ballot_id"])).group(1)
    again = decider.post("/entry/decide", form(row, stamp=""))
    assert again.status_code == 409 and "已被裁定或改判" in again.data.decode()
    assert decider.post("/entry/decide", form(row, stamp=stamp)).status_code == 303
    assert read_rows(station.data_dir / ENTERED) == moved
    stale = decider.post("/entry/decide", form(row, stamp=stamp, score="2"))
    assert stale.status_code == 409
    closed = station.client("clerk1").post("/entry/save", form(row, version="1", score="2"))
    assert closed.status_code == 409 and "这张选票已经裁定" in closed.data.decode()


def test_two_clerks_entering_at_once_lose_nothing(station):
    from concurrent.futures import ThreadPoolExecutor

    moved = take_out(station.data_dir, {"上述.csv": (0, 1, 3, 28), "下评.csv": (0, 2)})
    clerks = [station.client("clerk1"), station.client("clerk2")]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda client: enter(client, moved), clerks))
    assert _entries(station) == 2 * len(moved)
    assert read_rows(station.data_dir / ENTERED) == moved
