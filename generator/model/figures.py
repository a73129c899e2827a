"""Exact figures as the documents show them: half-up rounding, 3 decimals, percentages."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def round_half_up(value: Fraction, places: int = 3) -> Decimal:
    """Return the value rounded half-up (8.9995 → 9.000), exactly: no float ever touches it."""
    scaled = math.floor(value * 10**places + Fraction(1, 2))
    return Decimal(scaled).scaleb(-places)


def shown(value: Fraction) -> str:
    """Return a figure as results.json and the reasons show it: 3 decimals, half-up."""
    return f"{round_half_up(value):.3f}"


def percent(value: Fraction) -> str:
    """Return a share as a percentage with at most one decimal: 1/10 → 10%, 2/19 → 10.5%."""
    return f"{round_half_up(value * 100, 1).normalize():f}%"
