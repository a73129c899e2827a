"""Run work on every core in forked workers, which inherit the run's context instead of a copy."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # Linux prctl: a signal for this process when its parent dies
ENDING = (signal.SIGINT, signal.SIGTERM)  # the run answers both with KeyboardInterrupt

_forked_work: tuple[list, object] | None = None


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this worker when the run that forked it dies, however it dies.

    A worker left behind would go on writing, and would keep --out's lock (it inherits it).
    Ctrl-C reaches the whole process group; the run answers it and ends its workers itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the run's handler, which it inherited
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except AttributeError:  # no prctl: not Linux
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the pool starts; answer them as soon as it has started.

    The pool forks its workers, then names its thread, then starts it: an interrupt between the
    last two would leave a thread that cannot be joined, so the run could not end its workers.
    Python answers signals in the main thread only, so elsewhere there is nothing to hold back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {s: signal.getsignal(s) for s in ENDING if signal.getsignal(s) is not None}
    for signum in previous:
        signal.signal(signum, lambda s, _: received.append(s))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:  # the first answered, as it would have been: it ends the run
            _answer(received[0], previous[signal.Signals(received[0])])


def _answer(signum: int, handler: object) -> None:
    """Do what the run's own handler of a signal would have done when it came."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)


def _call_forked(index: int):
    assert _forked_work is not None, "set by map_forked before the workers fork"
    functions, argument = _forked_work
    return functions[index](argument)


def map_forked(functions: list, argument, costs: list[float]) -> list:
    """Return [f(argument) for f in functions], run on every core, costliest first.

    The workers are forked, so they inherit the argument (fonts loaded, data read) instead of
    receiving a copy; only the results travel back.
    """
    global _forked_work
    workers = min(len(functions), os.cpu_count() or 1)
    if workers <= 1:
        return [function(argument) for function in functions]
    _forked_work = (functions, argument)
    order = sorted(range(len(functions)), key=lambda i: -costs[i])
    pool = ProcessPoolExecutor(  # starts nothing until the first submit
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        with _interrupts_deferred():
            futures = {index: pool.submit(_call_forked, index) for index in order}
        results = {index: futures[index].result() for index in order}
    except BaseException:  # a failure, Ctrl-C, SIGTERM: the queued work is not worth finishing
        # Killing the workers breaks the pool, whose thread then fails every pending future and
        # closes its pipes. None may be cancelled first (as pool.map's cleanup would), and that
        # thread must be done before the run exits: else it fails a cancelled future, or the
        # exit handler writes to a pipe it is closing, and a traceback ends the run's messages.
        for worker in multiprocessing.active_children():
            worker.kill()
        pool.shutdown(wait=True)
        raise
    else:
        pool.shutdown()
    finally:
        _forked_work = None
    return [results[i] for i in range(len(functions))]
