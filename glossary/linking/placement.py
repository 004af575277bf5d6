"""Where a mention sits in a transcript: its time, how sure that time is, its quote.

One rule for every path that stores or shows a mention (the citation refresh,
citations an editor adds, citations moved by a re-ingest, extraction's
evidence), so a mention has one time and one quote wherever it is read:

- the time is interpolated in character offsets between the known points of
  the segment (`transcripts.timing.time_at`): its start, its marks, and at
  the end of its text the segment's own end when the file gives one, else
  the next segment's start;
- the time is exact (`approximate` false) only at a known point: a mark's
  offset, or offset 0 of a segment whose start the file gave;
- the quote is the sentence around the mention, cut at word boundaries
  (`transcripts.quotes.quote_around`);
- the surface is the words as said, at most `SURFACE_MAX` characters.

Pure Python over plain values, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..transcripts.quotes import quote_around
from ..transcripts.timing import time_at

SURFACE_MAX = 200


@dataclass(frozen=True, slots=True)
class Placement:
    """A mention placed in its segment; `start`/`end` are None for a whole turn."""

    start: int | None
    end: int | None
    seconds: float
    approximate: bool
    surface: str
    quote: str


def place_mention(
    text: str,
    start: int | None,
    end: int | None,
    *,
    segment_start: float,
    start_estimated: bool = False,
    marks: Sequence[Sequence[float]] = (),
    segment_end: float | None = None,
    next_start: float | None = None,
) -> Placement:
    """Place `text[start:end]` of a segment (or the whole turn, without a span).

    `marks` are the segment's `[offset, seconds]` pairs; `segment_end` its
    own end time, if the file gave one; `next_start` the next segment's
    start. Without a span the turn is cited at its start.
    """
    if start is None or end is None:
        return Placement(
            start=None,
            end=None,
            seconds=max(segment_start, 0.0),
            approximate=start_estimated,
            surface="",
            quote=quote_around(text, 0, 0),
        )
    until = segment_end if segment_end is not None else next_start
    seconds = time_at(
        start,
        start=segment_start,
        text_length=len(text),
        marks=marks,
        next_start=until,
    )
    exact = (start == 0 and not start_estimated) or any(
        int(offset) == start for offset, _ in marks
    )
    return Placement(
        start=start,
        end=end,
        seconds=max(seconds, 0.0),
        approximate=not exact,
        surface=text[start:end][:SURFACE_MAX],
        quote=quote_around(text, start, end),
    )
