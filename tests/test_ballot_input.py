"""Reading the ballots back: contract CSV/XLSX, tally workbooks in double entry, the register."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.documents.register import register_csv
from generator.documents.tally_workbook import tally_workbook
from generator.load.ballots import DoubleEntryMismatch, collect_ballots, read_ballots
from generator.load.folder import DataFolder
from generator.model.ballot import Ballot, IssuedBallot
from generator.model.errors import InputError
from generator.model.serials import issue_ballots

from helpers import load_data

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
SAMPLE = Path(__file__).resolve().parent.parent / "data"
SECRET = bytes(range(32))
HEADER = ["ballot_id", "secretary_id", "source", "score", "status", "problems", "suggestions"]
MINIMAL = load_data(FIXTURE)
CAMPAIGN, SECRETARIES = MINIMAL.campaign, list(MINIMAL.secretaries)
ISSUED = issue_ballots(CAMPAIGN, SECRETARIES, SECRET)
A_NAME, B_NAME = "计票表-录入A.xlsx", "计票表-录入B.xlsx"
A_SHOWN, B_SHOWN = f"data/ballots/{A_NAME}", f"data/ballots/{B_NAME}"


def issued(secretary: str, source: str) -> list:
    return [b for b in ISSUED if (b.secretary_id, b.source) == (secretary, source)]


S1, S2, S3, *_ = issued("b01", "上述")
C1, *_ = issued("c01", "下评")


def row(ballot, score: object = 8, status: str = "", problems: str = "", suggestions: str = ""):
    """Return a contract row for an issued sheet."""
    return [ballot.serial, ballot.secretary_id, ballot.source, score, status, problems, suggestions]


# --- writing ballot files ------------------------------------------------------------------------


def csv_bytes(rows: list[list[object]], header=HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([header, *[["" if v is None else v for v in r] for r in rows]])
    return buffer.getvalue().encode(encoding)


def xlsx_file(path: Path, rows: list[list[object]], header=HEADER, title: str = "Sheet1") -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for number, values in enumerate([header, *rows], start=1):
        for column, value in enumerate(values, start=1):
            if value not in (None, ""):
                sheet.cell(number, column, value)
    book.save(path)


class Folder:
    """A copy of the minimal campaign as `data/` in the working directory, with ballots/."""

    def __init__(self, root: Path):
        shutil.copytree(FIXTURE, root / "data")
        (root / "data" / "ballots").mkdir()
        self.root, self.data, self.out = root, Path("data"), Path("output")
        self.ballots = root / "data" / "ballots"

    def csv(self, name: str, rows, header=HEADER, encoding: str = "utf-8") -> Path:
        path = self.ballots / name
        path.write_bytes(csv_bytes(rows, header, encoding))
        return path

    def xlsx(self, name: str, rows, header=HEADER) -> Path:
        path = self.ballots / name
        xlsx_file(path, rows, header)
        return path

    def register(self) -> None:
        (self.root / "output" / "forms").mkdir(parents=True, exist_ok=True)
        (self.root / "output" / "forms" / "ballots-issued.csv").write_bytes(register_csv(ISSUED))

    def tally(self, entry: str, cells: dict[str, object] | None = None, name: str = "") -> Path:
        """Write a tally workbook with `cells` typed in, e.g. {"上述!E2": 8}."""
        path = self.ballots / (name or f"计票表-录入{entry}.xlsx")
        path.write_bytes(TALLY[entry])
        if cells:
            book = openpyxl.load_workbook(path)
            for place, value in cells.items():
                sheet, cell = place.split("!")
                book[sheet][cell] = value
            book.save(path)
        return path

    def read(self):
        return read_ballots(DataFolder(self.data), self.out, CAMPAIGN, SECRETARIES, SECRET)

    def errors(self) -> list[str]:
        with pytest.raises(InputError) as caught:
            self.read()
        return [str(problem) for problem in caught.value.problems]

    def problems(self) -> list:
        with pytest.raises(InputError) as caught:
            self.read()
        return caught.value.problems


TALLY = {e: tally_workbook(CAMPAIGN, SECRETARIES, ISSUED, e) for e in "AB"}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Folder:
    monkeypatch.chdir(tmp_path)
    return Folder(tmp_path)


def assert_bilingual(message: str) -> None:
    zh, en = message.split(": ", 2)[2].rsplit(" / ", 1)
    assert re.search(r"[\u4e00-\u9fff]", zh), message
    assert re.search(r"[A-Za-z]{3,}", en), message


def the_error(folder: Folder, prefix: str, words: str = "") -> str:
    """Return the one problem reported, checking its location prefix and both languages."""
    [message] = folder.errors()
    assert message.startswith(prefix), message
    assert words in message, message
    assert_bilingual(message)
    return message


# --- contract-format files: what is read ---------------------------------------------------------


def test_a_csv_reads_to_ballots(folder):
    text = "组织生活，\n“三会一课”不全"
    folder.csv("a.csv", [row(S1, 9, "", text, '建议"每月"检查'), row(S2, "", "空白票")])
    read = folder.read()
    assert read.ballots == (
        Ballot(S1.serial, "b01", "上述", 9, "valid", text, '建议"每月"检查', "data/ballots/a.csv:2"),
        Ballot(S2.serial, "b01", "上述", None, "blank", "", "", "data/ballots/a.csv:4"),
    )  # fmt: skip
    assert read.files == ("data/ballots/a.csv",)
    # no register: the secret gives the sheets issued, so the others are known to be missing
    assert read.unreturned == tuple(b for b in ISSUED if b not in (S1, S2))


def test_status_words_and_optional_columns(folder):
    rows = [[S1.serial, "b01", "上述", "", "INVALID"], [S2.serial, "b01", "上述", "", "废票"],
            [S3.serial, "b01", "上述", "7", "有效"], [C1.serial, "c01", "下评", "10", "Valid"]]  # fmt: skip
    folder.csv("a.csv", rows, header=HEADER[:5])
    assert {b.serial: (b.status, b.score, b.problems) for b in folder.read().ballots} == {
        S1.serial: ("invalid", None, ""), S2.serial: ("invalid", None, ""),
        S3.serial: ("valid", 7, ""), C1.serial: ("valid", 10, ""),
    }  # fmt: skip


def test_an_xlsx_reads_to_ballots_excel_floats_are_whole(folder):
    folder.xlsx("b.xlsx", [row(S1, 8.0, "", "问题"), [], row(S2, "", "blank")])
    assert folder.read().ballots == (
        Ballot(S1.serial, "b01", "上述", 8, "valid", "问题", "", "data/ballots/b.xlsx:Sheet1!A2"),
        Ballot(S2.serial, "b01", "上述", None, "blank", "", "", "data/ballots/b.xlsx:Sheet1!A4"),
    )


def test_a_record_is_located_where_it_starts(folder):
    path = folder.ballots / "a.csv"
    text = (
        "\ufeffballot_id,secretary_id,source,score,problems\n\n"
        f'{S1.serial},b01,上述,8,"第一行\n第二行\n第三行"\n'
        f"{S2.serial},b01,上述,7,\n"
    )
    path.write_text(text, encoding="utf-8")
    assert [b.located for b in folder.read().ballots] == [
        "data/ballots/a.csv:3",
        "data/ballots/a.csv:6",
    ]


def test_a_gb18030_file_is_read(folder):
    text = "存在的问题：学习不够深入，“三会一课”记录不全"
    data = csv_bytes([row(S1, 9, "有效", text, "建议加强学习")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (folder.ballots / "excel.csv").write_bytes(data)
    [ballot] = folder.read().ballots
    assert (ballot.problems, ballot.suggestions, ballot.source) == (text, "建议加强学习", "上述")


def test_a_utf8_file_with_bom_is_read(folder):
    folder.csv("a.csv", [row(S1, 9, "", "问题")], encoding="utf-8-sig")
    assert folder.read().ballots[0].problems == "问题"


# --- contract-format files: every error, located --------------------------------------------------


def test_undecodable_csv(folder):
    (folder.ballots / "a.csv").write_bytes(b"ballot_id,score\n\xff\xfe\xff,8\n")
    the_error(folder, "data/ballots/a.csv:1: a.csv: ", "undecodable file")


def test_utf16_csv_is_undecodable(folder):
    (folder.ballots / "a.csv").write_bytes(csv_bytes([row(S1)], encoding="utf-16"))
    the_error(folder, "data/ballots/a.csv:1: a.csv: ", "undecodable file")


def test_utf8_with_a_bad_byte_is_not_misread_as_gb18030(folder):
    good = csv_bytes([row(S1, 8, "", "学习不够深入，记录不全，制度落实不到位，整改不彻底")])
    (folder.ballots / "a.csv").write_bytes(good.replace("整".encode(), b"\xe6\x95"))
    message = the_error(folder, "data/ballots/a.csv:1: a.csv: ", "undecodable file")
    assert "line 2" in message


def test_corrupt_xlsx(folder):
    (folder.ballots / "b.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    the_error(folder, "data/ballots/b.xlsx:1: b.xlsx: ", "undecodable file")


def test_unknown_column_names_its_header_cell(folder):
    folder.csv("a.csv", [[*row(S1), "x"]], header=[*HEADER, "remark"])
    the_error(folder, "data/ballots/a.csv:1:8: remark: ", "unknown column remark")


def test_unknown_column_in_xlsx(folder):
    folder.xlsx("b.xlsx", [row(S1)], header=[*HEADER[:3], "scroe", *HEADER[4:]])
    messages = folder.errors()
    assert [m.split(" ", 1)[0] for m in messages] == [
        "data/ballots/b.xlsx:Sheet1!D1:",
        "data/ballots/b.xlsx:Sheet1!H1:",  # score is missing: where it could go
    ]
    assert "did you mean score?" in messages[0]
    assert messages[1].startswith("data/ballots/b.xlsx:Sheet1!H1: score: ")
    for message in messages:
        assert_bilingual(message)


def test_missing_required_column(folder):
    folder.csv("a.csv", [r[:3] for r in [row(S1)]], header=HEADER[:3])
    the_error(folder, "data/ballots/a.csv:1: score: ", "missing column score")


def test_repeated_column(folder):
    folder.csv("a.csv", [[*row(S1)[:4], 8]], header=[*HEADER[:4], "Score"])
    the_error(folder, "data/ballots/a.csv:1:5: Score: ", "repeated")


def test_value_in_a_column_without_header(folder):
    folder.csv("a.csv", [[*row(S1), "", "多余"]], header=[*HEADER, ""])
    the_error(folder, "data/ballots/a.csv:2:9: column 9: ", "without a header")


def test_unpaired_quote(folder):
    path = folder.csv("a.csv", [row(S1)])
    path.write_bytes(path.read_bytes() + f'{S2.serial},b01,上述,8,,"没有收尾\r\n'.encode())
    the_error(folder, "data/ballots/a.csv:3: csv: ", "malformed CSV")


@pytest.mark.parametrize("score", ["8.5", "十", "0", "11", "-3"])
def test_score_out_of_range_or_not_an_integer(folder, score):
    folder.csv("a.csv", [row(S1, score)])
    the_error(folder, "data/ballots/a.csv:2: score: ", "score out of range or not an integer")


def test_score_in_xlsx_at_its_cell(folder):
    folder.xlsx("b.xlsx", [row(S1), row(S2, 8.5)])
    the_error(
        folder, "data/ballots/b.xlsx:Sheet1!D3: score: ", "score out of range or not an integer"
    )


def test_unknown_status(folder):
    folder.csv("a.csv", [row(S1, 8, "作废")])
    the_error(folder, "data/ballots/a.csv:2: status: ", "status must be valid, blank or invalid")


def test_valid_ballot_without_score(folder):
    folder.csv("a.csv", [row(S1, "", "有效")])
    the_error(folder, "data/ballots/a.csv:2: score: ", "a valid ballot needs a score")


@pytest.mark.parametrize("status", ["blank", "invalid", "空白票", "废票"])
def test_blank_or_invalid_ballot_with_score(folder, status):
    folder.csv("a.csv", [row(S1, 6, status)])
    the_error(folder, "data/ballots/a.csv:2: score: ", "must have no score")


def test_unknown_secretary(folder):
    folder.csv("a.csv", [[S1.serial, "b99", "上述", 8]])
    the_error(folder, "data/ballots/a.csv:2: secretary_id: ", "unknown secretary id b99")


def test_source_not_of_the_secretarys_role(folder):
    folder.csv("a.csv", [row(S1), [C1.serial, "c01", "上述", 8]])
    the_error(folder, "data/ballots/a.csv:3: source: ", "not one of c01's (committee): 下评")


def test_source_unknown_in_xlsx(folder):
    folder.xlsx("b.xlsx", [[S1.serial, "b01", "上级", 8]])
    the_error(folder, "data/ballots/b.xlsx:Sheet1!C2: source: ", "'上级' is not one of b01's")


def test_missing_secretary_and_source(folder):
    folder.csv("a.csv", [[S1.serial, "", "", 8]])
    messages = folder.errors()
    assert [m.split(": ", 2)[:2] for m in messages] == [
        ["data/ballots/a.csv:2", "secretary_id"],
        ["data/ballots/a.csv:2", "source"],
    ]
    for message in messages:
        assert_bilingual(message)


def test_content_without_serial(folder):
    folder.csv("a.csv", [row(S1), ["", "b01", "上述", 8, "", "有问题"]])
    the_error(folder, "data/ballots/a.csv:3: ballot_id: ", "the serial is missing")


def test_serial_twice_in_one_file(folder):
    folder.csv("a.csv", [row(S1), row(S2), row(S1, 7)])
    message = the_error(folder, "data/ballots/a.csv:4: ballot_id: ", "serial duplicated")
    assert "first at data/ballots/a.csv:2" in message


def test_serial_duplicated_across_files(folder):
    folder.csv("a.csv", [row(S1), row(S2)])
    folder.xlsx("b.xlsx", [row(S3), row(S2, 6)])
    message = the_error(
        folder, "data/ballots/b.xlsx:Sheet1!A3: ballot_id: ", "serial duplicated across files"
    )
    assert f"{S2.serial}, first at data/ballots/a.csv:3" in message


def test_other_sheets_must_be_empty(folder):
    path = folder.xlsx("b.xlsx", [row(S1)])
    book = openpyxl.load_workbook(path)
    book.create_sheet("第二页")["B3"] = S2.serial
    book.save(path)
    the_error(folder, "data/ballots/b.xlsx:第二页!B3: sheet: ", "only the first sheet is read")


# --- the folder -------------------------------------------------------------------------------


def test_no_ballots_folder(folder):
    folder.ballots.rmdir()
    the_error(folder, "data/ballots:1: ballots: ", "folder is missing")


def test_no_ballot_files(folder):
    (folder.ballots / "说明.txt").write_text("x")
    the_error(folder, "data/ballots:1: ballots: ", "no ballot files")


def test_xls_is_refused_lock_files_skipped_names_sorted(folder):
    folder.csv("b.CSV", [row(S2)])
    folder.csv("a.csv", [row(S1)])
    (folder.ballots / "~$b.xlsx").write_bytes(b"\x00lock")
    (folder.ballots / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    the_error(folder, "data/ballots/old.xls:1: old.xls: ", "save it as .xlsx")
    (folder.ballots / "old.xls").unlink()
    read = folder.read()
    assert read.files == ("data/ballots/a.csv", "data/ballots/b.CSV")
    assert [b.serial for b in read.ballots] == [S1.serial, S2.serial]


def test_every_problem_of_every_file_at_once_in_order(folder):
    folder.csv("a.csv", [row(S1, 11), row(S2, "", "x"), row(S3)])
    folder.xlsx("b.xlsx", [row(C1, "十"), [S1.serial, "b99", "上述", 8]])
    assert [m.split(": ", 2)[0] + ": " + m.split(": ", 2)[1] for m in folder.errors()] == [
        "data/ballots/a.csv:2: score",
        "data/ballots/a.csv:3: status",
        "data/ballots/b.xlsx:Sheet1!D2: score",
        "data/ballots/b.xlsx:Sheet1!A3: ballot_id",
        "data/ballots/b.xlsx:Sheet1!B3: secretary_id",
    ]


# --- the register --------------------------------------------------------------------------------


def test_serial_never_issued(folder):
    folder.register()
    folder.csv("a.csv", [row(S1), ["ABCD-EFGH", "b01", "上述", 8]])
    the_error(folder, "data/ballots/a.csv:3: ballot_id: ", "serial ABCD-EFGH was never issued")


def test_without_register_or_secret_nothing_is_scored_and_the_counts_are_still_checked(folder):
    copies = CAMPAIGN.evaluators["branch"]["上述"]
    made_up = [[f"ABCD-{n:04d}", "b01", "上述", 8] for n in range(copies + 1)]
    folder.csv("a.csv", made_up)
    with pytest.raises(InputError) as caught:
        read_ballots(DataFolder(folder.data), folder.out, CAMPAIGN, SECRETARIES, None)
    over, neither = [str(problem) for problem in caught.value.problems]
    assert over == (
        f"data/ballots/a.csv:{copies + 2}: ballot_id: b01 的“上述”收回的选票多于印制的份数 / "
        "more 上述 ballots for b01 than sheets were printed"
    )
    assert neither.startswith("data/.ballot-secret:1: ")
    assert "neither the register nor the ballot secret" in neither


def test_serial_issued_for_another_secretary(folder):
    folder.register()
    other = issued("b02", "上述")[0]
    folder.csv("a.csv", [[other.serial, "b01", "上述", 8]])
    the_error(
        folder,
        "data/ballots/a.csv:2: secretary_id: ",
        "was issued for b02, 上述; not for b01, 上述",
    )


def test_serial_issued_for_another_source(folder):
    folder.register()
    other = issued("b01", "下评")[0]
    folder.xlsx("b.xlsx", [[other.serial, "b01", "上述", 8]])
    the_error(
        folder,
        "data/ballots/b.xlsx:Sheet1!C2: source: ",
        "was issued for b01, 下评; not for b01, 上述",
    )


def test_a_damaged_register(folder):
    folder.register()
    path = folder.root / "output" / "forms" / "ballots-issued.csv"
    path.write_bytes(path.read_bytes() + b"ABCD-EFGH,b01\r\n")
    folder.csv("a.csv", [row(S1)])
    the_error(folder, "output/forms/ballots-issued.csv:47: register: ", "bad register row")


def test_unreturned_in_register_order(folder):
    folder.register()
    returned = ISSUED[::2]
    folder.csv("a.csv", [row(b) for b in reversed(returned)])
    read = folder.read()
    assert read.unreturned == tuple(ISSUED[1::2])
    assert Counter(b.serial for b in read.ballots) == Counter(b.serial for b in returned)


# --- tally workbooks -----------------------------------------------------------------------------

ENTERED = {
    "上述!E2": 8,
    "上述!G2": "不足，\n“两学”",
    "上述!F3": "空白票",
    "下评!E4": 9,
    "下评!F5": "废票",
}


def test_agreeing_entries_count_once_and_untouched_rows_are_unreturned(folder):
    folder.register()
    folder.tally("A", ENTERED)
    folder.tally("B", {**ENTERED, "上述!F2": "有效"})  # empty status means 有效: the same
    read = folder.read()
    first = issued("b01", "上述")
    down = issued("b01", "下评")
    assert read.ballots == tuple(sorted((  # by serial, whatever the files' order
        Ballot(first[0].serial, "b01", "上述", 8, "valid", "不足，\n“两学”", "", f"{A_SHOWN}:上述!A2"),
        Ballot(first[1].serial, "b01", "上述", None, "blank", "", "", f"{A_SHOWN}:上述!A3"),
        Ballot(down[2].serial, "b01", "下评", 9, "valid", "", "", f"{A_SHOWN}:下评!A4"),
        Ballot(down[3].serial, "b01", "下评", None, "invalid", "", "", f"{A_SHOWN}:下评!A5"),
    ), key=lambda ballot: ballot.serial))  # fmt: skip
    assert read.files == (A_SHOWN, B_SHOWN)
    returned = {b.serial for b in read.ballots}
    assert read.unreturned == tuple(b for b in ISSUED if b.serial not in returned)


def mismatch(serial: str, field: str, a: str, b: str, a_at: str, b_at: str) -> str:
    """Return a double-entry difference as printed: at A's cell, the serial and both values."""
    return (
        f"{a_at}: {field}: {serial}: A={a} B={b}（两人录入不一致，另见 {b_at}）"
        f"/ double entry differs (see also {b_at})"
    )


