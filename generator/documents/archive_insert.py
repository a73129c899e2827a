"""The 干部人事档案 insert: each secretary's result as an archive material of 第三类 (考核鉴定类).

五（五）: “综合评价意见及等次经镇党委研究后……由组织人事部门根据有关规定归入干部人事档案”.
The material follows the archive rules rather than GB/T 9704: A4 with a 20–25 mm binding margin
on the left (24 mm; 中组发〔2009〕12号《干部人事档案材料收集归档规定》), one page, the deciding body
and a full 形成时间 (its 落款 date, which the 目录 copies), room for the seal. Every figure comes
from results.json; the words are all here, the templates only lay them out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from pypdf import PdfReader

from ..model import Campaign, Secretary
from ..numerals import chinese_date
from ..render.docx import render_docx
from ..scoring import percent
from ..templating import html_environment
from . import appraisal
from .archive_catalogue import catalogue_files, catalogue_row
from .schedule import signature_indent

if TYPE_CHECKING:
    from ..letters import LettersRun

FOLDER = "letters/干部人事档案"
QUOTED = re.compile(r"“([^“”]{1,6})”")
TITLE = "{year}年度党组织书记抓基层党建工作述职评议考核结果"


@dataclass(frozen=True, slots=True)
class Labels:
    """The words of the form's left column."""

    name: str = "姓名"
    gender: str = "性别"
    post: str = "单位及职务"
    score: str = "述职评议结果"
    grade: str = "综合评价等次"
    opinion: str = "综合评价意见"
    decision: str = "审定意见"


@dataclass(frozen=True, slots=True)
class ArchiveInsert:
    """Every word of one secretary's archive material, in reading order."""

    author: str  # PDF metadata: the deciding body
    created: str  # PDF metadata: the 形成时间, ISO 8601
    title: str
    labels: Labels
    name: str
    gender: str  # "" when secretaries.yaml does not give it: the archive office fills it in
    post: str
    score: str
    grade: str
    opinion: str
    decision: str
    signature: str
    signature_right_em: float  # in characters of the form's 4号 text
    date: str  # the 形成时间, in full


def build_insert(
    campaign: Campaign, secretary: Secretary, entry: dict, results_date: date
) -> ArchiveInsert:
    """Return one secretary's archive material from their results.json entry."""
    signed_on = chinese_date(results_date)
    weights = campaign.rules.weights[entry["role"]]
    terms = "＋".join(
        f"{source}{entry['ballots'][source]['mean']}分×{percent(weight)}"
        for source, weight in weights.items()
        if weight
    )
    return ArchiveInsert(
        author=campaign.issuer.name,
        created=results_date.isoformat(),
        title=TITLE.format(year=campaign.year),
        labels=Labels(),
        name=entry["name"],
        gender=secretary.gender or "",
        post=appraisal.post(entry["organization"]),
        score=f"{entry['score']}分（{terms}）",
        grade=entry["grade"],
        opinion=_opinion(campaign, entry),
        decision=(
            f"经镇党委研究，确定{entry['name']}同志{campaign.year}年度抓基层党建工作"
            f"述职评议考核综合评价等次为“{entry['grade']}”。"
        ),
        signature=campaign.issuer.name,
        signature_right_em=signature_indent(campaign.issuer.name, signed_on),
        date=signed_on,
    )


def _opinion(campaign: Campaign, entry: dict) -> str:
    """Return the short 综合评价意见: the committee's findings and how the grade was set."""
    assessment = entry["assessment"]
    achievements = [appraisal.clean(a) for a in assessment["achievements"]]
    problems = [appraisal.clean(p) for p in assessment["problems"]]
    text = ""
    if achievements:
        text += f"该同志{campaign.year}年度抓基层党建工作，{'，'.join(achievements)}。"
    if problems:
        text += (
            f"{'存在' if achievements else '该同志抓基层党建工作存在'}{'、'.join(problems)}等问题。"
        )
    text += "".join(appraisal.grade_reasons(entry))
    text += f"述职评议结果{entry['score']}分，综合评价等次为“{entry['grade']}”。"
    if entry["interview_required"]:
        due = chinese_date(date.fromisoformat(entry["rectification_due"]))
        text += f"按照工作方案要求约谈提醒、限期整改，整改期限至{due}。"
    return text


def unbroken_quotes(text: str) -> Markup:
    """Return the text with each short quoted term (“一般”) kept on one line in the PDF."""
    return Markup(QUOTED.sub(lambda m: f'“<span class="nobr">{m[1]}</span>”', str(escape(text))))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def archive_insert_files(run: LettersRun) -> dict[str, bytes]:
    """Return each secretary's insert (DOCX and PDF, one batch) and the 目录 (XLSX and PDF)."""
    results_date = date.fromisoformat(run.document["campaign"]["results_date"])
    inserts = [
        build_insert(run.campaign, secretary, entry, results_date)
        for secretary, entry in zip(run.secretaries, run.document["secretaries"], strict=True)
    ]
    environment = html_environment(run.renderer.fonts)
    environment.filters["unbroken_quotes"] = unbroken_quotes
    html = environment.get_template("archive_inserts.html").render(
        inserts=inserts, title=inserts[0].title if inserts else ""
    )
    titles = [f"{insert.title}（{insert.name}）" for insert in inserts]
    pdfs = run.renderer.render_batch(html, len(inserts), titles, signed=True)
    files, rows = {}, []
    for number, (secretary, insert, pdf) in enumerate(
        zip(run.secretaries, inserts, pdfs, strict=True), 1
    ):
        stem = f"{FOLDER}/{number:02d}-{secretary.name}"
        files[f"{stem}.pdf"] = pdf
        files[f"{stem}.docx"] = render_docx("archive_insert.docx", {"c": insert})
        rows.append(catalogue_row(number, insert, results_date, page_count(pdf)))
    files.update(catalogue_files(run, rows, FOLDER))
    return files
