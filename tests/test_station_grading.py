"""评定: the committee sees what `letters` computes and writes assessment.yaml as the CLI reads it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import yaml
from markupsafe import escape

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HIDDEN = re.compile(r'name="(digest|entry)" value="([0-9a-f]*)"')


def _scored(station):
    from generator.pipeline.letters import score

    return score(station.data_dir, station.out_dir).results


def _entry_of(results, ident: str) -> dict:
    return next(r.to_dict() for r in results.secretaries if r.secretary.id == ident)


def _versions(page: str) -> dict[str, str]:
    """Return the file and entry digests a form was filled with."""
    return dict(HIDDEN.findall(page))


def _assessment(station) -> bytes:
    return (station.data_dir / "assessment.yaml").read_bytes()


def _edited(station, old: str, new: str) -> bytes:
    """Change the first place assessment.yaml says `old`, as another member saving would."""
    theirs = _assessment(station).replace(old.encode(), new.encode(), 1)
    (station.data_dir / "assessment.yaml").write_bytes(theirs)
    return theirs


def _form(**fields: str) -> dict[str, str]:
    blank = dict.fromkeys(
        ("achievements", "problems", "major_failure", "held_accountable", "grade", "reason"), ""
    )
    return {**blank, **fields}


def _save(client, ident: str, **fields: str):
    """Open the secretary's page and save the form with these fields, as the browser does."""
    page = client.get(f"/grading/{ident}").data.decode()
    return client.post(f"/grading/{ident}", _form(**fields) | _versions(page))


def test_the_committee_sees_what_letters_computes(station):
    results = _scored(station)
    client = station.client("committee1")
    overview = client.get("/grading/").data.decode()
    distribution = results.distribution.to_dict()
    assert f'id="below-share">{distribution["below_good_share"]}<' in overview
    for ident in ("s07", "s13"):
        expected = _entry_of(results, ident)
        row = overview.split(f'id="row-{ident}"')[1].split("</tr>")[0]
        assert expected["score"] in row and expected["grade"] in row
        page = client.get(f"/grading/{ident}").data.decode()
        assert f'id="result-score">{expected["score"]}<' in page
        assert f'id="result-score-grade">{expected["score_grade"]}<' in page
        assert f">{expected['grade']}</td>" in page.split('id="result-grade"')[1]
        assert f'id="result-low-vote">{expected["low_vote_share"]}<' in page
        for reason in expected["reasons"]:
            assert f"<li>{escape(reason)}</li>" in page
        for source, count in expected["ballots"].items():
            assert f"<td>{source}</td>" in page and f">{count['mean']}</td>" in page
    assert "等次已依规定确定为“差”" in page  # s13: the low votes force 差