def test_a_difference_is_printed_serial_field_values_cells(folder):
    folder.tally("A", {"上述!E2": 8})
    folder.tally("B", {"上述!E2": 9})
    [problem] = folder.problems()
    assert isinstance(problem, DoubleEntryMismatch)
    assert str(problem) == mismatch(
        S1.serial, "score", "8", "9", f"{A_SHOWN}:上述!E2", f"{B_SHOWN}:上述!E2"
    )
    assert (problem.file, problem.where) == (A_SHOWN, "上述!E2")


def test_differences_in_status_text_and_rows(folder):
    folder.tally("A", {"上述!F3": "空白票", "上述!E4": 6, "上述!H4": "建议", "下评!E2": 7})
    folder.tally("B", {"上述!F3": "废票", "上述!E4": 6, "上述!H4": "建议。", "下评!E3": 7})
    down = issued("b01", "下评")
    assert folder.errors() == [
        mismatch(S2.serial, "status", "空白票", "废票", f"{A_SHOWN}:上述!F3", f"{B_SHOWN}:上述!F3"),
        mismatch(
            S3.serial,
            "suggestions",
            '"建议"',
            '"建议。"',
            f"{A_SHOWN}:上述!H4",
            f"{B_SHOWN}:上述!H4",
        ),
        mismatch(
            down[0].serial,
            "row",
            "entered",
            "untouched",
            f"{A_SHOWN}:下评!A2",
            f"{B_SHOWN}:下评!A2",
        ),
        mismatch(
            down[1].serial,
            "row",
            "untouched",
            "entered",
            f"{A_SHOWN}:下评!A3",
            f"{B_SHOWN}:下评!A3",
        ),
    ]


