"""Any township's plan: scales, grades, low-vote rules, committee-given sources, per-secretary
counts, the issuer's names and the plan's own wording, all from the data."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.campaign import derive_place
from generator.model.assessment import Assessment
from generator.model.ballot import Ballot
from generator.model.campaign import Rules, Scale
from generator.model.errors import InputError
from generator.model.serials import issue_ballots
from generator.score.scoring import distribution, score_secretary

from helpers import load_data

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RESULTS_DATE = date(2022, 12, 19)


def campaign_with(tmp_path: Path, rules: dict | None = None, top: dict | None = None, people=None):
    """Copy the minimal campaign with some rules (and top-level fields) replaced; load it."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data, dirs_exist_ok=True)
    path = data / "campaign.yaml"
    campaign = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in (rules or {}).items():
        if value is None:
            campaign["rules"].pop(key, None)
        else:
            campaign["rules"][key] = value
    for key, value in (top or {}).items():
        campaign[key] = value
    path.write_text(yaml.safe_dump(campaign, allow_unicode=True, sort_keys=False), "utf-8")
    if people is not None:
        listed = yaml.safe_load((data / "secretaries.yaml").read_text(encoding="utf-8"))
        (data / "secretaries.yaml").write_text(
            yaml.safe_dump(people(listed), allow_unicode=True, sort_keys=False), "utf-8"
        )
    return data


def problems(data: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_data(data)
    return [str(problem) for problem in caught.value.problems]


def ballots(secretary, source, scores):
    return [
        Ballot(f"{source}-{n}", secretary.id, source, s, "valid", "", "", "t:1")
        for n, s in enumerate(scores)
    ]


# --- the issuer's names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "town", "short"),
    [
        ("中共上海庙镇委员会", "上海庙镇", "镇党委"),
        ("中共长沙市望城区大泽湖街道工作委员会", "大泽湖街道", "街道党工委"),
        ("中共临江市东城区望湖街道工作委员会", "望湖街道", "街道党工委"),
        ("中共青山县白石乡委员会", "白石乡", "乡党委"),
        ("中共鄂托克前旗昂素苏木委员会", "昂素苏木", "苏木党委"),
        ("中共市中区大观街道委员会", "大观街道", "街道党委"),
    ],
)
def test_the_town_and_the_short_name_come_from_the_issuers_name(name, town, short):
    assert derive_place(name) == (town, short)


@pytest.mark.parametrize("name", ["中共某某大学信息学院委员会", "某某镇党委", "中共委员会"])
def test_a_name_of_no_township_form_needs_them_given(tmp_path, name):
    issuer = {"name": name, "mark": name + "文件", "superior": "中共某某委员会组织部"}
    found = problems(campaign_with(tmp_path, top={"issuer": issuer}))
    assert any(": issuer.town: " in p and "set issuer.town" in p for p in found)
    assert any(": issuer.short: " in p and "set issuer.short" in p for p in found)
    issuer |= {"town": "信息学院", "short": "学院党委"}
    loaded = load_data(campaign_with(tmp_path, top={"issuer": issuer}))
    assert (loaded.campaign.issuer.town, loaded.campaign.issuer.short) == ("信息学院", "学院党委")


# --- rules ---------------------------------------------------------------------------------------


def test_the_seeds_older_field_names_mean_the_new_ones():
    rules = load_data(FIXTURE).campaign.rules
    assert rules.grades == (("好", 9), ("较好", 7), ("一般", 4), ("差", 0))
    assert rules.scale == Scale(1, 10) and rules.low_vote is not None
    assert (rules.low_vote.score_at_most, rules.low_vote.share_max) == (6, Fraction(1, 10))
    assert rules.may_be_excellent == ("好",) and rules.interviewed == ("一般", "差")
    assert rules.low_vote_grades == ("一般", "差")


