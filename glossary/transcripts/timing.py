"""The time of a point inside a segment, from the known times around it."""

from __future__ import annotations

from collections.abc import Sequence


def time_at(
    offset: int,
    *,
    start: float,
    text_length: int,
    marks: Sequence[Sequence[float]] = (),
    next_start: float | None = None,
) -> float:
    """Seconds at character `offset` of a segment's text.

    Known points are the segment's start (offset 0), its `(offset, seconds)`
    marks, and the next segment's start (at the end of the text); between two
    of them the time is linear in the character offset, and past the last one
    it stays there. The result is an estimate unless `offset` is a mark's.
    """
    points = [(0, start), *((int(o), float(s)) for o, s in marks)]
    if next_start is not None and next_start >= points[-1][1]:
        points.append((max(text_length, points[-1][0]), next_start))
    for (o0, s0), (o1, s1) in zip(points, points[1:], strict=False):
        if o0 <= offset < o1:
            return round(s0 + (s1 - s0) * (offset - o0) / (o1 - o0), 3)
    return points[-1][1] if offset >= points[-1][0] else start
