"""What an API response depends on, read without building it (for ETags).

The `*_state` functions read, in one query, what a response depends on
(versions, timestamps, counts), never the response itself: the API views
turn that into an ETag and a Last-Modified, answer 304 or a cached body from
it, and only build the body when it changed. They run on every read, so each
is compiled once per process (`Prepared`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import MD5, Cast, Concat
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_aware, make_aware

from ..models import Alias, Citation, Episode, GlossaryVersion, Term, WikipediaArticle


@dataclass(frozen=True, slots=True)
class State:
    """The validators of a response, read without building it.

    `parts` change whenever the response would (they go into the ETag);
    `modified` is the latest time among them that the database records.
    """

    parts: tuple
    modified: datetime | None


def _moment(value: object) -> datetime | None:
    """A timestamp from a raw row: aware, whatever the database returned."""
    if isinstance(value, str):  # SQLite returns aggregated timestamps as text
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    return value if is_aware(value) else make_aware(value, UTC)


def _state(row: tuple | None) -> State | None:
    if row is None:
        return None
    times = [moment for moment in map(_moment, row) if moment is not None]
    return State(parts=tuple(row), modified=max(times) if times else None)


class Prepared:
    """A query compiled once per process, run with one value swapped in.

    The state queries run on every read, so their cost matters: building and
    compiling a queryset with a dozen expressions takes longer than running
    it. The queryset is built once with a placeholder for its one parameter,
    its SQL kept, and each call is a single round trip with the real value.
    """

    PLACEHOLDER = "\x00kb-prepared\x00"

    def __init__(self, build: Callable[[str], QuerySet]) -> None:
        self.build = build
        self.compiled: tuple[str, tuple, str] | None = None
        self.lock = threading.Lock()

    def _compile(self) -> tuple[str, tuple, str]:
        with self.lock:
            if self.compiled is None:
                queryset = self.build(self.PLACEHOLDER)
                sql, params = queryset.query.sql_with_params()
                self.compiled = (sql, params, queryset.db)
        return self.compiled

    def row(self, value: str = "") -> tuple | None:
        sql, params, alias = self.compiled or self._compile()
        params = tuple(value if p == self.PLACEHOLDER else p for p in params)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()


def _glossary(field: str) -> Subquery:
    """The glossary version row's `field`, moved by every term or label change."""
    return Subquery(GlossaryVersion.objects.filter(pk=1).values(field)[:1])


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(F(field).desc(nulls_last=True)).values(field)[:1])


_GLOSSARY_STATE = Prepared(
    lambda _: (
        GlossaryVersion.objects.filter(pk=1)
        .annotate(wikipedia=_latest(WikipediaArticle.objects.all(), "attempted_at"))
        .values_list("version", "updated_at", "wikipedia")
    )
)
_VERSION_STATE = Prepared(
    lambda _: GlossaryVersion.objects.filter(pk=1).values_list("version", "updated_at")
)


def _episode_citations(slug: str) -> QuerySet:
    return (
        Episode.objects.filter(slug=slug)
        .annotate(
            glossary_version=_glossary("version"),
            glossary_changed=_glossary("updated_at"),
            cited=Count("citations"),
            last_cited=Max("citations__id"),
        )
        .values_list(
            "id",
            "updated_at",
            "glossary_version",
            "glossary_changed",
            "cited",
            "last_cited",
        )
    )


_EPISODE_STATE = Prepared(_episode_citations)


def _episode(slug: str) -> QuerySet:
    """An episode and the published terms it cites, as its detail and its
    terms list show them: on PostgreSQL an md5 of those terms' slugs, labels
    and short definitions instead of the glossary version, so an edit to a
    term moves only the ETags of the episodes citing it."""
    if connections["default"].vendor != "postgresql":
        return _episode_citations(slug)
    cited = Citation.objects.filter(
        episode=OuterRef("pk"), term__status=Term.Status.PUBLISHED
    )
    return (
        Episode.objects.filter(slug=slug)
        .annotate(
            cited_terms=_signature(
                cited,
                "episode",
                "term_id",
                "term__slug",
                "term__label",
                "term__short_definition",
            ),
            cited=Count("citations"),
            last_cited=Max("citations__id"),
        )
        .values_list("id", "updated_at", "cited_terms", "cited", "last_cited")
    )


_EPISODE_OWN_STATE = Prepared(_episode)


