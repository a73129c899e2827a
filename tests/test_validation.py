"""Validation of the campaign data: each bad input is reported exactly, all at once."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from generator.load.yamlmarks import load_yaml
from generator.model.campaign import Secretary
from generator.model.errors import InputError

from helpers import load_data

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
SAMPLE = Path(__file__).parent.parent / "data"
COLUMNS = [
    "id",
    "name",
    "gender",
    "organization",
    "role",
    "appointed",
    "key_issues",
    "last_year_issues",
]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a fresh copy of the minimal campaign, as `data` in the working directory."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return Path("data")


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a fixture file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_in(data: Path) -> list[str]:
    """Return every problem reported for the data folder, as printed."""
    with pytest.raises(InputError) as caught:
        load_data(data)
    return [str(problem) for problem in caught.value.problems]


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """Write a one-sheet workbook named Sheet1 with a header row and the given rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in [COLUMNS, *rows]:
        sheet.append(row)
    book.save(path)


def test_minimal_campaign_loads_with_defaults(data: Path) -> None:
    loaded = load_data(data)
    campaign = loaded.campaign
    assert campaign.issuer.town == "测试镇"
    assert campaign.notice.copy_to == ()
    assert campaign.notice.printed_on == date(2022, 11, 28)
    assert campaign.results_date is None
    assert campaign.fonts == {}
    assert [s.id for s in loaded.secretaries] == ["b01", "b02", "b03", "c01"]
    assert loaded.secretaries[1].gender is None
    assert loaded.plan and loaded.plan[0].kind in ("h1", "h2", "body")


def test_a_plan_without_low_vote_or_distribution_loads(data: Path) -> None:
    """Both rules are optional: without them the rules load with None, not as a silent failure."""
    edit(data / "campaign.yaml", "  low_vote_share_max: 0.10\n", "")
    edit(
        data / "campaign.yaml",
        "  distribution: {below_good_share: 0.40, tolerance: 0.10, low_grades_expected: 1}\n",
        "",
    )
    rules = load_data(data).campaign.rules
    assert rules.low_vote is None and rules.distribution is None
    assert rules.rectification_days == 30


def test_weights_load_exactly(data: Path, tmp_path: Path) -> None:
    weights = load_data(data).campaign.rules.weights
    assert weights["branch"] == {"上述": Fraction(7, 10), "下评": Fraction(3, 10)}
    assert Fraction(7, 10) + Fraction(3, 10) == sum(weights["branch"].values()) == 1
    plain = tmp_path / "w.yaml"
    plain.write_text("w: {a: 0.7, b: 0.3, c: 1.0}\n", encoding="utf-8")
    loaded = load_yaml(plain.read_bytes(), "w.yaml")
    assert loaded["w"] == {"a": Decimal("0.7"), "b": Decimal("0.3"), "c": Decimal("1.0")}
    assert all(type(value) is Decimal for value in loaded["w"].values())


def test_yaml_keeps_lines(data: Path) -> None:
    loaded = load_yaml((data / "campaign.yaml").read_bytes(), "data/campaign.yaml")
    assert loaded.key_lines["deadline"] == 15
    assert loaded["rules"]["weights"].key_lines["committee"] == 22
    secretaries = load_yaml((data / "secretaries.yaml").read_bytes(), "data/secretaries.yaml")
    assert secretaries.item_lines == [1, 12, 18, 27]
    assert secretaries[0]["appointed"] == date(2020, 4, 1)


def test_reports_for_organisation_under_three_calendar_months() -> None:
    def appointed(day: date) -> Secretary:
        return Secretary("s", "某", None, "某支部", "branch", day, ("a", "b"), ())

    meeting = date(2022, 12, 15)
    assert appointed(date(2022, 9, 16)).reports_for_organisation(meeting)
    assert not appointed(date(2022, 9, 15)).reports_for_organisation(meeting)
    assert appointed(date(2022, 3, 1)).reports_for_organisation(date(2022, 5, 31))
    assert not appointed(date(2022, 2, 28)).reports_for_organisation(date(2022, 5, 31))


def test_missing_field(data: Path) -> None:
    edit(data / "campaign.yaml", "  mode: 现场\n", "")
    assert problems_in(data) == [
        "data/campaign.yaml:12: meeting.mode: 缺少必填字段 mode / missing required field mode"
    ]


def test_unknown_field_in_campaign(data: Path) -> None:
    edit(data / "campaign.yaml", "  mode: 现场\n", "  mode: 现场\n  room: 三楼会议室\n")
    assert problems_in(data) == [
        "data/campaign.yaml:15: meeting.room: 未知字段 room / unknown field room"
    ]


