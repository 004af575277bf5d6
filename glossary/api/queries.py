"""What the API reads: one function per need, each a fixed number of queries.

Two kinds of reads live here. The `*_state` functions read, in one query,
what a response depends on (versions, timestamps, counts), never the
response itself: the views turn that into an ETag and a Last-Modified, answer
304 or a cached body from it, and only build the body when it changed. The
other functions read the bodies, naming the columns they show, so an
episode's source transcript (megabytes) is never loaded for a title.

Published terms only, everywhere: a candidate or draft term is invisible,
and so are its labels, relations and citations.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_aware, make_aware

from ..linking import normalize_label
from ..models import (
    Alias,
    Appearance,
    Citation,
    Episode,
    GlossaryVersion,
    Segment,
    Term,
    TermRedirect,
    WikipediaArticle,
)
from ..search import search_concepts

PUBLISHED = Term.Status.PUBLISHED
SEARCH_LIMIT = 100
"""Terms `q` finds, at most: a search, not a way to page through everything."""
FEATURED_LIMIT = 10
"""Featured citations shown on a term; editors pick a handful."""

# Columns of an episode the API shows; the transcript file is left out.
EPISODE_FIELDS = (
    "id",
    "show",
    "number",
    "title",
    "slug",
    "published_on",
    "audio_url",
    "page_url",
    "duration",
    "transcript_format",
    "created_at",
    "updated_at",
)
TERM_FIELDS = ("id", "slug", "label", "kind", "short_definition", "updated_at")


# --------------------------------------------------------------------------
# States: what a response depends on
# --------------------------------------------------------------------------


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
_TERM_STATE = Prepared(
    lambda slug: (
        Term.objects.filter(status=PUBLISHED, slug=slug)
        .annotate(
            glossary_version=_glossary("version"),
            glossary_changed=_glossary("updated_at"),
            cited=Count("citations"),
            last_cited=Max("citations__id"),
            featured=Sum("citations__id", filter=Q(citations__featured=True)),
            seconds=Sum("citations__seconds"),
            cited_at=Max("citations__created_at"),
            wikipedia_at=Max("wikipedia__attempted_at"),
            episodes_at=_latest(Episode.objects.all(), "updated_at"),
        )
        .values_list(
            "id",
            "updated_at",
            "version",
            "glossary_version",
            "glossary_changed",
            "cited",
            "last_cited",
            "featured",
            "seconds",
            "cited_at",
            "wikipedia_at",
            "episodes_at",
        )
    )
)


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
    and the episodes it is cited in (1 query); None when there is no such
    published term (a 404 or a redirect, built every time)."""
    return _state(_TERM_STATE.row(slug))


