""" "Not this mention": suppressions follow their words through a re-ingest.

`citations_delete` records them and the refresh honours them; when an
episode is ingested again, a suppression on a changed turn moves to the
nearest place (in time) its words are said, as citations do, and is dropped
when they are said nowhere any more (nothing is left to suppress).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ...models import CitationSuppression, Segment


def suppressions_relocate(
    *, stale: Sequence[Segment], new: Sequence[Segment]
) -> list[CitationSuppression]:
    """Move the suppressions of `stale` segments onto `new` ones (unsaved moves).

    Returns the moved suppressions for the caller to save once the new
    segments have ids; deletes those whose words are gone.
    """
    if not stale:
        return []
    moved: list[CitationSuppression] = []
    dropped: list[int] = []
    taken: set[tuple[int, int, int]] = set()
    for suppression in CitationSuppression.objects.filter(segment__in=stale):
        place = nearest_occurrence(suppression.surface, suppression.seconds, new)
        key = place and (suppression.term_id, place[0].order, place[1])
        if place is None or key in taken:
            dropped.append(suppression.pk)
            continue
        taken.add(key)  # type: ignore[arg-type]
        segment, start = place
        suppression.segment = segment
        suppression.start_char = start
        suppression.end_char = start + len(suppression.surface)
        suppression.seconds = segment.start
        moved.append(suppression)
    CitationSuppression.objects.filter(pk__in=dropped).delete()
    return moved


def nearest_occurrence(
    surface: str,
    seconds: float,
    segments: Sequence[Segment],
    *,
    taken: Collection[tuple[int, int, int | None]] = frozenset(),
    term_id: int | None = None,
) -> tuple[Segment, int] | None:
    """The segment saying `surface` nearest in time to `seconds`, and where.

    A place in `taken` ((term id, segment order, offset) already given to
    another citation of the term) is passed over.
    """
    if not surface:
        return None
    best: tuple[float, Segment, int] | None = None
    for segment in segments:
        position = segment.text.find(surface)
        while position != -1:
            distance = abs(segment.start - seconds)
            free = (term_id, segment.order, position) not in taken
            if free and (best is None or distance < best[0]):
                best = (distance, segment, position)
            position = segment.text.find(surface, position + 1)
    return (best[1], best[2]) if best else None
