"""Text folded the way labels are, with the way back to the original offsets.

The linker scans a folded copy of the caller's text and reports offsets into
the original, so folding keeps a map of where every character came from.
Building the map costs nothing for most texts:

1. The text is folded the way labels are (NFKC, case folded, apostrophes
   unified, hyphens and white space as spaces). For most texts folding keeps
   every character where it was, and a handful of C-level string calls do
   it. Only characters that normalisation grows or shrinks ("ﬁ", "İ", "ß",
   a letter followed by a combining accent) go through a slower path that
   records where their folded form came from (an `OffsetMap`).
2. Runs of spaces become one space, again remembering where
   (`collapse_spaces`).
3. Every character that is not a word character (spaces, punctuation,
   emoji) becomes a boundary marker, `MARK`, and one more marker pads each
   end (`mark_boundaries`). The marked text has the length of the collapsed
   one, so it needs no map of its own.

`PreparedText` holds the three forms of one text and maps a span of the
marked one back to the original. The HTML mode keeps an `OffsetMap` too, for
entities decoded in a text run (`AT&amp;T` read as "AT&T").
"""

from __future__ import annotations

import re
import string
import unicodedata
from bisect import bisect_right

from .normalize import (
    FOLD_TABLE,
    attaches,
    fold,
    fold_keep_case,
    folds_alone,
    is_word_char,
)

MARK = "\x1f"
"""Word-boundary marker: every non-word character of the scanned text is one."""

_ASCII_NON_WORD = "".join(c for c in map(chr, range(128)) if not is_word_char(c))
_ASCII_TO_MARK = str.maketrans(dict.fromkeys(_ASCII_NON_WORD, MARK))
_ASCII_BYTES = bytes(range(128))
# Folding ASCII is lowering it and turning separators into spaces: one
# `str.translate` through its ASCII fast path.
_ASCII_FOLD = str.maketrans(
    {
        **{c: " " for c in map(chr, range(128)) if c.translate(FOLD_TABLE) == " "},
        **{c: c.lower() for c in string.ascii_uppercase},
    }
)
_SPACES = re.compile(" +")


class OffsetMap:
    """Where the folded form of each grown or shrunk piece came from.

    Between two chunks folded text and original run in step, so only the
    chunks are stored: folded start/end and original start/end of each.
    """

    __slots__ = ("f_starts", "f_ends", "o_starts", "o_ends")

    def __init__(self) -> None:
        self.f_starts: list[int] = []
        self.f_ends: list[int] = []
        self.o_starts: list[int] = []
        self.o_ends: list[int] = []

    def add(
        self, folded_start: int, folded_end: int, original_start: int, original_end: int
    ) -> None:
        """Record one piece; pieces are added in order of position."""
        self.f_starts.append(folded_start)
        self.f_ends.append(folded_end)
        self.o_starts.append(original_start)
        self.o_ends.append(original_end)

    def start(self, pos: int) -> int:
        """Original start of the character at folded position `pos`."""
        i = bisect_right(self.f_starts, pos) - 1
        if i < 0:
            return pos
        if pos < self.f_ends[i]:
            return self.o_starts[i]
        return pos + self.o_ends[i] - self.f_ends[i]

    def end(self, pos: int) -> int:
        """Original end of a span whose folded end (exclusive) is `pos`."""
        i = bisect_right(self.f_starts, pos - 1) - 1
        if i < 0:
            return pos
        if pos - 1 < self.f_ends[i]:
            return self.o_ends[i]
        return pos + self.o_ends[i] - self.f_ends[i]


