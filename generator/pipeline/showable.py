"""Load the campaign data and its font map together: every character typed must be showable."""

from __future__ import annotations

from ..load.coverage import unshowable_in_files, unshowable_in_records
from ..load.data import CampaignData, load_campaign_data
from ..load.folder import DataFolder
from ..model.errors import InputError, Problem
from ..render.fonts import MappedFont, load_font_map, repertoire


def load_showable(
    folder: DataFolder, *, plan: bool = True
) -> tuple[CampaignData, dict[str, MappedFont]]:
    """Return the validated data and its fonts; characters no mapped font has join the problems.

    When the data has problems of its own its characters are still checked, against the default
    font map, so that one run reports all of them.
    """
    problems: list[Problem] = []
    data = None
    try:
        data = load_campaign_data(folder, plan=plan)
    except InputError as error:
        problems += error.problems
    fonts = load_font_map(data.campaign.fonts if data else None)
    showable = repertoire(fonts)
    unshowable = unshowable_in_files(folder.inputs(), folder.root.as_posix(), showable)
    if data is not None:
        unshowable += unshowable_in_records(data.secretaries, (), showable)
    problems += new_places(unshowable, problems)
    if problems or data is None:
        raise InputError(problems)
    return data, fonts


def new_places(found: list[Problem], reported: list[Problem]) -> list[Problem]:
    """Return the problems at places nothing was reported yet: one problem per cause (a control
    character in a name is the name's problem, found by its loader)."""
    places = {(problem.file, problem.where) for problem in reported}
    return [problem for problem in found if (problem.file, problem.where) not in places]
