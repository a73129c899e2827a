"""The invented example campaigns under examples/ run end to end: forms, letters, verify.

Each is a plan unlike the seed's (docs/plans.md); a run reads a copy of its folder, so the
repository's examples stay as committed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.cli import EXIT_OK, main

from helpers import pdf_text as pdf_lines

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def pdf_text(path: Path) -> str:
    """Return a PDF's text without its line breaks: a phrase may wrap."""
    return "".join(pdf_lines(path).split())


@pytest.fixture(scope="module", params=["jiedao-100", "xiang-zuzhi"])
def example(request, tmp_path_factory) -> tuple[str, Path, Path]:
    """Run forms, letters and verify on a copy of an example; return its name, data and out."""
    root = tmp_path_factory.mktemp(request.param)
    data, out = root / "data", root / "out"
    shutil.copytree(EXAMPLES / request.param, data, ignore=shutil.ignore_patterns(".demo-signer"))
    for command in ("forms", "letters", "verify"):
        assert main([command, "--quiet", "--data", str(data), "--out", str(out)]) == EXIT_OK
    return request.param, data, out


def test_every_example_runs_end_to_end(example):
    _, _, out = example
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["secretaries"] and all(s["grade"] for s in results["secretaries"])
    assert (out / "archive" / "manifest.json").is_file()


def test_each_example_says_its_own_plan(example):
    name, _, out = example
    notice = pdf_text(out / "forms" / "通知.pdf")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    grades = {s["grade"] for s in results["secretaries"]}
    if name == "jiedao-100":
        assert "请认真抓好落实" in notice and "附件2" in notice
        assert grades <= {"优秀", "良好", "一般", "较差"}
        letter = pdf_text(next((out / "letters" / "综合评价意见").glob("01-*.pdf")))
        assert "街道党工委扩大会议" in letter and "镇党委" not in letter
        assert "优秀（90～100分）" in letter
        schedule = pdf_text(out / "forms" / "述职安排.pdf")
        assert "社区居民代表和驻区单位代表" in schedule and "两代表一委员”、基层" not in schedule
    else:
        assert "附件2" not in notice  # no town secretary reports
        first = results["secretaries"][0]
        assert first["ballots"]["组织评价"]["given_by"] == "committee"
        assert "乡党委" in pdf_text(next((out / "letters" / "综合评价意见").glob("01-*.pdf")))
        counts = {s["id"]: s["ballots"]["评议"] for s in results["secretaries"]}
        issued = (out / "forms" / "ballots-issued.csv").read_text(encoding="utf-8-sig")
        assert issued.count(",v01,") == 31 and issued.count(",v03,") == 14
        assert all(c["valid"] + c["blank"] + c["invalid"] <= 31 for c in counts.values())
