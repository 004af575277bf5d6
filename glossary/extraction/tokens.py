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
    NAME_ABBREVIATIONS,
    NOT_PLURAL,
    STATE_ABBREVIATIONS,
    STOPWORDS,
    TITLE_ABBREVIATIONS,
    TITLES,
    VERBS,
)

# A word; an apostrophe, a dot or a slash inside it keeps it whole when a
# letter or digit follows ("it's", "polyfill.io", "pkg.go.dev", "HTTP/2",
# "1.23"): written that way, it is a name or a number, not two words.
WORD_RE = re.compile(r"[^\W_]+(?:(?:['\u2019]|[./](?=[^\W_]))[^\W_]+)*")
NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*")
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
TITLE = 512  # an honorific or office said before a name ("Senator", "Dr")


@dataclass(slots=True)
class Token:
    """One word: `text[start:end]` of the segment, and what phrase rules need."""

    text: str
    start: int
    end: int
    fold: str
    flags: int
    capital: bool  # starts with a capital ("Meta", "AI", "OpenAI") or "jQuery"
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
    if NUMBER_RE.fullmatch(folded):
        flags |= NUMBER
    if "'" in folded:
        flags |= APOSTROPHE
    if len(folded) == 1:
        flags |= SHORT
    if folded in VERBS:
        flags |= VERB
    if folded in TITLES:
        flags |= TITLE
    return flags


@lru_cache(maxsize=65536)
def singular(folded: str, acronym: bool = False) -> str:
    """The singular of a folded word, by simple English rules.

    Only the last word of a phrase is made singular ("foundation models" →
    "foundation model"), as the linker folds plurals; phrase building leaves
    a word capitalised mid-sentence as it is ("United States", "Evans").
    Words that merely end in "s" ("analysis", "politics", "bias") are
    listed in `NOT_PLURAL`.
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


def _abbreviation(previous: Token, word: str) -> tuple[bool, bool]:
    """(joined, initial) after "Abbr. ": "St. Paul" is one name, "Dr. Rath" a
    title before one; elsewhere the period ends a sentence."""
    if not previous.capital or not word[:1].isupper():
        return False, True
    if previous.fold in NAME_ABBREVIATIONS:
        previous.flags &= ~STOP  # "St" may start the name it belongs to
        return True, False
    if previous.fold in TITLE_ABBREVIATIONS:
        return False, False
    return False, True


def _state_after_place(previous: Token, word: str, text: str, end: int) -> bool:
    """ "Portland, Ore.": a state's abbreviation with its period, after a place."""
    return (
        previous.capital
        and not previous.upper
        and word[:1].isupper()
        and fold(word) in STATE_ABBREVIATIONS
        and text[end : end + 1] == "."
    )


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
            if initial and gap == ". ":
                joined, initial = _abbreviation(tokens[-1], word)
            elif gap == ", " and _state_after_place(tokens[-1], word, text, end):
                joined = True
        previous_end = end
        # "Tom's" → "Tom" + "'s"; contractions such as "it's" stay whole.
        possessive = folded.endswith("'s") and len(folded) > 3
        possessive = possessive and folded not in STOPWORDS
        if possessive:
            end -= 2
            word, folded = word[:-2], folded[:-2]
        # Capitalised, or camel-cased from a lower-case start ("jQuery",
        # "iPhone"): written as a name either way.
        capital = word[:1].isupper() or (
            word[:1].islower() and not word.islower() and word[1:2].isupper()
        )
        flags = word_flags(folded)
        upper = capital and is_acronym(word)
        token = Token(
            word, start, end, folded, flags, capital, upper, initial, joined, hyphen
        )
        tokens.append(token)
        if possessive:
            tokens.append(_possessive(text, end, previous_end))
    return tokens
