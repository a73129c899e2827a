"""The forked workers of a render: an interrupt at any moment ends them with the run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from concurrent.futures import process

import pytest

from generator.render.parallel import map_forked


def _slow(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@pytest.fixture
def sigterm_interrupts():
    """SIGTERM raises KeyboardInterrupt, as the CLI makes it do."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing is forked")
def test_results_come_back_in_the_order_of_the_functions():
    functions = [lambda s: s * 1, lambda s: s * 2, lambda s: s * 3]
    assert map_forked(functions, 7, costs=[1, 3, 2]) == [7, 14, 21]


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing is forked")
def test_an_interrupt_while_the_pool_starts_its_thread_ends_the_workers(
    monkeypatch, sigterm_interrupts
):
    """The pool forks its workers, names its thread, then starts it: a signal between the two
    once left a thread that could not be joined ("cannot join thread before it is started")."""

    class SignalledThread(process._ExecutorManagerThread):
        def start(self):
            os.kill(os.getpid(), signal.SIGTERM)
            super().start()

    monkeypatch.setattr(process, "_ExecutorManagerThread", SignalledThread)
    with pytest.raises(KeyboardInterrupt):
        map_forked([_slow, _slow, _slow], 5, costs=[1, 1, 1])
    assert multiprocessing.active_children() == []
