"""What every search backend shares: the cleaned query, the hits it returns,
and the order of work (concepts, then quotes) a backend fills in.
"""

from __future__ import annotations

import unicodedata
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from ..linking.normalize import normalize_label
from ..selectors import clock
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
            concepts = self.concepts(query)
            terms = [query.text]
            if concepts and concepts[0].fuzzy:
                # "RHLF" finds no quote; the label it was taken to mean does.
                terms.append(concepts[0].matched_label)
            quotes = self.quotes(query, tuple(terms))
        return SearchResults(
            query=query, concepts=concepts, quotes=quotes, quote_terms=tuple(terms)
        )

    def session(self) -> AbstractContextManager:
        """Where both queries run; nothing special unless a backend says so."""
        return nullcontext()

    def concepts(self, query: Query, limit: int = CONCEPT_LIMIT) -> list[ConceptHit]:
        raise NotImplementedError

    def quotes(
        self, query: Query, terms: tuple[str, ...], limit: int = QUOTE_LIMIT
    ) -> list[QuoteHit]:
        raise NotImplementedError