def test_a_row_deleted_in_one_workbook(folder):
    folder.tally("A", {"上述!E2": 8})
    path = folder.tally("B")
    book = openpyxl.load_workbook(path)
    book["上述"].delete_rows(2)
    book.save(path)
    assert folder.errors() == [
        mismatch(S1.serial, "row", "entered", "missing", f"{A_SHOWN}:上述!A2", B_SHOWN)
    ]


def test_a_lone_tally_workbook_is_incomplete_double_entry(folder):
    folder.tally("A", {"上述!E2": 8})
    the_error(folder, f"{A_SHOWN}:填写说明!A1: entry: ", "double entry incomplete: 录入B missing")


def test_two_workbooks_of_one_entry(folder):
    folder.tally("A", {"上述!E2": 8})
    folder.tally("B", {"上述!E2": 8})
    copy = "计票表-录入B（复制）.xlsx"
    folder.tally("A", {"上述!E2": 8}, name=copy)  # a copy of A renamed: its title still says A
    the_error(
        folder, "data/ballots/计票表-录入B（复制）.xlsx:填写说明!A1: entry: ", "a second 录入A"
    )


def test_entry_from_the_file_name_when_the_title_is_gone(folder):
    for entry in "AB":
        path = folder.tally(entry, {"上述!E2": 8}, name=f"录入{entry}.xlsx")
        book = openpyxl.load_workbook(path)
        book.properties.title = None
        book.save(path)
    assert [b.located for b in folder.read().ballots] == ["data/ballots/录入A.xlsx:上述!A2"]


