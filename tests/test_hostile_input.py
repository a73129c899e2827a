"""Careless and hostile input: refused at its file and line, in seconds, with --out untouched.

Each case edits a copy of the sample data, runs the CLI as the clerk would and checks three
things: exit code 2, the located message, and an output folder left byte for byte as it was.
The runs that must end in seconds, and leave no worker behind, run in a process of their own.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import EXIT_FAILURE, EXIT_INPUT, main
from generator.model.limits import (
    CELLS_MAX,
    EVALUATORS_MAX,
    FILE_MAX_BYTES,
    NAME_MAX,
    SECRETARIES_MAX,
)

from helpers import DATA, REPO, tree

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the sample data to spoil."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns(".demo-signer"))
    return tmp_path / "data"


@pytest.fixture
def out(tmp_path) -> Path:
    """An output folder holding an earlier run's file: a refused run must leave it as it is."""
    folder = tmp_path / "out"
    (folder / "forms").mkdir(parents=True)
    (folder / "forms" / "earlier.txt").write_text("an earlier run's file\n", encoding="utf-8")
    return folder


def refused(command: str, data: Path, out: Path, capsys, *expected: str) -> str:
    """Run the command; assert exit 2, every expected text in stderr, --out untouched."""
    before = tree(out)
    code = main([command, "--quiet", "--data", str(data), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT, err
    for text in expected:
        assert text in err, err
    assert "Traceback" not in err and "内部错误" not in err
    assert tree(out) == before
    return err


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


# --- encodings, binary files, control characters, characters no font has --------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16"),
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
        pytest.param(lambda text: bytes(range(256)) * 8, id="binary"),
    ],
)
def test_a_notice_that_is_not_utf8(data, out, capsys, content):
    notice = data / "notice.md"
    notice.write_bytes(content(notice.read_text(encoding="utf-8")))
    refused("forms", data, out, capsys, f"{data}/notice.md:", "UTF-8")


def test_an_emoji_in_the_notice_is_named_at_its_line_with_its_code_point(data, out, capsys):
    notice = data / "notice.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n请按时参会😀\n", encoding="utf-8")
    line = line_of(notice, "😀")
    refused("forms", data, out, capsys, f"{data}/notice.md:{line}: ", "😀", "U+1F600")


def test_a_control_character_in_the_notice(data, out, capsys):
    notice = data / "notice.md"
    notice.write_text(notice.read_text(encoding="utf-8") + "\n响铃\a\n", encoding="utf-8")
    line = line_of(notice, "\a")
    refused("forms", data, out, capsys, f"{data}/notice.md:{line}: ", "U+0007")


def test_a_character_in_a_yaml_comment_is_not_read(data):
    from generator.load.folder import DataFolder
    from generator.pipeline.showable import load_showable

    campaign = data / "campaign.yaml"
    campaign.write_text("# 备注 😀\n" + campaign.read_text(encoding="utf-8"), encoding="utf-8")
    load_showable(DataFolder(data))


@pytest.mark.parametrize(
    ("name", "code"),
    [("\\0包甲子", "U+0000"), ("包甲子\\e[31m", "U+001B"), ("包甲子😀", "U+1F600")],
)
def test_a_name_with_an_unprintable_character(data, out, capsys, name, code):
    people = data / "secretaries.yaml"
    first = yaml.safe_load(people.read_text(encoding="utf-8"))[0]["name"]
    people.write_text(
        people.read_text(encoding="utf-8").replace(f"name: {first}", f'name: "{name}"', 1),
        encoding="utf-8",
    )
    line = line_of(people, name)
    err = refused("forms", data, out, capsys, f"{data}/secretaries.yaml:{line}: ", code)
    assert sum(code in line for line in err.splitlines()) == 1  # one problem per cause


def test_an_emoji_in_a_ballot_text_is_named_at_its_row(data, out, capsys):
    ballots = data / "ballots" / "上述.csv"
    raw = ballots.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
    rows = list(csv.reader(io.StringIO(raw.decode(encoding))))
    rows[3][5] = "联系群众😀不够"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    ballots.write_bytes(buffer.getvalue().encode(encoding))
    refused("letters", data, out, capsys, f"{data}/ballots/上述.csv:4: problems: ", "U+1F600")


# --- bounds ---------------------------------------------------------------------------------------


def test_a_name_past_its_bound(data, out, capsys):
    people = data / "secretaries.yaml"
    first = yaml.safe_load(people.read_text(encoding="utf-8"))[0]["name"]
    long = "甲" * (NAME_MAX + 1)
    people.write_text(
        people.read_text(encoding="utf-8").replace(f"name: {first}", f"name: {long}", 1),
        encoding="utf-8",
    )
    refused("forms", data, out, capsys, f"{data}/secretaries.yaml:{line_of(people, long)}: ")


