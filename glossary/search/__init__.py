"""Reader search: concepts by their labels and definitions, then transcript quotes.

One interface, one implementation per database, chosen by `connection.vendor`
as Wagtail's `search/backends/database/` does:

- `postgres.py`: full-text search, trigrams and letter swaps, each on an
  index of migration 0005, the SQL measured fastest (`bench/search_bench.py`);
- `fallback.py`: substring matching for anything else (the SQLite demo);
- `base.py`: the query, the hits and the order of work both share;
- `text.py`: the plain-text part (letter swaps, spans, snippets, times).

Each backend answers a search in a fixed number of queries (concepts, then
quotes; on PostgreSQL a planner setting first) and returns plain
dataclasses, so views and the benchmark treat both alike.
"""

from __future__ import annotations

from functools import cache

from django.db import connection

from .base import ConceptHit, Query, QuoteHit, SearchBackend, SearchResults, clean_query

__all__ = [
    "ConceptHit",
    "Query",
    "QuoteHit",
    "SearchBackend",
    "SearchResults",
    "clean_query",
    "get_search_backend",
    "search",
    "search_concepts",
]


@cache
def _backend_for(vendor: str) -> SearchBackend:
    # Imported here, as Wagtail does, so a database only loads its own backend.
    if vendor == "postgresql":
        from .postgres import PostgresSearchBackend

        return PostgresSearchBackend()
    from .fallback import FallbackSearchBackend

    return FallbackSearchBackend()


def get_search_backend() -> SearchBackend:
    """The implementation for the default database's vendor."""
    return _backend_for(connection.vendor)


def search(raw_query: str | None) -> SearchResults:
    """Concepts, then quotes, for what a reader typed.

    PostgreSQL: a planner setting, concepts, quotes, in one transaction;
    elsewhere: concepts, quotes. Nothing for an empty query.
    """
    return get_search_backend().search(raw_query)


def search_concepts(raw_query: str | None, limit: int = 100) -> list[ConceptHit]:
    """The concepts `search` finds, best first, without quotes (the API's `q`)."""
    return get_search_backend().search_concepts(raw_query, limit)