def test_entry_unknown(folder):
    path = folder.tally("A", {"上述!E2": 8}, name="clerk1.xlsx")
    book = openpyxl.load_workbook(path)
    book.properties.title = "计票表"
    book.save(path)
    the_error(
        folder, "data/ballots/clerk1.xlsx:填写说明!A1: entry: ", "cannot tell 录入A from 录入B"
    )


def test_read_errors_of_a_tally_workbook_are_reported(folder):
    folder.tally("A", {"上述!E2": "七"})
    folder.tally("B", {"上述!E2": 7})
    the_error(folder, f"{A_SHOWN}:上述!E2: score: ")


def test_a_row_error_does_not_hide_the_differences_of_other_rows(folder):
    """A cell that cannot be read and a difference between the clerks: both, in one run."""
    folder.tally("A", {"上述!E2": "七", "上述!E3": 8})
    folder.tally("B", {"上述!E2": 7, "上述!E3": 9})
    errors = folder.errors()
    assert len(errors) == 2
    assert errors[0].startswith(f"{A_SHOWN}:上述!E2: score: ")
    assert errors[1] == mismatch(
        S2.serial, "score", "8", "9", f"{A_SHOWN}:上述!E3", f"{B_SHOWN}:上述!E3"
    )


def test_tally_rows_are_checked_against_secretaries_register_and_other_files(folder):
    folder.register()
    folder.csv("a.csv", [row(C1)])
    c1_row = next(number for _, number, b in SHEET_ROWS if b == C1)
    typed = {"上述!B2": "c01", "上述!E2": 8, f"下评!E{c1_row}": 8}  # c01 typed over b01 in 上述
    folder.tally("A", typed)
    folder.tally("B", typed)
    messages = folder.errors()
    assert [m.split(": ", 2)[0] + ": " + m.split(": ", 2)[1] for m in messages] == [
        f"{A_SHOWN}:上述!A2: source",
        f"{A_SHOWN}:上述!B2: secretary_id",
        f"{A_SHOWN}:下评!A{c1_row}: ballot_id",
    ]
    assert "not one of c01's (committee)" in messages[0]
    assert "issued for b01, 上述; not for c01, 上述" in messages[1]
    assert "first at data/ballots/a.csv:2" in messages[2]
    for message in messages:
        assert_bilingual(message)


