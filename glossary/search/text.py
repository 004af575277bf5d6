"""Plain-text work both search backends share: query variants, match spans,
relevance and snippets.

No Django here: these take strings and return strings and spans, so they are
tested without a database, and a backend only decides which rows to read.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

from ..transcripts.timing import time_at

FUZZY_MIN_LENGTH, FUZZY_MAX_LENGTH = 3, 64
"""Trigram matching only for label-sized queries: shorter ones share a
trigram with too many labels, longer ones are sentences."""
SNIPPET_CHARS = 220
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters PostgreSQL refuses (NUL) or a page cannot show."""


def letter_swaps(normalized: str, *, limit: int = 48) -> list[str]:
    """The query with adjacent letters swapped: one pair, then one per word.

    Catches the typo trigrams miss on short words (in "rhlf" only one of five
    trigrams survives the swap, so "rlhf" looks unrelated) and a swap in
    each of several words ("langauge modle"). Single swaps come first, so
    the cap keeps the likeliest.
    """
    if not normalized or len(normalized) > FUZZY_MAX_LENGTH:
        return []
    words = normalized.split(" ")
    per_word = [_swaps(word) for word in words]
    variants: list[str] = []
    for i, swapped in enumerate(per_word):
        for word in swapped:
            variants.append(" ".join([*words[:i], word, *words[i + 1 :]]))
    if len(words) > 1:
        for combination in itertools.product(
            *([word, *swapped] for word, swapped in zip(words, per_word, strict=True))
        ):
            changed = sum(a != b for a, b in zip(combination, words, strict=True))
            if changed > 1:
                variants.append(" ".join(combination))
            if len(variants) >= limit:
                break
    return list(dict.fromkeys(variants))[:limit]


def _swaps(word: str) -> list[str]:
    found = []
    for i in range(len(word) - 1):
        a, b = word[i], word[i + 1]
        if a != b and a.isalnum() and b.isalnum():
            found.append(word[:i] + b + a + word[i + 2 :])
    return list(dict.fromkeys(found))


Span = tuple[int, int, str]
"""Where a match is in a text, and what it matched (a lexeme or a needle)."""


def lexeme_spans(text: str, lexemes: Sequence[str]) -> list[Span]:
    """Words of `text` that PostgreSQL's stems stand for, found by prefix.

    A stem is a prefix of most words it stands for ("sourc": source,
    sources); the rest end differently by a letter ("happi": happy,
    "tune": tuning), so four-letter and longer stems also match without
    their last letter. Only used to rank and highlight rows PostgreSQL
    already matched, where a rare false highlight costs nothing.
    """
    stems = tuple(sorted({lexeme.casefold() for lexeme in lexemes if lexeme}))
    if not stems:
        return []
    pattern, keys = _stems_pattern(stems)
    return [
        (match.start(), match.end(), keys[match.lastgroup])
        for match in pattern.finditer(text)
    ]


@lru_cache(maxsize=256)
def _stems_pattern(stems: tuple[str, ...]) -> tuple[re.Pattern, dict[str, str]]:
    """One regex for all stems; the name of the group that matched says which."""
    keys = {f"s{i}": stem for i, stem in enumerate(stems)}
    longest_first = sorted(keys.items(), key=lambda item: -len(item[1]))
    alternatives = "|".join(
        f"(?P<{name}>{re.escape(stem[:-1] if len(stem) >= 4 else stem)})"
        for name, stem in longest_first
    )
    word = rf"(?<!\w)(?:{alternatives})\w*(?:['’-]\w+)*"
    return re.compile(word, re.IGNORECASE), keys


def needle_spans(text: str, needles: Sequence[str]) -> list[Span]:
    """Case-insensitive occurrences of each needle (the fallback's matching)."""
    wanted = [needle for needle in needles if needle]
    if not wanted:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in wanted), re.IGNORECASE)
    return [(m.start(), m.end(), m.group().casefold()) for m in pattern.finditer(text)]


def relevance(spans: list[Span], text: str) -> tuple[int, int, float]:
    """Distinct terms found, then occurrences (up to 5), then brevity."""
    return (len({key for _, _, key in spans}), min(len(spans), 5), -len(text))


def snippet(text: str, spans: list[Span], *, width: int = SNIPPET_CHARS) -> str:
    """HTML: the window of `text` with the most distinct matches, marked.

    Every piece of text is escaped; `<mark>` is the only markup added.
    """
    text = CONTROL_CHARACTERS.sub(" ", text)
    start, end = _window(text, spans, width)
    parts = ["… "] if start > 0 else []
    position = start
    for span_start, span_end, _ in spans:
        if span_start < position or span_end > end:
            continue
        parts.append(_escape(text[position:span_start]))
        parts.append(f"<mark>{_escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(_escape(text[position:end]))
    if end < len(text):
        parts.append(" …")
    return "".join(parts).strip()


def first_shown(text: str, spans: list[Span], *, width: int = SNIPPET_CHARS) -> int:
    """Offset of the first match the snippet shows (0 without one): a
    quote's time link starts there rather than at the start of the turn."""
    start, end = _window(text, spans, width)
    return next((a for a, b, _ in spans if a >= start and b <= end), 0)


def _window(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    start = 0
    if spans:
        starts = [span[0] for span in spans]
        best = None
        for anchor in starts[:20]:
            begin = max(0, anchor - width // 4)
            inside = spans[
                bisect_left(starts, begin) : bisect_right(starts, begin + width - 1)
            ]
            score = (len({key for _, _, key in inside}), len(inside), -anchor)
            if best is None or score > best[0]:
                best = (score, begin)
        start = best[1]
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start, start + 30)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 30, end)
        end = space if space > start else end
    return start, end


def _escape(text: str) -> str:
    """As `django.utils.html.escape` (quotes too), minus its lazy-string wrapper."""
    return html.escape(text, quote=True)


def time_of(
    text: str,
    spans: list[Span],
    start: float,
    marks: list | str | None,
    next_start: float | None,
) -> float:
    """When the first match the snippet shows was said, interpolated in the
    turn the way citations' times are. (A raw query reads `marks` as JSON
    text: Django leaves decoding to the field.)"""
    if isinstance(marks, str):
        marks = json.loads(marks)
    return time_at(
        first_shown(text, spans),
        start=start,
        text_length=len(text),
        marks=marks or (),
        next_start=next_start,
    )