def test_a_hundred_million_evaluators_are_refused_in_seconds(data, out, capsys):
    campaign = data / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    line = line_of(campaign, "branch: {上述:")
    campaign.write_text(text.replace("branch: {上述: 15", "branch: {上述: 100000000", 1))
    started = time.monotonic()
    err = refused("forms", data, out, capsys, f"{data}/campaign.yaml:{line}: ", "100000000")
    assert str(EVALUATORS_MAX) in err and time.monotonic() - started < 20


def test_more_secretaries_than_the_bound(data, out, capsys):
    entry = yaml.safe_load((MINIMAL / "secretaries.yaml").read_text(encoding="utf-8"))[0]
    people = [{**entry, "id": f"x{n}"} for n in range(SECRETARIES_MAX + 1)]
    (data / "secretaries.yaml").write_text(yaml.safe_dump(people, allow_unicode=True), "utf-8")
    refused("forms", data, out, capsys, f"{data}/secretaries.yaml:1: ", str(SECRETARIES_MAX))


def test_a_file_larger_than_the_bound_is_not_read(data, out, capsys):
    with (data / "notice.md").open("r+b") as notice:
        notice.truncate(FILE_MAX_BYTES + 1)  # sparse: nothing is written to disk
    refused("forms", data, out, capsys, f"{data}/notice.md:1: ", f"{FILE_MAX_BYTES >> 20} MB")


def test_a_year_that_does_not_fit_the_dates(data, out, capsys):
    campaign = data / "campaign.yaml"
    line = line_of(campaign, "year:")
    text = campaign.read_text(encoding="utf-8").replace("year: 2022", "year: 1999", 1)
    campaign.write_text(text, encoding="utf-8")
    refused("forms", data, out, capsys, f"{data}/campaign.yaml:{line}: year: ", "1999")


def xlsx_with(path: Path, sheet_xml: bytes) -> None:
    """Write a workbook whose first sheet's XML is given: what openpyxl would be asked to parse."""
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            z.writestr(item, data)


SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def test_a_workbook_with_too_many_cells_is_refused_before_it_is_parsed(data, out, capsys):
    cells = b'<row r="1">' + b"<c/>" * (CELLS_MAX + 1) + b"</row>"
    xlsx_with(
        data / "ballots" / "多.xlsx", SHEET + b"<sheetData>" + cells + b"</sheetData></worksheet>"
    )
    err = refused("letters", data, out, capsys, f"{data}/ballots/多.xlsx:1: ")
    assert str(CELLS_MAX + 1) in err and str(CELLS_MAX) in err


def test_a_workbook_that_unpacks_to_gigabytes(data, out, capsys):
    padding = b"<!--" + b" " * (300 * 2**20) + b"-->"  # compresses to ~300 KB
    xlsx_with(data / "ballots" / "炸.xlsx", SHEET + padding + b"<sheetData/></worksheet>")
    refused("letters", data, out, capsys, f"{data}/ballots/炸.xlsx:")


def test_a_csv_field_past_the_bound_is_called_too_long(data, out, capsys):
    ballots = data / "ballots" / "上述.csv"
    raw = ballots.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
    rows = list(csv.reader(io.StringIO(raw.decode(encoding))))
    rows[2][6] = "建" * 200_000
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    ballots.write_bytes(buffer.getvalue().encode(encoding))
    err = refused("letters", data, out, capsys, f"{data}/ballots/上述.csv:3: suggestions: ")
    assert "过长" in err and "引号" not in err


# --- serials and the accounting of sheets ----------------------------------------------------------