def test_an_override_with_its_reason_changes_the_grade_and_keeps_the_others(station):
    before = yaml.safe_load(_assessment(station))
    client = station.client("committee1")
    response = _save(
        client,
        "s01",
        achievements="带头推进网格化管理\n\n  党建引领乡村振兴  ",
        problems="发展党员计划性不强",
        grade="较好",
        reason="实地调研发现整改不到位",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "已保存" in page
    assert ">较好</td>" in page.split('id="result-grade"')[1]
    after = yaml.safe_load(_assessment(station))
    assert after["s01"] == {
        "achievements": ["带头推进网格化管理", "党建引领乡村振兴"],
        "problems": ["发展党员计划性不强"],
        "grade": "较好",
        "reason": "实地调研发现整改不到位",
    }
    assert {k: v for k, v in after.items() if k != "s01"} == {
        k: v for k, v in before.items() if k != "s01"
    }
    assert list(after) == list(before)
    s01 = _entry_of(_scored(station), "s01")
    assert (s01["score_grade"], s01["grade"]) == ("好", "较好")
    assert any("实地调研发现整改不到位" in reason for reason in s01["reasons"])
    with station.engine.connect() as connection:
        log = connection.execute(sa.text("select action, detail from audit")).all()
    assert any("s01" in detail and "综合评价" in action for action, detail in log)


def test_an_override_without_a_reason_is_refused_at_its_field(station):
    before = _assessment(station)
    response = _save(station.client("committee1"), "s02", grade="一般")
    assert response.status_code == 422
    page = response.data.decode()
    near_reason = page.split('id="reason"')[1].split("</div>")[0]
    assert "调整等次须写明理由（reason） / a committee override of the grade needs a reason" in (
        near_reason
    )
    assert 'id="reason-error"' in near_reason
    assert '<option value="一般" selected>' in page  # what was typed stays in the form
    assert _assessment(station) == before


def test_a_forced_lowest_grade_cannot_be_lifted(station):
    before = _assessment(station)
    response = _save(station.client("committee1"), "s13", grade="较好", reason="群众基础较好")
    assert response.status_code == 422
    near_grade = response.data.decode().split('id="grade"')[1].split("</div>")[0]
    assert "综合评价等次依工作方案五（四）须确定为“差”，不能调整为“较好”" in near_grade
    assert "the committee cannot lift it to 较好" in near_grade
    assert _assessment(station) == before


def test_a_major_failure_forces_the_lowest_grade_even_before_scoring_can_run(station):
    (station.data_dir / "ballots" / "下评.csv").unlink()
    client = station.client("committee1")
    overview = client.get("/grading/").data.decode()
    assert "没有有效票，无法计算述职评议结果 / " in overview and 'id="distribution"' not in overview
    page = client.get("/grading/s03").data.decode()
    assert 'id="problems"' in page and 'id="result"' not in page
    assert 'id="assessment-form"' in page
    before = _assessment(station)
    refused = _save(client, "s03", major_failure="信访事件处置不当", grade="好", reason="x")
    assert refused.status_code == 422
    assert "不能调整为“好”" in refused.data.decode()
    assert _assessment(station) == before
    assert _save(client, "s03", major_failure="信访事件处置不当").status_code == 302
    assert yaml.safe_load(_assessment(station))["s03"] == {"major_failure": "信访事件处置不当"}


def test_a_stale_edit_of_the_same_secretary_is_refused(station):
    client = station.client("committee1")
    page = client.get("/grading/s04").data.decode()
    theirs = _edited(station, "党员教育管理方式较为单一, 党务公开", "他人修改, 党务公开")
    response = client.post("/grading/s04", _form(problems="我的修改") | _versions(page))
    assert response.status_code == 409
    shown = response.data.decode()
    assert "您的修改未保存" in shown and "他人修改" in shown.split('id="theirs"')[1]
    assert "我的修改" in shown.split('id="assessment-form"')[1]
    assert _assessment(station) == theirs
    again = client.post("/grading/s04", _form(problems="我的修改") | _versions(shown))
    assert again.status_code == 302  # saved once theirs was shown
    assert yaml.safe_load(_assessment(station))["s04"] == {"problems": ["我的修改"]}


def test_an_edit_of_another_secretary_meanwhile_is_merged(station):
    client = station.client("committee1")
    page = client.get("/grading/s05").data.decode()
    _edited(station, "对流动党员联系不够紧密, 发展", "他人修改, 发展")
    response = client.post("/grading/s05", _form(problems="我的修改") | _versions(page))
    assert response.status_code == 302 and "merged=1" in response.headers["Location"]
    saved = yaml.safe_load(_assessment(station))
    assert saved["s05"] == {"problems": ["我的修改"]}
    assert saved["s06"]["problems"] == ["他人修改", "发展党员工作计划性不强"]


def test_a_clerk_may_not_grade(station):
    clerk = station.client("clerk1")
    assert clerk.get("/grading/").status_code == 403
    assert clerk.get("/grading/s01").status_code == 403
    before = _assessment(station)
    assert clerk.post("/grading/s01", _form(grade="差", reason="x")).status_code == 403
    assert _assessment(station) == before


def test_markup_typed_in_shows_as_text(station):
    client = station.client("committee1")
    script = "<script>alert(1)</script>"
    response = _save(client, "s08", achievements=script, grade="较好", reason=script)
    assert response.status_code == 302
    page = client.get("/grading/s08").data.decode()
    assert script not in page
    assert str(escape(script)) in page.split('id="reasons"')[1]
    assert str(escape(script)) in page.split('id="achievements"')[1]
    assert yaml.safe_load(_assessment(station))["s08"]["reason"] == script


def test_the_file_keeps_its_comments_and_the_committee_scores_stay_exact(tmp_path):
    from decimal import Decimal

    from generator.station.pages.grading_file import Entered, read_snapshot, rebuilt

    path = tmp_path / "assessment.yaml"
    path.write_text("# 综合评价\n\nzz: {grade: 好}\nb: {scores: {组织评价: 86.50}}\n", "utf-8")
    snapshot = read_snapshot(path)
    typed = {"scores.组织评价": "90.25", "achievements": " 一\n\n二 ", "grade": "", "reason": ""}
    entry = Entered.from_form(typed, ["组织评价"]).to_entry()
    assert entry == {"achievements": ["一", "二"], "scores": {"组织评价": Decimal("90.25")}}
    secretaries = [SimpleNamespace(id="a"), SimpleNamespace(id="b")]
    content = rebuilt(snapshot, "a", entry, secretaries).decode()
    assert content.startswith("# 综合评价\n\na:\n")
    assert "组织评价: 90.25\n" in content and "组织评价: 86.50\n" in content
    assert content.index("b:") < content.index("zz:")  # secretaries.yaml order, unknown ids last
    shown = Entered.from_entry(yaml.safe_load(content)["a"], ["组织评价"])
    assert (shown.achievements, shown.scores) == ("一\n二", {"组织评价": "90.25"})
