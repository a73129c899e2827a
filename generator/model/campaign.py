"""The validated campaign data: what every later stage may rely on."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

Role = str  # "branch" (附件1 form) | "committee" (附件2 form)
ROLES = ("branch", "committee")
GRADES = ("好", "较好", "一般", "差")  # highest first, the seed's 等次
FONT_ROLES = ("小标宋", "仿宋", "楷体", "黑体", "宋体")
MEETING_MODES = ("现场", "线上线下结合", "书面")
REPORT_LEAD = timedelta(days=7)  # 五（二）: 述职报告 reach the superior a week before the meeting
PASSPHRASE_ENV = "SZPY_SIGNING_PASSPHRASE"  # signing.passphrase_env unless set


@dataclass(frozen=True, slots=True)
class Issuer:
    """The Party committee that issues the notice and signs the results."""

    name: str
    mark: str
    superior: str
    town: str


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


@dataclass(frozen=True, slots=True)
class Distribution:
    """The expected spread of grades: about this share at 较好 or below."""

    below_good_share: Fraction
    tolerance: Fraction
    low_grades_expected: int


@dataclass(frozen=True, slots=True)
class Rules:
    """How ballots become a score and a score becomes a grade."""

    weights: dict[Role, dict[str, Fraction]]
    bands: tuple[tuple[str, Fraction], ...]  # (grade, lower bound), highest first
    low_vote_share_max: Fraction
    distribution: Distribution
    rectification_days: int


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

    def reports_for_organisation(self, meeting: date) -> bool:
        """Return whether, appointed under 3 months before it, they report for the organisation."""
        return self.appointed > months_before(meeting, 3)


def months_before(day: date, months: int) -> date:
    """Return the same day some calendar months earlier, clamped to the end of a shorter month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))