def episodes_state() -> State:
    """Every episode (1 query)."""
    row = Episode.objects.aggregate(
        count=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    return _state((row["count"], row["last"], row["changed"]))


def episode_state(slug: str) -> State | None:
    """An episode and the published terms it cites (1 query)."""
    return _state(_EPISODE_STATE.row(slug))


# --------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------


def visible_aliases() -> QuerySet[Alias]:
    """A term's labels as the API shows them: the preferred one first, hidden
    ones (misspellings kept for matching) left out."""
    return (
        Alias.objects.exclude(kind=Alias.Kind.HIDDEN)
        .only("id", "term_id", "label", "kind", "case_sensitive")
        .order_by(
            Case(
                When(kind=Alias.Kind.PREFERRED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "kind",
            "label",
        )
    )


def terms() -> QuerySet[Term]:
    """Published terms with their visible labels (2 queries per page)."""
    return (
        Term.objects.filter(status=PUBLISHED)
        .only(*TERM_FIELDS)
        .prefetch_related(
            Prefetch("aliases", queryset=visible_aliases(), to_attr="visible_aliases")
        )
        .order_by("label", "slug")
    )


def search_terms(queryset: QuerySet[Term], text: str) -> QuerySet[Term]:
    """The terms the reader search finds for `text`, best first.

    The same search as the pages (`glossary.search`): labels and aliases
    with typos forgiven, then definitions; the best 100. An `ordering`
    parameter, applied after this, sorts them otherwise.
    """
    if not normalize_label(text):
        return queryset
    ids = [hit.id for hit in search_concepts(text, limit=SEARCH_LIMIT)]
    rank = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).order_by(rank, "label", "slug")


def cited_in_episode(queryset: QuerySet[Term], slug: str) -> QuerySet[Term]:
    return queryset.filter(
        Exists(Citation.objects.filter(term=OuterRef("pk"), episode__slug=slug))
    )


def _count(queryset: QuerySet, group: str, counted: str = "id") -> Coalesce:
    """A correlated count as a column: 0, not NULL, when there is none."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(group)
            .annotate(n=Count(counted, distinct=counted != "id"))
            .values("n")
        ),
        0,
    )


def citations() -> QuerySet[Citation]:
    """Citations with what a reader needs: episode, time, speaker, quote."""
    return (
        Citation.objects.select_related("episode", "segment__speaker")
        .only(
            "id",
            "term_id",
            "episode_id",
            "segment_id",
            "seconds",
            "approximate",
            "quote",
            "surface",
            "featured",
            "episode__slug",
            "episode__title",
            "episode__audio_url",
            "segment__speaker_label",
            "segment__speaker__name",
        )
        .order_by(
            F("episode__published_on").desc(nulls_last=True),
            F("episode__number").desc(nulls_last=True),
            "episode_id",
            "seconds",
            "id",
        )
    )


def term_detail(slug: str) -> Term | None:
    """A published term with everything its detail shows (6 queries)."""
    neighbours = (
        Term.objects.filter(status=PUBLISHED)
        .only("id", "slug", "label")
        .order_by("label", "slug")
    )
    featured = citations().filter(featured=True)
    return (
        Term.objects.filter(status=PUBLISHED, slug=slug)
        .select_related("wikipedia")
        .annotate(
            citation_count=_count(Citation.objects.filter(term=OuterRef("pk")), "term")
        )
        .prefetch_related(
            Prefetch("aliases", queryset=visible_aliases(), to_attr="visible_aliases"),
            Prefetch("related", queryset=neighbours, to_attr="related_terms"),
            Prefetch("broader", queryset=neighbours, to_attr="broader_terms"),
            Prefetch("narrower", queryset=neighbours, to_attr="narrower_terms"),
            Prefetch(
                "citations",
                queryset=featured[:FEATURED_LIMIT],
                to_attr="featured_citations",
            ),
        )
        .first()
    )


def published_term_id(slug: str) -> int | None:
    return (
        Term.objects.filter(status=PUBLISHED, slug=slug)
        .values_list("id", flat=True)
        .first()
    )


def term_citations(term_id: int) -> QuerySet[Citation]:
    """Every citation of a term, newest episode first, in time order (count +
    1 query per page)."""
    return citations().filter(term_id=term_id)


def term_redirect(slug: str) -> str | None:
    """The current slug of the published term once called `slug` (1 query)."""
    return (
        TermRedirect.objects.filter(old_slug=slug, term__status=PUBLISHED)
        .values_list("term__slug", flat=True)
        .first()
    )


# --------------------------------------------------------------------------
# Episodes
# --------------------------------------------------------------------------


def _people() -> Prefetch:
    """Hosts first, then guests, by name."""
    return Prefetch(
        "appearance_set",
        queryset=Appearance.objects.select_related("person")
        .only("id", "episode_id", "role", "person__name", "person__slug")
        .order_by(
            Case(
                When(role=Appearance.Role.HOST, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "person__name",
        ),
        to_attr="appearances",
    )


def episodes() -> QuerySet[Episode]:
    """Newest first (undated last), with their people (2 queries per page)."""
    return (
        Episode.objects.only(*EPISODE_FIELDS)
        .prefetch_related(_people())
        .order_by(
            F("published_on").desc(nulls_last=True),
            F("number").desc(nulls_last=True),
            "id",
        )
    )


def episode_detail(slug: str) -> Episode | None:
    """An episode with its people, segment and concept counts (2 queries)."""
    return (
        episodes()
        .filter(slug=slug)
        .annotate(
            segment_count=_count(
                Segment.objects.filter(episode=OuterRef("pk")), "episode"
            ),
            concept_count=_count(
                Citation.objects.filter(episode=OuterRef("pk"), term__status=PUBLISHED),
                "episode",
                "term",
            ),
        )
        .first()
    )


def episode_brief(slug: str) -> Episode | None:
    return (
        Episode.objects.only("id", "slug", "title", "audio_url")
        .filter(slug=slug)
        .first()
    )


@dataclass(frozen=True, slots=True)
class EpisodeTerm:
    """A published term as an episode cites it."""

    slug: str
    label: str
    short_definition: str
    first_seconds: float
    mentions: int


def episode_terms(episode: Episode) -> list[EpisodeTerm]:
    """The published terms an episode cites, each with its first mention and
    number of mentions, in order of first mention (1 query)."""
    rows = (
        Citation.objects.filter(episode=episode, term__status=PUBLISHED)
        .values("term_id")
        .annotate(first_seconds=Min("seconds"), mentions=Count("id"))
        .values_list(
            "term__slug",
            "term__label",
            "term__short_definition",
            "first_seconds",
            "mentions",
        )
        .order_by("first_seconds", "term__label")
    )
    return [EpisodeTerm(*row) for row in rows]


# --------------------------------------------------------------------------
# The whole glossary (JSON-LD)
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Glossary:
    """Every published term with its labels and relations, as plain data."""

    terms: list[Term]
    labels: list[tuple[int, str, str]]
    """(term id, label, kind) for every label, hidden ones included."""
    related: list[tuple[int, int]]
    broader: list[tuple[int, int]]
    """(narrower term id, broader term id)."""


def glossary() -> Glossary:
    """The published glossary (4 queries, whatever its size)."""
    published = Term.objects.filter(status=PUBLISHED)
    terms = list(
        published.select_related("wikipedia")
        .only(
            "id",
            "slug",
            "label",
            "short_definition",
            "definition",
            "updated_at",
            "wikipedia__status",
            "wikipedia__title",
            "wikipedia__url",
            "wikipedia__language",
            "wikipedia__summary",
            "wikipedia__fetched_at",
        )
        .order_by("label", "slug")
    )
    labels = list(
        Alias.objects.filter(term__status=PUBLISHED)
        .exclude(kind=Alias.Kind.PREFERRED)
        .order_by("term_id", "kind", "label")
        .values_list("term_id", "label", "kind")
    )
    both = {"from_term__status": PUBLISHED, "to_term__status": PUBLISHED}
    related = list(
        Term.related.through.objects.filter(**both).values_list(
            "from_term_id", "to_term_id"
        )
    )
    broader = list(
        Term.broader.through.objects.filter(**both).values_list(
            "from_term_id", "to_term_id"
        )
    )
    return Glossary(terms=terms, labels=labels, related=related, broader=broader)
