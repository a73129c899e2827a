"""Load the campaign data folder, reporting every problem in it at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from generator.campaign import load_campaign_file
from generator.errors import InputError, Problem
from generator.model import Campaign, Secretary
from generator.secretaries import load_secretaries
from generator.yamlmarks import file_problem

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CampaignData:
    """The validated campaign data: what `forms` and `letters` start from."""

    campaign: Campaign
    secretaries: tuple[Secretary, ...]
    notice_md: Path  # the 工作方案 body; parsed by the plan stage


def load_campaign_data(data_dir: Path) -> CampaignData:
    """Return the validated data in data_dir, or raise one InputError listing every problem."""
    shown_dir = data_dir.as_posix()
    problems: list[Problem] = []
    campaign = _collect(
        problems, load_campaign_file, data_dir / "campaign.yaml", f"{shown_dir}/campaign.yaml"
    )
    secretaries = _collect(problems, load_secretaries, data_dir, shown_dir, campaign)
    notice_md = data_dir / "notice.md"
    if not notice_md.is_file():
        problems.append(file_problem(f"{shown_dir}/notice.md", "文件不存在", "file not found"))
    if problems or campaign is None or secretaries is None:
        raise InputError(problems)
    return CampaignData(campaign, tuple(secretaries), notice_md)


def _collect(problems: list[Problem], load: Callable[..., T], *args: object) -> T | None:
    """Return what `load` returns; on InputError keep its problems and return None."""
    try:
        return load(*args)
    except InputError as e:
        problems.extend(e.problems)
        return None
