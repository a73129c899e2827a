"""Load the campaign data and its font map together: every character typed must be printable,
and every one printed in a fallback font is a warning."""

from __future__ import annotations

from dataclasses import dataclass

from ..load.coverage import fallbacks_used, typed_in_files, typed_in_secretaries, unshowable
from ..load.data import CampaignData, load_campaign_data
from ..load.folder import DataFolder
from ..model.errors import InputError, Problem
from ..render.fonts import MappedFont, load_font_map, repertoire


@dataclass(frozen=True, slots=True)
class Showable:
    """The validated data, its fonts, and the warnings of characters set in a fallback font."""

    data: CampaignData
    fonts: dict[str, MappedFont]
    warnings: tuple[Problem, ...]


def load_showable(folder: DataFolder, *, plan: bool = True) -> Showable:
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
    secretaries = data.secretaries if data else ()
    typed = typed_in_files(folder.inputs(), folder.root.as_posix(), secretaries)
    typed += typed_in_secretaries(secretaries)
    printable = repertoire(fonts)
    problems += new_places(unshowable(typed, printable), problems)
    if problems or data is None:
        raise InputError(problems)
    return Showable(data, fonts, tuple(fallbacks_used(typed, printable)))


def new_places(found: list[Problem], reported: list[Problem]) -> list[Problem]:
    """Return the problems at places nothing was reported yet: one problem per cause (a control
    character in a name is the name's problem, found by its loader)."""
    places = {(problem.file, problem.where) for problem in reported}
    return [problem for problem in found if (problem.file, problem.where) not in places]
