"""Keep automatic citations current: every mention of every term that is cited.

Reads everything it needs in a fixed number of queries, runs the linker over
plain segment data, and writes in one short transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import F, Prefetch, Q

from ...linking import Matcher
from ...linking.normalize import normalize_label
from ...linking.placement import place_mention
from ...linking.scope import CitationScope
from ...matchers import label_entries
from ...models import Alias, Citation, CitationSuppression, Episode, Segment, Term

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
    queryset = Episode.objects.all()
    if episodes is not None:
        queryset = queryset.filter(pk__in=[e.pk for e in episodes])
    segments = Segment.objects.only(
        "id",
        "episode_id",
        "order",
        "start",
        "start_estimated",
        "end",
        "marks",
        "text",
    ).order_by("order")
    return list(
        queryset.only("id")
        .order_by("published_on", "number", "pk")
        .prefetch_related(Prefetch("segments", queryset=segments))
    )


def citation_scope() -> CitationScope:
    """The matchers citations are found with (two queries); see `linking.scope`."""
    published = Q(term__status=Term.Status.PUBLISHED)
    unreviewed = Q(term__status__in=[Term.Status.CANDIDATE, Term.Status.DRAFT])
    return CitationScope(label_entries(published), label_entries(unreviewed))


def placed_citation(
    *,
    term_id: int,
    segment: Segment,
    start: int | None,
    end: int | None,
    next_start: float | None,
    **fields: Any,
) -> Citation:
    """An unsaved citation of `segment[start:end]`, placed by the one rule."""
    place = place_mention(
        segment.text,
        start,
        end,
        segment_start=segment.start,
        start_estimated=segment.start_estimated,
        marks=segment.marks,
        segment_end=segment.end,
        next_start=next_start,
    )
    return Citation(
        term_id=term_id,
        episode_id=segment.episode_id,
        segment=segment,
        seconds=place.seconds,
        approximate=place.approximate,
        start_char=place.start,
        end_char=place.end,
        surface=place.surface,
        quote=place.quote,
        **fields,
    )


def citations_refresh(
    *,
    terms: Sequence[Term] | None = None,
    episodes: Sequence[Episode] | None = None,
    progress: Progress = _no_progress,
) -> RefreshResult:
    """Rebuild automatic citations from segment text, for some terms or all.

    Which term a mention belongs to does not depend on `terms`
    (`linking.scope`): refreshing one term gives exactly the rows a full
    refresh gives it. Idempotent: rows that still match are left alone (ids
    and featured flags kept), new mentions are added, automatic citations no
    longer said are deleted unless featured. Manual citations are never
    touched.
    """
    scope = citation_scope()
    selected = None if terms is None else {t.pk for t in terms}
    # Only segments that can hold a mention of a selected term need the full
    # scan; a matcher of their labels alone finds them.
    sieve = (
        None
        if selected is None
        else Matcher(label_entries(Q(term__in=selected) & ~Q(term__status="rejected")))
    )
    loaded = _episodes_with_segments(episodes)

    wanted: dict[tuple[int, int, int | None], Citation] = {}
    places: dict[int, tuple[Segment, float | None]] = {}
    for episode in progress(loaded):
        segments = list(episode.segments.all())
        for segment, following in pairwise([*segments, None]):
            next_start = following.start if following else None
            places[segment.pk] = (segment, next_start)
            if sieve is not None and not sieve.find(segment.text):
                continue
            for match in scope.find(segment.text):
                if selected is not None and match.term_id not in selected:
                    continue
                wanted[(match.term_id, segment.pk, match.start)] = placed_citation(
                    term_id=match.term_id,
                    segment=segment,
                    start=match.start,
                    end=match.end,
                    next_start=next_start,
                )

    suppressed = CitationSuppression.objects.filter(segment__episode__in=loaded)
    if selected is not None:
        suppressed = suppressed.filter(term__in=selected)
    for key in suppressed.values_list("term_id", "segment_id", "start_char"):
        wanted.pop(key, None)  # "not this mention", an editor said

    existing = Citation.objects.filter(episode__in=loaded)
    if selected is not None:
        existing = existing.filter(term__in=selected)
    result = RefreshResult()
    fields = ["seconds", "approximate", "end_char", "surface", "quote"]
    moved = ["segment_id", "start_char", *fields]  # a featured citation moves
    to_update, to_delete, featured = [], [], []
    for citation in existing.annotate(term_status=F("term__status")).only(
        "id",
        "term_id",
        "episode_id",
        "segment_id",
        "source",
        "featured",
        *fields,
        "start_char",
    ):
        cited = (citation.term_id, citation.segment_id, citation.start_char)
        fresh = wanted.pop(cited, None)
        if citation.source == Citation.Source.MANUAL:
            continue
        if fresh is None:
            if not citation.featured or citation.term_status == Term.Status.REJECTED:
                to_delete.append(citation.pk)
            else:
                featured.append(citation)  # placed below, once `wanted` is settled
            continue
        if _take_place(citation, fresh, fields):
            to_update.append(citation)
        else:
            result.unchanged += 1
    for citation in featured:
        fresh = _featured_place(citation, wanted, places)
        if fresh is not None and _take_place(citation, fresh, moved):
            to_update.append(citation)
        else:
            result.unchanged += 1

    with transaction.atomic():
        Citation.objects.filter(pk__in=to_delete).delete()
        Citation.objects.bulk_update(to_update, moved, batch_size=1000)
        Citation.objects.bulk_create(wanted.values(), batch_size=1000)
    result.created, result.updated, result.deleted = (
        len(wanted),
        len(to_update),
        len(to_delete),
    )
    return result


def _take_place(citation: Citation, fresh: Citation, fields: list[str]) -> bool:
    """Give `citation` the placement of `fresh`; whether anything changed."""
    if all(getattr(citation, f) == getattr(fresh, f) for f in fields):
        return False
    for f in fields:
        setattr(citation, f, getattr(fresh, f))
    return True


def _featured_place(
    citation: Citation,
    wanted: dict[tuple[int, int, int | None], Citation],
    places: dict[int, tuple[Segment, float | None]],
) -> Citation | None:
    """Where a featured citation whose mention moved belongs now, placed.

    An editor featured the passage, so the flag follows its words: to the
    term's mention in the same segment that overlaps its span (a changed
    label moved the mention's start or end), or, when a re-ingest left it
    without a span (its words were not found), to the term's mention in the
    episode nearest its old time. With no such mention, the words are still
    the editor's pick: placed again where they are (a span) or as the whole
    segment (none), so the quote is always the transcript's current text.
    """
    if citation.segment_id not in places:
        return None
    segment, next_start = places[citation.segment_id]
    start, end = citation.start_char, citation.end_char
    if start is not None and end is not None:
        mentions = [
            (key, fresh)
            for key, fresh in wanted.items()
            if key[:2] == (citation.term_id, citation.segment_id)
            and (fresh.start_char or 0) < end
            and start < (fresh.end_char or 0)
        ]
    else:
        # A re-ingest kept it on the turn nearest its old time: the term's
        # mention nearest that time may be in the next turn or the last one.
        mentions = [
            (key, fresh)
            for key, fresh in wanted.items()
            if key[0] == citation.term_id and fresh.episode_id == citation.episode_id
        ]
    if mentions:
        key, fresh = min(mentions, key=lambda m: abs(m[1].seconds - citation.seconds))
        del wanted[key]
        return fresh
    if end is not None and end > len(segment.text):
        start = end = None
    return placed_citation(
        term_id=citation.term_id,
        segment=segment,
        start=start,
        end=end,
        next_start=next_start,
    )


def terms_sharing_words(
    term_ids: Iterable[int], labels: Iterable[str] = ()
) -> set[int]:
    """The terms whose citations a change to `term_ids`' labels can change.

    Two whole-word mentions overlap only where they share a word of the
    text, so a term is affected when one of its labels shares a word (plural
    "s"/"es" aside) with a label of a changed term, or with one of `labels`
    (labels a change removed), in one query.
    """
    changed = set(term_ids)
    rows = list(Alias.objects.values_list("term_id", "normalized"))
    words = {_stem(word) for label in labels for word in normalize_label(label).split()}
    words.update(
        _stem(word)
        for term_id, key in rows
        if term_id in changed
        for word in key.split()
    )
    if not words:
        return changed
    return changed | {
        term_id
        for term_id, key in rows
        if any(_stem(word) in words for word in key.split())
    }


def _stem(word: str) -> str:
    for ending in ("ies", "es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word
