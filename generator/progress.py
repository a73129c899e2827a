"""Progress on stderr for long work; silent with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Report steps and counts: a bar on a terminal, one line per step elsewhere."""

    def __init__(self, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr

    def say(self, message: str) -> None:
        """Print a message even when quiet would hide progress: it is news, not progress."""
        print(message, file=self.stream)

    def track(self, items: Iterable[T], label: str, total: int) -> Iterator[T]:
        """Yield the items, showing `label [####    ] done/total` as they are consumed."""
        terminal = self.stream.isatty()
        for done, item in enumerate(items, start=1):
            yield item
            if not self.quiet and terminal:
                filled = done * 30 // max(total, 1)
                print(
                    f"\r{label} [{'#' * filled}{' ' * (30 - filled)}] {done}/{total}",
                    end="",
                    file=self.stream,
                    flush=True,
                )
        if not self.quiet:
            print(f"\r{label}: {total} 完成 / done" + " " * 30, file=self.stream)
