"""The station's guard: login, roles, CSRF, the login limit, uploads, and the CLI's accounts."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from stationkit import hold_slot, password

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _urls(app) -> list[tuple[str, set[str]]]:
    """Every route with sample arguments filled in, and its methods."""
    samples = {"job_id": "1", "folder": "forms", "relative": "x.pdf", "ballot_id": "ABCD-EFGH"}
    found = []
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", samples.get(name, "1"), url)
        found.append((url, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return found


def test_healthz_answers_without_login(station):
    response = station.client().get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok"


def test_every_route_but_healthz_and_login_refuses_the_anonymous(station):
    client = station.client()
    checked = 0
    for url, methods in _urls(station.app):
        if url in ("/healthz", "/login") or url.startswith("/static"):
            continue
        for method in methods:
            response = client.client.open(url, method=method)
            if method == "GET":
                assert response.status_code == 302, (url, response.status_code)
                assert response.headers["Location"].startswith("/login"), url
            else:
                assert response.status_code in (400, 401), (method, url, response.status_code)
            checked += 1
    assert checked >= 15


def test_a_wrong_password_is_refused_and_guessing_is_limited(station):
    client = station.client()
    for _ in range(5):
        response = client.client.post("/login", data={"name": "clerk1", "password": "wrong"})
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.data.decode()
    response = client.client.post("/login", data={"name": "clerk1", "password": password("clerk1")})
    assert response.status_code == 429
    assert "尝试过于频繁" in response.data.decode()


def test_a_form_without_the_csrf_token_is_refused(station):
    client = station.client("clerk1")
    response = client.client.post("/prepare/run", data={})
    assert response.status_code == 400
    assert "表单已过期或来源不明" in response.data.decode()
    response = client.client.post("/prepare/run", data={"csrf": "0" * 64})
    assert response.status_code == 400


def test_roles_keep_to_their_pages(station):
    committee, clerk = station.client("committee1"), station.client("clerk1")
    assert committee.get("/entry/").status_code == 403
    assert committee.get("/prepare/").status_code == 403
    assert clerk.get("/grading/").status_code == 403
    assert clerk.get("/users").status_code == 403
    assert station.client("admin1").get("/users").status_code == 200


def test_logging_out_ends_the_session(station):
    client = station.client("clerk1")
    assert client.get("/prepare/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/prepare/").status_code == 302


def test_a_name_with_markup_shows_as_text(station):
    admin = station.client("admin1")
    response = admin.post(
        "/users", data={"name": "<script>alert(1)</script>", "role": "clerk", "password": "x" * 9}
    )
    assert "<script>alert(1)</script>" not in response.data.decode()
    assert "用户名须为" in response.data.decode()


def test_pages_forbid_inline_scripts(station):
    response = station.client("clerk1").get("/prepare/")
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_uploads_are_checked_and_their_names_never_become_paths():
    from werkzeug.datastructures import FileStorage

    from generator.station.files import UploadError, display_name, take_upload

    def storage(name: str, content: bytes) -> FileStorage:
        return FileStorage(io.BytesIO(content), filename=name)

    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\clerk\\扫描1.pdf") == "扫描1.pdf"
    assert display_name("..") == "未命名"
    taken = take_upload(storage("../../扫描.pdf", b"%PDF-1.7 ..."), {"pdf"}, 1 << 20)
    assert taken.label == "扫描.pdf"
    with pytest.raises(UploadError, match="只接受"):
        take_upload(storage("a.exe", b"MZ"), {"pdf"}, 1 << 20)
    with pytest.raises(UploadError, match="内容不是 pdf"):
        take_upload(storage("a.pdf", b"MZ not a pdf"), {"pdf"}, 1 << 20)
    with pytest.raises(UploadError, match="超过"):
        take_upload(storage("a.pdf", b"%PDF-" + b"0" * (2 << 20)), {"pdf"}, 1 << 20)


def test_an_account_is_made_from_the_command_line(tmp_path):
    (tmp_path / "campaign.yaml").write_text("year: 2022\n")
    command = [sys.executable, "-m", "generator", "user", "add", "张三", "--role", "clerk"]
    command += ["--data", str(tmp_path), "--password-stdin"]
    made = subprocess.run(command, input="long-enough\n", capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "已设置账号 张三" in made.stderr
    short = subprocess.run(command, input="short\n", capture_output=True, text=True)
    assert short.returncode == 2
    assert "密码至少 8 位" in short.stderr
    from generator.station.accounts import authenticate
    from generator.station.store import database_url, open_store

    engine = open_store(database_url(tmp_path))
    assert authenticate(engine, "张三", "long-enough", "test") is not None


def test_the_committee_cannot_enter_ballots_nor_the_clerk_grade(station):
    committee, clerk = station.client("committee1"), station.client("clerk1")
    sheet = {"serial": "ABCD-EFGH", "version": "0", "status": "valid", "score": "9"}
    assert committee.post("/entry/save", sheet).status_code == 403
    assert committee.post("/entry/decide", sheet).status_code == 403
    assert committee.post("/prepare/run").status_code == 403
    grade = {"achievements": "", "problems": "", "grade": "好", "reason": "x", "digest": ""}
    assert clerk.post("/grading/s05", grade).status_code == 403
    assert not any((station.data_dir / "ballots").glob("录入*"))


def test_a_second_click_shows_the_run_that_is_going(station):
    from generator.station.jobs import latest_jobs

    running = hold_slot(station.engine, "forms", "clerk2", progress=300, log="选票…")
    clerk = station.client("clerk1")
    response = clerk.post("/prepare/run", follow_redirects=True)
    page = response.data.decode()
    assert response.status_code == 200
    assert [job.id for job in latest_jobs(station.engine)] == [running]
    assert "clerk2" in page and "进行中" in page and 'value="30"' in page
    assert "生成会前材料</button>" in page and "disabled" in page


def test_a_secretary_named_with_markup_shows_as_text(station):
    path = station.data_dir / "secretaries.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.split("name: ", 1)[1].split("\n", 1)[0]
    markup = "<img src=x onerror=alert(1)>"  # a name may not hold "/"
    path.write_text(text.replace(first, f'"{markup}"', 1), encoding="utf-8")
    for client, url in (
        (station.client("clerk1"), "/plan/secretaries"),
        (station.client("committee1"), "/grading/"),
    ):
        page = client.get(url).data.decode()
        assert markup not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


def test_serve_answers_healthz_sends_the_anonymous_to_login_and_stops_cleanly(tmp_path):
    import shutil
    import socket
    import time
    import urllib.error
    import urllib.request

    from helpers import DATA

    shutil.copytree(DATA, tmp_path / "data")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "generator", "serve", "--data", str(tmp_path / "data")]
    command += ["--out", str(tmp_path / "out"), "--port", str(port)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as answer:
                    assert answer.status == 200 and answer.read() == b"ok"
                    break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and server.poll() is None, "serve did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/entry/") as page:
            assert page.url.endswith("/login?next=/entry/")
        server.terminate()  # as a service manager stops it
        _, err = server.communicate(timeout=20)
        assert server.returncode == 0 and "工作站已停止 / the station has stopped" in err, err
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


def test_serve_refuses_a_folder_that_is_no_campaign(tmp_path):
    command = [sys.executable, "-m", "generator", "serve", "--data", str(tmp_path)]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "不是考核数据目录 / not a campaign data folder" in refused.stderr


def test_the_first_page_says_where_the_year_stands(station):
    page = station.client("clerk1").get("/").data.decode()
    steps = dict(re.findall(r'<tr id="step-(\w+)">.*?<td class="\w+">([^<]+)</td>', page, re.S))
    assert steps["plan"] == "✓ 2022 年度，19 名书记"
    assert steps["prepare"].startswith("✓ 已生成，发出选票 ")
    assert steps["entry"] == "尚无录入的选票"
    assert steps["scanning"] == "尚未读取扫描件"
    assert steps["archive"] == "✓ 结果与归档已生成"  # the sample's results.json came along
    assert "grading" not in steps  # the committee's step is not the clerk's
    committee = station.client("committee1").get("/").data.decode()
    assert 'id="step-grading"' in committee and "名书记的综合评价" in committee
    (station.data_dir / "campaign.yaml").write_text("year: 二〇二二\n", encoding="utf-8")
    page = station.client("clerk1").get("/").data.decode()
    assert "！有 " in page and " 处问题待修正" in page
