"""Ctrl-C and SIGTERM, noted before they are raised, so that none is lost.

Python raises KeyboardInterrupt wherever the main thread happens to be. Inside a finaliser (an
object's __del__, a weakref callback) it is printed as "Exception ignored" and dropped, and the
run would go on to publish --out as though nobody had asked it to stop. So the handler notes the
interrupt before raising it, the output is published only while none is noted, and a dropped
KeyboardInterrupt is not printed: the run ends with its own message instead.

Once --out is being published there is no going back: an interrupt from then on is noted, not
raised, the run ends as it would have, and the command line says that it came too late.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

ENDING = (signal.SIGINT, signal.SIGTERM)

_noted: list[int] = []
_publishing: list[bool] = []


def interrupt(signum: int, frame: object) -> None:
    """The run's handler of Ctrl-C and SIGTERM: note, then raise KeyboardInterrupt if not too late."""
    _noted.append(signum)
    if not _publishing:
        raise KeyboardInterrupt


def start_publishing() -> None:
    """Raise KeyboardInterrupt if an interrupt came, even one Python dropped on the way; else
    hold every later one back: --out is about to become this run's."""
    if _noted:
        raise KeyboardInterrupt
    _publishing.append(True)


def came_too_late() -> bool:
    """Say whether an interrupt came once --out was being published (and so was not answered)."""
    return bool(_publishing and _noted)


@contextmanager
def interrupts_answered() -> Iterator[None]:
    """Answer Ctrl-C and SIGTERM with `interrupt` while a run lasts (main thread only).

    Ctrl-C stays ignored where the run was started with it ignored (a shell's background job).
    """
    _noted.clear()
    _publishing.clear()
    previous = {s: signal.getsignal(s) for s in ENDING}
    previous_hook = sys.unraisablehook
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN or signum != signal.SIGINT:
            signal.signal(signum, interrupt)
    sys.unraisablehook = _quiet_about_interrupts
    try:
        yield
    finally:
        _noted.clear()
        _publishing.clear()
        sys.unraisablehook = previous_hook
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _quiet_about_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    """Keep quiet about a KeyboardInterrupt a finaliser dropped: it is noted, and will be answered."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _noted:
        return
    sys.__unraisablehook__(unraisable)
