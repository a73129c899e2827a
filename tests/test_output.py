"""The output folder: names made safe, one writer at a time, published whole or not at all.

A run writes into a staging folder beside --out and trades places with it in one rename, so a
run that fails, or is killed at any moment, leaves --out as it was; files of an earlier run that
this one does not write are gone; a second run on the same --out is refused while one runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.cli import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, main
from generator.model.errors import PipelineError
from generator.model.limits import FILE_NAME_MAX_BYTES
from generator.output.names import number_width, personal_name, safe_part
from generator.output.staging import Staging, output_lock

from helpers import REPO, tree

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def campaign(root: Path, edit=None) -> Path:
    """Copy the minimal campaign to root/data, its secretaries passed through `edit`."""
    data = root / "data"
    shutil.copytree(MINIMAL, data)
    if edit is not None:
        path = data / "secretaries.yaml"
        secretaries = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(edit(secretaries), allow_unicode=True), encoding="utf-8")
    return data


def forms(data: Path, out: Path) -> int:
    return main(["forms", "--quiet", "--data", str(data), "--out", str(out)])


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../../../../../ESCAPED-OUT",
        "a/b",
        "a\\b",
        "..",
        ".hidden",
        "CON",
        "nul.txt",
        "名\u202e字",  # right-to-left override
        "名\x00字",
        "名\x1b[31m字",
        'a:b*c?d<e>f|g"h',
        "甲 " * 200,
        "𠮷" * 100,
        "",
    ],
)
def test_a_file_name_from_any_text_stays_one_bounded_name(name):
    made = personal_name(7, 2, name, "-逐票", ".pdf")
    assert made.startswith("07-") and made.endswith("-逐票.pdf"), made
    stem = made.removeprefix("07-").removesuffix("-逐票.pdf")
    assert stem and stem not in (".", "..") and not stem.startswith(".")
    assert not set(stem) & set('/\\:*?"<>|'), made
    assert all(ord(char) >= 0x20 and char != "\u202e" for char in made), made
    assert len(made.encode()) <= FILE_NAME_MAX_BYTES
    assert safe_part(name) == safe_part(safe_part(name))  # nothing left to clean


def test_numbering_widens_with_the_campaign():
    assert [number_width(n) for n in (1, 19, 99, 100, 999, 1000)] == [2, 2, 2, 3, 3, 4]
    assert personal_name(100, number_width(120), "甲", "", ".pdf") == "100-甲.pdf"
    assert personal_name(3, number_width(120), "甲", "", ".pdf") == "003-甲.pdf"


def test_the_output_refuses_any_path_outside_the_folder(tmp_path):
    staging = Staging(tmp_path / "out", secretaries=1)
    for path in ("../x.pdf", "/etc/x", "a/../../x", "a\\..\\x", "", "."):
        with pytest.raises(ValueError, match="not a path inside"):
            staging.write_file(path, b"x", "test")
    (staging.root / "link").symlink_to(tmp_path)
    with pytest.raises(ValueError, match="not a path inside"):
        staging.write_file("link/escaped.pdf", b"x", "test")
    staging.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_hostile_names_are_refused_at_their_lines_and_nothing_is_written(tmp_path, capsys):
    hostile = ["../../../../../../ESCAPED-OUT", "东/西", "名\x00字", "名\x1b字", "长" * 300]

    def rename(secretaries):
        for secretary, name in zip(secretaries, hostile, strict=False):
            secretary["name"] = name
        return secretaries

    data = campaign(tmp_path, rename)
    assert forms(data, tmp_path / "out") == EXIT_INPUT
    err = capsys.readouterr().err
    lines = [n for n, text in enumerate((data / "secretaries.yaml").read_text().splitlines(), 1)]
    located = [line for line in err.splitlines() if "/secretaries.yaml:" in line]
    assert len(located) == 4, err  # the fifth secretary (c01) keeps its name
    for line in located:
        assert ": name: " in line and " / " in line, line
        assert int(line.split("secretaries.yaml:")[1].split(":")[0]) in lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"], "nothing written anywhere"


def test_odd_but_harmless_names_are_accepted_and_their_files_stay_inside(tmp_path):
    odd = ["CON", "..名", "a:b*c?", "名\u202e字"]

    def rename(secretaries):
        for secretary, name in zip(secretaries, odd, strict=False):
            secretary["name"] = name
        return secretaries

    data = campaign(tmp_path, rename)
    assert forms(data, tmp_path / "out") == EXIT_OK
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".out.")) == [
        "data",
        "out",
    ]
    names = [p.name for p in (tmp_path / "out" / "forms" / "选票").iterdir()]
    assert sorted(names) == [
        "01-＿CON.pdf",
        "02-名.pdf",
        "03-a＿b＿c＿.pdf",
        "04-名字.pdf",
        "ballot-layout.json",
    ]


# --- one writer at a time, whole or not at all ------------------------------------------------


def test_a_second_run_on_the_same_out_is_refused(tmp_path, capsys):
    data = campaign(tmp_path)
    out = tmp_path / "out"
    with output_lock(out):
        assert forms(data, out) == EXIT_FAILURE
        with (
            pytest.raises(PipelineError, match="another run is writing"),
            output_lock(out, shared=True),  # as `verify` reads
        ):
            pass
    assert "another run is writing" in capsys.readouterr().err
    assert not out.exists()
    with output_lock(out, shared=True), output_lock(out, shared=True):
        pass  # readers do not exclude each other


def test_a_killed_run_leaves_out_as_before_and_a_finished_one_leaves_nothing_stale(tmp_path):
    """Kill `forms` at moments spread over its run: --out is the old tree or the new one, whole.

    The new run has a secretary's name corrected: once it has finished, no file bears the old one
    (and every serial stays: the name is not part of them).
    """
    data = campaign(tmp_path)
    out = tmp_path / "out"
    assert forms(data, out) == EXIT_OK
    before = tree(out)
    removed = yaml.safe_load((data / "secretaries.yaml").read_text(encoding="utf-8"))[1]["name"]
    assert any(removed in path for path in before)

    def rename(people):
        people[1]["name"] = "钱戊"
        return people

    campaign(tmp_path / "next", rename)
    shutil.copy(tmp_path / "next" / "data" / "secretaries.yaml", data / "secretaries.yaml")
    command = [sys.executable, "-m", "generator", "forms", "--quiet", "--data", "data"]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    states = []
    for delay in (0.4, 1.3, 2.4):
        process = subprocess.Popen(
            [*command, "--out", "out"], cwd=tmp_path, env=environment, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        states.append(tree(out))
    assert forms(data, out) == EXIT_OK  # clears what the killed runs left beside --out
    after = tree(out)
    assert after != before and not any(removed in path for path in after)
    assert after["forms/ballots-issued.csv"] == before["forms/ballots-issued.csv"]
    assert all(state in (before, after) for state in states)
    assert before in states  # at least one kill came before the publish
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name]


def test_a_run_that_fails_midway_leaves_out_as_it_was(tmp_path, monkeypatch, capsys):
    from generator.documents import schedule

    data = campaign(tmp_path)
    out = tmp_path / "out"
    assert forms(data, out) == EXIT_OK
    before = tree(out)

    def broken(*args):
        raise RuntimeError("a bug in one kind")

    monkeypatch.setattr(schedule, "build_schedule", broken)  # the forked workers inherit it
    assert forms(data, out) == EXIT_FAILURE
    assert "a bug in one kind" in capsys.readouterr().err
    assert tree(out) == before
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_an_interrupt_a_finaliser_dropped_still_leaves_out_as_it_was(tmp_path, monkeypatch, capsys):
    """Python drops a KeyboardInterrupt raised inside __del__; the run must stop all the same."""
    from generator.output import interrupts

    data = campaign(tmp_path)
    out = tmp_path / "out"

    class InterruptedWhileCollected:
        def __del__(self):
            interrupts.interrupt(signal.SIGTERM, None)

    carry_over = Staging.carry_over

    def carry_over_then_collect(self, owned):
        InterruptedWhileCollected()  # collected at once: the KeyboardInterrupt goes nowhere
        return carry_over(self, owned)

    monkeypatch.setattr(Staging, "carry_over", carry_over_then_collect)
    assert forms(data, out) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert "interrupted: --out is as it was" in err and "Exception ignored" not in err, err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_an_interrupt_once_out_is_being_published_lets_the_run_finish(
    tmp_path, monkeypatch, capsys
):
    """Past the exchange there is no going back: the run ends as it would have, and says so."""
    from generator.output import interrupts

    data = campaign(tmp_path)
    out = tmp_path / "out"
    publish = Staging.publish

    def publish_then_interrupt(self):
        publish(self)
        interrupts.interrupt(signal.SIGTERM, None)

    monkeypatch.setattr(Staging, "publish", publish_then_interrupt)
    assert forms(data, out) == EXIT_OK
    assert "interrupted too late: --out already holds this run's files" in capsys.readouterr().err
    assert (out / "forms").is_dir()
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_removing_a_secretary_voids_her_sheets_only_with_reissue(tmp_path, capsys):
    data = campaign(tmp_path)
    out = tmp_path / "out"
    assert forms(data, out) == EXIT_OK
    before = tree(out)
    gone = yaml.safe_load((data / "secretaries.yaml").read_text(encoding="utf-8"))[1]
    campaign(tmp_path / "next", lambda people: people[:1] + people[2:])
    shutil.copy(tmp_path / "next" / "data" / "secretaries.yaml", data / "secretaries.yaml")
    assert forms(data, out) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "ballots-issued.csv:1: serials: 已印制的选票中有 13 张将作废（名单中已没有 b02）" in err
    assert "--reissue" in err and tree(out) == before
    command = ["forms", "--quiet", "--reissue", "--data", str(data), "--out", str(out)]
    assert main(command) == EXIT_OK
    assert "45 sheets printed earlier are void" in capsys.readouterr().err  # all: a new secret
    assert not any(gone["name"] in path for path in tree(out))
