"""The validated campaign data: what every later stage may rely on."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from .texts import Texts

Role = str  # "branch" (附件1 form) | "committee" (附件2 form)
ROLES = ("branch", "committee")
SEED_GRADES = ("好", "较好", "一般", "差")  # highest first: the seed's 等次, the defaults' words
SOURCE_KINDS = ("ballot", "committee")  # scored on ballots, or once by the committee
FONT_ROLES = ("小标宋", "仿宋", "楷体", "黑体", "宋体")
MEETING_MODES = ("现场", "线上线下结合", "书面")
REPORT_LEAD_DAYS = 7  # 五（二）: 述职报告 reach the superior a week before the meeting
PASSPHRASE_ENV = "SZPY_SIGNING_PASSPHRASE"  # signing.passphrase_env unless set


@dataclass(frozen=True, slots=True)
class Issuer:
    """The Party committee that issues the notice and signs the results."""

    name: str
    mark: str
    superior: str
    town: str  # the place: 上海庙镇, 大泽湖街道
    short: str  # how running text names the issuer: 镇党委, 街道党工委, 学院党委

    @property
    def head(self) -> str:
        """Return the committee's secretary as the forms name the post: 上海庙镇党委书记,
        望湖街道党工委书记."""
        body = "党工委" if "党工委" in self.short else "党委"
        return f"{self.town}{body}书记"


@dataclass(frozen=True, slots=True)
class Notice:
    """The 通知 that publishes the 工作方案."""

    number: str
    title: str
    addressee: str
    date: dt.date  # 成文日期 (the field's name hides the type inside the class)
    copy_to: tuple[str, ...]
    printed_by: str
    printed_on: dt.date


@dataclass(frozen=True, slots=True)
class Meeting:
    """The 述职评议会."""

    date: date
    mode: str
    report_lead_days: int = (
        REPORT_LEAD_DAYS  # the 述职报告 reach the superior this many days before
    )

    @property
    def reports_due(self) -> dt.date:
        return self.date - timedelta(days=self.report_lead_days)


@dataclass(frozen=True, slots=True)
class Distribution:
    """The expected spread of grades: about this share below the best grade, and about this many
    in the grades that bring an interview."""

    below_good_share: Fraction
    tolerance: Fraction
    low_grades_expected: int


@dataclass(frozen=True, slots=True)
class Scale:
    """The whole-number scores a ballot may carry, and the result's scale."""

    low: int
    high: int

    @property
    def scores(self) -> tuple[int, ...]:
        """Return the scores from the highest down, as the forms print them."""
        return tuple(range(self.high, self.low - 1, -1))


SEED_SCALE = Scale(1, 10)  # the seed's plan: a √ in one of ten cells


@dataclass(frozen=True, slots=True)
class LowVote:
    """五（四）'s rule: more than `share_max` of the valid ballots at `score_at_most` or below
    forces the lowest grade."""

    score_at_most: int
    share_max: Fraction


@dataclass(frozen=True, slots=True)
class Rules:
    """How ballots become a score and a score becomes a grade: every figure from the plan."""

    weights: dict[Role, dict[str, Fraction]]
    grades: tuple[tuple[str, Fraction], ...]  # (grade, lower bound), best first
    low_vote: LowVote | None  # None: the plan has no such rule
    distribution: Distribution | None  # None: the plan sets no distribution
    rectification_days: int
    scale: Scale = SEED_SCALE
    excellent_requires: tuple[str, ...] | None = None  # None: the best grade only
    interview_grades: tuple[str, ...] | None = None  # None: the two lowest grades
    committee_sources: frozenset[str] = frozenset()  # scored once, in assessment.yaml `scores`

    @property
    def grade_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.grades)

    @property
    def best(self) -> str:
        return self.grades[0][0]

    @property
    def lowest(self) -> str:
        """Return the grade a forcing rule imposes: the plan's lowest."""
        return self.grades[-1][0]

    @property
    def may_be_excellent(self) -> tuple[str, ...]:
        """Return the grades that may still be rated 优秀 in the annual review."""
        if self.excellent_requires is None:
            return (self.best,)
        return self.excellent_requires or self.grade_names  # []: no such rule

    @property
    def interviewed(self) -> tuple[str, ...]:
        """Return the grades that bring 约谈提醒 and 限期整改."""
        if self.interview_grades is None:
            return self.grade_names[-2:]
        return self.interview_grades

    def grade_of(self, score: Fraction | int) -> str:
        """Return the grade whose lower bound the score reaches."""
        return next(grade for grade, lower in self.grades if score >= lower)

    @property
    def low_vote_grades(self) -> tuple[str, ...]:
        """Return the grades the low votes' scores fall in (“一般”“差” in the seed's plan)."""
        if self.low_vote is None:
            return ()
        found = {self.grade_of(s) for s in range(self.scale.low, self.low_vote.score_at_most + 1)}
        return tuple(grade for grade in self.grade_names if grade in found)


@dataclass(frozen=True, slots=True)
class FontChoice:
    """A user override of one font role: a family name, a font file, or both."""

    name: str | None
    file: str | None


@dataclass(frozen=True, slots=True)
class SigningChoice:
    """The committee's own signing certificate; paths as written, relative to the data folder."""

    pkcs12: Path
    passphrase_env: str  # the environment variable holding the PKCS#12 passphrase
    trust_root: Path  # the CA certificate `verify` trusts
    timestamp_url: str | None  # an RFC 3161 server: signatures become PAdES B-T
    lines: dict[str, str] = field(default_factory=dict, compare=False)  # key → campaign.yaml line


@dataclass(frozen=True, slots=True)
class Campaign:
    """One year's 述职评议考核, as campaign.yaml describes it."""

    year: int
    issuer: Issuer
    notice: Notice
    meeting: Meeting
    deadline: date
    evaluators: dict[Role, dict[str, int]]
    rules: Rules
    results_date: date | None
    fonts: dict[str, FontChoice]
    publish_scores: bool = False  # results.publish_scores: the 通报 shows each score
    signing: SigningChoice | None = None  # None: the demonstration signer
    texts: Texts = field(default_factory=lambda: Texts({}))  # the plan's sentences (DIR/texts/)

    def copies(self, secretary: Secretary) -> dict[str, int]:
        """Return the sheets to print for a secretary per ballot source: the role's counts, with
        the secretary's own overrides (a village with more 党员代表)."""
        return {**self.evaluators[secretary.role], **secretary.evaluators}

    def roles_present(self, secretaries: Sequence[Secretary]) -> tuple[str, ...]:
        """Return the roles that have secretaries, in ROLES order: only those get a form."""
        present = {secretary.role for secretary in secretaries}
        return tuple(role for role in ROLES if role in present)


@dataclass(frozen=True, slots=True)
class Secretary:
    """A Party organisation secretary who reports (述职) and is graded."""

    id: str
    name: str
    gender: str | None
    organization: str
    role: Role
    appointed: date
    key_issues: tuple[str, ...]
    last_year_issues: tuple[str, ...]
    number: int = 0  # the place in secretaries.yaml (1-based): the meeting order
    located: str = field(default="", compare=False)  # FILE:WHERE of its entry, for messages
    # copies overriding the role's; compared, but a dict has no hash: the id and the rest give it
    evaluators: dict[str, int] = field(default_factory=dict, hash=False)

    def reports_for_organisation(self, meeting: date) -> bool:
        """Return whether, appointed under 3 months before it, they report for the organisation."""
        return self.appointed > months_before(meeting, 3)


def months_before(day: date, months: int) -> date:
    """Return the same day some calendar months earlier, clamped to the end of a shorter month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))
