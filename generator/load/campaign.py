"""Read and validate campaign.yaml: issuer, notice, meeting, evaluators and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..model.campaign import (
    FONT_ROLES,
    MEETING_MODES,
    PASSPHRASE_ENV,
    REPORT_LEAD_DAYS,
    ROLES,
    SOURCE_KINDS,
    Campaign,
    Distribution,
    FontChoice,
    Issuer,
    LowVote,
    Meeting,
    Notice,
    Rules,
    Scale,
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
    committee = _committee_sources(top.sub("sources", required=False))
    rules = _rules(top.sub("rules"), evaluators, committee)
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


# 中共<place><committee>: the committee's own word, and how running text names it. Longest first.
COMMITTEES = (
    ("街道工作委员会", "街道", "街道党工委"),
    ("街道委员会", "街道", "街道党委"),
    ("镇委员会", "镇", "镇党委"),
    ("乡委员会", "乡", "乡党委"),
    ("苏木委员会", "苏木", "苏木党委"),
)
# The divisions above a township: the place is what follows the last of them (长沙市望城区大泽湖街道).
HIGHER_DIVISIONS = re.compile(r"^.*?(?:省|自治区|市|自治州|州|盟|地区|区|县|自治县|旗|自治旗)(?=.)")


def derive_place(issuer_name: str) -> tuple[str, str] | None:
    """Return (town, short name) from 中共<…><town><committee>, or None when the name is not of a
    township's form: 中共上海庙镇委员会 → (上海庙镇, 镇党委); 中共长沙市望城区大泽湖街道工作委员会 →
    (大泽湖街道, 街道党工委)."""
    if not issuer_name.startswith("中共"):
        return None
    body = issuer_name.removeprefix("中共")
    for ending, kind, short in COMMITTEES:
        if body.endswith(ending) and len(body) > len(ending):
            place = body.removesuffix(ending)
            local = _local_part(place)
            return (local + kind, short) if local else None
    return None


def _local_part(place: str) -> str:
    """Return the township's own name: what follows the last higher division, when one does."""
    match = HIGHER_DIVISIONS.match(place)
    while match and len(place) - match.end() >= 2:  # keep at least a two-character name
        place = place[match.end() :]
        match = HIGHER_DIVISIONS.match(place)
    return place


