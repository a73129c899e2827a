"""Read and validate campaign.yaml: issuer, notice, meeting, evaluators and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..model.campaign import (
    FONT_ROLES,
    GRADES,
    MEETING_MODES,
    PASSPHRASE_ENV,
    REPORT_LEAD,
    ROLES,
    Campaign,
    Distribution,
    FontChoice,
    Issuer,
    Meeting,
    Notice,
    Rules,
    SigningChoice,
)
from ..model.errors import InputError, Problem
from ..model.limits import EVALUATORS_MAX
from .fields import (
    Invalid,
    Record,
    as_count,
    as_date,
    as_int,
    as_number,
    as_share,
    as_text,
    as_texts,
    complete,
    one_of,
)
from .yamlmarks import Marked, load_yaml


@dataclass(frozen=True)
class Table:
    """A mapping of read values ({role: …} or {source: …}) with the record locating its keys."""

    record: Record
    values: dict[Any, Any]  # a value is None when it could not be read (already reported)


def load_campaign_file(content: bytes, shown_as: str) -> Campaign:
    """Return the campaign in campaign.yaml, or raise InputError with every problem in it."""
    problems: list[Problem] = []
    campaign = read_campaign(load_yaml(content, shown_as), shown_as, problems)
    if campaign is None:
        raise InputError(problems)
    return campaign


def read_campaign(data: object, file: str, problems: list[Problem]) -> Campaign | None:
    """Return the campaign from loaded YAML, or None once any problem is recorded."""
    if not isinstance(data, Marked):
        problems.append(Problem(file, "1", "campaign", "顶层须为映射", "must be a mapping"))
        return None
    top = Record.of_yaml(data, file, "", problems)
    year, deadline = top.take("year", as_int), top.take("deadline", as_date)
    issuer = _issuer(top.sub("issuer"))
    notice_record, meeting_record = top.sub("notice"), top.sub("meeting")
    notice, meeting = _notice(notice_record), _meeting(meeting_record)
    evaluators = _role_tables(top.sub("evaluators"), _as_copies)
    rules = _rules(top.sub("rules"), evaluators)
    results_record = top.sub("results", required=False)
    results_date, publish_scores = _results(results_record)
    fonts = _fonts(top.sub("fonts", required=False))
    signing = _signing(top.sub("signing", required=False))
    top.reject_unknown()
    _not_before(notice_record, "date", meeting_record, "date")
    _not_before(meeting_record, "date", top, "deadline")
    _not_before(meeting_record, "date", results_record, "date")
    _report_deadline_after_notice(notice_record, meeting_record)
    _year_of_the_dates(top, year, notice_record, meeting_record)
    if problems or evaluators is None:
        return None
    counts = {role: table.values for role, table in evaluators.values.items()}
    optional = partial(
        Campaign, results_date=results_date, fonts=fonts, publish_scores=publish_scores
    )
    return complete(
        partial(optional, signing=signing), year, issuer, notice, meeting, deadline, counts, rules
    )


def derive_town(issuer_name: str) -> str | None:
    """Return the town in 中共<town>委员会, or None when the name is not of that form."""
    if issuer_name.startswith("中共") and issuer_name.endswith("委员会"):
        return issuer_name.removeprefix("中共").removesuffix("委员会") or None
    return None


def _issuer(record: Record | None) -> Issuer | None:
    """Return the issuer; the town defaults to the one in the issuer's name."""
    if record is None:
        return None
    name, mark, superior = (record.take(key, as_text) for key in ("name", "mark", "superior"))
    town = record.take("town", as_text, None)
    record.reject_unknown()
    if name and record.values.get("town") is None:
        town = derive_town(name)
        if town is None:
            zh = f"无法从 issuer.name（{name}）推出镇名，请填写 issuer.town"
            record.report("town", zh, f"cannot derive the town from {name}; set issuer.town")
    return complete(Issuer, name, mark, superior, town)


