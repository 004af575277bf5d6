"""This process's label index for search, rebuilt when the glossary version moves.

Built the way `glossary/matchers.py` builds the linker: one read of the
version per search, and the published terms' labels and definitions read
again only after an edit, so every process sees a change on its next search.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..models import Alias, GlossaryVersion, Term
from .typos import LabelIndex

#: Preferred labels rank before other shown labels, and those before hidden ones.
LABEL_RANK = {Alias.Kind.PREFERRED: 0, Alias.Kind.HIDDEN: 2}


@dataclass(frozen=True, slots=True)
class IndexedTerm:
    slug: str
    label: str
    short_definition: str


@dataclass(frozen=True, slots=True)
class SearchIndex:
    version: int
    labels: LabelIndex
    terms: dict[int, IndexedTerm]


_lock = threading.Lock()
_built: list[SearchIndex] = []


def current_index() -> SearchIndex:
    """The index of published terms for the current glossary version."""
    version = GlossaryVersion.objects.current()
    index = _built[0] if _built else None
    if index is not None and index.version == version:
        return index
    with _lock:
        index = _built[0] if _built else None
        if index is None or index.version != version:
            # The version was read before the rows: a change made meanwhile
            # moves it again, and the next search rebuilds.
            index = _build(version)
            _built[:] = [index]
    return index


def _build(version: int) -> SearchIndex:
    terms = {}
    texts = []
    for id, slug, label, short, definition in Term.objects.published().values_list(
        "id", "slug", "label", "short_definition", "definition"
    ):
        terms[id] = IndexedTerm(slug, label, short)
        texts += [short, definition]
    labels = [
        (term_id, label, LABEL_RANK.get(kind, 1))
        for term_id, label, kind in Alias.objects.filter(
            term__status=Term.Status.PUBLISHED
        ).values_list("term_id", "label", "kind")
    ]
    return SearchIndex(
        version=version, labels=LabelIndex.build(labels, texts=texts), terms=terms
    )


def forget() -> None:
    """Drop this process's index (tests start from none, as a new process does)."""
    with _lock:
        _built.clear()
