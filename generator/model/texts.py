"""The sentences a plan owns: the meeting's name, who attends, the grade standard, the
consequences, the plan's own section numbers. Each is a fragment with variables; the defaults
(generator/config/texts/) reproduce the seed's plan, and a campaign overrides any of them in
DIR/texts/<name>.txt. Documents and reasons say them through `Texts.say`, never in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

# Each fragment's variables, with a sample value each (the loader renders every fragment with
# these to refuse an unknown variable before anything is written). docs/texts.md lists them.
FRAGMENTS: Mapping[str, Mapping[str, object]] = {
    "meeting_name": {},
    "attendees": {},
    "notice_sentence": {"plan": "2022年度上海庙镇党组织书记抓基层党建述职评议考核工作方案"},
    "grade_standard": {"grades": [{"name": "好", "low": "9", "high": "10", "range": "9～10分"}]},
    "not_excellent": {},
    "interview": {},
    "cite_grading": {},
    "cite_consequences": {},
    "cite_score": {},
    "cite_form_note": {},
}

_ENVIRONMENT = SandboxedEnvironment(  # a fragment is the user's text: it may not reach Python
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
)


def compile_fragment(source: str) -> Template:
    """Return a fragment's template; raises jinja2.TemplateError when it is not one."""
    return _ENVIRONMENT.from_string(source)


@dataclass(frozen=True)
class Texts:
    """Every fragment's source, defaults overridden by the campaign's own."""

    sources: Mapping[str, str]
    _compiled: dict[str, Template] = field(default_factory=dict, compare=False, repr=False)

    def say(self, name: str, **variables: object) -> str:
        """Return a fragment with its variables filled in."""
        if name not in self._compiled:
            self._compiled[name] = compile_fragment(self.sources[name])
        return self._compiled[name].render(**variables).strip()