def _notice(record: Record | None) -> Notice | None:
    """Return the notice; 印发日期 defaults to 成文日期."""
    if record is None:
        return None
    number, addressee = record.take("number", as_text), record.take("addressee", as_text)
    title = record.take("title", _as_issuing_title)
    issued = record.take("date", as_date)
    copy_to = record.take("copy_to", as_texts, ())
    printed_by = record.take("printed_by", as_text)
    printed_on = record.take("printed_on", as_date, issued)
    record.reject_unknown()
    return complete(Notice, number, title, addressee, issued, copy_to, printed_by, printed_on)


def _as_issuing_title(value: object) -> str:
    """Return a notice title that quotes, in 《》, the 工作方案 it issues (关于印发《…》的通知)."""
    title = as_text(value)
    if not re.search(r"《.+》", title):
        raise Invalid(
            "通知标题须以《》引出所印发的工作方案名称（如 关于印发《…工作方案》的通知）",
            "the notice title must quote the plan it issues in 《》",
        )
    return title


def _meeting(record: Record | None) -> Meeting | None:
    """Return the 述职评议会's date and mode."""
    if record is None:
        return None
    held, mode = record.take("date", as_date), record.take("mode", one_of(MEETING_MODES))
    record.reject_unknown()
    return Meeting(held, mode) if held and mode else None


def _results(record: Record | None) -> tuple[date | None, bool]:
    """Return the date of the 综合评价意见, if already known, and whether the 通报 shows scores."""
    if record is None:
        return None, False
    day = record.take("date", as_date, None)
    publish_scores = record.take("publish_scores", _as_flag, False)
    record.reject_unknown()
    return day, bool(publish_scores)


def _as_flag(value: object) -> bool:
    """Return a YAML true or false."""
    if not isinstance(value, bool):
        raise Invalid(f"须为 true 或 false，现为 {value}", f"must be true or false, got {value}")
    return value


def _not_before(first: Record | None, first_key: str, then: Record | None, then_key: str) -> None:
    """Report a date before the one it must follow: notice → meeting → deadline, results."""
    if first is None or then is None:
        return
    day = _date_or_none(first.values.get(first_key))
    next_day = _date_or_none(then.values.get(then_key))
    if day and next_day and next_day < day:
        name = first.field(first_key)
        zh = f"不能早于 {name}（{day}），现为 {next_day}"
        then.report(then_key, zh, f"must not be before {name} ({day}), got {next_day}")


def _year_of_the_dates(
    top: Record, year: int | None, notice: Record | None, meeting: Record | None
) -> None:
    """Report a year the notice and the meeting cannot belong to: the review of a year is held
    in that year or early in the next."""
    if year is None:
        return
    for record in (notice, meeting):
        day = _date_or_none(record.values.get("date")) if record is not None else None
        if day is not None and not year <= day.year <= year + 1:
            name = record.field("date") if record is not None else "date"
            zh = f"考核年度 {year} 与 {name}（{day}）不符：日期应在 {year} 年或 {year + 1} 年"
            en = f"year {year} does not fit {name} ({day}): dates fall in {year} or {year + 1}"
            top.report("year", zh, en)
            return


def _report_deadline_after_notice(notice: Record | None, meeting: Record | None) -> None:
    """Report a meeting so soon that the 述职报告 would be due before the notice goes out.

    五（二）: reports go to the superior one week before the meeting.
    """
    if notice is None or meeting is None:
        return
    issued = _date_or_none(notice.values.get("date"))
    held = _date_or_none(meeting.values.get("date"))
    if issued and held and held - REPORT_LEAD < issued:
        due = held - REPORT_LEAD
        meeting.report(
            "date",
            f"述职报告须在会前一周（{due}）报送，早于通知日期 {issued}",
            f"reports are due a week before the meeting ({due}), before the notice date {issued}",
        )


def _date_or_none(value: object) -> date | None:
    """Return the value as a date, or None when it is not one (reported elsewhere)."""
    try:
        return as_date(value)
    except Invalid:
        return None


