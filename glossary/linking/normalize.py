"""Label normalisation shared by the linker, extraction and the database.

Two labels that normalise alike name the same thing: Unicode NFKC, case
folded, curly and straight apostrophes alike, hyphens and spaces alike,
runs of white space collapsed.

The character-level helpers below are what the linker folds running text
with. They follow the same rules as `normalize_label`, one character (with
its combining marks) at a time, so that an offset in the folded text can be
traced back to the characters it came from.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"}
)
HYPHENS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014]+")

#: Every character `str.isspace` (and so the regex `\s`) accepts.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
#: Hyphens and dashes that separate words the way a space does.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014"

#: One character in, one character out: separators become a space and every
#: apostrophe a straight one. Being 1:1 keeps offsets where they were.
FOLD_TABLE = str.maketrans(
    {
        **dict.fromkeys(WHITESPACE + HYPHENS, " "),
        **dict.fromkeys("\u2019\u2018\u02bc\u2032", "'"),
    }
)


def normalize_label(label: str) -> str:
    """The key under which a label is unique: `"Open-Source"` → `"open source"`."""
    text = unicodedata.normalize("NFKC", label).translate(APOSTROPHES).casefold()
    return HYPHENS_RE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Fold a piece of text the way `normalize_label` does, without collapsing.

    NFKC, apostrophes unified, case folded, each separator a single space.
    The separators are translated before and after case folding so that
    neither step can bring one back.
    """
    text = unicodedata.normalize("NFKC", text).translate(FOLD_TABLE)
    return text.casefold().translate(FOLD_TABLE)


def fold_keep_case(text: str) -> str:
    """`fold` without the case folding, for labels that are case-sensitive."""
    return unicodedata.normalize("NFKC", text).translate(FOLD_TABLE)


def collapse(text: str) -> str:
    """Runs of white space as one space, none at either end."""
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def is_word_char(char: str) -> bool:
    """Letters, digits, underscore and combining marks make words.

    A mark belongs to the letter it sits on, so "é" written as "e" and a
    combining acute accent is one word, not a word and a boundary.
    """
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


@lru_cache(maxsize=4096)
def attaches(char: str) -> bool:
    """True for a character that normalisation may merge into the one before.

    Combining marks, Hangul vowel and final jamo, and compatibility characters
    that normalise to a combining mark (half-width katakana voicing marks).
    Such a character is folded together with its base character.
    """
    if unicodedata.category(char)[0] == "M" or unicodedata.combining(char):
        return True
    code = ord(char)
    if 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF:
        return True
    first = unicodedata.normalize("NFKC", char)[:1]
    return bool(first) and first != char and attaches(first)


@lru_cache(maxsize=4096)
def folds_alone(char: str) -> bool:
    """True when `fold` maps the character to exactly one character by itself.

    Text made only of such characters folds character by character, which
    is the fast path of the linker: offsets need no map.
    """
    if attaches(char):
        return False
    if not unicodedata.is_normalized("NFKC", char):
        return False
    return len(char.translate(FOLD_TABLE).casefold()) == 1


# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer,
# kana and Han ideographs. Korean is written with spaces and is not here.
_UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)


@lru_cache(maxsize=4096)
def is_unspaced(char: str) -> bool:
    """True for a character of a script written without spaces between words.

    A label in such a script matches inside running text of it (中文 in
    我们学习中文), where a Latin label still needs word boundaries.
    """
    code = ord(char)
    return any(low <= code <= high for low, high in _UNSPACED_RANGES)
