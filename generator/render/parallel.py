"""Render batches on every core: each worker keeps one renderer, so fonts load once per process."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from ..fonts import MappedFont
from .pdf import PdfRenderer

_worker_renderer: PdfRenderer | None = None


def _init_worker(fonts: dict[str, MappedFont]) -> None:
    global _worker_renderer
    _worker_renderer = PdfRenderer(fonts)


def _render_batch(job: tuple[str, int]) -> list[bytes]:
    assert _worker_renderer is not None
    return _worker_renderer.render_batch(*job)


def render_batches(fonts: dict[str, MappedFont], jobs: list[tuple[str, int]]) -> list[bytes]:
    """Render (html, document count) batches across the cores; return all documents in order."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        renderer = PdfRenderer(fonts)
        return [pdf for job in jobs for pdf in renderer.render_batch(*job)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(fonts,)
    ) as pool:
        return [pdf for batch in pool.map(_render_batch, jobs) for pdf in batch]


def split_evenly(items: list, parts: int) -> list[list]:
    """Split items into `parts` consecutive chunks of nearly equal size (none empty)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


_forked_work: tuple[list, object] | None = None


def _call_forked(index: int):
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
