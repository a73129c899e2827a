"""Messages on stderr while a command runs; progress is silent with --quiet, news and warnings
never are."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Report what a run is doing."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.quiet = quiet
        self.stream = stream or sys.stderr

    def say(self, message: str) -> None:
        """Print a message even when quiet: it is news, not progress."""
        print(message, file=self.stream, flush=True)

    def warn(self, message: str) -> None:
        """Print a warning even when quiet: the run goes on, and the clerk should know why."""
        print(f"警告 / warning: {message}", file=self.stream, flush=True)

    def step(self, message: str) -> None:
        """Print a step of the work, unless quiet."""
        if not self.quiet:
            print(message, file=self.stream, flush=True)
