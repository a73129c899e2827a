"""The command line: exit codes, messages, and nothing written on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.cli import EXIT_INPUT, main

DATA = Path(__file__).resolve().parent.parent / "data"


def broken_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    campaign = data / "campaign.yaml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace("deadline:", "deadlin:"), encoding="utf-8"
    )
    return data


def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier output")
    code = main(["forms", "--data", str(broken_copy(tmp_path)), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert "campaign.yaml:" in err and ": deadlin: 未知字段" in err and "unknown field" in err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
