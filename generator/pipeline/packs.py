"""Render a pack: its kinds cut into bounded batches, run on every core, written as they come.

Each unit of work is one kind and a contiguous run of secretaries whose weight (pages, mostly)
stays within the kind's batch bound, so no worker ever holds more than one batch and memory does
not grow with the campaign. The costliest units start first. A worker writes its documents into
the staging folder itself and sends back only what it wrote.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import accumulate
from typing import Any

from ..documents.kind import Document, Kind
from ..model.campaign import Secretary
from ..output.staging import Staging, Written
from ..progress import Progress
from ..render.parallel import map_forked

Finish = Callable[[Any, Document], Document]  # a last touch before writing (PDF/A, say)


@dataclass(frozen=True, slots=True)
class Work:
    """One kind and the secretaries of one batch (all of them for a campaign document)."""

    kind: Kind[Any]
    batch: tuple[Secretary, ...]
    cost: float


def split_runs(weights: Sequence[int], parts: int) -> list[list[int]]:
    """Split indices into `parts` contiguous runs of about equal weight (a run may be empty).

    Each index goes to the run where the middle of its weight falls.
    """
    ends = list(accumulate(weights))
    total = ends[-1] if ends else 0
    runs: list[list[int]] = [[] for _ in range(parts)]
    for index, (weight, end) in enumerate(zip(weights, ends, strict=True)):
        middle = end - weight / 2
        runs[min(parts - 1, int(middle * parts / max(total, 1)))].append(index)
    return runs


def plan_work(kinds: Sequence[Kind[Any]], context: Any) -> list[Work]:
    """Return the units of work of these kinds: per-secretary kinds cut into bounded batches."""
    secretaries: tuple[Secretary, ...] = context.secretaries
    work = []
    for kind in kinds:
        if not kind.per_secretary:
            work.append(Work(kind, secretaries, kind.cost))
            continue
        weights = [kind.weight_of(context, s) for s in secretaries]
        parts = max(1, math.ceil(sum(weights) / kind.batch_weight))
        for run in split_runs(weights, parts):
            if run:
                batch = tuple(secretaries[i] for i in run)
                work.append(Work(kind, batch, kind.cost * sum(weights[i] for i in run)))
    return work


def render_pack(
    kinds: Sequence[Kind[Any]],
    context: Any,
    staging: Staging,
    progress: Progress,
    finish: Finish | None = None,
) -> list[Written]:
    """Render and write every kind; kinds that need others' page counts run after them."""
    first = [k for k in kinds if k.needs is None]
    written = _run(plan_work(first, context), context, staging, progress, finish)
    later = [k for k in kinds if k.needs is not None]
    if later:
        pages = {(w.kind, w.secretary): w.pages for w in written if w.secretary and w.pages}
        context = replace(context, pages=pages)
        written += _run(plan_work(later, context), context, staging, progress, finish)
    return written


def _run(
    work: list[Work], context: Any, staging: Staging, progress: Progress, finish: Finish | None
) -> list[Written]:
    jobs = [partial(_write_batch, unit, staging, finish) for unit in work]
    results = map_forked(jobs, context, [unit.cost for unit in work])
    written = [record for batch in results for record in batch]
    for kind in dict.fromkeys(unit.kind for unit in work):
        count = sum(1 for record in written if record.kind == kind.key)
        progress.step(f"{kind.name}：{count} 个文件 / files")
    return written


def _write_batch(
    unit: Work, staging: Staging, finish: Finish | None, context: Any
) -> list[Written]:
    """Render one unit of work and write its documents as they come."""
    written = []
    for document in unit.kind.build(context, unit.batch):
        if finish is not None:
            document = finish(context, document)
        written.append(staging.write(document))
    return written
