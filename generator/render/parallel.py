"""Run work on every core in forked workers, which inherit the run's context instead of a copy."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

_forked_work: tuple[list, object] | None = None


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
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = dict(zip(order, pool.map(_call_forked, order), strict=True))
    finally:
        _forked_work = None
    return [results[i] for i in range(len(functions))]
