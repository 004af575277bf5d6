"""The plain backend, for databases without full-text search (the SQLite demo):
case-insensitive substring matching of labels, definitions and segment text,
with the same letter swaps as PostgreSQL.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from ..linking.normalize import normalize_label
from ..models import Alias, Segment, Term
from .base import (
    CONCEPT_LIMIT,
    QUOTE_CANDIDATES,
    QUOTE_LIMIT,
    ConceptHit,
    Query,
    QuoteHit,
    SearchBackend,
)
from .text import letter_swaps, needle_spans, relevance, snippet, time_of


class FallbackSearchBackend(SearchBackend):
    """Substring matching for databases without full-text search (SQLite).

    Ranks an exact label first, then labels starting with the query, then
    labels containing it, then definitions containing it.
    """

    vendor = "fallback"

    def concepts(self, query: Query, limit: int = CONCEPT_LIMIT) -> list[ConceptHit]:
        text = query.text
        swaps = letter_swaps(query.normalized)
        aliases = Alias.objects.filter(term=OuterRef("pk"))
        exact = aliases.filter(Q(normalized=query.normalized) | Q(normalized__in=swaps))
        contains = aliases.filter(label__icontains=text)
        matched = (exact | contains).order_by(
            Case(
                When(normalized=query.normalized, then=Value(0)),
                When(normalized__in=swaps, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "label",
        )
        rows = (
            Term.objects.published()
            .annotate(
                exact=Exists(exact),
                starts=Exists(aliases.filter(label__istartswith=text)),
                contains=Exists(contains),
                matched=Subquery(matched.values("label")[:1]),
            )
            .filter(
                Q(exact=True)
                | Q(contains=True)
                | Q(short_definition__icontains=text)
                | Q(definition__icontains=text)
            )
            .annotate(
                rank=Case(
                    When(exact=True, then=Value(0)),
                    When(starts=True, then=Value(1)),
                    When(contains=True, then=Value(2)),
                    When(short_definition__icontains=text, then=Value(3)),
                    default=Value(4),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", "label", "pk")
            .values_list("id", "slug", "label", "short_definition", "matched", "rank")[
                :limit
            ]
        )
        return [
            ConceptHit(
                id=id,
                slug=slug,
                label=label,
                short_definition=short,
                matched_label=matched or "",
                fuzzy=rank == 0 and normalize_label(matched) != query.normalized,
            )
            for id, slug, label, short, matched, rank in rows
        ]

    def quotes(
        self, query: Query, terms: tuple[str, ...], limit: int = QUOTE_LIMIT
    ) -> list[QuoteHit]:
        condition = Q()
        for term in terms:
            condition |= Q(text__icontains=term)
        following = Segment.objects.filter(
            episode=OuterRef("episode"), order__gt=OuterRef("order")
        ).order_by("order")
        segments = (
            Segment.objects.filter(condition)
            .select_related("episode", "speaker")
            .only(
                "id",
                "start",
                "text",
                "marks",
                "speaker_label",
                "speaker__name",
                "episode__slug",
                "episode__title",
            )
            .annotate(next_start=Subquery(following.values("start")[:1]))
            .order_by("episode_id", "order")[:QUOTE_CANDIDATES]
        )
        found = [(segment, needle_spans(segment.text, terms)) for segment in segments]
        found.sort(
            key=lambda item: (relevance(item[1], item[0].text), -item[0].pk),
            reverse=True,
        )
        return [
            QuoteHit(
                segment_id=segment.pk,
                episode_slug=segment.episode.slug,
                episode_title=segment.episode.title,
                seconds=time_of(
                    segment.text,
                    spans,
                    segment.start,
                    segment.marks,
                    segment.next_start,
                ),
                speaker=segment.speaker.name
                if segment.speaker
                else segment.speaker_label,
                snippet_html=snippet(segment.text, spans),
            )
            for segment, spans in found[:limit]
        ]
