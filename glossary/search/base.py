"""What every search backend shares: the cleaned query, the hits it returns,
and the order of work (concepts, then quotes) a backend fills in.
"""

from __future__ import annotations

import unicodedata
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from ..linking.normalize import normalize_label
from ..rendering import clock
from .index import SearchIndex, current_index
from .text import CONTROL_CHARACTERS

MAX_QUERY_LENGTH = 200
"""Longer queries are cut here: no label or sentence search needs more."""
CONCEPT_LIMIT = 20
QUOTE_LIMIT = 10
QUOTE_CANDIDATES = 20
"""Segments ranked for quotes, at most: ranking a segment reads its whole
text again (in Python, after the database found it)."""


@dataclass(frozen=True, slots=True)
class Query:
    """A reader's query, cleaned: what is searched and what the page says."""

    text: str
    normalized: str
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.normalized


@dataclass(frozen=True, slots=True)
class ConceptHit:
    id: int
    slug: str
    label: str
    short_definition: str
    matched_label: str = ""
    """The label the query matched (empty when only the definition did)."""
    fuzzy: bool = False
    """Found by a near spelling of `matched_label`, not by the query's words."""

    @property
    def other_label(self) -> str:
        """The matched label when it is not the preferred one ("RLHF")."""
        return self.matched_label if self.matched_label != self.label else ""


@dataclass(frozen=True, slots=True)
class QuoteHit:
    segment_id: int
    episode_slug: str
    episode_title: str
    seconds: float
    speaker: str
    snippet_html: str
    """Escaped text with the matched words in `<mark>`: safe to render."""

    @property
    def second(self) -> int:
        return int(self.seconds)

    @property
    def clock(self) -> str:
        return clock(self.seconds)


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: Query
    concepts: list[ConceptHit] = field(default_factory=list)
    quotes: list[QuoteHit] = field(default_factory=list)
    quote_terms: tuple[str, ...] = ()
    """What the quotes were searched for: the query, and the label a
    misspelt query was taken to mean."""


def clean_query(raw: str | None) -> Query:
    """Strip control characters (PostgreSQL refuses NUL), trim, cut to length."""
    text = CONTROL_CHARACTERS.sub(" ", unicodedata.normalize("NFC", raw or ""))
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
    return Query(text=text, normalized=normalize_label(text), truncated=truncated)


class SearchBackend:
    """What both implementations do; subclasses provide the two queries."""

    vendor = ""

    def search(self, raw_query: str | None) -> SearchResults:
        query = clean_query(raw_query)
        if query.empty:
            return SearchResults(query=query)
        with self.session():
            concepts, corrected = self._concepts(query, CONCEPT_LIMIT)
            terms = [query.text]
            if (
                concepts
                and concepts[0].matched_label
                and (
                    concepts[0].fuzzy
                    or normalize_label(concepts[0].matched_label) != query.normalized
                )
            ):
                # "RHLF" and "G.P.U." find no quote; the label they stand for does.
                terms.append(concepts[0].matched_label)
            if corrected and normalize_label(corrected) not in {
                normalize_label(term) for term in terms
            }:
                terms.append(corrected)
            quotes = self.quotes(query, tuple(terms))
        return SearchResults(
            query=query, concepts=concepts, quotes=quotes, quote_terms=tuple(terms)
        )

    def search_concepts(
        self, raw_query: str | None, limit: int = CONCEPT_LIMIT
    ) -> list[ConceptHit]:
        """The concepts `search` finds, best first, without the quotes (the API)."""
        query = clean_query(raw_query)
        if query.empty:
            return []
        with self.session():
            return self._concepts(query, limit)[0]

    def _concepts(self, query: Query, limit: int) -> tuple[list[ConceptHit], str]:
        """Label matches first (typos forgiven, alike on every backend), then
        the backend's own finds for the query with its typos corrected
        ("trasnparancy" → "transparency"); and that correction ("" if none)."""
        index = current_index()
        by_label = self.label_hits(index, query, limit)
        corrected = index.labels.corrected(query.text)
        found = self.concepts(clean_query(corrected) if corrected else query, limit)
        seen = {hit.id for hit in by_label}
        return [*by_label, *(hit for hit in found if hit.id not in seen)][
            :limit
        ], corrected

    @staticmethod
    def label_hits(index: SearchIndex, query: Query, limit: int) -> list[ConceptHit]:
        """Concepts by their labels, typos forgiven, ranked alike on every backend."""
        hits = []
        for match in index.labels.find(query.text, limit=limit):
            term = index.terms.get(match.term_id)
            if term is not None:
                hits.append(
                    ConceptHit(
                        id=match.term_id,
                        slug=term.slug,
                        label=term.label,
                        short_definition=term.short_definition,
                        matched_label=match.label,
                        fuzzy=match.typos > 0,
                    )
                )
        return hits

    def session(self) -> AbstractContextManager:
        """Where both queries run; nothing special unless a backend says so."""
        return nullcontext()

    def concepts(self, query: Query, limit: int = CONCEPT_LIMIT) -> list[ConceptHit]:
        raise NotImplementedError

    def quotes(
        self, query: Query, terms: tuple[str, ...], limit: int = QUOTE_LIMIT
    ) -> list[QuoteHit]:
        raise NotImplementedError
