"""The committee's 综合评价 of one secretary, as assessment.yaml gives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the committee found about one secretary, and its grade if it overrides the score's."""

    achievements: tuple[str, ...] = ()  # 肯定成绩
    problems: tuple[str, ...] = ()  # 指出问题
    major_failure: str | None = None  # 重大失误: forces 差
    held_accountable: str | None = None  # 被问责追责: forces 差
    scores: dict[str, Fraction] = field(default_factory=dict)  # committee sources' scores
    grade: str | None = None  # the committee's override …
    reason: str | None = None  # … and why
    located: str = ""  # FILE:LINE of the secretary's entry
    grade_located: str = ""  # FILE:LINE of the override, for the error a forced 差 makes
