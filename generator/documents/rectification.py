"""The 整改清单 of each secretary, as the seed's 五（六） asks.

“党组织书记要认真梳理自己查摆、上级点评、群众评议指出的问题，列出整改清单”: one table per
secretary with the problems in three groups — 自己查摆 (blank rows the secretary fills in), 上级点评
(the committee's 指出问题, from the assessment) and 群众评议 (the ballots' 问题和不足 and 意见建议,
each text once) — and for each row the 整改措施, 整改时限 and 责任人 to write. For a 一般 or 差
grade the 整改时限 is prefilled with results.json's rectification_due (五（五）: 限期整改);
otherwise it is left to fill.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date, heading_numeral
from ..model.results import SecretaryResult
from .context import LettersContext
from .kind import Archived, Document, Kind
from .personal import personal_documents

COLUMNS = ("序号", "存在问题", "整改措施", "整改时限", "责任人")
SELF_ROWS = 3  # blank rows for 自己查摆
BLANK_ROWS = 2  # blank rows for a group with nothing found
SUGGESTION = "（意见建议）"  # marks a ballot's 意见建议 among the 问题和不足
SIGN_LINE = "党组织书记（签字）：　　　　　　　　　　　　　　年　　月　　日"


@dataclass(frozen=True, slots=True)
class Item:
    """One row: its number, the problem (empty: to fill) and the deadline (empty: to fill)."""

    number: str
    problem: str
    deadline: str


@dataclass(frozen=True, slots=True)
class Group:
    """Where the problems were found: 自己查摆, 上级点评 or 群众评议."""

    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class RectificationList:
    """Every word of one secretary's 整改清单, in reading order."""

    title: str
    particulars: str  # 党组织, 姓名, 等次 (and the 整改期限) on one line
    columns: tuple[str, ...]
    groups: tuple[Group, ...]
    notes: tuple[str, ...]
    sign_line: str


def unique(texts: Iterable[str]) -> list[str]:
    """Return the texts once each, in first-seen order; texts differing only in spaces are one."""
    seen: set[str] = set()
    kept = []
    for text in texts:
        key = "".join(text.split())
        if key and key not in seen:
            seen.add(key)
            kept.append(text.strip())
    return kept


def build_list(campaign: Campaign, result: SecretaryResult) -> RectificationList:
    """Return one secretary's 整改清单."""
    secretary, due = result.secretary, result.rectification_due
    deadline = chinese_date(due) if due else ""
    found_by = (
        f"{campaign.issuer.short}综合评价意见" if secretary.role == "branch" else "上级党组织点评"
    )
    comments = result.comments
    masses = unique(comments["problems"]) + [
        SUGGESTION + text for text in unique(comments["suggestions"])
    ]
    sources = (
        ("自己查摆", [""] * SELF_ROWS),
        (
            f"上级点评（{found_by}指出的问题）",
            unique(result.assessment.problems) or [""] * BLANK_ROWS,
        ),
        ("群众评议（评议表所提问题和不足、意见建议）", masses or [""] * BLANK_ROWS),
    )
    groups, count = [], 0
    for n, (heading, texts) in enumerate(sources, start=1):
        items = []
        for text in texts:
            count += 1
            items.append(Item(str(count), text, deadline))
        groups.append(Group(heading_numeral(1, n) + heading, tuple(items)))
    particulars = (
        f"党组织：{secretary.organization}　　姓名：{secretary.name}"
        f"　　综合评价等次：{result.grade}"
    )
    if due:
        particulars += f"　　整改期限：{deadline}"
    return RectificationList(
        title=f"{secretary.name}同志{campaign.year}年度抓基层党建述职评议考核问题整改清单",
        particulars=particulars,
        columns=COLUMNS,
        groups=tuple(groups),
        notes=_notes(campaign, found_by, deadline),
        sign_line=SIGN_LINE,
    )


def _notes(campaign: Campaign, found_by: str, deadline: str) -> tuple[str, ...]:
    """Return the 注 under the table: where each group's problems come from, and the deadlines."""
    named = "".join(f"“{grade}”" for grade in campaign.rules.interviewed)
    due = (
        f"综合评价等次为{named}，须{campaign.texts.say('interview')}，各项整改时限不晚于{deadline}。"
        if deadline
        else "整改时限由本人根据问题性质逐项确定。"
    )
    return (
        "注：1.“自己查摆”由本人对照述职报告和述职评议情况查摆填写；“上级点评”为"
        f"{found_by}指出的问题；“群众评议”为评议表所填问题和不足、意见建议，相同内容只列一次，"
        f"意见建议标“{SUGGESTION}”。",
        f"2.整改措施要具体、可检验，逐项明确整改时限和责任人；{due}",
    )


def rectification_lists(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield each secretary's 整改清单, PDF (laid out in one batch) and DOCX."""
    lists = [(s, build_list(context.campaign, context.results.of(s))) for s in batch]
    yield from personal_documents(
        KIND,
        context.renderer,
        lists,
        html="rectification.html",
        title=f"{context.campaign.year}年度问题整改清单",
        titles=[item.title for _, item in lists],
        docx=("rectification.docx", lambda item: {"c": item}),
    )


KIND: Kind[LettersContext] = Kind(
    key="rectification",
    name="整改清单",
    pack="letters",
    folder="letters/整改清单",
    build=rectification_lists,
    per_secretary=True,
    templates=("rectification.html", "rectification.docx"),
    archived=Archived("整改清单", section="personal", order=5),
    cost=0.34,
)
