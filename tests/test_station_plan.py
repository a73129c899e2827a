"""方案与名单: campaign.yaml as a form, the secretaries in and out of XLSX, notice.md and its preview.

Everything saved must read back through the CLI's loaders; everything refused must leave the data
folder byte for byte as it was, with the loader's message where the clerk typed the value.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DIGEST = re.compile(r'name="digest" value="([0-9a-f]*)"')


@pytest.fixture(scope="module")
def untouched(sample_run, tmp_path_factory):
    """One station for the tests that must change nothing: its data folder is compared, file by
    file, once they have run."""
    from stationkit import make_campaign

    root = tmp_path_factory.mktemp("plan-untouched")
    campaign = make_campaign(root, sample_run / "data", sample_run / "output")
    before = _tree(campaign.data_dir)
    yield campaign
    assert _tree(campaign.data_dir) == before


def _tree(folder) -> dict[str, str]:
    """Return path → SHA-256 of the data folder's files, the station's own state aside."""
    return {
        path.relative_to(folder).as_posix(): _sha(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".station" not in path.relative_to(folder).parts
    }


def _digest(page) -> str:
    return DIGEST.search(page.data.decode()).group(1)


def _settings(station) -> tuple[object, dict[str, str]]:
    """Log in as the clerk; return the client and the settings form as the page fills it."""
    clerk = station.client("clerk1")
    page = clerk.get("/plan/").data.decode()
    found = re.findall(r'<input id="f-[^"]*" name="([^"]+)" value="([^"]*)"', page)
    fields = {name: html.unescape(value) for name, value in found}
    fields["meeting.mode"] = "现场"
    rules = re.search(r'<textarea id="f-rules" name="rules"[^>]*>\n(.*?)</textarea>', page, re.S)
    fields["rules"] = html.unescape(rules[1])
    fields["digest"] = DIGEST.search(page).group(1)
    return clerk, fields


def _error_at(page: str, dom_id: str) -> list[str]:
    """Return the messages shown next to one field."""
    return re.findall(rf'<span class="field-error" id="{dom_id}-error">([^<]*)</span>', page)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _audit(station) -> list[tuple[str, str, str]]:
    from generator.station.store import audit

    with station.engine.connect() as connection:
        rows = connection.execute(sa.select(audit.c.user_name, audit.c.action, audit.c.detail))
        return [tuple(row) for row in rows]


# --- settings --------------------------------------------------------------------------------


def test_settings_are_saved_into_campaign_yaml_and_read_back_by_the_loader(station):
    from generator.load.campaign import load_campaign_file

    clerk, form = _settings(station)
    assert form["notice.addressee"] == "各党支部"
    assert form["evaluators.branch.上述"] == "15"
    form |= {
        "notice.addressee": "各嘎查、村、社区党支部",
        "meeting.date": "2022-12-16",
        "evaluators.branch.下评": "27",
        "notice.number": "上党发〔2022〕50号",
    }
    response = clerk.post("/plan/settings", form)
    assert response.status_code == 302, response.data.decode()[:2000]
    path = station.data_dir / "campaign.yaml"
    campaign = load_campaign_file(path.read_bytes(), "campaign.yaml")
    assert campaign.notice.addressee == "各嘎查、村、社区党支部"
    assert campaign.notice.number == "上党发〔2022〕50号"
    assert campaign.meeting.date.isoformat() == "2022-12-16"
    assert campaign.evaluators["branch"] == {"上述": 15, "下评": 27}
    text = path.read_text(encoding="utf-8")
    assert "date: 2022-12-16\n" in text
    assert "  date: 2022-11-28                   # 成文日期\n" in text  # untouched, comment kept
    assert "# 计分与定等规则 / Scoring and grading rules" in text
    assert "已保存 campaign.yaml" in clerk.get("/plan/?saved=1").data.decode()
    assert ("clerk1", "保存方案设置 / saved the campaign settings",
            "notice.number、notice.addressee、meeting.date、evaluators.branch.下评") in _audit(station)  # fmt: skip


def test_an_unchanged_form_writes_nothing(untouched):
    clerk, form = _settings(untouched)
    before = (untouched.data_dir / "campaign.yaml").read_bytes()
    response = clerk.post("/plan/settings", form)
    assert response.status_code == 200
    assert "没有修改，文件未变" in response.data.decode()
    assert (untouched.data_dir / "campaign.yaml").read_bytes() == before


def test_a_bad_value_is_refused_with_the_loaders_message_at_its_field(untouched):
    clerk, form = _settings(untouched)
    before = (untouched.data_dir / "campaign.yaml").read_bytes()
    form |= {
        "year": "二〇二二",
        "notice.date": "2022-13-40",
        "notice.title": "关于开展述职评议的通知",
    }
    response = clerk.post("/plan/settings", form)
    page = response.data.decode()
    assert response.status_code == 422
    assert _error_at(page, "f-year") == ["须为整数 / must be an integer"]
    assert _error_at(page, "f-notice-date") == [
        "日期无效：2022-13-40，应为 YYYY-MM-DD / invalid date 2022-13-40; expected YYYY-MM-DD"
    ]
    assert _error_at(page, "f-notice-title")[0].startswith(
        "通知标题须以《》引出所印发的工作方案名称"
    )
    assert 'id="f-year" name="year" value="二〇二二"' in page  # what was typed stays in the form
    assert (untouched.data_dir / "campaign.yaml").read_bytes() == before


def test_a_date_out_of_order_is_shown_at_the_later_field(untouched):
    clerk, form = _settings(untouched)
    before = (untouched.data_dir / "campaign.yaml").read_bytes()
    response = clerk.post("/plan/settings", form | {"deadline": "2022-12-01"})
    assert response.status_code == 422
    assert _error_at(response.data.decode(), "f-deadline") == [
        "不能早于 meeting.date（2022-12-15），现为 2022-12-01 / "
        "must not be before meeting.date (2022-12-15), got 2022-12-01"
    ]
    assert (untouched.data_dir / "campaign.yaml").read_bytes() == before


def test_rules_are_edited_as_yaml_and_their_problems_shown_at_their_line(station):
    from generator.load.campaign import load_campaign_file

    clerk, form = _settings(station)
    path = station.data_dir / "campaign.yaml"
    before = path.read_bytes()
    wrong = form["rules"].replace("{上述: 0.7, 下评: 0.3}", "{上述: 0.8, 下评: 0.3}")
    response = clerk.post("/plan/settings", form | {"rules": wrong.replace("\n", "\r\n")})
    assert response.status_code == 422
    assert _error_at(response.data.decode(), "f-rules") == [
        "第 2 行：各来源权重之和须为1，现为 11/10 / weights must sum to 1, got 11/10"
    ]
    assert path.read_bytes() == before
    broken = form["rules"].replace("bands: {", "bands: {{")
    response = clerk.post("/plan/settings", form | {"rules": broken})
    assert response.status_code == 422
    assert _error_at(response.data.decode(), "f-rules")[0].startswith("第 5 行：YAML 语法错误")
    assert path.read_bytes() == before
    right = form["rules"].replace("rectification_days: 30", "rectification_days: 20")
    assert clerk.post("/plan/settings", form | {"rules": right}).status_code == 302
    assert load_campaign_file(path.read_bytes(), "campaign.yaml").rules.rectification_days == 20
    assert "# 综合评价结果 / Date of the 综合评价意见" in path.read_text(encoding="utf-8")


def test_an_issuer_whose_short_name_cannot_be_derived_is_asked_for_it(station):
    from generator.load.campaign import load_campaign_file

    clerk, form = _settings(station)
    form |= {"issuer.name": "中共某某学院委员会", "issuer.short": ""}
    page = clerk.post("/plan/settings", form).data.decode()
    assert _error_at(page, "f-issuer-short") == [
        "无法从 issuer.name（中共某某学院委员会）推出简称，请填写 issuer.short / "
        "cannot derive issuer.short from 中共某某学院委员会; set issuer.short"
    ]
    form |= {"issuer.short": "学院党委", "notice.copy_to": "校纪委，组织部"}
    assert clerk.post("/plan/settings", form).status_code == 302
    campaign = load_campaign_file((station.data_dir / "campaign.yaml").read_bytes(), "c.yaml")
    assert (campaign.issuer.short, campaign.issuer.town) == ("学院党委", "上海庙镇")
    assert campaign.notice.copy_to == ("校纪委", "组织部")


def test_values_are_spliced_into_the_text_and_missing_keys_added():
    from generator.station.plan_yaml import set_values, yaml_value

    text = "year: 2022  # 年度\nnotice:\n  copy_to:\n    - 甲\n  # 印发\n  printed_by: 乙\n"
    changed = set_values(
        text,
        {
            ("year",): yaml_value("int", "2023"),
            ("notice", "copy_to"): yaml_value("list", "丙, a: b"),
            ("notice", "date"): yaml_value("date", "2023-01-05"),
            ("results", "date"): yaml_value("date", "2023-02-01"),
        },
    )
    assert changed == (
        'year: 2023  # 年度\nnotice:\n  date: 2023-01-05\n  copy_to:\n    [丙, "a: b"]\n'
        "  # 印发\n  printed_by: 乙\nresults:\n  date: 2023-02-01\n"
    )
    assert set_values("results:\n", {("results", "date"): "2023-02-01"}) == (
        "results: {date: 2023-02-01}\n"
    )


def test_a_stale_settings_form_is_refused(station):
    clerk, form = _settings(station)
    path = station.data_dir / "campaign.yaml"
    changed_elsewhere = path.read_bytes().replace(b"addressee: \xe5", b"addressee:  \xe5")
    path.write_bytes(changed_elsewhere)
    response = clerk.post("/plan/settings", form | {"notice.printed_by": "镇党委办公室"})
    page = response.data.decode()
    assert response.status_code == 409
    assert "campaign.yaml 在您打开本页之后已被修改，为免覆盖他人的修改，本次未保存" in page
    assert "镇党委办公室" in page  # the clerk sees what was not saved
    assert path.read_bytes() == changed_elsewhere


# --- secretaries -----------------------------------------------------------------------------


def _export(clerk) -> bytes:
    response = clerk.get("/plan/secretaries.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.data


def _import(clerk, content: bytes, name: str = "名单.xlsx"):
    digest = _digest(clerk.get("/plan/secretaries"))
    return clerk.post(
        "/plan/secretaries/import",
        {"digest": digest, "workbook": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _secretaries(data_dir):
    from generator.load.folder import DataFolder
    from generator.load.secretaries import load_secretaries

    return load_secretaries(DataFolder(data_dir), None)


def test_the_secretaries_round_trip_through_xlsx(station):
    clerk = station.client("clerk1")
    before = _secretaries(station.data_dir)
    page = clerk.get("/plan/secretaries").data.decode()
    assert f"现有名单（secretaries.yaml，{len(before)} 名）" in page
    assert '<tr id="secretary-s01">' in page
    response = _import(clerk, _export(clerk))
    assert response.status_code == 200, response.data.decode()[-3000:]
    assert (
        f"已导入 {len(before)} 名书记（名单.xlsx），写入 secretaries.yaml" in response.data.decode()
    )
    after = _secretaries(station.data_dir)
    assert after == before
    assert [s.evaluators for s in after] == [s.evaluators for s in before]
    assert not (station.data_dir / "secretaries.xlsx").exists()
    assert list((station.data_dir / ".station" / "replaced").glob("*-secretaries.yaml"))
    assert any(action.startswith("导入书记名单") for _, action, _ in _audit(station))


def test_a_workbook_with_errors_is_shown_by_cell_and_writes_nothing(untouched):
    clerk = untouched.client("clerk1")
    book = openpyxl.load_workbook(io.BytesIO(_export(clerk)))
    sheet = book.active
    sheet["F3"] = "2022-13-40"
    sheet["E4"] = "leader"
    stream = io.BytesIO()
    book.save(stream)
    before = _sha(untouched.data_dir / "secretaries.yaml")
    response = _import(clerk, stream.getvalue())
    page = response.data.decode()
    assert response.status_code == 422
    assert "未导入：名单.xlsx 中有 2 处问题" in page
    assert "<code>secretaries.xlsx:书记名单!F3</code></td><td>appointed</td>" in page
    assert "日期无效：2022-13-40，应为 YYYY-MM-DD / invalid date 2022-13-40" in page
    assert "<code>secretaries.xlsx:书记名单!E4</code></td><td>role</td>" in page
    assert "须为 branch、committee 之一，现为 leader" in page
    assert _sha(untouched.data_dir / "secretaries.yaml") == before
    assert not (untouched.data_dir / "secretaries.xlsx").exists()


def test_only_small_real_workbooks_are_taken(untouched):
    clerk = untouched.client("clerk1")
    before = _sha(untouched.data_dir / "secretaries.yaml")
    fake = _import(clerk, b"id,name\ns01,x\n", "名单.xlsx")
    assert fake.status_code == 400
    assert "名单.xlsx：内容不是 xlsx 文件" in fake.data.decode()
    other = _import(clerk, b"id,name\n", "名单.csv")
    assert "名单.csv：只接受 xlsx 文件" in other.data.decode()
    big = _import(clerk, b"PK\x03\x04" + bytes(4 << 20), "名单.xlsx")
    assert big.status_code == 400
    assert "超过 4 MB 上限" in big.data.decode()
    assert _sha(untouched.data_dir / "secretaries.yaml") == before


def test_an_import_replaces_a_secretaries_xlsx_that_would_shadow_the_list(station):
    clerk = station.client("clerk1")
    workbook = _export(clerk)
    (station.data_dir / "secretaries.xlsx").write_bytes(workbook)
    page = clerk.get("/plan/secretaries").data.decode()
    assert "secretaries.yaml 与 secretaries.xlsx 同时存在，请只保留一个" in page
    assert _import(clerk, workbook).status_code == 200
    assert not (station.data_dir / "secretaries.xlsx").exists()
    assert len(_secretaries(station.data_dir)) == 19
    kept = sorted(
        p.name.split("-", 1)[1] for p in (station.data_dir / ".station/replaced").iterdir()
    )
    assert kept == ["secretaries.xlsx", "secretaries.yaml"]


def test_an_item_that_excel_would_split_is_pointed_out(station):
    path = station.data_dir / "secretaries.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("（已整改）", "；已整改", 1), encoding="utf-8"
    )
    page = station.client("clerk1").get("/plan/secretaries").data.decode()
    assert "注意：包甲子（s01） 的必答题或上年度问题中有一项含“；”或换行" in page


def test_a_stale_import_is_refused(station):
    clerk = station.client("clerk1")
    workbook = _export(clerk)
    digest = _digest(clerk.get("/plan/secretaries"))
    path = station.data_dir / "secretaries.yaml"
    path.write_bytes(path.read_bytes() + b"\n")
    response = clerk.post(
        "/plan/secretaries/import",
        {"digest": digest, "workbook": (io.BytesIO(workbook), "名单.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    assert "书记名单 在您打开本页之后已被修改" in response.data.decode()


# --- notice.md -------------------------------------------------------------------------------


def _notice(station) -> str:
    return (station.data_dir / "notice.md").read_text(encoding="utf-8")


def test_the_preview_returns_the_notices_pages_as_png_without_touching_the_secret(untouched):
    import pypdfium2 as pdfium

    clerk = untouched.client("clerk1")
    secret = _sha(untouched.data_dir / ".ballot-secret")
    draft = _notice(untouched).replace("各党支部书记", "各党支部书记同志", 1)
    response = clerk.post("/plan/notice/preview", {"notice": draft})
    assert response.status_code == 200
    result = response.get_json()
    assert result["problems"] == []
    printed = pdfium.PdfDocument(str(untouched.out_dir / "forms" / "通知.pdf"))
    assert len(result["pages"]) == len(printed) >= 8
    for page in result["pages"]:
        assert page.startswith("data:image/png;base64,")
        assert base64.b64decode(page.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    assert _sha(untouched.data_dir / ".ballot-secret") == secret
    assert _notice(untouched) != draft  # a preview saves nothing


def test_a_draft_with_a_problem_previews_its_line_instead_of_pages(untouched):
    clerk = untouched.client("clerk1")
    response = clerk.post(
        "/plan/notice/preview", {"notice": "# 一、总体要求\n\n正文。\n\n### 跳级\n"}
    )
    result = response.get_json()
    assert result["pages"] == []
    assert [(p["line"], p["message"]) for p in result["problems"]] == [
        (5, "3级标题前缺少2级标题 / level-3 heading without a level-2 heading above")
    ]


def test_the_preview_works_without_script(untouched):
    clerk = untouched.client("clerk1")
    digest = _digest(clerk.get("/plan/notice"))
    response = clerk.post(
        "/plan/notice", {"notice": _notice(untouched), "digest": digest, "action": "preview"}
    )
    page = response.data.decode()
    assert response.status_code == 200
    assert page.count('<img src="data:image/png;base64,') >= 8
    assert '<img src="data:image/png;base64,' in page


def test_a_draft_is_bounded(untouched):
    clerk = untouched.client("clerk1")
    response = clerk.post("/plan/notice/preview", {"notice": "# 标题\n\n" + "字" * 30_000})
    assert response.get_json()["problems"][0]["message"].startswith(
        "正文 30006 字，超过上限 30000 字"
    )


def test_notice_md_is_saved_only_when_the_reader_accepts_it(station):
    from generator.load.plan import read_plan

    clerk = station.client("clerk1")
    path = station.data_dir / "notice.md"
    before = path.read_bytes()
    digest = _digest(clerk.get("/plan/notice"))
    bad = clerk.post(
        "/plan/notice", {"notice": "## 无一级标题\n", "digest": digest, "action": "save"}
    )
    assert bad.status_code == 422
    assert (
        '<button type="button" class="line-link" data-line="1">第 1 行</button>'
        in bad.data.decode()
    )
    assert "2级标题前缺少1级标题" in bad.data.decode()
    assert path.read_bytes() == before
    draft = before.decode().replace("\n", "\r\n") + "\r\n# 附则\r\n\r\n本方案自印发之日起施行。\r\n"
    saved = clerk.post("/plan/notice", {"notice": draft, "digest": digest, "action": "save"})
    assert saved.status_code == 302
    assert b"\r" not in path.read_bytes()
    assert read_plan(path.read_bytes(), "notice.md")[-1].text == "本方案自印发之日起施行。"
    assert ("clerk1", "保存工作方案正文 / saved notice.md") in [a[:2] for a in _audit(station)]
    stale = clerk.post("/plan/notice", {"notice": draft, "digest": digest, "action": "save"})
    assert stale.status_code == 409
    assert "notice.md 在您打开本页之后已被修改" in stale.data.decode()


# --- roles -----------------------------------------------------------------------------------


def test_only_the_clerk_uses_the_plan(untouched):
    committee = untouched.client("committee1")
    for url in ("/plan/", "/plan/secretaries", "/plan/secretaries.xlsx", "/plan/notice"):
        assert committee.get(url).status_code == 403, url
    for url in (
        "/plan/settings",
        "/plan/secretaries/import",
        "/plan/notice",
        "/plan/notice/preview",
    ):
        assert committee.post(url, {}).status_code == 403, url
    assert untouched.client("admin1").get("/plan/").status_code == 200