def test_misspelt_field_is_unknown_and_missing(data: Path) -> None:
    edit(data / "campaign.yaml", "deadline:", "dead_line:")
    assert problems_in(data) == [
        "data/campaign.yaml:1: deadline: 缺少必填字段 deadline / missing required field deadline",
        "data/campaign.yaml:15: dead_line: 未知字段 dead_line（是否应为 deadline？）"
        " / unknown field dead_line (did you mean deadline?)",
    ]


def test_unknown_field_in_secretaries(data: Path) -> None:
    edit(data / "secretaries.yaml", "  name: 王丙\n", "  name: 王丙\n  hobby: 钓鱼\n")
    assert problems_in(data) == [
        "data/secretaries.yaml:20: hobby: 未知字段 hobby / unknown field hobby"
    ]


def test_wrong_type(data: Path) -> None:
    edit(data / "campaign.yaml", "year: 2022", 'year: "2022"')
    edit(data / "campaign.yaml", "low_vote_share_max: 0.10", "low_vote_share_max: 十分之一")
    assert problems_in(data) == [
        "data/campaign.yaml:1: year: 须为整数 / must be an integer",
        "data/campaign.yaml:24: rules.low_vote_share_max: 须为数字 / must be a number",
    ]


@pytest.mark.parametrize("written", ["2022-13-40", '"2022/11/28"'])
def test_invalid_date(data: Path, written: str) -> None:
    edit(data / "campaign.yaml", "  date: 2022-11-28", f"  date: {written}")
    shown = written.strip('"')
    assert problems_in(data) == [
        f"data/campaign.yaml:10: notice.date: 日期无效：{shown}，应为 YYYY-MM-DD"
        f" / invalid date {shown}; expected YYYY-MM-DD"
    ]


def test_dates_out_of_order(data: Path) -> None:
    edit(data / "campaign.yaml", "deadline: 2022-12-20", "deadline: 2022-12-10")
    assert problems_in(data) == [
        "data/campaign.yaml:15: deadline: 不能早于 meeting.date（2022-12-15），现为 2022-12-10"
        " / must not be before meeting.date (2022-12-15), got 2022-12-10"
    ]


def test_meeting_too_soon_for_the_reports_to_be_due_after_the_notice(data: Path) -> None:
    edit(data / "campaign.yaml", "date: 2022-12-15", "date: 2022-12-02")
    [problem] = problems_in(data)
    assert (
        problem.startswith("data/campaign.yaml:")
        and ": meeting.date: 述职报告须在会前 7 天" in problem
    )
    assert "reports are due 7 days before the meeting (2022-11-25)" in problem


def test_a_notice_title_that_quotes_no_plan(data: Path) -> None:
    edit(
        data / "campaign.yaml",
        "关于印发《2022年度测试镇党组织书记抓基层党建述职评议考核工作方案》的通知",
        "关于印发工作方案的通知",
    )
    [problem] = problems_in(data)
    assert problem.startswith("data/campaign.yaml:8: notice.title: 通知标题须以《》引出")
    assert "must quote the plan it issues" in problem


def test_duplicate_id(data: Path) -> None:
    edit(data / "secretaries.yaml", "id: b03", "id: b01")
    assert problems_in(data) == [
        "data/secretaries.yaml:18: id: 编号 b01 重复，首次出现于 data/secretaries.yaml:1"
        " / duplicate id b01, first at data/secretaries.yaml:1"
    ]


def test_fewer_than_two_key_issues(data: Path) -> None:
    edit(
        data / "secretaries.yaml",
        "[党群服务中心提质升级, 村两委后备力量培养]",
        "[党群服务中心提质升级]",
    )
    assert problems_in(data) == [
        "data/secretaries.yaml:17: key_issues: 至少需要两个必答题，现有 1 个"
        " / at least 2 key issues (必答题) required, got 1"
    ]


def test_weights_must_sum_to_one(data: Path) -> None:
    edit(data / "campaign.yaml", "{上述: 0.7, 下评: 0.3}", "{上述: 0.7, 下评: 0.2}")
    assert problems_in(data) == [
        "data/campaign.yaml:21: rules.weights.branch: 各来源权重之和须为1，现为 9/10"
        " / weights must sum to 1, got 9/10"
    ]


def test_unknown_role_in_campaign(data: Path) -> None:
    edit(
        data / "campaign.yaml",
        "    committee: {下评: 1}\n",
        "    committee: {下评: 1}\n    deputy: {下评: 1}\n",
    )
    assert problems_in(data) == [
        "data/campaign.yaml:23: rules.weights.deputy: 未知角色 deputy，应为 branch 或 committee"
        " / unknown role deputy; expected branch or committee"
    ]


