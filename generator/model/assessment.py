"""The committee's 综合评价 of one secretary, as assessment.yaml gives it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the committee found about one secretary, and its grade if it overrides the score's."""

    achievements: tuple[str, ...] = ()  # 肯定成绩
    problems: tuple[str, ...] = ()  # 指出问题
    major_failure: str | None = None  # 重大失误: forces 差
    held_accountable: str | None = None  # 被问责追责: forces 差
    grade: str | None = None  # the committee's override …
    reason: str | None = None  # … and why
    located: str = ""  # FILE:LINE of the secretary's entry
    grade_located: str = ""  # FILE:LINE of the override, for the error a forced 差 makes