def _signature(rows: QuerySet, group: str, *fields: str) -> Subquery:
    """An md5 of `fields` over `rows` (grouped by `group`), in the first
    field's order: it moves when any row is added, removed or edited in place,
    whether or not the edit touched a timestamp. PostgreSQL only."""
    parts: list[Any] = []
    for name in fields:
        parts += [Cast(name, CharField()), Value("|")]
    digest = MD5(
        StringAgg(Concat(*parts, output_field=CharField()), ",", order_by=fields[0])
    )
    return Subquery(
        rows.order_by().values(group).annotate(digest=digest).values("digest")[:1]
    )


def _term_depends_on(slug: str) -> dict[str, Any]:
    """What a term's detail and citations show, besides the term's own row.

    On PostgreSQL, only this term's: its labels, its published neighbours'
    slugs and labels, the episodes it is cited in. So an edit to one term
    moves the ETags of that term and of the terms that show it as a
    neighbour, and leaves every other term's cached body in place. Elsewhere
    (the SQLite demo) the glossary version stands in for the neighbours and
    labels, as it did before: any edit moves every term's ETag.
    """
    if connections["default"].vendor != "postgresql":
        return {
            "glossary_version": _glossary("version"),
            "glossary_changed": _glossary("updated_at"),
            "episodes_at": _latest(Episode.objects.all(), "updated_at"),
        }
    related = Term.related.through.objects.filter(to_term__status=Term.Status.PUBLISHED)
    broader = Term.broader.through.objects.filter(to_term__status=Term.Status.PUBLISHED)
    narrower = Term.broader.through.objects.filter(
        from_term__status=Term.Status.PUBLISHED
    )
    return {
        "labels": _signature(
            Alias.objects.filter(term=OuterRef("pk")),
            "term",
            "id",
            "label",
            "kind",
            "case_sensitive",
        ),
        "related_terms": _signature(
            related.filter(from_term=OuterRef("pk")),
            "from_term",
            "to_term_id",
            "to_term__slug",
            "to_term__label",
        ),
        "broader_terms": _signature(
            broader.filter(from_term=OuterRef("pk")),
            "from_term",
            "to_term_id",
            "to_term__slug",
            "to_term__label",
        ),
        "narrower_terms": _signature(
            narrower.filter(to_term=OuterRef("pk")),
            "to_term",
            "from_term_id",
            "from_term__slug",
            "from_term__label",
        ),
        "episodes_at": Max("citations__episode__updated_at"),
    }


def _term(slug: str) -> QuerySet:
    depends = _term_depends_on(slug)
    return (
        Term.objects.published()
        .filter(slug=slug)
        .annotate(
            cited=Count("citations"),
            last_cited=Max("citations__id"),
            featured=Sum("citations__id", filter=Q(citations__featured=True)),
            seconds=Sum("citations__seconds"),
            cited_at=Max("citations__created_at"),
            wikipedia_at=Max("wikipedia__attempted_at"),
            **depends,
        )
        .values_list(
            "id",
            "updated_at",
            "version",
            "cited",
            "last_cited",
            "featured",
            "seconds",
            "cited_at",
            "wikipedia_at",
            *depends,
        )
    )


_TERM_STATE = Prepared(_term)


def glossary_state() -> State:
    """Terms, labels, relations and Wikipedia links, as a whole (1 query)."""
    return _state(_GLOSSARY_STATE.row() or (0, None, None))


def terms_state(*, episode: str | None = None) -> State | None:
    """The term list, filtered by an episode's citations or not (1 query).

    None for an unknown episode: that rare answer is built every time.
    """
    if not episode:
        return _state(_VERSION_STATE.row() or (0, None))
    return _state(_EPISODE_STATE.row(episode))


def term_state(slug: str) -> State | None:
    """A published term, its labels, relations, citations, Wikipedia article
    and the episodes it is cited in (1 query; `_term_depends_on`); None when
    there is no such published term (a 404 or a redirect, built every time)."""
    return _state(_TERM_STATE.row(slug))


def episodes_state() -> State:
    """Every episode (1 query)."""
    row = Episode.objects.aggregate(
        count=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    return _state((row["count"], row["last"], row["changed"]))


def episode_state(slug: str) -> State | None:
    """An episode and the published terms it cites (1 query; `_episode`)."""
    return _state(_EPISODE_OWN_STATE.row(slug))