def test_unknown_role_in_secretaries(data: Path) -> None:
    edit(data / "secretaries.yaml", "  role: committee", "  role: secretary")
    assert problems_in(data) == [
        "data/secretaries.yaml:31: role: 须为 branch、committee 之一，现为 secretary"
        " / must be one of branch, committee, got secretary"
    ]


def test_role_without_evaluators_in_campaign(data: Path) -> None:
    edit(data / "campaign.yaml", "  committee: {下评: 6}\n", "")
    assert problems_in(data) == [
        "data/campaign.yaml:21: rules.weights.committee: "
        "角色 committee 没有评议人（evaluators.committee）"
        " / role committee has no evaluators (evaluators.committee)"
    ]


def test_weighted_source_without_evaluators(data: Path) -> None:
    edit(data / "campaign.yaml", "{上述: 5, 下评: 8}", "{上述: 5, 下评: 0}")
    assert problems_in(data) == [
        "data/campaign.yaml:21: rules.weights.branch.下评: "
        "来源 下评 权重为 3/10，但 evaluators.branch 中没有评议人"
        " / source 下评 has weight 3/10 but no evaluators in evaluators.branch"
    ]


def test_secretary_role_without_evaluators(data: Path) -> None:
    edit(data / "campaign.yaml", "  committee: {下评: 6}\n", "")
    edit(data / "campaign.yaml", "    committee: {下评: 1}\n", "")
    assert problems_in(data) == [
        "data/secretaries.yaml:31: role: "
        "campaign.yaml 中没有 committee 角色的评议人（evaluators.committee）"
        " / campaign.yaml has no evaluators for role committee"
    ]


def test_bands_out_of_order(data: Path) -> None:
    edit(data / "campaign.yaml", "{好: 9, 较好: 7,", "{好: 9, 较好: 9,")
    assert problems_in(data) == [
        "data/campaign.yaml:23: rules.bands.较好: "
        "等次下限须依次递减，较好 须低于 好：较好 (9) / 好 (9)"
        " / bands out of order: 较好 must be below 好: 较好 (9) / 好 (9)"
    ]


def test_xlsx_duplicate_id_and_bad_date_are_located_by_cell(data: Path) -> None:
    (data / "secretaries.yaml").unlink()
    write_xlsx(
        data / "secretaries.xlsx",
        [
            [
                "b01",
                "张甲",
                "男",
                "东村党支部",
                "branch",
                datetime(2020, 4, 1),
                "集体经济\n流动党员",
                None,
            ],
            ["b02", "李乙", None, "西村党支部", "branch", "2022/10/10", "服务中心；后备力量", None],
            ["b01", "王丙", "女", "南社区党支部", "branch", "2019-01-15", "网格化\n进社区", None],
        ],
    )
    assert problems_in(data) == [
        "data/secretaries.xlsx:Sheet1!F3: appointed: 日期无效：2022/10/10，应为 YYYY-MM-DD"
        " / invalid date 2022/10/10; expected YYYY-MM-DD",
        "data/secretaries.xlsx:Sheet1!A4: id: "
        "编号 b01 重复，首次出现于 data/secretaries.xlsx:Sheet1!A2"
        " / duplicate id b01, first at data/secretaries.xlsx:Sheet1!A2",
    ]


def test_xlsx_reads_dates_and_list_cells(data: Path) -> None:
    (data / "secretaries.yaml").unlink()
    write_xlsx(
        data / "secretaries.xlsx",
        [
            [
                "b01",
                "张甲",
                "男",
                "东村党支部",
                "branch",
                datetime(2020, 4, 1),
                "集体经济\n流动党员",
                None,
            ],
            [
                "c01",
                "赵丁",
                None,
                "镇党委",
                "committee",
                "2021-06-01",
                "主体责任；乡村振兴",
                "整改中",
            ],
        ],
    )
    first, second = load_data(data).secretaries
    assert first.appointed == date(2020, 4, 1)
    assert first.key_issues == ("集体经济", "流动党员")
    assert second.key_issues == ("主体责任", "乡村振兴")
    assert second.last_year_issues == ("整改中",)


def test_xlsx_header_problems_are_located_at_header_cells(data: Path) -> None:
    (data / "secretaries.yaml").unlink()
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["id", "name", "organisation", "role", "appointed", "key_issues"])
    book.save(data / "secretaries.xlsx")
    assert problems_in(data) == [
        "data/secretaries.xlsx:Sheet1!C1: organisation: 未知或重复的列 organisation，应为 "
        "id、name、gender、organization、role、appointed、key_issues、last_year_issues、evaluators 之一"
        " / unknown or repeated column organisation",
        "data/secretaries.xlsx:Sheet1!G1: organization: "
        "缺少列 organization / missing column organization",
    ]


