"""Read DIR/texts/: the campaign's own wording of the sentences its plan owns (model/texts.py).

Each file is one fragment, named after it (meeting_name.txt); a fragment not overridden keeps its
default, the seed's. A file of no known fragment, a syntax error or an unknown variable is an
input error at the file and line: nothing is rendered with a sentence that cannot be said.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

from ..model.errors import InputError, Problem
from ..model.texts import FRAGMENTS, Texts, compile_fragment
from .folder import DataFolder
from .yamlmarks import decode_text, file_problem

FOLDER = "texts"
DEFAULTS = Path(__file__).resolve().parent.parent / "config" / "texts"


def default_sources() -> dict[str, str]:
    return {name: (DEFAULTS / f"{name}.txt").read_text(encoding="utf-8") for name in FRAGMENTS}


def load_texts(folder: DataFolder) -> Texts:
    """Return the fragments: the defaults, overridden by the campaign's DIR/texts/*.txt."""
    sources = default_sources()
    problems: list[Problem] = []
    for file_name in folder.names(FOLDER) or []:
        relative = f"{FOLDER}/{file_name}"
        shown = folder.shown(relative)
        stem = file_name.removesuffix(".txt")
        if not file_name.endswith(".txt") or stem not in FRAGMENTS:
            close = difflib.get_close_matches(stem, list(FRAGMENTS), n=1)
            hint_zh, hint_en = (
                (f"（是否应为 {close[0]}.txt？）", f" (did you mean {close[0]}.txt?)")
                if close
                else ("", "")
            )
            known = "、".join(f"{name}.txt" for name in FRAGMENTS)
            zh = f"不是已知的文字片段{hint_zh}；可覆盖的有：{known}"
            en = f"not a known text fragment{hint_en}; see docs/texts.md"
            problems.append(file_problem(shown, zh, en))
            continue
        try:
            text = decode_text(folder.read(relative), shown)
        except InputError as error:
            problems += error.problems
            continue
        problem = _check(text, stem, shown)
        if problem is not None:
            problems.append(problem)
        else:
            sources[stem] = text
    if problems:
        raise InputError(problems)
    return Texts(sources)


def _check(text: str, name: str, shown: str) -> Problem | None:
    """Return the problem of a fragment that cannot be compiled or said with its variables."""
    try:
        compile_fragment(text).render(**FRAGMENTS[name])
    except TemplateSyntaxError as e:
        zh, en = f"文字片段语法错误：{e.message}", f"fragment syntax error: {e.message}"
        return Problem(shown, str(e.lineno or 1), name, zh, en)
    except UndefinedError as e:
        variables = "、".join(FRAGMENTS[name]) or "（无）"
        zh = f"文字片段用了未知的变量（{e.message}）；可用变量：{variables}"
        return Problem(shown, "1", name, zh, f"unknown variable ({e.message}); see docs/texts.md")
    except TemplateError as e:
        return Problem(shown, "1", name, f"文字片段无法生成：{e}", f"the fragment fails: {e}")
    if not text.strip():
        return Problem(shown, "1", name, "文字片段为空", "the fragment is empty")
    return None
