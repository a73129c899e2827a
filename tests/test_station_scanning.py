"""The station's 扫描 page: scans taken, read by the `scan` job, pages in doubt decided, texts typed.

A dozen of the sample's own returned sheets for s01 are marked as their typed ballots say and
scanned (tests/scanlab.py), two with a doubtful mark and one with its QR code smudged; their rows
leave the typed files. Decided on the page and read again, they give s01 the very result the
typed ballots gave (but the texts, still pictures); a transcription gives a ballot its text.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

import scanlab
from paper import DOUBTFUL, drop_typed, scanned_stack, typed_ballots
from stationkit import make_campaign

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECRETARY = "s01"


# --- the campaign scanned -----------------------------------------------------------------------


def wait_for_scan(campaign, timeout: float = 120.0):
    from generator.station.jobs import job, latest_jobs

    started = latest_jobs(campaign.engine, "scan", limit=1)[0]
    deadline = time.monotonic() + timeout
    while (found := job(campaign.engine, started.id)) is not None and found.running:
        assert time.monotonic() < deadline, found.log
        time.sleep(0.1)
    assert found is not None and found.state == "done", found.log if found else None
    return found


def upload(client, path: Path, name: str):
    with open(path, "rb") as stream:
        return client.post(
            "/scanning/upload",
            {"scans": [(stream, name)]},
            content_type="multipart/form-data",
            follow_redirects=True,
        )


@pytest.fixture(scope="module")
def scanned(sample_run, tmp_path_factory):
    """The sample after `forms`, s01's stack uploaded and read by the station's scan job:
    (data folder, output folder, typed ballots, case by serial)."""
    root = tmp_path_factory.mktemp("station-scanned")
    campaign = make_campaign(root, sample_run / "data", sample_run / "output")
    typed = typed_ballots(campaign.data_dir)
    stack, cases = scanned_stack(scanlab.Forms(campaign.out_dir), typed, root / "paper")
    drop_typed(campaign.data_dir, set(cases))
    clerk = campaign.client("clerk1")
    assert "已保存 评议表扫描.pdf" in upload(clerk, stack, "评议表扫描.pdf").data.decode()
    assert clerk.post("/scanning/run").status_code == 302
    wait_for_scan(campaign)
    return campaign.data_dir, campaign.out_dir, typed, cases


@pytest.fixture
def desk(scanned, tmp_path):
    """A station of its own on a copy of the scanned campaign."""
    data_dir, out_dir, typed, cases = scanned
    return make_campaign(tmp_path, data_dir, out_dir), typed, cases


def collected(campaign):
    from generator.load.ballots.reading import collect_ballots
    from generator.load.data import load_campaign_data
    from generator.load.folder import DataFolder
    from generator.load.secret import read_secret

    folder = DataFolder(campaign.data_dir)
    data = load_campaign_data(folder, plan=False)
    return collect_ballots(
        folder, campaign.out_dir, data.campaign, data.secretaries, read_secret(campaign.data_dir)
    )


def review_rows(campaign) -> dict[str, int]:
    """Return the page in review for each reason, by its row in sheets.csv."""
    from generator.station.scan_queue import read_sheets

    return {s.reason: s.row for s in read_sheets(campaign.out_dir) if s.decision == "review"}


def form_fields(page: str) -> dict[str, str]:
    """Return the decision form's hidden fields as the page shows them."""
    return dict(re.findall(r'<input type="hidden" name="(scan|seen)" value="([^"]*)">', page))


def audit_lines(campaign) -> list[str]:
    import sqlalchemy as sa

    from generator.station.store import audit

    with campaign.engine.connect() as connection:
        return [f"{r.action} {r.detail}" for r in connection.execute(sa.select(audit))]


# --- uploads ------------------------------------------------------------------------------------


def test_an_upload_is_kept_under_a_name_the_station_makes(station, tmp_path, monkeypatch):
    clerk = station.client("clerk1")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7 a scanner's file")
    page = upload(clerk, scan, "../../etc/扫描 第1批.pdf").data.decode()
    stored = sorted((station.data_dir / "scans").glob("*.pdf"))
    assert [p.name for p in stored] == [f"{hashlib.sha256(scan.read_bytes()).hexdigest()[:16]}.pdf"]
    assert "扫描 第1批.pdf" in page and "etc" not in page
    assert not (station.data_dir.parent / "etc").exists()
    assert "与已保存的 扫描 第1批.pdf 相同" in upload(clerk, scan, "again.pdf").data.decode()
    wrong = tmp_path / "wrong.pdf"
    wrong.write_bytes(b"MZ not a pdf")
    assert "内容不是 pdf" in upload(clerk, wrong, "wrong.pdf").data.decode()
    assert "只接受" in upload(clerk, wrong, "tool.exe").data.decode()
    monkeypatch.setattr("generator.station.pages.scanning.FILE_MAX", 10)
    assert "超过" in upload(clerk, scan, "big.pdf").data.decode()
    assert len(list((station.data_dir / "scans").iterdir())) == 2  # the scan and its index
    assert any("扫描 第1批.pdf" in line for line in audit_lines(station))


