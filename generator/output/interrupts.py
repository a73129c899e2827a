"""Ctrl-C and SIGTERM, noted before they are raised, so that none is lost.

Python raises KeyboardInterrupt wherever the main thread happens to be. Inside a finaliser (an
object's __del__, a weakref callback) it is printed as "Exception ignored" and dropped, and the
run would go on to publish --out as though nobody had asked it to stop. So the handler notes the
interrupt before raising it, the output is published only while none is noted, and a dropped
KeyboardInterrupt is not printed: the run ends with its own message instead.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

ENDING = (signal.SIGINT, signal.SIGTERM)

_noted: list[int] = []


def interrupt(signum: int, frame: object) -> NoReturn:
    """The run's handler of Ctrl-C and SIGTERM: note, then raise KeyboardInterrupt."""
    _noted.append(signum)
    raise KeyboardInterrupt


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt when an interrupt came, even one Python dropped on the way."""
    if _noted:
        raise KeyboardInterrupt


@contextmanager
def interrupts_answered() -> Iterator[None]:
    """Answer Ctrl-C and SIGTERM with `interrupt` while a run lasts (main thread only).

    Ctrl-C stays ignored where the run was started with it ignored (a shell's background job).
    """
    _noted.clear()
    previous = {s: signal.getsignal(s) for s in ENDING}
    previous_hook = sys.unraisablehook
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN or signum != signal.SIGINT:
            signal.signal(signum, interrupt)
    sys.unraisablehook = _quiet_about_interrupts
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _quiet_about_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    """Keep quiet about a KeyboardInterrupt a finaliser dropped: it is noted, and will be answered."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _noted:
        return
    sys.__unraisablehook__(unraisable)