def test_both_secretaries_files_are_ambiguous(data: Path) -> None:
    write_xlsx(data / "secretaries.xlsx", [])
    assert problems_in(data) == [
        "data/secretaries.yaml:1: secretaries.yaml: secretaries.yaml 与 secretaries.xlsx 同时存在，"
        "请只保留一个 / both secretaries.yaml and .xlsx exist; keep one"
    ]


def test_several_problems_reported_at_once(data: Path) -> None:
    edit(data / "campaign.yaml", "deadline: 2022-12-20\n", "")
    edit(data / "secretaries.yaml", "id: b03", "id: b01")
    (data / "notice.md").unlink()
    assert problems_in(data) == [
        "data/campaign.yaml:1: deadline: 缺少必填字段 deadline / missing required field deadline",
        "data/secretaries.yaml:18: id: 编号 b01 重复，首次出现于 data/secretaries.yaml:1"
        " / duplicate id b01, first at data/secretaries.yaml:1",
        "data/notice.md:1: notice.md: 文件不存在 / file not found",
    ]


def test_yaml_syntax_error_names_its_line(data: Path) -> None:
    edit(data / "campaign.yaml", "  mode: 现场", "  mode: 现场: 线上")
    with pytest.raises(InputError) as caught:
        load_data(data)
    [problem] = [p for p in caught.value.problems if p.file == "data/campaign.yaml"]
    assert (problem.file, problem.where.split(":")[0], problem.field) == (
        "data/campaign.yaml",
        "14",
        "yaml",
    )
    assert problem.zh.startswith("YAML 语法错误：") and problem.en.startswith("YAML syntax error: ")


def test_key_written_twice_is_a_problem(data: Path) -> None:
    edit(data / "campaign.yaml", "  mode: 现场\n", "  mode: 现场\n  mode: 书面\n")
    assert problems_in(data) == ["data/campaign.yaml:15:3: mode: 重复的键 / duplicate key"]


@pytest.mark.parametrize("name", ["campaign.yaml", "secretaries.yaml"])
def test_deleting_any_line_is_reported_never_crashes(data: Path, name: str) -> None:
    lines = (data / name).read_text(encoding="utf-8").splitlines(keepends=True)
    for index in range(len(lines)):
        (data / name).write_text("".join(lines[:index] + lines[index + 1 :]), encoding="utf-8")
        try:
            load_data(data)
        except InputError as e:
            assert all(problem.zh and problem.en for problem in e.problems)


@pytest.mark.skipif(
    not (SAMPLE / "campaign.yaml").exists(), reason="sample campaign not written yet"
)
def test_sample_campaign_loads() -> None:
    loaded = load_data(SAMPLE)
    assert loaded.secretaries
    assert sum(loaded.campaign.rules.weights["branch"].values()) == 1


def test_scores_are_kept_out_of_the_circular_unless_the_campaign_publishes_them(
    data: Path,
) -> None:
    assert load_data(data).campaign.publish_scores is False
    with (data / "campaign.yaml").open("a", encoding="utf-8") as file:
        file.write("results:\n  date: 2022-12-19\n  publish_scores: true\n")
    campaign = load_data(data).campaign
    assert campaign.publish_scores is True
    assert campaign.results_date == date(2022, 12, 19)


def test_publish_scores_must_be_true_or_false(data: Path) -> None:
    with (data / "campaign.yaml").open("a", encoding="utf-8") as file:
        file.write("results:\n  publish_scores: 是\n")
    assert problems_in(data) == [
        "data/campaign.yaml:28: results.publish_scores: 须为 true 或 false，现为 是"
        " / must be true or false, got 是"
    ]


def test_a_second_sheet_with_content_in_secretaries_xlsx_is_not_ignored(data: Path) -> None:
    (data / "secretaries.yaml").unlink()
    rows = [["b01", "张甲", "男", "东村党支部", "branch", "2020-04-01", "集体经济\n流动党员", None]]
    write_xlsx(data / "secretaries.xlsx", rows)
    book = openpyxl.load_workbook(data / "secretaries.xlsx")
    book.create_sheet("补充")["C3"] = "李乙"
    book.save(data / "secretaries.xlsx")
    [problem] = problems_in(data)
    assert problem.startswith("data/secretaries.xlsx:补充!C3: "), problem
