"""A document kind, declared once, and a document it produced.

Each kind module declares its `KIND`: its name as the user sees it, its pack, whether it is made
per secretary, its builder, its templates, and how the archive treats it (signed or not, where it
stands in the bundle). The registry lists the kinds; the packs, the file names, the signing list,
the bundle's order and the manifest are all derived from these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from ..model.campaign import Secretary

C = TypeVar("C")
Pack = Literal["forms", "letters"]


@dataclass(frozen=True, slots=True)
class Archived:
    """How the archive treats a kind's PDFs: declared PDF/A, maybe signed, maybe bundled."""

    subject: str  # what the archive's catalogue calls it (PDF subject and keywords)
    signed: bool = False  # signed on its own, in the signature field beside its 署名
    section: Literal["personal", "campaign"] | None = None  # its part of the bundle
    order: int = 0  # its place within that part


@dataclass(frozen=True, slots=True)
class Kind(Generic[C]):
    """One kind of document: everything the pipeline, the output and the archive need to know."""

    key: str  # a stable machine name
    name: str  # Chinese, as the user and the bundle's contents call it
    pack: Pack
    folder: str  # under --out
    build: Callable[[C, Sequence[Secretary]], Iterable[Document]]
    per_secretary: bool = False  # files NN-姓名{stem}: one per secretary
    stem: str = ""  # per campaign: the file's stem; per secretary: what follows NN-姓名
    templates: tuple[str, ...] = ()  # the HTML and DOCX templates it renders
    archived: Archived | None = None
    weight: Callable[[C, Secretary], int] | None = None  # pages a secretary adds to a batch
    batch_weight: int = 20  # at most this much weight is laid out in one batch
    cost: float = 0.1  # rough seconds per unit of weight, to start the long work first
    needs: str | None = None  # the key of a kind whose page counts this one lists
    # Print files: their PDFs are printed, then destroyed (docs/security.md); the manifest names
    # them apart and `verify` neither needs them nor minds them gone.
    print_only: bool = False

    def weight_of(self, context: C, secretary: Secretary) -> int:
        return self.weight(context, secretary) if self.weight else 1


@dataclass(frozen=True, slots=True)
class Document:
    """One file a kind produced, and whose it is: the output layer names it from these."""

    kind: Kind[Any]
    suffix: str  # ".pdf", ".docx", ".xlsx", ".csv", ".json"
    content: bytes
    secretary: Secretary | None = None  # a personal document's secretary
    name: str | None = None  # a campaign document's stem, when its kind makes several
    pages: int | None = None  # a PDF's page count, once known
