"""The 通知 that issues the 工作方案, with the two blank 评议表 as 附件1 and 附件2."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model.campaign import Campaign, Secretary
from ..model.numerals import chinese_date
from ..model.paragraph import Paragraph
from ..render.docx import render_docx
from ..render.geometry import TITLE_CHARS, Masthead, signature_indent, title_lines
from ..render.imprint import ImprintPlacement, place_imprint
from ..render.pdf import PdfRenderer
from ..render.templating import html_environment
from . import evaluation_form as forms
from .context import FormsContext
from .kind import Document, Kind

MARK_MAX_PT = 52  # the 发文机关标志's size, unless the name is too long for one line


@dataclass(frozen=True, slots=True)
class Attachment:
    label: str  # 附件1
    form: forms.EvaluationForm


@dataclass(frozen=True, slots=True)
class Notice:
    """Every word of the 通知, in reading order, and the few figures its layout needs."""

    author: str  # PDF metadata: the issuing organ
    created: str  # PDF metadata: the 成文日期, ISO 8601
    mark: str
    mark_size_pt: float
    masthead: Masthead
    number: str
    title_lines: list[str]
    addressee: str
    sentence: str
    plan_title_lines: list[str]
    plan: list[Paragraph]
    attachment_intro: str
    attachment_names: list[str]
    signature: str
    signature_right_em: float
    date: str
    attachments: list[Attachment]
    copy_to: str
    printed_by: str
    printed_on: str


def plan_title(notice_title: str) -> str:
    """Return the 工作方案's own title: what the notice title quotes in 《》 (validated on load)."""
    quoted = re.search(r"《(.+)》", notice_title)
    if quoted is None:
        raise ValueError(f"the notice title quotes no plan: {notice_title}")  # checked on load
    return quoted[1].replace("〈", "《").replace("〉", "》")


def build_notice(
    campaign: Campaign, secretaries: Sequence[Secretary], plan: Sequence[Paragraph]
) -> Notice:
    """Return the 通知's context from the campaign, its secretaries and the plan's text."""
    notice, issuer = campaign.notice, campaign.issuer
    quoted = plan_title(notice.title)
    branches = sum(1 for s in secretaries if s.role == "branch")
    blank_forms = {  # 附件 only for the roles that have secretaries
        "branch": lambda: forms.branch_form(campaign, forms.BLANK_NAME, branches),
        "committee": lambda: forms.committee_form(campaign),
    }
    form_pair = [blank_forms[role]() for role in campaign.roles_present(secretaries)]
    date = chinese_date(notice.date)
    mark_size_pt = min(MARK_MAX_PT, round(150 / len(issuer.mark) * 72 / 25.4, 1))
    return Notice(
        author=issuer.name,
        created=notice.date.isoformat(),
        mark=issuer.mark,
        mark_size_pt=mark_size_pt,
        masthead=Masthead(mark_size_pt),
        number=notice.number,
        title_lines=title_lines(notice.title, TITLE_CHARS),
        addressee=f"{notice.addressee}：",
        sentence=campaign.texts.say("notice_sentence", plan=quoted),
        plan_title_lines=title_lines(quoted, TITLE_CHARS),
        plan=list(plan),
        attachment_intro="附件：",
        attachment_names=[
            f"{i}.{forms.ATTACHMENT_NAMES[role]}"
            for i, role in enumerate(campaign.roles_present(secretaries), start=1)
        ],
        signature=issuer.name,
        signature_right_em=signature_indent(issuer.name, date),
        date=date,
        attachments=[Attachment(f"附件{i}", form) for i, form in enumerate(form_pair, start=1)],
        copy_to=f"抄送：{'，'.join(notice.copy_to)}。" if notice.copy_to else "",
        printed_by=notice.printed_by,
        printed_on=f"{chinese_date(notice.printed_on)}印发",
    )


def render_notice(renderer: PdfRenderer, notice: Notice) -> tuple[bytes, ImprintPlacement]:
    """Render the 通知's PDF in two layouts: the first decides where the 版记 goes."""
    html = html_environment(renderer.fonts).get_template("notice.html").render(n=notice)
    placement = place_imprint(renderer.layout(html))
    document = renderer.layout(html, placement.css())
    if len(document.pages) != placement.page:
        raise RuntimeError(
            f"版记 expected on page {placement.page}, document has {len(document.pages)} pages"
        )
    return renderer.write(document), placement


def notice_files(context: FormsContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    """Yield the 通知 as PDF and DOCX, two renderings of one context."""
    notice = build_notice(context.campaign, context.secretaries, context.plan)
    pdf, placement = render_notice(context.renderer, notice)
    yield Document(KIND, ".pdf", pdf)
    yield Document(KIND, ".docx", render_docx("notice.docx", {"n": notice, "n_layout": placement}))


KIND: Kind[FormsContext] = Kind(
    key="notice",
    name="通知",
    pack="forms",
    folder="forms",
    stem="通知",
    build=notice_files,
    templates=("notice.html", "notice.docx"),
    cost=3.0,
)