def _role_tables(record: Record | None, read: Any) -> Table | None:
    """Return {role: Table of {source: value}}; only the two known roles are accepted."""
    if record is None:
        return None
    tables: dict[str, Table] = {}
    for role in list(record.values):
        if role not in ROLES:
            zh = f"未知角色 {role}，应为 {' 或 '.join(ROLES)}"
            record.report(role, zh, f"unknown role {role}; expected {' or '.join(ROLES)}")
        elif (sources := record.sub(role)) is not None:
            tables[role] = Table(
                sources, {key: sources.take(key, read) for key in list(sources.values)}
            )
    return Table(record, tables)


def _as_copies(value: object) -> int:
    """Return how many copies of a sheet to print: a count within its bound."""
    copies = as_count(value)
    if copies > EVALUATORS_MAX:
        zh = f"评议人数 {copies} 超过上限 {EVALUATORS_MAX}"
        raise Invalid(zh, f"{copies} evaluators, over the bound of {EVALUATORS_MAX}")
    return copies


def _as_weight(value: object) -> Fraction:
    """Return a non-negative exact weight."""
    weight = as_number(value)
    if weight < 0:
        raise Invalid(f"权重不能为负数，现为 {value}", f"weight must not be negative, got {value}")
    return weight


def _rules(record: Record | None, evaluators: Table | None) -> Rules | None:
    """Return the scoring rules, checked against the evaluators they weigh."""
    if record is None:
        return None
    weights = _role_tables(record.sub("weights"), _as_weight)
    if weights is not None:
        _check_weight_sums(weights)
        if evaluators is not None:
            _check_evaluators(evaluators, weights)
    bands = _bands(record.sub("bands"))
    low_vote_share_max = record.take("low_vote_share_max", as_share)
    distribution = _distribution(record.sub("distribution"))
    rectification_days = record.take("rectification_days", as_count)
    record.reject_unknown()
    if weights is None:
        return None
    by_role = {role: table.values for role, table in weights.values.items()}
    return complete(Rules, by_role, bands, low_vote_share_max, distribution, rectification_days)


def _check_weight_sums(weights: Table) -> None:
    """Report a role whose source weights do not add up to exactly 1."""
    for role, table in weights.values.items():
        if None not in table.values.values():
            total = sum(table.values.values(), Fraction(0))
            if total != 1:
                zh, en = f"各来源权重之和须为1，现为 {total}", f"weights must sum to 1, got {total}"
                weights.record.report(role, zh, en)


def _check_evaluators(evaluators: Table, weights: Table) -> None:
    """Report weighted sources nobody evaluates, and evaluators of unweighted sources."""
    for role, table in weights.values.items():
        if role in evaluators.values:
            _check_sources_evaluated(role, table, evaluators.values[role].values)
        elif role not in evaluators.record.values:  # there but unreadable: reported already
            zh = f"角色 {role} 没有评议人（evaluators.{role}）"
            weights.record.report(role, zh, f"role {role} has no evaluators (evaluators.{role})")
    for role, table in evaluators.values.items():
        if role in weights.values:
            _check_sources_weighted(role, table, weights.values[role].values)
        elif role not in weights.record.values:
            zh = f"角色 {role} 在 rules.weights 中没有权重"
            evaluators.record.report(role, zh, f"role {role} has no weights in rules.weights")


def _check_sources_evaluated(role: str, weights: Table, counts: dict) -> None:
    """Report a source with weight > 0 that no evaluator will score."""
    for source, weight in weights.values.items():
        if weight and counts.get(source, 0) == 0:
            zh = f"来源 {source} 权重为 {weight}，但 evaluators.{role} 中没有评议人"
            en = f"source {source} has weight {weight} but no evaluators in evaluators.{role}"
            weights.record.report(source, zh, en)


def _check_sources_weighted(role: str, counts: Table, weights: dict) -> None:
    """Report evaluators of a source that has no weight for that role."""
    for source in counts.values:
        if source not in weights:
            zh = f"来源 {source} 不在 rules.weights.{role} 中"
            counts.record.report(source, zh, f"source {source} is not in rules.weights.{role}")