def test_a_hundred_point_plan_with_its_own_grades(tmp_path):
    data = campaign_with(
        tmp_path,
        rules={
            "bands": None,
            "low_vote_share_max": None,
            "distribution": None,
            "scale": {"min": 0, "max": 100},
            "grades": {"优秀": 90, "良好": 80, "一般": 70, "较差": 0},
            "excellent_requires": [],
            "interview_grades": ["较差"],
        },
    )
    campaign = load_data(data).campaign
    rules = campaign.rules
    assert rules.low_vote is None and rules.distribution is None
    assert rules.may_be_excellent == rules.grade_names  # []: the plan has no such rule
    secretary = load_data(data).secretaries[0]
    result = score_secretary(
        secretary,
        campaign,
        ballots(secretary, "上述", [85, 95]) + ballots(secretary, "下评", [60]),
        Assessment(),
        RESULTS_DATE,
    )
    assert result.weighted == Fraction(7, 10) * 90 + Fraction(3, 10) * 60  # 81
    assert (result.score_grade, result.grade) == ("良好", "良好")
    assert result.excellent_eligible and not result.interview_required
    assert not any("优秀" in reason and "不得" in reason for reason in result.reasons)
    counts = distribution([result], campaign)
    assert counts.warnings == () and counts.counts == {"优秀": 0, "良好": 1, "一般": 0, "较差": 0}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"scale": {"min": 5, "max": 5}}, "rules.scale: "),
        ({"bands": {"好": 9, "差": 2}}, "rules.bands.差: "),  # 1 would have no grade
        ({"bands": {"好": 11, "差": 0}}, "rules.bands.好: "),
        ({"bands": {"好": 9}}, "rules.bands: "),
        ({"grades": {"好": 9, "差": 0}}, "rules.bands: "),  # both names given
        ({"excellent_requires": ["优秀"]}, "rules.excellent_requires: "),
        ({"interview_grades": "差"}, "rules.interview_grades: "),
        (
            {"low_vote_share_max": None, "low_vote": {"score_at_most": 11, "share_max": 0.1}},
            "rules.low_vote.score_at_most: ",
        ),
    ],
)
def test_rules_that_cannot_hold_are_located(tmp_path, rules, expected):
    found = problems(campaign_with(tmp_path, rules=rules))
    assert any(expected in problem for problem in found), found


GRADE_NAMES = st.lists(
    st.text(alphabet="优良好中差合格一般较强弱", min_size=1, max_size=4),
    min_size=2,
    max_size=6,
    unique=True,
)


@st.composite
def plans(draw):
    """A random scale, a grade table covering it, weights and a low-vote rule."""
    low = draw(st.integers(0, 5))
    high = draw(st.integers(low + 1, low + 120))
    names = draw(GRADE_NAMES)
    inner = draw(
        st.lists(
            st.fractions(low, high)
            .map(lambda f: f.limit_denominator(1000))
            .filter(lambda f: f > low),
            min_size=len(names) - 1,
            max_size=len(names) - 1,
            unique=True,
        )
    )
    bounds = [*sorted(inner, reverse=True), Fraction(low)]  # strictly falling, the last at min
    weight = draw(st.fractions(0, 1).map(lambda f: f.limit_denominator(100)))
    at_most = draw(st.integers(low, high))
    share = draw(st.fractions(0, 1).map(lambda f: f.limit_denominator(100)))
    return low, high, tuple(zip(names, bounds, strict=True)), weight, at_most, share


@settings(max_examples=150, deadline=None)
@given(plan=plans(), data=st.data())
def test_any_plan_puts_every_score_in_exactly_one_grade_and_forcing_gives_the_lowest(plan, data):
    from generator.model.campaign import LowVote

    low, high, grades, weight, at_most, share = plan
    base = load_data(FIXTURE)
    rules = Rules(
        {"branch": {"上述": weight, "下评": 1 - weight}, "committee": {"下评": Fraction(1)}},
        grades,
        LowVote(at_most, share),
        None,
        30,
        scale=Scale(low, high),
    )
    campaign = replace(base.campaign, rules=rules)
    secretary = base.secretaries[0]
    scores = st.lists(st.integers(low, high), min_size=1, max_size=12)
    upper = ballots(secretary, "上述", data.draw(scores))
    lower = ballots(secretary, "下评", data.draw(scores))
    failure = data.draw(st.sampled_from([None, "重大失误"]))
    result = score_secretary(
        secretary, campaign, upper + lower, Assessment(major_failure=failure), RESULTS_DATE
    )
    score = Fraction(result.score)
    uppers = [None, *(bound for _, bound in grades[:-1])]
    holding = [
        name
        for (name, bound), upper in zip(grades, uppers, strict=True)
        if bound <= score and (upper is None or score < upper)
    ]
    assert holding == [result.score_grade]  # exactly one grade holds the score …
    assert low <= result.weighted <= high
    valid = [b.score for b in upper + lower]
    too_many = Fraction(sum(1 for s in valid if s <= at_most), len(valid)) > share
    if failure or too_many:
        assert result.grade == grades[-1][0]  # … and a forcing rule always gives the lowest
        assert result.forced_by
    else:
        assert result.grade == result.score_grade and not result.forced_by


# --- committee-given sources and per-secretary counts --------------------------------------------


