"""Episodes for the pages, the API and the sitemap, and what each one cites."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import Appearance, Citation, Episode, Segment, Term
from ..rendering import clock

PUBLISHED = Term.Status.PUBLISHED

#: Columns of an episode the pages and the API show; the transcript is left out.
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


def count_of(queryset: QuerySet, group: str, counted: str = "id") -> Coalesce:
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


def people() -> Prefetch:
    """An episode's `appearances`: hosts first, then guests, by name."""
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
    """Newest first (undated last), the source transcript left unread."""
    return Episode.objects.only(*EPISODE_FIELDS).order_by(
        F("published_on").desc(nulls_last=True), F("number").desc(nulls_last=True), "pk"
    )


def episodes_with_people() -> QuerySet[Episode]:
    """`episodes()` with their people (2 queries per page)."""
    return episodes().prefetch_related(people())


def episodes_for_list() -> list[Episode]:
    """Every episode with its people and number of published concepts (2 queries)."""
    published = Q(citations__term__status=PUBLISHED)
    return list(
        episodes_with_people().annotate(
            concept_count=Count("citations__term", filter=published, distinct=True)
        )
    )


def latest_episodes(limit: int = 5) -> list[Episode]:
    return list(episodes_with_people()[:limit])


def episode_for_page(slug: str) -> Episode | None:
    """An episode with its people (2 queries when found)."""
    return episodes_with_people().filter(slug=slug).first()


def episode_detail(slug: str) -> Episode | None:
    """An episode with its people, segment and concept counts (2 queries)."""
    return (
        episodes_with_people()
        .filter(slug=slug)
        .annotate(
            segment_count=count_of(
                Segment.objects.filter(episode=OuterRef("pk")), "episode"
            ),
            concept_count=count_of(
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


def episode_segments(episode: Episode) -> list[Segment]:
    return list(
        Segment.objects.filter(episode=episode)
        .select_related("speaker")
        .only(
            "id",
            "order",
            "start",
            "start_estimated",
            "text",
            "speaker_label",
            "speaker__name",
        )
        .order_by("order")
    )


@dataclass(frozen=True, slots=True)
class EpisodeTerm:
    """A published term as an episode cites it: first mention, how often."""

    slug: str
    label: str
    short_definition: str
    first_seconds: float
    mentions: int

    @property
    def second(self) -> int:
        return int(self.first_seconds)

    @property
    def clock(self) -> str:
        return clock(self.first_seconds)


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


def sitemap_episodes() -> QuerySet[Episode]:
    return Episode.objects.only("slug", "updated_at").order_by("slug")
