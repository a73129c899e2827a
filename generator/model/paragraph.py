"""A paragraph of running text, as the plan and the letters hand it to the templates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: a kind for styling, a lead-in and the text that follows."""

    kind: str  # "h1" (黑体 heading) | "h2" (楷体 lead-in) | "body"
    head: str  # the part set in the heading font; "" for plain body text
    text: str  # the part set in the body font
