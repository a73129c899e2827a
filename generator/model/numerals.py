"""Chinese numbering and dates as official documents write them."""

from __future__ import annotations

from datetime import date

DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return 1..99 in Chinese numerals: 1 → 一, 10 → 十, 13 → 十三, 20 → 二十."""
    if not 1 <= n <= 99:
        raise ValueError(f"no Chinese numeral for {n}")
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else DIGITS[tens] + "十")
    return head + (DIGITS[units] if units else "")


def heading_numeral(level: int, n: int) -> str:
    """Return the GB/T 9704 numeral of heading level 1–4: 一、 （一） 1. （1）."""
    return (f"{chinese_number(n)}、", f"（{chinese_number(n)}）", f"{n}.", f"（{n}）")[level - 1]


def chinese_date(day: date) -> str:
    """Return 2022年11月28日: Arabic numerals, year in full, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"