# --- the sample campaign, with the register and workbooks `forms` writes ------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A copy of data/ (its ballots and committed secret) and the pack `forms` writes for it."""
    from generator.pipeline.forms import run_forms

    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, root / "data")
    run_forms(root / "data", root / "output")
    return root


def test_the_sample_ballots_match_the_register(sample, monkeypatch):
    monkeypatch.chdir(sample)
    data = load_data(Path("data"))
    read = read_ballots(
        DataFolder(Path("data")), Path("output"), data.campaign, list(data.secretaries), None
    )
    register = list(
        csv.reader(io.StringIO((sample / "output/forms/ballots-issued.csv").read_text("utf-8-sig")))
    )[1:]
    assert len(read.ballots) + len(read.unreturned) == len(register)
    assert len({b.serial for b in read.ballots}) == len(read.ballots)
    assert read.files == ("data/ballots/上述.csv", "data/ballots/下评.csv")
    gb18030 = (sample / "data/ballots/下评.csv").read_bytes()
    assert not _is_utf8(gb18030)  # the sample's GB18030 file, as Excel on Chinese Windows saves it
    decoded = gb18030.decode("gb18030")
    texts = [b.problems for b in read.ballots if b.located.startswith("data/ballots/下评.csv")]
    assert any(re.search(r"[\u4e00-\u9fff]{4}", t) for t in texts)
    assert all(t in decoded for t in texts)


