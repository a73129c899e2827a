"""Which grade a score falls in: the plan's bands, highest first."""

from __future__ import annotations

from fractions import Fraction


def grade_of(score: Fraction | int, bands: tuple[tuple[str, Fraction], ...]) -> str:
    """Return the grade whose lower bound the score reaches (bands highest first)."""
    return next(grade for grade, lower in bands if score >= lower)
