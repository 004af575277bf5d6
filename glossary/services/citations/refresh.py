"""Keep automatic citations current: every mention of every term that is cited.

Reads everything it needs in a fixed number of queries, runs the linker over
plain segment data, and writes in one short transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.db.models import Prefetch

from ...linking import Entry, Matcher
from ...models import Alias, Citation, Episode, Segment, Term
from ...transcripts.quotes import quote_around
from ...transcripts.timing import time_at

Progress = Callable[[Iterable], Iterable]


def _no_progress(items: Iterable) -> Iterable:
    return items


@dataclass
class RefreshResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def _episodes_with_segments(episodes: Sequence[Episode] | None) -> list[Episode]:
    """Episodes (oldest first) with their segments' text and times, nothing else."""
    queryset = Episode.objects.all() if episodes is None else episodes
    segments = Segment.objects.only(
        "id", "episode_id", "order", "start", "marks", "text"
    ).order_by("order")
    return list(
        Episode.objects.filter(pk__in=[e.pk for e in queryset])
        .only("id")
        .order_by("published_on", "number", "pk")
        .prefetch_related(Prefetch("segments", queryset=segments))
    )


def citations_refresh(
    *,
    terms: Sequence[Term] | None = None,
    episodes: Sequence[Episode] | None = None,
    progress: Progress = _no_progress,
) -> RefreshResult:
    """Rebuild automatic citations of non-rejected terms from segment text.

    Idempotent: rows that still match are left alone (ids and featured flags
    kept), new mentions are added, automatic citations no longer said are
    deleted unless featured. Manual citations are never touched.
    """
    scope = Term.objects.proposable()
    if terms is not None:
        scope = scope.filter(pk__in=[t.pk for t in terms])
    entries = [
        Entry(label=label, term_id=term_id, case_sensitive=case_sensitive)
        for label, term_id, case_sensitive in Alias.objects.filter(
            term__in=scope
        ).values_list("label", "term_id", "case_sensitive")
    ]
    matcher = Matcher(entries)
    term_ids = set(scope.values_list("pk", flat=True))
    loaded = _episodes_with_segments(episodes)

    wanted: dict[tuple[int, int, int], Citation] = {}
    for episode in progress(loaded):
        segments = list(episode.segments.all())
        for segment, following in pairwise([*segments, None]):
            next_start = following.start if following else None
            for match in matcher.find(segment.text, first_only=False):
                wanted[(match.term_id, segment.pk, match.start)] = Citation(
                    term_id=match.term_id,
                    episode=episode,
                    segment=segment,
                    seconds=time_at(
                        match.start,
                        start=segment.start,
                        text_length=len(segment.text),
                        marks=segment.marks,
                        next_start=next_start,
                    ),
                    approximate=not any(o == match.start for o, _ in segment.marks),
                    start_char=match.start,
                    end_char=match.end,
                    surface=match.text[:200],
                    quote=quote_around(segment.text, match.start, match.end),
                )

    existing = Citation.objects.filter(episode__in=loaded)
    if terms is not None:
        existing = existing.filter(term__in=scope)
    result = RefreshResult()
    fields = ["seconds", "approximate", "end_char", "surface", "quote"]
    to_update, to_delete = [], []
    for citation in existing.only(
        "id", "term_id", "segment_id", "source", "featured", *fields, "start_char"
    ):
        key = (citation.term_id, citation.segment_id, citation.start_char)
        fresh = wanted.pop(key, None)
        if citation.source == Citation.Source.MANUAL:
            continue
        if fresh is None:
            if not citation.featured or citation.term_id not in term_ids:
                to_delete.append(citation.pk)
            continue
        if any(getattr(citation, f) != getattr(fresh, f) for f in fields):
            for f in fields:
                setattr(citation, f, getattr(fresh, f))
            to_update.append(citation)
        else:
            result.unchanged += 1

    with transaction.atomic():
        Citation.objects.filter(pk__in=to_delete).delete()
        Citation.objects.bulk_update(to_update, fields, batch_size=1000)
        Citation.objects.bulk_create(wanted.values(), batch_size=1000)
    result.created, result.updated, result.deleted = (
        len(wanted),
        len(to_update),
        len(to_delete),
    )
    return result