def test_a_committee_source_is_scored_from_the_assessment(tmp_path):
    data = campaign_with(
        tmp_path,
        rules={"weights": {"branch": {"上述": 0.5, "组织评价": 0.5}, "committee": {"下评": 1}}},
        top={
            "sources": {"组织评价": {"kind": "committee"}},
            "evaluators": {"branch": {"上述": 5}, "committee": {"下评": 6}},
        },
    )
    loaded = load_data(data)
    campaign, secretary = loaded.campaign, loaded.secretaries[0]
    assert campaign.rules.committee_sources == {"组织评价"}
    assert set(campaign.copies(secretary)) == {"上述"}  # no ballots for the committee's source
    result = score_secretary(
        secretary,
        campaign,
        ballots(secretary, "上述", [8, 9]),
        Assessment(scores={"组织评价": Fraction(9)}),
        RESULTS_DATE,
    )
    assert result.weighted == Fraction(1, 2) * Fraction(17, 2) + Fraction(1, 2) * 9
    assert result.sources["组织评价"].given == 9
    assert "组织评价：党委评定9.000分" in result.reasons
    with pytest.raises(InputError) as caught:
        score_secretary(
            secretary, campaign, ballots(secretary, "上述", [8]), Assessment(), RESULTS_DATE
        )
    assert "scores.组织评价" in str(caught.value)


def test_a_committee_source_on_ballots_is_refused(tmp_path):
    found = problems(
        campaign_with(
            tmp_path,
            rules={"weights": {"branch": {"上述": 0.5, "组织评价": 0.5}, "committee": {"下评": 1}}},
            top={
                "sources": {"组织评价": {"kind": "committee"}},
                "evaluators": {"branch": {"上述": 5, "组织评价": 3}, "committee": {"下评": 6}},
            },
        )
    )
    assert any("evaluators.branch.组织评价: " in p for p in found), found


def test_a_village_with_more_representatives_prints_more_sheets(tmp_path):
    def more(people):
        people[0]["evaluators"] = {"下评": 31}
        return people

    loaded = load_data(campaign_with(tmp_path, people=more))
    first, second = loaded.secretaries[0], loaded.secretaries[1]
    assert loaded.campaign.copies(first) == {"上述": 5, "下评": 31}
    assert loaded.campaign.copies(second) == {"上述": 5, "下评": 8}
    issued = issue_ballots(loaded.campaign, list(loaded.secretaries), bytes(32))
    assert sum(1 for b in issued if (b.secretary_id, b.source) == (first.id, "下评")) == 31

    def wrong(people):
        people[0]["evaluators"] = {"组织评价": 3}
        return people

    found = problems(campaign_with(tmp_path / "w", people=wrong))
    assert any("secretaries.yaml" in p and "evaluators" in p for p in found), found


# --- the plan's own wording ------------------------------------------------------------------------


def test_a_fragment_overrides_its_default_and_bad_ones_are_located(tmp_path):
    data = campaign_with(tmp_path)
    (data / "texts").mkdir()
    (data / "texts" / "meeting_name.txt").write_text("党委（扩大）会议\n", encoding="utf-8")
    texts = load_data(data).campaign.texts
    assert texts.say("meeting_name") == "党委（扩大）会议"
    assert texts.say("attendees") == "“两代表一委员”、基层党员群众代表"  # the default
    (data / "texts" / "meeting_nam.txt").write_text("x", encoding="utf-8")
    (data / "texts" / "grade_standard.txt").write_text("{{ grade }}", encoding="utf-8")
    (data / "texts" / "notice_sentence.txt").write_text("现将\n{% if %}", encoding="utf-8")
    (data / "texts" / "interview.txt").write_text("{{ ''.__class__ }}", encoding="utf-8")
    found = problems(data)
    assert any("texts/meeting_nam.txt:1: " in p and "meeting_name.txt" in p for p in found)
    assert any("texts/grade_standard.txt:1: grade_standard: " in p and "grades" in p for p in found)
    assert any("texts/notice_sentence.txt:2: notice_sentence: " in p for p in found)
    assert len(found) >= 3


def test_the_examples_load_with_their_own_plans():
    street = load_data(EXAMPLES / "jiedao-100").campaign
    assert (street.issuer.town, street.issuer.short) == ("望湖街道", "街道党工委")
    assert street.issuer.head == "望湖街道党工委书记"
    assert street.rules.scale == Scale(0, 100) and street.rules.distribution is None
    assert street.texts.say("meeting_name") == "街道党工委扩大会议"
    assert street.meeting.reports_due == date(2023, 12, 3)
    township = load_data(EXAMPLES / "xiang-zuzhi")
    assert township.campaign.rules.committee_sources == {"组织评价"}
    assert township.campaign.roles_present(township.secretaries) == ("branch",)
    counts = [township.campaign.copies(s)["评议"] for s in township.secretaries]
    assert counts == [31, 20, 14, 20]
