"""The reading of a page's ink, the duplicates and a person's decisions: pure, boundaries tested.

Scanned pages themselves are in test_scan.py; here the stages after the measurement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load.scan_review import read_review
from generator.model.ballot import IssuedBallot
from generator.model.campaign import Scale
from generator.model.errors import InputError
from generator.scan.decide import CLEAR, FAINT_DARK, FAINT_LIGHT, SOLID, STRUCK, Reading, decide
from generator.scan.measure import CellInk, PageInk
from generator.scan.settle import settle
from generator.scan.sheet import SheetRead

SCALE = Scale(1, 10)


def page(marks: dict[int, tuple[float, ...]], across=()) -> PageInk:
    cells = tuple(CellInk(s, *marks.get(s, (0.0, 0.0))) for s in range(10, 0, -1))
    return PageInk(cells, tuple(across), {})


TICK = (0.04, 0.01)


@pytest.mark.parametrize(
    ("marks", "across", "expected"),
    [
        ({9: TICK}, (), Reading("auto", "valid", 9, "")),
        ({}, (), Reading("auto", "blank", None, "")),
        ({9: TICK, 3: TICK}, (), Reading("auto", "invalid", None, "")),
        ({9: (CLEAR, 0)}, (), Reading("auto", "valid", 9, "")),  # the boundary is clear
        ({9: (CLEAR - 1e-6, 0)}, (), Reading("review", "", None, "faint")),
        ({9: (FAINT_DARK, 0)}, (), Reading("review", "", None, "faint")),
        ({9: (FAINT_DARK - 1e-6, FAINT_LIGHT - 1e-6)}, (), Reading("auto", "blank", None, "")),
        ({9: (0, FAINT_LIGHT)}, (), Reading("review", "", None, "faint")),
        ({9: TICK, 8: (0, FAINT_LIGHT)}, (), Reading("review", "", 9, "two_candidates")),
        ({9: TICK}, ((9, 8),), Reading("review", "", None, "across_border")),
        ({9: (STRUCK, 0)}, (), Reading("review", "", None, "struck_out")),
        ({9: (STRUCK - 1e-6, 0)}, (), Reading("auto", "valid", 9, "")),
        ({9: (STRUCK, 0), 3: TICK}, (), Reading("review", "", None, "struck_out")),
        ({9: (0.05, 0, SOLID)}, (), Reading("review", "", None, "struck_out")),
        ({9: (0.05, 0, SOLID - 1e-6)}, (), Reading("auto", "valid", 9, "")),
    ],
)
def test_only_unambiguous_pages_are_read(marks, across, expected):
    assert decide(page(marks, across)) == expected


def sheet(serial: str | None, reading: Reading, n: int = 1) -> SheetRead:
    ballot = IssuedBallot(serial, "s01", "上述") if serial else None
    return SheetRead("scan.pdf", n, ballot, reading)


ISSUED = {s: IssuedBallot(s, "s01", "上述") for s in ("AAAA-0001", "AAAA-0002", "AAAA-0003")}
NINE = Reading("auto", "valid", 9, "")


def test_a_serial_read_twice_alike_counts_once():
    settled = settle([sheet("AAAA-0001", NINE), sheet("AAAA-0001", NINE, 2)], {}, ISSUED)
    assert [s.reading.reason for s in settled.sheets] == ["", "duplicate"]
    assert [b.serial for b, _ in settled.ballots] == ["AAAA-0001"]


def test_a_serial_read_twice_differently_goes_to_review():
    other = Reading("auto", "valid", 3, "")
    settled = settle([sheet("AAAA-0001", NINE), sheet("AAAA-0001", other, 2)], {}, ISSUED)
    assert [s.reading.reason for s in settled.sheets] == ["duplicate_conflict"] * 2
    assert settled.ballots == () and len(settled.pending()) == 2


def write_review(tmp_path: Path, text: str) -> Path:
    (tmp_path / "scan-review.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_decision_settles_a_page_in_review(tmp_path):
    folder = write_review(tmp_path, "ballot_id,score,status,note\nAAAA-0002,7,valid,淡痕为误触\n")
    decisions = read_review(folder, SCALE)
    pages = [sheet("AAAA-0002", Reading("review", "", None, "faint"))]
    settled = settle(pages, decisions, ISSUED)
    assert settled.pending() == [] and settled.notes == {0: "淡痕为误触"}
    assert [(b.serial, r.score, r.status) for b, r in settled.ballots] == [
        ("AAAA-0002", 7, "valid")
    ]


def test_a_page_without_a_readable_code_is_settled_by_the_serial_a_person_read(tmp_path):
    folder = write_review(tmp_path, "ballot_id,score,status,note\nAAAA-0003,,blank,\n")
    pages = [sheet("AAAA-0001", NINE), sheet(None, Reading("review", "", None, "qr_unreadable"))]
    settled = settle(pages, read_review(folder, SCALE), ISSUED)
    assert settled.pending() == []
    assert [b.serial for b, _ in settled.ballots] == ["AAAA-0001", "AAAA-0003"]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("AAAA-0001,11,valid,", "score"),
        ("AAAA-0001,,valid,", "score"),
        ("AAAA-0001,5,blank,", "score"),
        ("AAAA-0001,5,good,", "status"),
        (",5,valid,", "ballot_id"),
    ],
)
def test_a_wrong_decision_is_located(tmp_path, row, field):
    folder = write_review(tmp_path, f"ballot_id,score,status,note\n{row}\n")
    with pytest.raises(InputError) as raised:
        read_review(folder, SCALE)
    (problem,) = raised.value.problems
    assert (problem.where, problem.field) == ("2", field)
    assert problem.file.endswith("scan-review.csv") and problem.zh and problem.en


def test_a_decision_for_a_serial_never_issued_is_refused(tmp_path):
    folder = write_review(tmp_path, "ballot_id,score,status,note\nZZZZ-ZZZZ,5,valid,\n")
    with pytest.raises(InputError) as raised:
        settle([], read_review(folder, SCALE), ISSUED)
    assert raised.value.problems[0].where == "2"
