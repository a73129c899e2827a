"""results.json: the scored campaign in the contract's shape, for people and other tools."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..model.campaign import Secretary
from .context import LettersContext
from .kind import Document, Kind


def results_file(context: LettersContext, batch: Sequence[Secretary]) -> Iterator[Document]:
    yield Document(KIND, ".json", context.results.to_json())


KIND: Kind[LettersContext] = Kind(
    key="results",
    name="评议结果",
    pack="letters",
    folder="",
    stem="results",
    build=results_file,
    cost=0.05,
)
