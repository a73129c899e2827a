"""The exception tree; the CLI maps each kind to one exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located and explained in Chinese and English."""

    file: str
    where: str  # "14", "14:3" or, for XLSX, "Sheet1!C5"
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.file}:{self.where}: {self.field}: {self.zh} / {self.en}"


class PipelineError(Exception):
    """Anything the pipeline refuses to go on with (exit 1)."""


class InputError(PipelineError):
    """The campaign data is invalid (exit 2); carries every problem found in one run."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(dict.fromkeys(problems))  # keep discovery order, drop repeats
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # survive the trip back from a worker process
        return InputError, (self.problems,)


class FontError(PipelineError):
    """A font role cannot be served by a real font file: never fall back silently."""


class SlowRenderingError(PipelineError):
    """WeasyPrint would subset fonts with fontTools (~6 s a page) instead of HarfBuzz."""