def test_serials_made_up_are_refused_without_the_register(data, out, capsys):
    ballots = data / "ballots" / "上述.csv"
    raw = ballots.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
    rows = list(csv.reader(io.StringIO(raw.decode(encoding))))
    forged = [["ZZZZ-ZZZZ", *rows[1][1:]], ["YYYY-YYYY", *rows[1][1:]]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([*rows, *forged])
    ballots.write_bytes(buffer.getvalue().encode(encoding))
    assert not (out / "forms" / "ballots-issued.csv").exists()
    refused("letters", data, out, capsys, "ZZZZ-ZZZZ", "YYYY-YYYY")


def test_renaming_a_secretary_keeps_every_serial():
    from dataclasses import replace

    from generator.model.serials import issue_ballots

    from helpers import load_data

    sample = load_data(DATA)
    secret = bytes(range(32))
    people = list(sample.secretaries)
    renamed = [replace(people[0], name="包甲孑"), *people[1:]]
    before = issue_ballots(sample.campaign, people, secret)
    assert issue_ballots(sample.campaign, renamed, secret) == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_ballot_is_lost(tmp_path_factory, data):
    """For any campaign and any returns: read = valid + blank + invalid, read + unreturned = issued."""
    from generator.load.ballots import read_ballots
    from generator.load.folder import DataFolder
    from generator.model.serials import issue_ballots

    from helpers import load_data

    folder = tmp_path_factory.mktemp("campaign") / "data"
    shutil.copytree(MINIMAL, folder)
    campaign_file = folder / "campaign.yaml"
    campaign = yaml.safe_load(campaign_file.read_text(encoding="utf-8"))
    for role, sources in campaign["evaluators"].items():
        for source in sources:
            sources[source] = data.draw(st.integers(1, 6), label=f"{role}/{source}")
    campaign_file.write_text(
        yaml.safe_dump(campaign, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )  # grades stay best first
    loaded = load_data(folder)
    secret = data.draw(st.binary(min_size=32, max_size=32), label="secret")
    issued = issue_ballots(loaded.campaign, list(loaded.secretaries), secret)
    returned = data.draw(st.lists(st.sampled_from(issued), unique=True), label="returned")
    statuses = st.sampled_from(["valid", "blank", "invalid"])
    rows = [["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]]
    for ballot in returned:
        status = data.draw(statuses)
        score = data.draw(st.integers(1, 10)) if status == "valid" else ""
        rows.append([ballot.serial, ballot.secretary_id, ballot.source, score, status, "", ""])
    (folder / "ballots").mkdir()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (folder / "ballots" / "票.csv").write_text(buffer.getvalue(), encoding="utf-8")
    read = read_ballots(
        DataFolder(folder), folder / "none", loaded.campaign, loaded.secretaries, secret
    )
    counts = {
        status: sum(b.status == status for b in read.ballots)
        for status in ("valid", "blank", "invalid")
    }
    assert len(read.ballots) == len(returned) == sum(counts.values())
    assert sorted(b.serial for b in read.ballots) + sorted(
        b.serial for b in read.unreturned
    ) == sorted([b.serial for b in returned]) + sorted(
        b.serial for b in issued if b not in returned
    )
    assert len(read.ballots) + len(read.unreturned) == len(issued)


# --- runs that must end, and end their workers ------------------------------------------------------


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def start(command: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *command],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: what it leaves behind can be found
        preexec_fn=answer_ctrl_c,
    )


def answer_ctrl_c() -> None:
    """Let the run hear SIGINT as from a terminal: a shell starts background jobs (this suite's,
    in CI) with SIGINT ignored, and Python then never installs its KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ends_with_its_workers(process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while group_alive(process.pid) and time.monotonic() < deadline:
        process.poll()
        time.sleep(0.1)
    alive = group_alive(process.pid)
    if alive:
        os.killpg(process.pid, signal.SIGKILL)
    assert not alive, "a process of the run was left behind"


def test_a_ten_megabyte_cell_ends_letters_in_exit_2_within_20_seconds(data, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]
    )
    sheet.append(["28V6-JW48", "s18", "上述", 9, "有效", "问" * 10_000_000, ""])
    workbook.save(data / "ballots" / "长.xlsx")
    started = time.monotonic()
    process = start(["letters", "--quiet", "--data", "data", "--out", "out"], tmp_path)
    try:
        _, err = process.communicate(timeout=20)
    finally:
        ends_with_its_workers(process, 5)
    assert process.returncode == EXIT_INPUT and time.monotonic() - started < 20
    assert "data/ballots/长.xlsx:Sheet!F2: problems: " in err.decode()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_workers_end_with_the_run(tmp_path, signum):
    """Signal the run alone, while its workers render: none of them outlives it."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns(".demo-signer"))
    process = start(["forms", "--quiet", "--data", "data", "--out", "out"], tmp_path)
    deadline = time.monotonic() + 60
    while len(children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(children(process.pid)) >= 2, "the run never forked its workers"
    process.send_signal(signum)
    ends_with_its_workers(process, 15)
    process.wait()
    err = process.stderr.read().decode() if process.stderr else ""
    if signum != signal.SIGKILL:
        assert process.returncode == EXIT_FAILURE and "Traceback" not in err, err
        assert "interrupted" in err
    assert not (tmp_path / "out").exists()
