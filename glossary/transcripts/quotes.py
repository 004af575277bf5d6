"""The sentence around a mention, trimmed to a readable length."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n+")
ELLIPSIS = "…"


def quote_around(text: str, start: int, end: int, *, max_chars: int = 240) -> str:
    """The sentence holding `text[start:end]`, cut at word boundaries if long.

    When the sentence is longer than `max_chars`, the window is centred on the
    mention and marked with ellipses where it was cut; the mention itself is
    always whole.
    """
    begin = 0
    finish = len(text)
    for boundary in SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            begin = boundary.end()
        elif boundary.start() >= end:
            finish = boundary.start()
            break
    sentence_start, sentence_end = begin, finish
    if sentence_end - sentence_start > max_chars:
        room = max(max_chars - (end - start), 0)
        left = max(sentence_start, start - room // 2)
        right = min(sentence_end, left + max(max_chars, end - start))
        left = max(sentence_start, min(left, right - max_chars))
        sentence_start, sentence_end = (
            _word_start(text, left, start),
            _word_end(text, right, end),
        )
    quote = text[sentence_start:sentence_end].strip()
    if sentence_start > begin:
        quote = ELLIPSIS + quote
    if sentence_end < finish:
        quote += ELLIPSIS
    return quote


def _word_start(text: str, position: int, limit: int) -> int:
    """Move right to the start of a word, never past `limit`."""
    if position == 0 or text[position - 1].isspace():
        return position
    space = text.find(" ", position, limit)
    return space + 1 if space != -1 else position


def _word_end(text: str, position: int, limit: int) -> int:
    """Move left to the end of a word, never before `limit`."""
    if position >= len(text) or text[position].isspace():
        return position
    space = text.rfind(" ", limit, position)
    return space if space != -1 else position