def _bands(record: Record | None) -> tuple[tuple[str, Fraction], ...] | None:
    """Return (grade, lower bound) for the four grades, highest first."""
    if record is None:
        return None
    read = {grade: record.take(grade, as_number) for grade in GRADES}
    record.reject_unknown()
    bounds = {grade: bound for grade, bound in read.items() if bound is not None}
    if len(bounds) < len(read):
        return None
    _check_bands(record, bounds)
    return tuple(bounds.items())


def _check_bands(record: Record, bounds: dict[str, Fraction]) -> None:
    """Report bounds that do not fall strictly from 好 (at most 10) down to 差 (at 0)."""
    for higher, lower in pairwise(GRADES):
        if bounds[lower] >= bounds[higher]:
            pair = f"{lower} ({bounds[lower]}) / {higher} ({bounds[higher]})"
            zh = f"等次下限须依次递减，{lower} 须低于 {higher}：{pair}"
            record.report(lower, zh, f"bands out of order: {lower} must be below {higher}: {pair}")
    if (worst := bounds["差"]) != 0:
        record.report("差", f"差 的下限须为 0，现为 {worst}", f"差 must start at 0, got {worst}")
    if (best := bounds["好"]) > 10:
        record.report(
            "好", f"好 的下限不能超过 10，现为 {best}", f"好 must start at 10 or below, got {best}"
        )


def _distribution(record: Record | None) -> Distribution | None:
    """Return the expected spread of grades."""
    if record is None:
        return None
    below_good_share = record.take("below_good_share", as_share)
    tolerance = record.take("tolerance", as_share)
    low_grades_expected = record.take("low_grades_expected", as_count)
    record.reject_unknown()
    return complete(Distribution, below_good_share, tolerance, low_grades_expected)


def _fonts(record: Record | None) -> dict[str, FontChoice]:
    """Return the user's font overrides by font role (小标宋, 仿宋, …)."""
    if record is None:
        return {}
    fonts = {}
    for role in list(record.values):
        if role not in FONT_ROLES:
            listed = "、".join(FONT_ROLES)
            zh = f"未知字体角色 {role}，应为 {listed} 之一"
            record.report(role, zh, f"unknown font role {role}; expected one of {listed}")
        elif (choice := _font_choice(record, role)) is not None:
            fonts[role] = choice
    return fonts


def _font_choice(fonts: Record, role: str) -> FontChoice | None:
    """Return one font override: a family name, a font file, or both."""
    record = fonts.sub(role)
    if record is None:
        return None
    name, file = record.take("name", as_text, None), record.take("file", as_text, None)
    record.reject_unknown()
    if not {"name", "file"} & record.values.keys():
        fonts.report(role, "须填写 name 或 file", "give a font name or file")
        return None
    return FontChoice(name, file)


def _signing(record: Record | None) -> SigningChoice | None:
    """Return the committee's signing certificate; None leaves signing to the demo signer."""
    if record is None:
        return None
    pkcs12 = record.take("pkcs12", as_text)
    passphrase_env = record.take("passphrase_env", _as_env_name, PASSPHRASE_ENV)
    trust_root = record.take("trust_root", as_text)
    timestamp_url = record.take("timestamp_url", _as_url, None)
    record.reject_unknown()
    if pkcs12 is None or passphrase_env is None or trust_root is None:
        return None
    lines = {key: record.where(key) for key in ("pkcs12", "passphrase_env", "trust_root")}
    return SigningChoice(Path(pkcs12), passphrase_env, Path(trust_root), timestamp_url, lines)


def _as_env_name(value: object) -> str:
    """Return the name of an environment variable (letters, digits, _; not first a digit)."""
    name = as_text(value)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise Invalid(
            f"须为环境变量名（字母、数字、下划线，不以数字开头），现为 {name}",
            f"must be an environment variable name (letters, digits, _), got {name}",
        )
    return name


def _as_url(value: object) -> str:
    """Return an http:// or https:// address."""
    url = as_text(value)
    if not re.fullmatch(r"https?://\S+", url):
        raise Invalid(
            f"须为 http:// 或 https:// 地址，现为 {url}",
            f"must be an http(s):// address, got {url}",
        )
    return url