def _issuer(record: Record | None) -> Issuer | None:
    """Return the issuer; the town and the short name default to those in the issuer's name."""
    if record is None:
        return None
    name, mark, superior = (record.take(key, as_text) for key in ("name", "mark", "superior"))
    town = record.take("town", as_text, None)
    short = record.take("short", as_text, None)
    record.reject_unknown()
    derived = derive_place(name) if name else None
    for key, given, what in (("town", town, "镇（街道）名"), ("short", short, "简称")):
        if name and given is None and record.values.get(key) is None and derived is None:
            zh = f"无法从 issuer.name（{name}）推出{what}，请填写 issuer.{key}"
            en = f"cannot derive issuer.{key} from {name}; set issuer.{key}"
            record.report(key, zh, en)
    if derived is not None:
        town, short = town or derived[0], short or derived[1]
    return complete(Issuer, name, mark, superior, town, short)


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
    lead = record.take("report_lead_days", as_count, REPORT_LEAD_DAYS)
    record.reject_unknown()
    return Meeting(held, mode, lead) if held and mode and lead is not None else None


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
    lead = meeting.values.get("report_lead_days", REPORT_LEAD_DAYS)
    if not isinstance(lead, int) or isinstance(lead, bool) or lead < 0:
        return  # reported as the field's own problem
    if issued and held and held - timedelta(days=lead) < issued:
        due = held - timedelta(days=lead)
        meeting.report(
            "date",
            f"述职报告须在会前 {lead} 天（{due}）报送，早于通知日期 {issued}",
            f"reports are due {lead} days before the meeting ({due}), before the notice date {issued}",
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


def _committee_sources(record: Record | None) -> frozenset[str]:
    """Return the sources the committee scores itself (kind: committee); the others are ballots."""
    if record is None:
        return frozenset()
    found = set()
    for source in list(record.values):
        entry = record.sub(source)
        if entry is None:
            continue
        kind = entry.take("kind", one_of(SOURCE_KINDS))
        entry.reject_unknown()
        if kind == "committee":
            found.add(source)
    return frozenset(found)


def _rules(
    record: Record | None, evaluators: Table | None, committee: frozenset[str]
) -> Rules | None:
    """Return the scoring rules, checked against the evaluators they weigh."""
    if record is None:
        return None
    weights = _role_tables(record.sub("weights"), _as_weight)
    if weights is not None:
        _check_weight_sums(weights)
        if evaluators is not None:
            _check_evaluators(evaluators, weights, committee)
    scale = _scale(record.sub("scale", required=False))
    grades = _grades(record, scale)
    low_vote = _low_vote(record, scale)
    names = tuple(name for name, _ in grades or ())
    excellent = record.take("excellent_requires", partial(_as_grade_list, names), None)
    interview = record.take("interview_grades", partial(_as_grade_list, names), None)
    distribution = _distribution(record.sub("distribution", required=False))
    rectification_days = record.take("rectification_days", as_count)
    record.reject_unknown()
    if weights is None or scale is None:
        return None
    by_role = {role: table.values for role, table in weights.values.items()}
    optional = partial(
        Rules,
        low_vote=low_vote,  # None: no such rule (or one reported)
        distribution=distribution,  # None: the plan sets none
        scale=scale,
        excellent_requires=excellent,
        interview_grades=interview,
        committee_sources=committee,
    )
    return complete(
        lambda weights, bounds, days: optional(weights, bounds, rectification_days=days),
        by_role,
        grades,
        rectification_days,
    )


SCALE_MAX = 1000  # the highest score a ballot may carry: a 100-point plan is common, 1000 none


def _scale(record: Record | None) -> Scale | None:
    """Return the ballots' whole-number scale: 1–10 unless the plan says otherwise."""
    if record is None:
        return Scale(1, 10)
    low, high = record.take("min", as_count), record.take("max", as_count)
    record.reject_unknown()
    if low is None or high is None:
        return None
    if not low < high <= SCALE_MAX:
        zh = f"分值范围须满足 min < max ≤ {SCALE_MAX}，现为 {low}–{high}"
        record.report(None, zh, f"the scale must have min < max ≤ {SCALE_MAX}, got {low}–{high}")
        return None
    return Scale(low, high)


def _grades(record: Record, scale: Scale | None) -> tuple[tuple[str, Fraction], ...] | None:
    """Return (grade, lower bound) best first, from `grades` or its older name `bands`."""
    given = [key for key in ("grades", "bands") if key in record.values]
    if len(given) == 2:
        zh = "grades 与 bands 是同一字段，只能写一个"
        record.report("bands", zh, "grades and bands are one field: give only one")
    table = record.sub(given[0] if given else "grades")
    if table is None:
        return None
    read = {str(grade): table.take(grade, as_number) for grade in list(table.values)}
    table.reject_unknown()
    bounds = {grade: bound for grade, bound in read.items() if bound is not None}
    if len(bounds) < len(read):
        return None
    if len(bounds) < 2:
        table.report(None, "至少须有两个等次", "at least two grades are needed")
        return None
    _check_grades(table, bounds, scale)
    return tuple(bounds.items())


def _check_grades(record: Record, bounds: dict[str, Fraction], scale: Scale | None) -> None:
    """Report bounds that do not fall strictly, best first, or leave a score without a grade."""
    names = list(bounds)
    for higher, lower in pairwise(names):
        if bounds[lower] >= bounds[higher]:
            pair = f"{lower} ({bounds[lower]}) / {higher} ({bounds[higher]})"
            zh = f"等次下限须依次递减，{lower} 须低于 {higher}：{pair}"
            record.report(lower, zh, f"bands out of order: {lower} must be below {higher}: {pair}")
    if scale is None:
        return
    lowest, best = names[-1], names[0]
    if bounds[lowest] > scale.low:
        zh = f"{lowest} 的下限须不高于最低分 {scale.low}，现为 {bounds[lowest]}：否则有分数不属任何等次"
        en = f"{lowest} must start at {scale.low} or below, got {bounds[lowest]}: "
        record.report(lowest, zh, en + "else a score has no grade")
    if bounds[best] > scale.high:
        zh = f"{best} 的下限不能超过最高分 {scale.high}，现为 {bounds[best]}"
        en = f"{best} must start at {scale.high} or below, got {bounds[best]}"
        record.report(best, zh, en)


def _low_vote(record: Record, scale: Scale | None) -> LowVote | None:
    """Return the low-vote rule: `low_vote`, or its older form `low_vote_share_max`."""
    if "low_vote_share_max" in record.values:
        share = record.take("low_vote_share_max", as_share)
        return LowVote(6, share) if share is not None else None
    rule = record.sub("low_vote", required=False)
    if rule is None:
        return None
    at_most, share = rule.take("score_at_most", as_count), rule.take("share_max", as_share)
    rule.reject_unknown()
    if at_most is not None and scale is not None and not scale.low <= at_most <= scale.high:
        zh = f"须在分值范围 {scale.low}–{scale.high} 内，现为 {at_most}"
        en = f"must be within the scale {scale.low}–{scale.high}, got {at_most}"
        rule.report("score_at_most", zh, en)
        return None
    return complete(LowVote, at_most, share)


def _as_grade_list(names: tuple[str, ...], value: object) -> tuple[str, ...]:
    """Return a list of the plan's grade names."""
    if not isinstance(value, list):
        raise Invalid("须为等次名称的列表", "must be a list of grade names")
    unknown = [item for item in value if item not in names]
    if unknown:
        listed = "、".join(map(str, unknown))
        raise Invalid(
            f"不是本方案的等次：{listed}（等次为 {'、'.join(names)}）",
            f"not grades of this plan: {', '.join(map(str, unknown))} (grades: {', '.join(names)})",
        )
    return tuple(value)


def _check_weight_sums(weights: Table) -> None:
    """Report a role whose source weights do not add up to exactly 1."""
    for role, table in weights.values.items():
        if None not in table.values.values():
            total = sum(table.values.values(), Fraction(0))
            if total != 1:
                zh, en = f"各来源权重之和须为1，现为 {total}", f"weights must sum to 1, got {total}"
                weights.record.report(role, zh, en)


def _check_evaluators(evaluators: Table, weights: Table, committee: frozenset[str]) -> None:
    """Report weighted ballot sources nobody evaluates, evaluators of unweighted sources, and
    ballots printed for a source the committee scores itself."""
    for role, table in weights.values.items():
        if role in evaluators.values:
            counts = evaluators.values[role]
            _check_sources_evaluated(role, table, counts.values, committee)
            for source in counts.values:
                if source in committee:
                    zh = f"来源 {source} 由党委直接评分（sources），不印选票"
                    en = f"source {source} is scored by the committee (sources): no ballots"
                    counts.record.report(source, zh, en)
        elif role not in evaluators.record.values:  # there but unreadable: reported already
            zh = f"角色 {role} 没有评议人（evaluators.{role}）"
            weights.record.report(role, zh, f"role {role} has no evaluators (evaluators.{role})")
    for role, table in evaluators.values.items():
        if role in weights.values:
            _check_sources_weighted(role, table, weights.values[role].values)
        elif role not in weights.record.values:
            zh = f"角色 {role} 在 rules.weights 中没有权重"
            evaluators.record.report(role, zh, f"role {role} has no weights in rules.weights")


def _check_sources_evaluated(
    role: str, weights: Table, counts: dict, committee: frozenset[str]
) -> None:
    """Report a ballot source with weight > 0 that no evaluator will score."""
    for source, weight in weights.values.items():
        if weight and source not in committee and counts.get(source, 0) == 0:
            zh = f"来源 {source} 权重为 {weight}，但 evaluators.{role} 中没有评议人"
            en = f"source {source} has weight {weight} but no evaluators in evaluators.{role}"
            weights.record.report(source, zh, en)


def _check_sources_weighted(role: str, counts: Table, weights: dict) -> None:
    """Report evaluators of a source that has no weight for that role."""
    for source in counts.values:
        if source not in weights:
            zh = f"来源 {source} 不在 rules.weights.{role} 中"
            counts.record.report(source, zh, f"source {source} is not in rules.weights.{role}")


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
