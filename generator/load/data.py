"""Load the campaign data folder, reporting every problem in it at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from ..model.campaign import Campaign, Secretary
from ..model.errors import InputError, Problem
from ..model.paragraph import Paragraph
from .campaign import load_campaign_file
from .folder import DataFolder
from .plan import read_plan
from .secretaries import load_secretaries
from .texts import load_texts

T = TypeVar("T")
CAMPAIGN, NOTICE = "campaign.yaml", "notice.md"


@dataclass(frozen=True, slots=True)
class CampaignData:
    """The validated campaign data: what `forms` and `letters` start from."""

    campaign: Campaign
    secretaries: tuple[Secretary, ...]
    plan: tuple[Paragraph, ...]  # the 工作方案's body, numbered (empty unless asked for)


def load_campaign_data(folder: DataFolder, *, plan: bool = True) -> CampaignData:
    """Return the validated data in the folder, or raise one InputError listing every problem.

    notice.md is read either way (the archive keeps it); it is parsed only with `plan`.
    """
    problems: list[Problem] = []
    campaign = _collect(problems, _campaign, folder)
    texts = _collect(problems, load_texts, folder)
    if campaign is not None and texts is not None:
        campaign = replace(campaign, texts=texts)
    secretaries = _collect(problems, load_secretaries, folder, campaign)
    paragraphs = _collect(problems, _plan, folder, plan)
    if problems or campaign is None or secretaries is None or paragraphs is None:
        raise InputError(problems)
    return CampaignData(campaign, tuple(secretaries), tuple(paragraphs))


def _campaign(folder: DataFolder) -> Campaign:
    return load_campaign_file(folder.read(CAMPAIGN), folder.shown(CAMPAIGN))


def _plan(folder: DataFolder, parse: bool) -> list[Paragraph]:
    content = folder.read(NOTICE)
    return read_plan(content, folder.shown(NOTICE)) if parse else []


def _collect(problems: list[Problem], load: Callable[..., T], *args: object) -> T | None:
    """Return what `load` returns; on InputError keep its problems and return None."""
    try:
        return load(*args)
    except InputError as e:
        problems.extend(e.problems)
        return None
