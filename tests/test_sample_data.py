"""The sample campaign in data/ against the seed 工作方案 and the contract's data formats."""

from __future__ import annotations

import calendar
import datetime
import re
from pathlib import Path

import pytest
import yaml

from seedtext import (
    apply_mend,
    load_mends,
    markdown_plain_text,
    plan_body,
    seed_plan_sentences,
)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SEED = REPO / "docs" / "seed" / "2022年度上海庙镇党组织书记抓基层党建述职评议考核工作方案.txt"
MENDS = Path(__file__).resolve().parent / "seed_mends.yaml"


def load_yaml(path: Path):
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


@pytest.fixture(scope="module")
def seed_sentences() -> list[str]:
    return seed_plan_sentences(SEED, MENDS)


@pytest.fixture(scope="module")
def notice_text() -> str:
    return markdown_plain_text((DATA / "notice.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def secretaries() -> list[dict]:
    return load_yaml(DATA / "secretaries.yaml")


@pytest.fixture(scope="module")
def campaign() -> dict:
    return load_yaml(DATA / "campaign.yaml")


# --- notice.md against the seed ---------------------------------------------------------------


def test_seed_yields_the_whole_plan(seed_sentences):
    assert seed_sentences[0].startswith("为认真贯彻党的二十大精神")
    assert seed_sentences[-1].endswith("有形无效等问题。")
    assert len(seed_sentences) > 60


def test_every_seed_sentence_is_in_notice_in_order(seed_sentences, notice_text):
    missing, position = [], 0
    for sentence in seed_sentences:
        found = notice_text.find(sentence, position)
        if found < 0:
            missing.append(sentence)  # absent, or only earlier than it should be
        else:
            position = found + len(sentence)
    assert missing == []


def test_notice_is_the_seed_in_order_with_nothing_added(seed_sentences, notice_text):
    expected = "".join(seed_sentences)
    if notice_text != expected:
        at = next(
            (i for i, (a, b) in enumerate(zip(notice_text, expected, strict=False)) if a != b),
            min(len(notice_text), len(expected)),
        )
        pytest.fail(
            f"notice.md differs from the seed at character {at}:\n"
            f"  notice: …{notice_text[max(0, at - 20) : at + 30]}…\n"
            f"  seed:   …{expected[max(0, at - 20) : at + 30]}…"
        )


def test_notice_leaves_numerals_to_the_renderer():
    lines = (DATA / "notice.md").read_text(encoding="utf-8").splitlines()
    headings = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
    numbered = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
    assert [h for h in headings if numbered.match(h)] == []
    list_numbers = [int(m.group(1)) for line in lines if (m := re.match(r"^(\d+)\. ", line))]
    assert list_numbers == list(range(1, 14))  # 四、(一)…(十三)


# --- seed_mends.yaml -----------------------------------------------------------------------------


def test_each_mend_finds_its_text_once_where_it_is_applied():
    text = plan_body(SEED.read_text(encoding="utf-8"))
    for mend in load_mends(MENDS):
        assert text.count(mend.find) == 1, f"stale or ambiguous mend: {mend.find!r}"
        assert mend.find != mend.replace and mend.why
        text = apply_mend(text, mend)


def test_mended_text_is_in_notice(notice_text):
    for mend in load_mends(MENDS):
        assert re.sub(r"\s", "", mend.replace) in notice_text


# --- secretaries.yaml ----------------------------------------------------------------------------


def test_eighteen_branch_secretaries_and_the_town_secretary_last(secretaries):
    roles = [entry["role"] for entry in secretaries]
    assert roles.count("branch") == 18
    assert roles.count("committee") == 1
    assert secretaries[-1]["id"] == "t01"
    assert secretaries[-1]["organization"] == "中共上海庙镇委员会"


def test_ids_and_names_are_unique(secretaries):
    ids = [entry["id"] for entry in secretaries]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    assert ids[:18] == [f"s{n:02d}" for n in range(1, 19)]
    names = [entry["name"] for entry in secretaries]
    assert len(set(names)) == len(names)


def test_every_secretary_has_at_least_two_key_issues(secretaries):
    for entry in secretaries:
        assert len(entry["key_issues"]) >= 2, entry["id"]
        assert len(entry.get("last_year_issues") or []) <= 3, entry["id"]


def test_exactly_two_branch_secretaries_appointed_under_three_months(secretaries, campaign):
    cutoff = months_before(campaign["meeting"]["date"], 3)
    recent = [entry["id"] for entry in secretaries if entry["appointed"] > cutoff]
    assert len(recent) == 2
    assert all(entry["role"] == "branch" for entry in secretaries if entry["id"] in recent)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """Return the same day of the month `months` calendar months earlier (clamped to month end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


# --- campaign.yaml against the plan --------------------------------------------------------------


def test_campaign_dates_and_weights_match_the_plan(campaign, notice_text):
    deadline = campaign["deadline"]
    assert f"于{deadline.year}年{deadline.month}月{deadline.day}日前全部完成" in notice_text
    weights = campaign["rules"]["weights"]["branch"]
    assert f"按照{weights['下评']:.0%}和{weights['上述']:.0%}的比例" in notice_text
    assert campaign["rules"]["bands"] == {"好": 9, "较好": 7, "一般": 4, "差": 0}
    assert campaign["issuer"]["town"] == "上海庙镇"