def test_a_file_of_the_scanner_folder_is_taken_by_one_click(station, tmp_path):
    folder = station.data_dir / "扫描件"
    folder.mkdir()
    (folder / "MFP_0001.pdf").write_bytes(b"%PDF-1.7 from the MFP")
    (folder / "notes.txt").write_text("not a scan")
    clerk = station.client("clerk1")
    page = clerk.get("/scanning/").data.decode()
    assert "MFP_0001.pdf" in page and "notes.txt" not in page
    taken = clerk.post("/scanning/take", {"name": "MFP_0001.pdf"}, follow_redirects=True)
    assert "已保存 MFP_0001.pdf" in taken.data.decode()
    assert "已导入" in taken.data.decode()
    refused = clerk.post("/scanning/take", {"name": "../campaign.yaml"}, follow_redirects=True)
    assert "扫描文件夹中没有这个文件" in refused.data.decode()
    assert len(list((station.data_dir / "scans").glob("*.pdf"))) == 1


def test_the_committee_cannot_open_the_page(desk):
    campaign, _, _ = desk
    committee = campaign.client("committee1")
    row = min(review_rows(campaign).values())
    for url in (
        "/scanning/",
        f"/scanning/review/{row}",
        f"/scanning/review/{row}.png",
        "/scanning/texts",
    ):
        assert committee.get(url).status_code == 403, url
    assert committee.post(f"/scanning/review/{row}", {"decision": "blank"}).status_code == 403
    assert committee.post("/scanning/run").status_code == 403


# --- the queue ----------------------------------------------------------------------------------


def test_the_doubtful_pages_wait_in_the_queue_with_their_pictures(desk):
    campaign, _, _ = desk
    clerk = campaign.client("clerk1")
    rows = review_rows(campaign)
    assert set(rows) == set(DOUBTFUL)
    page = clerk.get("/scanning/").data.decode()
    assert "还有 <strong>3</strong> 页待人工判定" in page
    assert "淡痕或不清晰的记号" in page and "二维码无法识别" in page
    review = clerk.get(f"/scanning/review/{rows['faint']}").data.decode()
    assert f'src="/scanning/review/{rows["faint"]}.png"' in review
    assert 'data-key="b"' in review and 'data-key="x"' in review and "scanning.js" in review
    assert "style=" not in review and "<script>" not in review
    picture = clerk.get(f"/scanning/review/{rows['faint']}.png")
    assert picture.mimetype == "image/png"
    image = cv2.imdecode(np.frombuffer(picture.data, np.uint8), cv2.IMREAD_COLOR)
    red = (image[:, :, 2] > 200) & (image[:, :, 1] < 40) & (image[:, :, 0] < 40)
    assert 200 < np.count_nonzero(red) < 5000  # one faint cell outlined, not the page
    accept = clerk.get(f"/scanning/review/{rows['two_candidates']}").data.decode()
    assert 'id="decide-accept"' in accept and 'data-key="Enter"' in accept
    assert (
        'id="decision-serial"'
        in clerk.get(f"/scanning/review/{rows['qr_unreadable']}").data.decode()
    )


