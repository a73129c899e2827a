"""The rules, exactly: boundaries, forced 差, overrides, consequences, and invariants."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.assessment import load_assessment
from generator.load.folder import DataFolder
from generator.model.assessment import Assessment
from generator.model.ballot import Ballot
from generator.model.errors import InputError
from generator.model.figures import round_half_up
from generator.score.scoring import distribution, score_secretary

from helpers import load_data

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
DATA = load_data(FIXTURE)
CAMPAIGN = DATA.campaign
BRANCH, COMMITTEE = DATA.secretaries[0], DATA.secretaries[3]
RESULTS_DATE = date(2022, 12, 19)


def ballots(secretary, source, scores, status="valid"):
    """Return ballots with the given scores (None for blank/invalid ones)."""
    return [
        Ballot(
            f"{secretary.id}-{source}-{status}-{n}",
            secretary.id,
            source,
            score,
            status,
            "",
            "",
            "test:1",
        )
        for n, score in enumerate(scores)
    ]


NO_ASSESSMENT = Assessment()


def scored(secretary, ballot_list, assessment=NO_ASSESSMENT):
    return score_secretary(secretary, CAMPAIGN, ballot_list, assessment, RESULTS_DATE)


def test_8_9995_rounds_half_up_to_9_000_and_is_good():
    above = ballots(BRANCH, "上述", [9] * 199 + [8])  # mean 1799/200 = 8.995
    below = ballots(BRANCH, "下评", [9] * 99 + [10])  # mean 901/100 = 9.01
    result = scored(BRANCH, above + below)
    assert result.weighted == Fraction(17999, 2000)  # 0.7 × 8.995 + 0.3 × 9.01 = 8.9995
    assert f"{result.score:.3f}" == "9.000" and result.score_grade == result.grade == "好"
    with_floats = 0.7 * (1799 / 200) + 0.3 * (901 / 100)
    assert Decimal(with_floats).quantize(Decimal("0.001"), ROUND_HALF_UP) == Decimal("8.999")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(89995, 10000), "9.000"),
        (Fraction(89994999, 10000000), "8.999"),
        (Fraction(69995, 10000), "7.000"),
        (Fraction(2, 3), "0.667"),
        (Fraction(1, 8), "0.125"),
    ],
)
def test_round_half_up(value, expected):
    assert f"{round_half_up(value):.3f}" == expected


def test_exactly_ten_percent_low_votes_is_not_forced_two_of_nineteen_is():
    at_limit = scored(COMMITTEE, ballots(COMMITTEE, "下评", [10] * 18 + [6, 6]))
    assert at_limit.low_share == Fraction(1, 10) and at_limit.grade == "好"
    over = scored(COMMITTEE, ballots(COMMITTEE, "下评", [10] * 17 + [6, 6]))
    assert over.score_grade == "好" and over.grade == "差"
    assert any("超过10%" in r and "确定为“差”" in r for r in over.reasons)


def test_blank_and_invalid_ballots_do_not_dilute_the_low_vote_share():
    votes = ballots(COMMITTEE, "下评", [10] * 17 + [6, 6])
    votes += ballots(COMMITTEE, "下评", [None] * 5, "blank")
    votes += ballots(COMMITTEE, "下评", [None] * 3, "invalid")
    result = scored(COMMITTEE, votes)
    assert result.low_share == Fraction(2, 19) and result.grade == "差"
    assert result.sources["下评"].blank == 5 and result.sources["下评"].invalid == 3


@pytest.mark.parametrize("cause", ["major_failure", "held_accountable"])
def test_a_major_failure_or_accountability_forces_poor(cause):
    result = scored(
        COMMITTEE, ballots(COMMITTEE, "下评", [10] * 6), Assessment(**{cause: "某事项"})
    )
    assert result.score_grade == "好" and result.grade == "差"
    assert result.interview_required and result.rectification_due == date(2023, 1, 18)


def relative(problem, folder) -> str:
    """Return a problem as printed, its file named relative to the folder."""
    return str(problem).removeprefix(f"{folder.as_posix()}/")


def test_an_override_needs_a_reason_and_never_lifts_a_forced_poor(tmp_path):
    path = tmp_path / "assessment.yaml"
    path.write_text(
        "c01:\n  grade: 较好\n  held_accountable: 被问责\n  reason: 认为可以\n"
        "b01:\n  grade: 一般\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        load_assessment(DataFolder(tmp_path), list(DATA.secretaries), DATA.campaign.rules)
    assert [relative(p, tmp_path).split(" / ")[0] for p in error.value.problems] == [
        "assessment.yaml:5: b01.reason: 调整等次须写明理由（reason）"
    ]
    path.write_text(
        "c01:\n  grade: 较好\n  held_accountable: 被问责\n  reason: 认为可以\n", encoding="utf-8"
    )
    assessment = load_assessment(DataFolder(tmp_path), list(DATA.secretaries), DATA.campaign.rules)[
        "c01"
    ]
    with pytest.raises(InputError) as error:
        scored(COMMITTEE, ballots(COMMITTEE, "下评", [10] * 6), assessment)
    [problem] = error.value.problems
    assert relative(problem, tmp_path).startswith(
        "assessment.yaml:2: grade: 综合评价等次依工作方案五（四）须确定为“差”"
    )
    assert "cannot lift it" in str(problem)


def test_an_override_with_a_reason_is_applied_and_explained():
    result = scored(
        COMMITTEE,
        ballots(COMMITTEE, "下评", [8] * 6),
        Assessment(grade="一般", reason="实地调研发现问题较多"),
    )
    assert result.score_grade == "较好" and result.grade == "一般"
    assert any("调整为“一般”：实地调研发现问题较多" in r for r in result.reasons)
    assert result.rectification_due == date(2023, 1, 18) and not result.excellent_eligible


def test_assessment_for_an_unknown_secretary_or_field_is_an_error(tmp_path):
    path = tmp_path / "assessment.yaml"
    path.write_text("x99:\n  problems: [一]\nb01:\n  problem: [二]\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_assessment(DataFolder(tmp_path), list(DATA.secretaries), DATA.campaign.rules)
    messages = [relative(p, tmp_path) for p in error.value.problems]
    assert messages[0].startswith("assessment.yaml:1: x99: 未知的述职人编号 x99 / unknown")
    assert messages[1].startswith("assessment.yaml:4: b01.problem: 未知字段 problem")


def test_a_weighted_source_without_valid_ballots_is_an_input_error():
    only_above = ballots(BRANCH, "上述", [9] * 5) + ballots(BRANCH, "下评", [None] * 2, "blank")
    with pytest.raises(InputError) as error:
        scored(BRANCH, only_above)
    [problem] = error.value.problems
    assert str(problem).startswith(f"{BRANCH.located}: b01.下评: ")
    assert "no valid 下评 ballots" in str(problem)


def test_good_grade_consequences_and_reasons_name_every_figure():
    result = scored(BRANCH, ballots(BRANCH, "上述", [9, 10, 9]) + ballots(BRANCH, "下评", [9, 9]))
    assert result.grade == "好" and result.excellent_eligible and not result.interview_required
    assert result.rectification_due is None
    text = "\n".join(result.reasons)
    assert "上述平均分9.333×70% + 下评平均分9.000×30% = 9.233" in text
    assert "（精确值28/3）" in text and "好≥9，较好≥7，一般≥4，差<4" in text


def test_distribution_warns_off_the_40_percent_and_the_expected_low_count():
    good = scored(BRANCH, ballots(BRANCH, "上述", [10] * 3) + ballots(BRANCH, "下评", [10] * 3))
    poor = scored(BRANCH, ballots(BRANCH, "上述", [3] * 3) + ballots(BRANCH, "下评", [3] * 3))
    all_good = distribution([good, good, good], CAMPAIGN)
    assert all_good.counts["好"] == 3 and all_good.below_good_share == 0
    assert len(all_good.warnings) == 1 and "40%左右" in all_good.warnings[0]
    mixed = distribution([good, poor, good], CAMPAIGN)  # 1 of 3 below 好: 33.3 %, 1 低 as expected
    assert mixed.warnings == ()


scores = st.lists(st.integers(1, 10), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(above=scores, below=scores, blanks=st.integers(0, 5), seed=st.integers())
def test_counts_add_up_and_order_does_not_matter(above, below, blanks, seed):
    votes = (
        ballots(BRANCH, "上述", above)
        + ballots(BRANCH, "下评", below)
        + ballots(BRANCH, "下评", [None] * blanks, "blank")
    )
    result = scored(BRANCH, votes)
    counted = sum(c.valid + c.blank + c.invalid for c in result.sources.values())
    assert counted == len(votes)
    shuffled = votes[:]
    random.Random(seed).shuffle(shuffled)
    assert scored(BRANCH, shuffled) == result


@settings(max_examples=60, deadline=None)
@given(above=scores, below=scores, data=st.data())
def test_raising_one_valid_score_never_lowers_the_score(above, below, data):
    before = scored(BRANCH, ballots(BRANCH, "上述", above) + ballots(BRANCH, "下评", below))
    source = data.draw(st.sampled_from(["上述", "下评"]))
    marks = above if source == "上述" else below
    index = data.draw(st.integers(0, len(marks) - 1))
    if marks[index] == 10:
        return
    raised = marks[:]
    raised[index] += 1
    new_above, new_below = (raised, below) if source == "上述" else (above, raised)
    after = scored(BRANCH, ballots(BRANCH, "上述", new_above) + ballots(BRANCH, "下评", new_below))
    assert after.weighted > before.weighted and after.score >= before.score
