"""Words of a segment's text, with the facts phrase building needs about each.

A token knows its offsets in the original text, its folded form, whether it
starts a sentence (so its capital letter says nothing) and whether it is
joined to the token before it. Only white space or a single hyphen joins two
tokens: any punctuation, a line break or a spaced dash ends a phrase, so
"open-source" and "open source" build the same phrase and "data, code" does
not build "data code".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .stopwords import (
    ED_NOUNS,
    FILLERS,
    GENERIC_WORDS,
    LY_NOUNS,
    NOT_PLURAL,
    STOPWORDS,
    VERBS,
)

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
HYPHENS = frozenset("-\u2010\u2011")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
SENTENCE_END = frozenset(".?!\n\u2026:;")

# Bit flags describing a folded word; computed once per distinct word.
STOP = 1
FILLER = 2
GENERIC = 4
ADVERB = 8  # lower-case "-ly" words that are not nouns ("totally")
PARTICIPLE = 16  # lower-case "-ed" words that are not nouns ("released")
NUMBER = 32
APOSTROPHE = 64  # contractions left after splitting off "'s" ("we'll")
SHORT = 128  # one character: "a", "s", the "P" of "P. I."
VERB = 256  # a common verb form ("needs", "make"): no part of a term


@dataclass(slots=True)
class Token:
    """One word: `text[start:end]` of the segment, and what phrase rules need."""

    text: str
    start: int
    end: int
    fold: str
    flags: int
    capital: bool  # starts with a capital letter ("Meta", "AI", "OpenAI")
    upper: bool  # an acronym: two or more capitals and no lower case but a plural s
    initial: bool  # first word of a sentence, where capitals say nothing
    joined: bool  # nothing but one space or one hyphen since the previous token
    hyphen: bool  # joined to the previous token by a hyphen


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case folded, with curly apostrophes straightened (as `normalize_label`)."""
    return word.translate(APOSTROPHES).casefold()


@lru_cache(maxsize=65536)
def word_flags(folded: str) -> int:
    """The `STOP`/`FILLER`/... flags of a folded word (cached: words repeat)."""
    flags = 0
    if folded in STOPWORDS:
        flags |= STOP
    if folded in FILLERS:
        flags |= FILLER
    if folded in GENERIC_WORDS:
        flags |= GENERIC
    if folded.endswith("ly") and folded not in LY_NOUNS:
        flags |= ADVERB
    if folded.endswith("ed") and len(folded) > 3 and folded not in ED_NOUNS:
        flags |= PARTICIPLE
    if folded.isdigit():
        flags |= NUMBER
    if "'" in folded:
        flags |= APOSTROPHE
    if len(folded) == 1:
        flags |= SHORT
    if folded in VERBS:
        flags |= VERB
    return flags


@lru_cache(maxsize=65536)
def singular(folded: str, acronym: bool = False) -> str:
    """The singular of a folded word, by simple English rules.

    Only the last word of a phrase is made singular ("foundation models" →
    "foundation model"), as the linker folds plurals. Words that merely end
    in "s" ("analysis", "politics", "bias") are listed in `NOT_PLURAL`.
    An acronym's plural is a lower-case "s" after capitals ("LLMs").
    """
    if acronym:
        return folded[:-1] if len(folded) > 2 and folded.endswith("s") else folded
    if len(folded) <= 3 or folded in NOT_PLURAL or not folded.endswith("s"):
        return folded
    if folded.endswith("ies") and len(folded) > 4:
        return folded[:-3] + "y"
    if folded.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return folded[:-2]
    if folded.endswith(("ss", "us", "is", "ics", "'s")):
        return folded
    return folded[:-1]


@lru_cache(maxsize=65536)
def is_acronym(word: str) -> bool:
    """Capitals only, but for a plural "s": "RLHF", "AI", "LLMs", "GPUs"."""
    core = word[:-1] if len(word) > 2 and word.endswith("s") else word
    return len(core) >= 2 and core.isalpha() and core.isupper()


def _possessive(text: str, start: int, end: int) -> Token:
    return Token(
        text[start:end],
        start,
        end,
        "'s",
        STOP | APOSTROPHE,
        capital=False,
        upper=False,
        initial=False,
        joined=True,
        hyphen=False,
    )


def tokenize(text: str) -> list[Token]:
    """The words of `text` in order; a possessive "'s" becomes its own token.

    "Meta's models" gives "Meta", "'s", "models": the "'s" is a stopword, so
    it ends the phrase and "Meta" is counted as the name it is.
    """
    tokens: list[Token] = []
    previous_end = 0
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        word = match.group()
        folded = fold(word)
        gap = text[previous_end:start]
        if not tokens:
            initial, joined, hyphen = True, False, False
        else:
            hyphen = len(gap) == 1 and gap in HYPHENS
            joined = hyphen or (gap.isspace() and "\n" not in gap)
            initial = not joined and not SENTENCE_END.isdisjoint(gap)
        previous_end = end
        # "Tom's" → "Tom" + "'s"; contractions such as "it's" stay whole.
        possessive = folded.endswith("'s") and len(folded) > 3
        possessive = possessive and folded not in STOPWORDS
        if possessive:
            end -= 2
            word, folded = word[:-2], folded[:-2]
        capital = word[:1].isupper()
        flags = word_flags(folded)
        upper = capital and is_acronym(word)
        token = Token(
            word, start, end, folded, flags, capital, upper, initial, joined, hyphen
        )
        tokens.append(token)
        if possessive:
            tokens.append(_possessive(text, end, previous_end))
    return tokens