def test_decisions_count_once_the_scans_are_read_again(desk, sample_run):
    from generator.pipeline.letters import score

    campaign, typed, cases = desk
    clerk = campaign.client("clerk1")
    rows = review_rows(campaign)
    by_case = {case: typed[serial] for serial, case in cases.items() if case in DOUBTFUL}
    faint = clerk.get(f"/scanning/review/{rows['faint']}").data.decode()
    stale = clerk.post(
        f"/scanning/review/{rows['faint']}",
        {**form_fields(faint), "seen": "0", "decision": "blank"},
    )
    assert stale.status_code == 409 and "页面已过期" in stale.data.decode()
    assert not (campaign.data_dir / "scan-review.csv").exists()
    decided = clerk.post(
        f"/scanning/review/{rows['faint']}",
        {
            **form_fields(faint),
            "decision": by_case["faint"]["score"],
            "note": "淡痕为\x00本人\n勾选",
        },
    )
    assert decided.status_code == 302
    two = clerk.get(decided.headers["Location"]).data.decode()
    assert (
        clerk.post(
            f"/scanning/review/{rows['two_candidates']}", {**form_fields(two), "decision": "accept"}
        ).status_code
        == 302
    )
    unread = clerk.get(f"/scanning/review/{rows['qr_unreadable']}").data.decode()
    never = clerk.post(
        f"/scanning/review/{rows['qr_unreadable']}",
        {**form_fields(unread), "serial": "ZZZZ-ZZZZ", "decision": "blank"},
    )
    assert never.status_code == 400 and "编号未发放" in never.data.decode()
    qr = by_case["qr_unreadable"]
    answer = {
        **form_fields(unread),
        "serial": qr["ballot_id"].lower(),
        "decision": "typed",
        "score": qr["score"],
    }
    assert clerk.post(f"/scanning/review/{rows['qr_unreadable']}", answer).status_code == 302
    written = (campaign.data_dir / "scan-review.csv").read_text(encoding="utf-8").splitlines()
    expected = sorted(f"{b['ballot_id']},{b['score']},valid," for b in by_case.values())
    assert written[0] == "ballot_id,score,status,note"
    assert [line.removesuffix("淡痕为本人 勾选") for line in written[1:]] == expected
    page = clerk.get("/scanning/").data.decode()
    assert "3</strong> 页的判定尚未生效" in page
    assert any("scan/sheets.csv" in p.file for p in collected(campaign).problems)  # not yet
    assert clerk.post("/scanning/run").status_code == 302
    wait_for_scan(campaign)
    assert "扫描件已全部读取并判定" in clerk.get("/scanning/").data.decode()
    assert not collected(campaign).problems
    results = json.loads(score(campaign.data_dir, campaign.out_dir).results.to_json())
    sample = json.loads((sample_run / "output" / "results.json").read_text(encoding="utf-8"))
    mine, theirs = (
        next(s for s in r["secretaries"] if s["id"] == SECRETARY) for r in (results, sample)
    )
    assert mine.pop("comments") != theirs.pop("comments")  # the handwriting is not typed yet
    assert mine == theirs
    log = "\n".join(audit_lines(campaign))
    assert "判定扫描页" in log and "淡痕为本人" not in log


# --- transcription ------------------------------------------------------------------------------


def test_a_transcription_becomes_the_ballots_text(desk):
    campaign, typed, cases = desk
    clerk = campaign.client("clerk1")
    page = clerk.get("/scanning/texts").data.decode()
    written = [s for s, case in cases.items() if case == "ordinary" and typed[s]["problems"]]
    assert written and all(f'id="ballot-{serial}"' in page for serial in written)
    serial = written[0]
    picture = clerk.get(f"/scanning/texts/{serial}/problems.png")
    assert picture.mimetype == "image/png" and picture.data.startswith(b"\x89PNG")
    assert clerk.get(f"/scanning/texts/{serial}/..%2F..%2Fcampaign.png").status_code == 404
    seen = re.search(rf'id="text-{serial}".*?name="seen" value="([0-9a-f]+)"', page, re.S).group(1)
    text = typed[serial]["problems"]
    saved = clerk.post(
        f"/scanning/texts/{serial}",
        {"seen": seen, "problems": text + "\r\n"},
        follow_redirects=True,
    )
    assert f"已保存 {serial} 的转录" in saved.data.decode()
    lines = (campaign.data_dir / "scan-text.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["ballot_id,problems,suggestions", f"{serial},{text},"]
    again = clerk.post(
        f"/scanning/texts/{serial}", {"seen": seen, "problems": "别的"}, follow_redirects=True
    )
    assert "他人已修改" in again.data.decode()
    ballot = next(b for b in collected(campaign).ballots if b.serial == serial)
    assert ballot.problems == text
    assert text not in "\n".join(audit_lines(campaign))


def test_a_transcription_of_a_sheet_not_scanned_is_an_input_error(desk):
    campaign, _, _ = desk
    (campaign.data_dir / "scan-text.csv").write_text(
        "ballot_id,problems,suggestions\nNONE-SUCH,某问题,\n", encoding="utf-8"
    )
    problems = [p for p in collected(campaign).problems if p.file.endswith("scan-text.csv")]
    assert [(p.where, p.field) for p in problems] == [("2", "ballot_id")]
    assert "不在扫描读取的选票中" in problems[0].zh
