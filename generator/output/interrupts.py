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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ENDING = (signal.SIGINT, signal.SIGTERM)


@dataclass
class _Run:
    """What the run in this process has been told, and how far it has gone."""

    interrupted: bool = False
    publishing: bool = False


_run = _Run()


def interrupt(signum: int, frame: object) -> None:
    """The run's handler of Ctrl-C and SIGTERM: note, then raise KeyboardInterrupt if not too late."""
    _run.interrupted = True
    if not _run.publishing:
        raise KeyboardInterrupt


def start_publishing() -> None:
    """Raise KeyboardInterrupt if an interrupt came, even one Python dropped on the way; else
    hold every later one back: --out is about to become this run's."""
    if _run.interrupted:
        raise KeyboardInterrupt
    _run.publishing = True


def came_too_late() -> bool:
    """Say whether an interrupt came once --out was being published (and so was not answered)."""
    return _run.publishing and _run.interrupted


@contextmanager
def interrupts_answered() -> Iterator[None]:
    """Answer Ctrl-C and SIGTERM with `interrupt` while a run lasts.

    Python answers signals in the main thread only: elsewhere there is nothing to answer. Ctrl-C
    stays ignored where the run was started with it ignored (a shell's background job).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _run.interrupted = _run.publishing = False
    previous = {s: signal.getsignal(s) for s in ENDING}
    previous_hook = sys.unraisablehook
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN or signum != signal.SIGINT:
            signal.signal(signum, interrupt)
    sys.unraisablehook = _quiet_about_interrupts
    try:
        yield
    finally:
        _run.interrupted = _run.publishing = False
        sys.unraisablehook = previous_hook
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _quiet_about_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    """Keep quiet about a KeyboardInterrupt a finaliser dropped: it is noted, and will be answered."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _run.interrupted:
        return
    sys.__unraisablehook__(unraisable)
