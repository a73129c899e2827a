"""The tally workbooks for 双人背对背录入: layout, LibreOffice, round trip, every read error."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.documents.tally_workbook import tally_files, tally_workbook
from generator.load.ballots.tally import TallyRow, read_tally
from generator.model.ballot import IssuedBallot
from generator.model.errors import InputError
from generator.model.serials import issue_ballots
from generator.model.tally import COLUMNS, INSTRUCTIONS, STATUS_LABELS, sources_of
from generator.output.names import document_path

from helpers import load_data

DATA = Path(__file__).resolve().parent.parent / "data"
SECRET = bytes(range(32))
SHOWN = "ballots/计票表-录入A.xlsx"


@pytest.fixture(scope="module")
def sample():
    """The sample campaign, its secretaries and the serials issued with a fixed secret."""
    data = load_data(DATA)
    secretaries = list(data.secretaries)
    sample = SimpleNamespace(
        campaign=data.campaign,
        secretaries=secretaries,
        issued=issue_ballots(data.campaign, secretaries, SECRET),
        sources=sources_of(data.campaign),
        by_id={s.id: s for s in secretaries},
    )
    sample.issued_in_sheet_order = [
        b for source in sample.sources for b in sample.issued if b.source == source
    ]
    return sample


@pytest.fixture(scope="module")
def workbook_bytes(sample) -> bytes:
    return tally_workbook(sample.campaign, sample.secretaries, sample.issued, "A")


@pytest.fixture
def workbook_path(workbook_bytes, tmp_path) -> Path:
    path = tmp_path / "计票表-录入A.xlsx"
    path.write_bytes(workbook_bytes)
    return path


def name_and_organization(sample, ballot: IssuedBallot) -> tuple[str, str]:
    secretary = sample.by_id[ballot.secretary_id]
    return secretary.name, secretary.organization


def issued_of(sample, source: str) -> list[IssuedBallot]:
    return [b for b in sample.issued if b.source == source]


# --- the workbook as written --------------------------------------------------------------------


def test_sheets_and_one_prefilled_row_per_issued_serial(sample, workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    assert book.sheetnames == [INSTRUCTIONS, "上述", "下评"]
    counts = Counter(b.source for b in sample.issued)
    for source in ("上述", "下评"):
        sheet = book[source]
        assert sheet.max_row - 1 == counts[source]
        header = [cell.value for cell in sheet[1]]
        assert header == [f"{c.label}\n{c.field}" for c in COLUMNS]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        expected = [
            (b.serial, b.secretary_id, *name_and_organization(sample, b), *[None] * 4)
            for b in issued_of(sample, source)
        ]
        assert rows == expected


def test_instructions_define_the_status_labels(sample, workbook_path):
    sheet = openpyxl.load_workbook(workbook_path)[INSTRUCTIONS]
    text = "\n".join(str(cell.value) for cell in sheet["A"] if cell.value)
    assert text.startswith("计票表（录入A）")
    for label, name in STATUS_LABELS.items():
        assert re.search(f"{label} ——.*{name}", text), (label, name)
    for needed in ("1至10的整数", "得分留空", "原文", "背对背", "不得调整行的顺序", ".xlsx"):
        assert needed in text, needed


def test_validation_rules_freeze_panes_and_fills(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    for source in ("上述", "下评"):
        sheet = book[source]
        last = sheet.max_row
        rules = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
        score, status = rules[f"E2:E{last}"], rules[f"F2:F{last}"]
        assert (score.type, score.operator, score.formula1, score.formula2) == (
            "whole",
            "between",
            "1",
            "10",
        )
        assert score.showErrorMessage and "1至10的整数" in score.error
        assert (status.type, status.formula1) == ("list", '"有效,空白票,废票"')
        assert status.showErrorMessage and "空白票" in status.error
        assert sheet.freeze_panes == "D2"
        assert sheet["A2"].fill.fgColor.rgb.endswith("F2F2F2")
        assert sheet["E2"].fill.fill_type is None
        assert sheet["G2"].alignment.wrap_text and sheet["H2"].alignment.wrap_text
        assert sheet.column_dimensions["G"].width > sheet.column_dimensions["E"].width


def test_prefilled_cells_are_locked_and_entry_cells_are_not(sample, workbook_bytes, workbook_path):
    """Sheet protection without a password: a clerk cannot type over a serial, and nobody is
    stuck; the validations still hold in the unlocked cells."""
    book = openpyxl.load_workbook(workbook_path)
    for name in book.sheetnames:
        protection = book[name].protection
        assert protection.sheet and not protection.password, name
        assert not protection.formatColumns and not protection.formatRows, name  # resizable
    for source in ("上述", "下评"):
        sheet = book[source]
        assert sheet.max_row - 1 == len(issued_of(sample, source))
        for row in sheet.iter_rows(min_row=1):
            for column, cell in zip(COLUMNS, row, strict=True):
                entry = cell.row > 1 and not column.prefilled
                assert cell.protection.locked is not entry, (source, cell.coordinate)
        assert len(sheet.data_validations.dataValidation) == 2
    sheets = [text for name, text in unzipped(workbook_bytes).items() if "worksheets/" in name]
    assert all("<sheetProtection" in text for text in sheets)
    assert not any(re.search(r"(?:hashValue|password)=", text) for text in sheets)


def test_the_two_entries_differ_only_in_the_letter(sample, workbook_bytes):
    b = tally_workbook(sample.campaign, sample.secretaries, sample.issued, "B")
    parts_a, parts_b = unzipped(workbook_bytes), unzipped(b)
    assert parts_a.keys() == parts_b.keys()
    for name, content in parts_a.items():
        relettered = content.replace("（录入A）", "（录入B）").replace("-录入A.", "-录入B.")
        assert relettered == parts_b[name], name
    assert parts_a != parts_b


def test_same_inputs_give_the_same_bytes(sample, workbook_bytes):
    again = tally_workbook(sample.campaign, sample.secretaries, sample.issued, "A")
    assert again == workbook_bytes
    assert "2022-12-15T00:00:00Z" in unzipped(workbook_bytes)["docProps/core.xml"]


def test_the_kind_writes_both_files(sample):
    paths = [document_path(d, 2) for d in tally_files(sample, sample.secretaries)]
    assert sorted(paths) == ["forms/计票表-录入A.xlsx", "forms/计票表-录入B.xlsx"]


def unzipped(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: html.unescape(archive.read(name).decode()) for name in archive.namelist()}


# --- LibreOffice opens it -----------------------------------------------------------------------


def soffice(tmp_path: Path, target: str, source: Path, out: Path) -> None:
    """Convert `source` with LibreOffice headless, in a private profile; fail if it cannot."""
    program = shutil.which("soffice")
    assert program, "soffice (LibreOffice Calc) is not installed (Debian: libreoffice-calc-nogui)"
    result = subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stderr, result.stderr  # e.g. Calc missing: "could not be loaded"


def test_libreoffice_reads_every_row(sample, workbook_path, tmp_path):
    # the trailing -1 exports every sheet as <name>-<sheet>.csv (LibreOffice >= 7.2)
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    soffice(tmp_path, csv_filter, workbook_path, tmp_path / "csv")
    for source in ("上述", "下评"):
        exported = tmp_path / "csv" / f"{workbook_path.stem}-{source}.csv"
        assert exported.is_file(), sorted(p.name for p in (tmp_path / "csv").iterdir())
        rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8"))))
        assert rows[0][:2] == ["选票编号\nballot_id", "述职人编号\nsecretary_id"]
        expected = [
            [b.serial, b.secretary_id, sample.by_id[b.secretary_id].name]
            for b in issued_of(sample, source)
        ]
        assert [row[:3] for row in rows[1:]] == expected


def test_a_workbook_saved_by_libreoffice_reads_the_same(sample, workbook_path, tmp_path):
    rows = fill(workbook_path, sample, ENTRIES_BY_HAND)
    soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", workbook_path, tmp_path / "lo-saved")
    resaved = tmp_path / "lo-saved" / workbook_path.name
    assert list(read_tally(resaved.read_bytes(), SHOWN, sample.sources).rows) == rows
    sheet = openpyxl.load_workbook(resaved)["下评"]  # still protected, the same cells open
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet["A2"].protection.locked and not sheet["E2"].protection.locked


# --- round trip ---------------------------------------------------------------------------------

TEXT = st.text(
    st.sampled_from(list("党员意见建议问题不足，。、；：“”‘’\"',;:\n\t  -+abcXYZ0179《》<>&"))
)
ENTRY = st.one_of(
    st.tuples(st.just("valid"), st.integers(1, 10), st.sampled_from(["有效", "valid", ""])),
    st.tuples(st.just("blank"), st.none(), st.sampled_from(["空白票", "blank"])),
    st.tuples(st.just("invalid"), st.none(), st.sampled_from(["废票", "invalid"])),
)
ENTRIES = st.dictionaries(st.integers(0, 300), st.tuples(ENTRY, TEXT, TEXT), max_size=40)

ENTRIES_BY_HAND = {
    0: (("valid", 9, "有效"), "组织生活不够规范，\n“三会一课”记录不全", '建议"每月"检查'),
    1: (("blank", None, "空白票"), "", ""),
    2: (("invalid", None, "废票"), "", "加强学习, 提高能力"),
    3: (("valid", 1, ""), "", ""),
    20: (("valid", 10, "valid"), "", "无"),
}


def fill(path: Path, sample, entries: dict) -> list[TallyRow]:
    """Type `entries` (row index → entry) into the workbook as a clerk would; return the ballots."""
    book = openpyxl.load_workbook(path)
    expected = []
    ordered = [(s, i, b) for s in sample.sources for i, b in enumerate(issued_of(sample, s))]
    for index, (source, number, ballot) in enumerate(ordered):
        if index not in entries:
            continue
        (status, score, shown), problems, suggestions = entries[index]
        row, sheet = number + 2, book[source]
        sheet[f"E{row}"], sheet[f"F{row}"] = score, shown or None
        sheet[f"G{row}"], sheet[f"H{row}"] = problems or None, suggestions or None
        texts = problems.strip(), suggestions.strip()
        where = f"{source}!E{row}"
        expected.append(
            TallyRow(ballot.serial, ballot.secretary_id, source, score, status, *texts, where)
        )
    book.save(path)
    return expected


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=ENTRIES)
def test_what_is_typed_reads_back_unchanged(sample, workbook_bytes, tmp_path, entries):
    path = tmp_path / "filled.xlsx"
    path.write_bytes(workbook_bytes)
    expected = fill(path, sample, entries)
    tally = read_tally(path.read_bytes(), SHOWN, sample.sources)
    assert list(tally.rows) == expected
    entered = {row.ballot_id for row in expected}
    assert list(tally.untouched) == [
        b for b in sample.issued_in_sheet_order if b.serial not in entered
    ]


def test_untouched_rows_are_not_entered(sample, workbook_path):
    fill(workbook_path, sample, ENTRIES_BY_HAND)
    tally = read_tally(workbook_path.read_bytes(), SHOWN)
    left = tally.untouched
    assert len(left) == len(sample.issued) - len(ENTRIES_BY_HAND)
    assert all(isinstance(b, IssuedBallot) for b in left)
    blank = tally.rows[1]
    assert (blank.status, blank.score) == ("blank", None)  # returned blank, not "not returned"
    assert blank.cell("problems") == blank.where.replace("!E", "!G")


def test_lenient_forms_of_score_and_status_are_accepted(sample, workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    sheet = book["上述"]
    sheet["E2"], sheet["F2"] = " 7 ", "Valid"
    sheet["E3"] = 8.0
    sheet["F4"], sheet["G4"] = " 废票 ", "  两处打勾  "
    book.save(workbook_path)
    rows = read_tally(workbook_path.read_bytes(), SHOWN).rows
    assert [(r.score, r.status, r.problems) for r in rows] == [
        (7, "valid", ""),
        (8, "valid", ""),
        (None, "invalid", "两处打勾"),
    ]


# --- every read error ---------------------------------------------------------------------------


def set_cells(**cells):
    """Return a change that writes cells given as SHEET_CELL=value, e.g. 上述_E2=7."""

    def change(book):
        for name, value in cells.items():
            sheet, cell = name.split("_")
            book[sheet][cell] = value

    return change


def repeat_serial(book):
    book["下评"]["A5"] = book["上述"]["A2"].value


def add_sheet(book):
    book.create_sheet("Sheet1")["A1"] = "草稿"


def delete_sheet(book):
    del book["下评"]


def swap_text_columns(book):
    book["上述"]["G1"], book["上述"]["H1"] = book["上述"]["H1"].value, book["上述"]["G1"].value


ERRORS = {
    "score not a number": (set_cells(上述_E2="七"), "上述!E2: score: "),
    "score a decimal": (set_cells(上述_E2=7.5), "上述!E2: score: "),
    "score above 10": (set_cells(上述_E2=11), "上述!E2: score: "),
    "score below 1": (set_cells(下评_E9=0), "下评!E9: score: "),
    "status unknown": (set_cells(上述_E3=5, 上述_F3="作废"), "上述!F3: status: "),
    "valid without score": (set_cells(上述_F4="有效"), "上述!E4: score: "),
    "empty status, text, no score": (set_cells(上述_G4="不足"), "上述!E4: score: "),
    "blank with score": (set_cells(下评_E2=6, 下评_F2="空白票"), "下评!E2: score: "),
    "invalid with score": (set_cells(下评_E3=6, 下评_F3="废票"), "下评!E3: score: "),
    "serial missing": (set_cells(上述_A6=None, 上述_E6=8), "上述!A6: ballot_id: "),
    "serial repeated": (repeat_serial, "下评!A5: ballot_id: "),
    "secretary id missing": (set_cells(上述_B7=None, 上述_E7=8), "上述!B7: secretary_id: "),
    "a sheet that is not a source": (add_sheet, "Sheet1!A1: source: "),
    "a source sheet missing": (delete_sheet, "下评!A1: source: "),
}


@pytest.mark.parametrize("change, prefix", ERRORS.values(), ids=ERRORS.keys())
def test_each_read_error_is_located(sample, workbook_path, change, prefix):
    book = openpyxl.load_workbook(workbook_path)
    change(book)
    book.save(workbook_path)
    [message] = read_errors(workbook_path, sample.sources)
    assert message.startswith(f"{SHOWN}:{prefix}"), message
    assert_bilingual(message)


def test_a_stray_sheet_is_refused_without_the_sources_too(workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    add_sheet(book)
    book.save(workbook_path)
    [message] = read_errors(workbook_path, None)
    assert message.startswith(f"{SHOWN}:Sheet1!A1: source: "), message


def test_a_moved_column_is_refused(sample, workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    swap_text_columns(book)
    book.save(workbook_path)
    messages = read_errors(workbook_path, sample.sources)
    assert [m.split(" ", 1)[0] for m in messages] == [
        f"{SHOWN}:上述!G1:",
        f"{SHOWN}:上述!H1:",
    ]
    for message in messages:
        assert_bilingual(message)


def test_every_problem_is_reported_at_once(sample, workbook_path):
    book = openpyxl.load_workbook(workbook_path)
    set_cells(上述_E2="七", 上述_E3=5, 上述_F3="作废", 下评_E2=6, 下评_F2="空白票")(book)
    add_sheet(book)
    book.save(workbook_path)
    messages = read_errors(workbook_path, sample.sources)
    assert [m.split(": ", 1)[0] for m in messages] == [
        f"{SHOWN}:上述!E2",
        f"{SHOWN}:上述!F3",
        f"{SHOWN}:下评!E2",
        f"{SHOWN}:Sheet1!A1",
    ]


def test_a_file_that_is_not_xlsx_is_an_input_error(tmp_path):
    path = tmp_path / "计票表-录入A.xlsx"
    path.write_text("ballot_id,score\n")
    [message] = read_errors(path, None)
    assert message.startswith(f"{SHOWN}:1: 计票表-录入A.xlsx: "), message


def read_errors(path: Path, sources) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_tally(path.read_bytes(), SHOWN, sources)
    return [str(problem) for problem in caught.value.problems]


def assert_bilingual(message: str) -> None:
    zh, en = message.split(": ", 2)[2].rsplit(" / ", 1)
    assert re.search(r"[\u4e00-\u9fff]", zh), message
    assert re.search(r"[A-Za-z]{3,}", en), message
