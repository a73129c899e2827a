"""Place the 版记 at the foot of the last page, which must be even (GB/T 9704 §7.4).

The 版记 is positioned at the bottom of the 版心 of the page where the text ends. A first layout
tells whether that page is even and has room; if not, the 版记 moves to the next even page (a
blank page between, if need be). A blank page carries no page number, nor does the 版记 page after
it (§7.5); a 版记 page after text is numbered like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import weasyprint

FLOW_END = "flow-end"  # id of an empty element after the last text
IMPRINT = "imprint"  # id of the absolutely positioned 版记
NO_NUMBER = (
    "@page :nth({page}) {{ @bottom-left {{ content: none !important }}"
    " @bottom-right {{ content: none !important }} }}"
)
OWN_PAGE = ".imprint-page { break-before: left; }"


@dataclass(frozen=True, slots=True)
class ImprintPlacement:
    """Where the 版记 went: the page (1-based) and whether it has that page to itself."""

    page: int
    own_page: bool
    blank_before: bool

    def css(self) -> str:
        """Return the CSS that puts the 版记 there, and drops its page's number after a blank page."""
        rules = [NO_NUMBER.format(page=self.page)] if self.blank_before else []
        if self.own_page:
            rules.append(OWN_PAGE)
        return "\n".join(rules)


def anchor(document: weasyprint.Document, name: str) -> tuple[int, float]:
    """Return the 1-based page and the y position (CSS px) of an element with this id."""
    for number, page in enumerate(document.pages, start=1):
        if name in page.anchors:
            return number, page.anchors[name][1]
    raise LookupError(f"no element with id {name!r} in the document")


def place_imprint(first_layout: weasyprint.Document) -> ImprintPlacement:
    """Decide from a first layout where the 版记 goes."""
    end_page, end_y = anchor(first_layout, FLOW_END)
    imprint_page, imprint_top = anchor(first_layout, IMPRINT)
    if end_page % 2 == 0 and imprint_page == end_page and end_y <= imprint_top:
        return ImprintPlacement(end_page, own_page=False, blank_before=False)
    if end_page % 2 == 1:
        return ImprintPlacement(end_page + 1, own_page=True, blank_before=False)
    return ImprintPlacement(end_page + 2, own_page=True, blank_before=True)
