"""Where the year stands, step by step, for the first page: what is done and what comes next.

Each step is read from the files the commands read (the data and output folders) and from the
runs, never from a flag of its own, so the first page agrees with the pages and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..load.data import load_campaign_data
from ..load.folder import DataFolder
from ..load.register import read_register
from ..model.errors import InputError, Problem
from .comparison import written_rows
from .jobs import latest_jobs
from .memo import FileMemo
from .pages.grading_check import inputs
from .pages.grading_file import read_snapshot
from .scan_queue import scan_state
from .web import Station

DONE, TODO, ATTENTION = "done", "todo", "attention"
_read: FileMemo[tuple[Standing, ...]] = FileMemo()


@dataclass(frozen=True, slots=True)
class Standing:
    """One step's state (done, to do, needs attention) and a line saying why."""

    endpoint: str
    state: str
    line: str


def standings(station: Station) -> dict[str, Standing]:
    """Return each step's standing, by the endpoint of its page; what the files say is kept
    while they are unchanged (reading a county's campaign takes a while)."""
    data_dir, out_dir = station.data_dir, station.out_dir
    from_files = _read.get(
        (data_dir, out_dir), inputs(data_dir, out_dir), partial(_from_files, data_dir, out_dir)
    )
    found = [*from_files, _archive(station)]
    return {standing.endpoint: standing for standing in found}


def _from_files(data_dir: Path, out_dir: Path) -> tuple[Standing, ...]:
    return (
        _plan(data_dir),
        _prepare(out_dir),
        _entry(data_dir),
        _scanning(data_dir, out_dir),
        _grading(data_dir),
    )


def _plan(data_dir: Path) -> Standing:
    try:
        data = load_campaign_data(DataFolder(data_dir), plan=False)
    except InputError as e:
        return Standing("plan.index", ATTENTION, f"有 {len(e.problems)} 处问题待修正")
    line = f"{data.campaign.year} 年度，{len(data.secretaries)} 名书记"
    return Standing("plan.index", DONE, line)


def _prepare(out_dir: Path) -> Standing:
    problems: list[Problem] = []
    issued, _ = read_register(out_dir, problems)
    if problems:
        return Standing("prepare.index", ATTENTION, "选票登记表无法读取")
    if not issued:
        return Standing("prepare.index", TODO, "尚未生成会前材料")
    return Standing("prepare.index", DONE, f"已生成，发出选票 {len(issued)} 张")


def _entry(data_dir: Path) -> Standing:
    written = written_rows(data_dir)
    if not written:
        return Standing("entry.index", TODO, "尚无录入的选票")
    return Standing("entry.index", DONE, f"录入.csv 已写入 {written} 张")


def _scanning(data_dir: Path, out_dir: Path) -> Standing:
    state = scan_state(data_dir, out_dir)
    if not state.sheets:
        return Standing("scanning.index", TODO, "尚未读取扫描件")
    waiting = state.count("pending") + state.count("decided")
    if waiting:
        line = f"{waiting} 页待判定或待重新读取"
        return Standing("scanning.index", ATTENTION, line)
    return Standing("scanning.index", DONE, f"已读取 {len(state.sheets)} 页")


def _grading(data_dir: Path) -> Standing:
    try:
        entered = len(read_snapshot(data_dir / "assessment.yaml").entries)
    except InputError:
        return Standing("grading.index", ATTENTION, "assessment.yaml 有误")
    if not entered:
        return Standing("grading.index", TODO, "尚未填写综合评价")
    return Standing("grading.index", DONE, f"已填写 {entered} 名书记的综合评价")


def _archive(station: Station) -> Standing:
    runs = latest_jobs(station.engine, "letters", limit=1)
    if runs and runs[0].state in ("failed", "interrupted"):
        return Standing("archive.index", ATTENTION, "最近一次生成未完成")
    if not (station.out_dir / "results.json").is_file():
        return Standing("archive.index", TODO, "尚未生成结果")
    return Standing("archive.index", DONE, "结果与归档已生成")