def fold_text(text: str) -> tuple[str, OffsetMap | None]:
    """Fold `text` like a label, returning the offsets map when one is needed.

    A character and the combining marks after it are folded together (so
    "e" + U+0301 becomes "é" as NFKC wants), every other character alone.
    A piece whose folded form has other characters, or another length, is
    recorded: an offset inside it maps to the whole piece. Returns `None`
    for the map when the folded text is aligned character for character
    with the input, which is the common case.
    """
    if text.isascii():
        return text.translate(_ASCII_FOLD), None
    pre = text.translate(FOLD_TABLE)
    if unicodedata.is_normalized("NFKC", pre):
        folded = pre.casefold()
        if len(folded) == len(pre):
            return folded, None
    hits: list[int] = []
    for char in set(pre):
        if not folds_alone(char):
            i = pre.find(char)
            while i != -1:
                hits.append(i)
                i = pre.find(char, i + 1)
    hits.sort()
    chunks = OffsetMap()
    pieces: list[str] = []
    length = len(pre)
    done = 0  # end of the last piece recorded
    scanned = 0  # end of the last piece looked at
    folded_len = 0
    for hit in hits:
        if hit < scanned:
            continue
        start = hit
        while start > 0 and attaches(pre[start]):
            start -= 1
        end = hit + 1
        while end < length and attaches(pre[end]):
            end += 1
        scanned = end
        piece = fold(text[start:end])
        if len(piece) == end - start and piece == pre[start:end].casefold():
            continue  # folds one for one after all: offsets need no record
        if start > done:
            pieces.append(pre[done:start].casefold())
            folded_len += start - done
        pieces.append(piece)
        chunks.add(folded_len, folded_len + len(piece), start, end)
        folded_len += len(piece)
        done = end
    if done < length:
        pieces.append(pre[done:].casefold())
    return "".join(pieces), chunks


def collapse_spaces(folded: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Runs of spaces as one; returns the text and where characters went.

    `runs[i]` is the collapsed position just after the i-th shortened run,
    `removed[i]` how many characters all runs up to it removed.
    """
    if "  " not in folded:
        return folded, None, None
    runs: list[int] = []
    removed: list[int] = []
    pieces: list[str] = []
    total = 0
    done = 0
    i = folded.find("  ")
    while i != -1:
        end = _SPACES.match(folded, i).end()  # type: ignore[union-attr]
        pieces.append(folded[done : i + 1])
        runs.append(i + 1 - total)
        total += end - i - 1
        removed.append(total)
        done = end
        i = folded.find("  ", end)
    pieces.append(folded[done:])
    return "".join(pieces), runs, removed


def mark_boundaries(text: str) -> str:
    """Replace every non-word character (space included) by MARK.

    ASCII text takes `str.translate`'s one-to-one ASCII fast path. Other
    text replaces each non-word character present; finding which ones are
    present goes through the UTF-8 bytes, where deleting every ASCII byte
    is one fast call, because a `set` of the whole string is not.
    """
    if text.isascii():
        return text.translate(_ASCII_TO_MARK)
    others = text.encode("utf-8").translate(None, _ASCII_BYTES).decode("utf-8")
    for char in set(others):
        if not is_word_char(char):
            text = text.replace(char, MARK)
    for char in _ASCII_NON_WORD:
        if char in text:
            text = text.replace(char, MARK)
    return text


def normalise(text: str) -> str:
    """The form a label is matched in: folded, spaces collapsed, stripped."""
    return " ".join(fold_text(text)[0].split())


def marked_text(text: str) -> str:
    """The string the automaton scans for `text` (for benchmarks and tests)."""
    return PreparedText(text).marked


def case_form(text: str) -> str:
    """A surface as a case-sensitive label is compared to it: not case folded."""
    return " ".join(fold_keep_case(text).split())


class PreparedText:
    """A text ready to search: folded, collapsed, marked, and the way back.

    The marked string is the collapsed one with a marker at each end, so a
    position in it is one more than in the collapsed text; `span` goes on
    from there through the collapsed runs and the folded chunks.
    """

    __slots__ = ("original", "folded", "marked", "chunks", "runs", "removed")

    def __init__(self, original: str) -> None:
        folded, self.chunks = fold_text(original)
        self.folded, self.runs, self.removed = collapse_spaces(folded)
        self.original = original
        self.marked = MARK + mark_boundaries(self.folded) + MARK

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the characters marked[start:end]."""
        start -= 1
        end -= 1
        runs = self.runs
        if runs is not None:
            removed = self.removed
            i = bisect_right(runs, start)
            if i:
                start += removed[i - 1]  # type: ignore[index]
            i = bisect_right(runs, end - 1)
            if i:
                end += removed[i - 1]  # type: ignore[index]
        chunks = self.chunks
        if chunks is not None:
            return chunks.start(start), chunks.end(end)
        return start, end
