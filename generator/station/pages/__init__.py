"""The station's pages, in the order of the year's work: the navigation is this list.

Each page is one module with one blueprint; the roles named may open it (the admin may open all).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint

from . import archive, entry, grading, plan, prepare, scanning


@dataclass(frozen=True, slots=True)
class Page:
    blueprint: Blueprint
    title: str
    endpoint: str
    roles: tuple[str, ...]


PAGES = (
    Page(plan.blueprint, "方案与名单", "plan.index", ("clerk",)),
    Page(prepare.blueprint, "会前材料", "prepare.index", ("clerk",)),
    Page(entry.blueprint, "录入", "entry.index", ("clerk",)),
    Page(scanning.blueprint, "扫描", "scanning.index", ("clerk",)),
    Page(grading.blueprint, "评定", "grading.index", ("committee",)),
    Page(archive.blueprint, "结果与归档", "archive.index", ("clerk", "committee")),
)
