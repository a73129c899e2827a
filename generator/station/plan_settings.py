"""方案设置: the main fields of campaign.yaml as a form, checked by the CLI's loader before saving.

The form starts from the file as written and changes only the values it shows (plan_yaml splices
them into the text), so comments and every field the form does not show are kept. The loader's
problems are shown next to the field they concern (Problem.field is the field's dotted path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..load.yamlmarks import Marked, load_yaml
from ..model.campaign import MEETING_MODES
from ..model.errors import InputError
from .files import file_digest
from .plan_drafts import CAMPAIGN, DraftFolder, Shown, check_folder, introduced, shown
from .plan_yaml import UnsplicableError, rules_block, set_values, yaml_value

ROLE_LABELS = {"branch": "党支部书记（附件1）", "committee": "党委书记（附件2）"}
RULES = "rules"


@dataclass(frozen=True, slots=True)
class Field:
    path: tuple[str, ...]
    label: str
    kind: str  # text, int, date, mode, count, list
    hint: str = ""

    @property
    def name(self) -> str:
        return ".".join(self.path)

    @property
    def dom_id(self) -> str:
        return "f-" + "-".join(self.path)


MAIN_FIELDS = (
    Field(("year",), "考核年度", "int", "如 2022"),
    Field(("issuer", "name"), "发文机关（署名）", "text", "如 中共上海庙镇委员会"),
    Field(("issuer", "mark"), "发文机关标志", "text", "红头，如 中共上海庙镇委员会文件"),
    Field(("issuer", "superior"), "上级组织部门", "text", "接收述职报告和备案报告"),
    Field(("issuer", "town"), "镇（街道）名", "text", "可不填：由发文机关名称推出"),
    Field(
        ("issuer", "short"), "发文机关简称", "text", "正文中的称呼，如 镇党委；可不填：由名称推出"
    ),
    Field(("notice", "number"), "发文字号", "text", "如 上党发〔2022〕49号"),
    Field(("notice", "title"), "通知标题", "text", "须以《》引出工作方案名称"),
    Field(("notice", "addressee"), "主送机关", "text", "如 各党支部"),
    Field(("notice", "date"), "成文日期", "date"),
    Field(("notice", "copy_to"), "抄送", "list", "多个用逗号分隔；可不填"),
    Field(("notice", "printed_by"), "印发机关", "text"),
    Field(("notice", "printed_on"), "印发日期", "date", "可不填：同成文日期"),
    Field(("meeting", "date"), "述职评议会日期", "date"),
    Field(("meeting", "mode"), "会议形式", "mode"),
    Field(("deadline",), "全部完成时限", "date"),
)
RESULTS_FIELD = Field(("results", "date"), "综合评价意见日期", "date", "评定后填写")


@dataclass
class SettingsForm:
    """What the settings page shows: the fields, their values, and the problems at each."""

    digest: str
    fields: tuple[Field, ...] = ()
    evaluators: tuple[Field, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    rules: str | None = None  # the rules block as written; None when it is not a block
    rules_first_line: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)  # field name → messages
    general: list[Shown] = field(default_factory=list)  # problems no field of the form shows
    unreadable: bool = False  # campaign.yaml cannot be read as a mapping: no form to fill

    @property
    def modes(self) -> tuple[str, ...]:
        return MEETING_MODES


def settings_form(data_dir: Path) -> SettingsForm:
    """Return the form as the file now is, with the problems the loader finds in the folder."""
    path = data_dir / CAMPAIGN
    form = _form_of(path.read_bytes() if path.is_file() else b"", data_dir, file_digest(path))
    _, problems = check_folder(DraftFolder(data_dir, {}))
    place_problems(form, problems)
    return form


def save_settings(
    data_dir: Path, sent: Mapping[str, str]
) -> tuple[SettingsForm, bytes | None, list[str]]:
    """Return the form as sent with its problems, the new campaign.yaml when it is valid (to be
    written by the caller), and the names of the fields changed."""
    path = data_dir / CAMPAIGN
    original = path.read_bytes() if path.is_file() else b""
    form = _form_of(original, data_dir, file_digest(path))
    if form.unreadable:
        return form, None, []
    changes = {
        f.path: yaml_value(f.kind, sent[f.name])
        for f in (*form.fields, *form.evaluators)
        if f.name in sent and sent[f.name].strip() != form.values[f.name]
    }
    rules = _typed(sent.get(RULES, form.rules or ""))
    rules_changed = form.rules is not None and rules.strip() != form.rules.strip()
    changed = [".".join(p) for p in changes] + ([RULES] if rules_changed else [])
    form.values.update({name: _typed(sent[name]) for name in form.values if name in sent})
    if rules_changed:
        form.rules = rules
    try:
        text = set_values(original.decode("utf-8-sig"), changes, rules if rules_changed else None)
    except UnsplicableError:
        form.general.append(Shown(CAMPAIGN, "1", "campaign", UNSPLICABLE))
        return form, None, changed
    candidate = (b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b"") + text.encode()
    _, after = check_folder(DraftFolder(data_dir, {CAMPAIGN: candidate}))
    _, before = check_folder(DraftFolder(data_dir, {}))
    blocking = introduced(after, before, CAMPAIGN)
    block = rules_block(text)
    form.rules_first_line = block.first_line if block else form.rules_first_line
    place_problems(form, blocking)
    return form, (None if blocking or not changed else candidate), changed


UNSPLICABLE = (
    "campaign.yaml 的结构与表单不符（该处不是映射），请直接修改该文件 / the file's shape does not "
    "fit the form (a mapping is expected there): edit campaign.yaml itself"
)


def place_problems(form: SettingsForm, problems: list[Shown]) -> None:
    """Put each problem next to the field it concerns; the rest goes above the form."""
    names = [f.name for f in (*form.fields, *form.evaluators)]
    for problem in problems:
        target = _target(problem, names, form) if problem.file == CAMPAIGN else None
        if target == RULES and problem.line:
            line = problem.line - form.rules_first_line + 1
            form.errors.setdefault(RULES, []).append(f"第 {line} 行：{problem.message}")
        elif target is not None:
            form.errors.setdefault(target, []).append(problem.message)
        else:
            form.general.append(problem)


def _target(problem: Shown, names: list[str], form: SettingsForm) -> str | None:
    """Return the form field a problem of campaign.yaml concerns, if the form shows it."""
    if problem.field in names:
        return problem.field
    inside = [name for name in names if name.startswith(problem.field + ".")]
    if inside:
        return inside[0]
    in_rules = form.rules is not None and (
        problem.field.split(".", 1)[0] == RULES
        or 0 <= problem.line - form.rules_first_line < form.rules.count("\n") + 1
    )
    return RULES if in_rules else None


def _form_of(content: bytes, data_dir: Path, digest: str) -> SettingsForm:
    """Return the form's fields and values as the file is written."""
    form = SettingsForm(digest)
    try:
        raw = load_yaml(content, CAMPAIGN)
    except InputError as e:
        raw = None
        form.general += [shown(p, data_dir) for p in e.problems]
    if not isinstance(raw, Marked):
        form.unreadable = True
        return form
    form.fields = (*MAIN_FIELDS, RESULTS_FIELD)
    form.evaluators = _evaluator_fields(raw.get("evaluators"))
    form.values = {f.name: _display(_value_at(raw, f.path)) for f in form.fields + form.evaluators}
    block = rules_block(content.decode("utf-8-sig"))
    if block is not None:
        form.rules, form.rules_first_line = block.text, block.first_line
    return form


def _evaluator_fields(evaluators: object) -> tuple[Field, ...]:
    """Return a count field for each role and source the file names (the rules weigh them)."""
    if not isinstance(evaluators, Marked):
        return ()
    return tuple(
        Field(
            ("evaluators", str(role), str(source)), ROLE_LABELS.get(str(role), str(role)), "count"
        )
        for role, sources in evaluators.items()
        if isinstance(sources, Marked)
        for source in sources
    )


def _value_at(raw: Marked, path: tuple[str, ...]) -> object:
    node: object = raw
    for key in path:
        node = node.get(key) if isinstance(node, Marked) else None
    return node


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "，".join(map(str, value))
    return str(value)


def _typed(text: str) -> str:
    """Return a form value as typed, with the browser's line breaks made the file's."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
