"""What the document kinds of each pack may use: built once per run by the pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..model.ballot import IssuedBallot
from ..model.campaign import Campaign, Secretary
from ..model.paragraph import Paragraph
from ..model.results import Results
from ..render.pdf import PdfRenderer


@dataclass(frozen=True, slots=True)
class FormsContext:
    """The pre-meeting pack's context: the validated data, the plan, the issued sheets."""

    campaign: Campaign
    secretaries: tuple[Secretary, ...]
    plan: tuple[Paragraph, ...]
    issued: tuple[IssuedBallot, ...]  # every sheet to print, in meeting order, each group by serial
    printing: tuple[IssuedBallot, ...]  # the same sheets as the booklets print them
    fingerprint: str  # the campaign's mark in each sheet's QR code (model/serials.py)
    renderer: PdfRenderer


@dataclass(frozen=True, slots=True)
class LettersContext:
    """The post-grading pack's context: the validated data and the scored results."""

    campaign: Campaign
    secretaries: tuple[Secretary, ...]
    results: Results
    renderer: PdfRenderer
    pages: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (kind, id) → PDF pages
    # (serial, text box) → file URI of the scanned picture of what its evaluator wrote there
    scanned_texts: Mapping[tuple[str, str], str] = field(default_factory=dict)
