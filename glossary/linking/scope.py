"""Which term a mention in a transcript belongs to: one rule, whatever is refreshed.

Published terms are matched first, exactly as the reader pages link them
(leftmost-longest among published terms only). Terms not yet reviewed
(candidates and drafts) are matched among themselves and keep a mention
only where it overlaps no published one: an unreviewed "machine learning
community" never takes a mention from the published "machine learning".
Rejected terms are not matched at all. See docs/linking.md.

The segmentation depends only on the glossary and the text, never on which
terms are being refreshed, so refreshing one term yields exactly the rows a
full refresh yields for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .matcher import Entry, Match, Matcher


class CitationScope:
    """The two matchers citations are found with; build once per refresh."""

    __slots__ = ("published", "unreviewed")

    def __init__(
        self, published: Iterable[Entry], unreviewed: Iterable[Entry] = ()
    ) -> None:
        self.published = Matcher(published)
        self.unreviewed = Matcher(unreviewed)

    def find(self, text: str) -> list[Match]:
        """Every mention in `text`, in order, each given to one term."""
        found = self.published.find(text, first_only=False)
        others = self.unreviewed.find(text, first_only=False)
        if not others:
            return found
        if not found:
            return others
        kept = list(found)
        spans = [(m.start, m.end) for m in found]
        i = 0
        for match in others:
            while i < len(spans) and spans[i][1] <= match.start:
                i += 1
            if i < len(spans) and spans[i][0] < match.end:
                continue  # overlaps a published mention
            kept.append(match)
        kept.sort(key=lambda m: m.start)
        return kept