def test_the_workbooks_forms_writes_read_back_in_double_entry(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(sample / "data", tmp_path / "data", ignore=shutil.ignore_patterns("*.csv"))
    shutil.copytree(sample / "output", tmp_path / "output")
    for entry in "AB":
        path = tmp_path / "data" / "ballots" / f"计票表-录入{entry}.xlsx"
        shutil.copy(tmp_path / "output" / "forms" / path.name, path)
        book = openpyxl.load_workbook(path)
        book["上述"]["E2"], book["上述"]["G2"], book["下评"]["F3"] = 9, "学习不够", "空白票"
        book.save(path)
    data = load_data(Path("data"))
    read = read_ballots(
        DataFolder(Path("data")), Path("output"), data.campaign, list(data.secretaries), None
    )
    assert sorted((b.source, b.score, b.status, b.problems, b.located) for b in read.ballots) == [
        ("上述", 9, "valid", "学习不够", f"{A_SHOWN}:上述!A2"),
        ("下评", None, "blank", "", f"{A_SHOWN}:下评!A3"),
    ]
    issued_total = (tmp_path / "output/forms/ballots-issued.csv").read_text("utf-8-sig").count(
        "\n"
    ) - 1
    assert len(read.unreturned) == issued_total - 2


# --- property tests ------------------------------------------------------------------------------

CHINESE = list("党员干部意见建议存在问题不足学习组织生活会议记录整改落实责任基层书记")
TEXT = st.text(st.sampled_from([*CHINESE, *"，。、；：“”‘’《》\"',;\n -ab07"]), max_size=24)
ENTRY = st.one_of(
    st.tuples(
        st.just("valid"), st.integers(1, 10), st.sampled_from(["", "valid", "有效", "VALID"])
    ),
    st.tuples(st.just("blank"), st.none(), st.sampled_from(["blank", "空白票"])),
    st.tuples(st.just("invalid"), st.none(), st.sampled_from(["invalid", "废票"])),
)
SHEET_ROWS = [
    (s, n + 2, b)
    for s in ("上述", "下评")
    for n, b in enumerate([b for b in ISSUED if b.source == s])
]
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def expected_ballot(sheet, entry, problems: str, suggestions: str) -> Ballot:
    (status, score, _), texts = entry, (problems.strip(), suggestions.strip())
    return Ballot(sheet.serial, sheet.secretary_id, sheet.source, score, status, *texts, "")


def without_location(ballots) -> Counter:
    return Counter(replace(b, located="") for b in ballots)


BALLOTS = st.lists(
    st.tuples(st.sampled_from(ISSUED), ENTRY, TEXT, TEXT),
    max_size=15,
    unique_by=lambda t: t[0].serial,
)


class Scratch:
    """A fresh campaign folder for one hypothesis example."""

    def __enter__(self) -> Folder:
        self.tmp = tempfile.TemporaryDirectory()
        return Folder(Path(self.tmp.name))

    def __exit__(self, *exc) -> None:
        self.tmp.cleanup()


def read_in(folder: Folder):
    return read_ballots(
        DataFolder(folder.root / "data"), folder.root / "output", CAMPAIGN, SECRETARIES, SECRET
    )


@PROPERTY
@given(ballots=BALLOTS)
def test_utf8_bom_and_gb18030_copies_read_alike(ballots):
    rows = [
        [s.serial, s.secretary_id, s.source, score or "", shown, p, q]
        for s, (_, score, shown), p, q in ballots
    ]
    gb = csv_bytes(rows, encoding="gb18030")
    # GB18030 bytes that happen to be valid UTF-8 too are read as UTF-8: no reader can tell
    assume(gb == csv_bytes(rows) or not _is_utf8(gb))
    read = []
    with Scratch() as folder:
        for name, data in (
            ("u.csv", csv_bytes(rows)),
            ("bom.csv", csv_bytes(rows, encoding="utf-8-sig")),
            ("gb.csv", gb),
        ):
            (folder.ballots / name).write_bytes(data)
            read.append(
                [replace(b, located=b.located.rsplit(":", 1)[1]) for b in read_in(folder).ballots]
            )
            (folder.ballots / name).unlink()
    assert read[0] == read[1] == read[2]
    assert without_location(read[0]) == Counter(expected_ballot(*t) for t in ballots)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@PROPERTY
@given(ballots=BALLOTS, data=st.data())
def test_splitting_ballots_across_files_reads_the_same(ballots, data):
    files = data.draw(
        st.lists(st.sampled_from(["utf-8", "gb18030", "xlsx"]), min_size=1, max_size=4)
    )
    placed: dict[int, list] = {n: [] for n in range(len(files))}
    for ballot in ballots:
        placed[data.draw(st.integers(0, len(files) - 1))].append(ballot)
    with Scratch() as folder:
        folder.register()
        for number, kind in enumerate(files):
            rows = [
                [s.serial, s.secretary_id, s.source, score, shown, p, q]
                for s, (_, score, shown), p, q in data.draw(st.permutations(placed[number]))
            ]
            name = data.draw(st.text("abc甲乙", min_size=1, max_size=3)) + f"-{number}"
            if kind == "xlsx":
                folder.xlsx(f"{name}.xlsx", rows)
            elif _is_utf8(csv_bytes(rows, encoding=kind)):  # GB18030 bytes that are UTF-8 too
                folder.csv(f"{name}.csv", rows)
            else:
                folder.csv(f"{name}.csv", rows, encoding=kind)
        read = read_in(folder)
    assert without_location(read.ballots) == Counter(expected_ballot(*t) for t in ballots)
    returned = {s.serial for s, *_ in ballots}
    assert read.unreturned == tuple(b for b in ISSUED if b.serial not in returned)


def typed_cells(entries: dict[int, tuple]) -> dict[str, object]:
    """Return the cells a clerk types for entries (sheet-row index → (entry, problems, suggestions))."""
    cells: dict[str, object] = {}
    for index, ((_, score, shown), problems, suggestions) in entries.items():
        sheet, number, _ = SHEET_ROWS[index]
        for column, value in zip("EFGH", (score, shown, problems, suggestions), strict=True):
            cells[f"{sheet}!{column}{number}"] = value or None
    return cells


def touched(entry: tuple) -> bool:
    (_, score, shown), problems, suggestions = entry
    return bool(score or shown or problems.strip() or suggestions.strip())


CHANGES = ["score", "status", "problems", "suggestions", "row"]


def changed(entry: tuple, kind: str) -> tuple[tuple | None, str]:
    """Return the entry as clerk B types it after one change (None: left untouched), and the field."""
    (status, score, shown), problems, suggestions = entry
    if kind == "row":
        return None, "row"
    if kind in ("problems", "suggestions"):
        texts = {"problems": problems, "suggestions": suggestions}
        texts[kind] = texts[kind].strip() + "改"
        return ((status, score, shown), texts["problems"], texts["suggestions"]), kind
    if kind == "score":
        new = ("valid", score % 10 + 1, "") if status == "valid" else ("valid", 5, "有效")
        return (new, problems, suggestions), "score"
    new = {
        "valid": ("blank", None, "空白票"),
        "blank": ("invalid", None, "废票"),
        "invalid": ("blank", None, "空白票"),
    }[status]
    return (new, problems, suggestions), "status"


@PROPERTY
@given(
    entries=st.dictionaries(
        st.integers(0, len(SHEET_ROWS) - 1), st.tuples(ENTRY, TEXT, TEXT), min_size=1, max_size=12
    ),
    data=st.data(),
)
def test_double_entry_catches_any_one_change(entries, data):
    entries = {i: e for i, e in entries.items() if touched(e)}
    assume(entries)
    index = data.draw(st.sampled_from(sorted(entries)))
    kind = data.draw(st.sampled_from(CHANGES))
    entry_b, field = changed(entries[index], kind)
    b_entries = (
        {**entries, index: entry_b} if entry_b else {i: e for i, e in entries.items() if i != index}
    )
    serial = SHEET_ROWS[index][2].serial
    with Scratch() as folder:
        folder.tally("A", typed_cells(entries))
        cleared = {} if entry_b else {c: None for c in typed_cells({index: entries[index]})}
        folder.tally("B", {**typed_cells(b_entries), **cleared})
        with pytest.raises(InputError) as caught:
            read_in(folder)
    problems = caught.value.problems
    assert all(isinstance(p, DoubleEntryMismatch) and p.serial == serial for p in problems), (
        problems
    )
    assert field in [p.field for p in problems]
    assert all(f": {p.field}: {serial}: A=" in str(p) for p in problems)


FAULTS = {
    "good": None,
    "empty": None,
    "no serial": "ballot_id",
    "bad score": "score",
    "unknown secretary": "secretary_id",
    "wrong source": "source",
    "duplicate": "ballot_id",
    "valid without score": "score",
    "blank with score": "score",
    "bad status": "status",
}


def faulty_row(kind: str, number: int, earlier: list[str], text: str) -> list[object]:
    """Return a contract row with one fault of the given kind (a serial S<number> unless duplicate)."""
    serial = earlier[0] if kind == "duplicate" else f"S{number:03}"
    values = {
        "good": [serial, "b01", "上述", 8, "", text],
        "empty": ["", "", "", "", "", ""],
        "no serial": ["", "b02", "下评", 7, "", text],
        "bad score": [serial, "b02", "下评", "7.5", "", text],
        "unknown secretary": [serial, "x01", "下评", 7, "", text],
        "wrong source": [serial, "c01", "上述", 7, "", text],
        "duplicate": [serial, "b03", "上述", 6, "", text],
        "valid without score": [serial, "b03", "下评", "", "有效", text],
        "blank with score": [serial, "c01", "下评", 3, "空白票", text],
        "bad status": [serial, "b01", "下评", 3, "作废", text],
    }[kind]
    return values


@PROPERTY
@given(
    kinds=st.lists(st.sampled_from(list(FAULTS)), max_size=25),
    texts=st.lists(TEXT, min_size=25, max_size=25),
    as_xlsx=st.booleans(),
)
def test_every_data_row_becomes_one_ballot_or_one_problem(kinds, texts, as_xlsx):
    rows, lines, good = [], [], []
    line = 2
    for number, kind in enumerate(kinds):
        if kind == "duplicate" and not good:
            kind = "good"
        values = faulty_row(kind, number, good, texts[number])
        if kind == "good":
            good.append(values[0])
        rows.append(values)
        lines.append((line if not as_xlsx else number + 2, kind))
        line += 1 + values[5].count("\n")
    with Scratch() as folder:
        if as_xlsx:
            folder.xlsx("b.xlsx", rows, header=HEADER[:6])
        else:
            (folder.ballots / "a.csv").write_bytes(_csv_lf(rows))
        printed: dict[str, IssuedBallot] = {}  # as the rows say, the first of a duplicate
        for r in rows:
            if r[0]:
                printed.setdefault(r[0], IssuedBallot(r[0], r[1], r[2]))
        (folder.root / "output" / "forms").mkdir(parents=True)
        register = folder.root / "output" / "forms" / "ballots-issued.csv"
        register.write_bytes(register_csv(printed.values()))
        collected = collect_ballots(
            DataFolder(folder.root / "data"), folder.root / "output", CAMPAIGN, SECRETARIES, None
        )
    ballots_at = Counter(_row_number(b.located) for b in collected.ballots)
    problems_at = Counter(_row_number(p.where) for p in collected.problems)
    for at, kind in lines:
        expected = (1, 0) if kind == "good" else (0, 0) if kind == "empty" else (0, 1)
        assert (ballots_at[at], problems_at[at]) == expected, (at, kind, collected.problems)
    assert sum(ballots_at.values()) + sum(problems_at.values()) == sum(
        k != "empty" for _, k in lines
    )
    for p in collected.problems:
        kind = dict(lines)[_row_number(p.where)]
        assert p.field == FAULTS[kind], (p, kind)


def _csv_lf(rows: list[list[object]]) -> bytes:
    """Return the CSV with LF line ends; an empty row as an empty line, and texts' newlines kept."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER[:6])
    for values in rows:
        if any(str(v).strip() for v in values):
            writer.writerow(values)
        else:
            buffer.write("\n")
    return buffer.getvalue().encode()


def _row_number(where: str) -> int:
    return int(re.search(r"(\d+)(?::\d+)?$", where).group(1))
