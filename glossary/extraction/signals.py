"""The signals a candidate is scored on, each a small pure function.

The score multiplies them (see `combine`): how often and how widely the
phrase is used, counted only where it stands on its own (C-value's idea:
"source community" inside "open source community" is no evidence for
"source community"), how long it is, how tightly its words stick together,
whether it is written as a name or an acronym, and whether it ends in a
domain head noun. Weights were set by measuring the ranking on the seed
episode; docs/extraction.md has the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .stopwords import (
    DOMAIN_WORDS,
    GENERIC_WORDS,
    HEAD_NOUNS,
    NOMINAL_SUFFIXES,
    WEAK_SINGLES,
)

# log2(words + 1), as in C-value, flattened past three words: longer phrases
# in speech are more often accidents than terms.
LENGTH_WEIGHTS = (1.0, 1.0, 1.6, 1.8, 1.9, 1.9, 1.9)
NAME_BONUS = 1.3
# An acronym of three letters or more in speech is nearly always jargon of
# the field (GPU, RLHF, AGI, FTC); two-letter ones are often not (PR, TV).
ACRONYM_BONUS = 1.5
HEAD_BONUS = 1.2
SPEAKERS_BONUS = 1.1
# One mention is thin evidence; a name said once still names something, a
# lower-case phrase or an acronym said once is most often a free combination
# of words or a stray ("YOLO", "PI").
ONCE_PENALTY = 0.5
ONCE_PENALTY_NAME = 0.8


def termhood(frequency: int, independent: int) -> float:
    """Occurrences that count: all free-standing ones, half of the nested ones.

    `independent` is how often the phrase occurs outside any longer repeated
    candidate. A nested occurrence still says a little about the shorter
    phrase ("open source" inside "open source community" is still open
    source), so it counts half.
    """
    return independent + 0.5 * (frequency - independent)


def dispersion(weight: float, segments: int) -> float:
    """Geometric mean of the weighted frequency and the number of turns using it.

    A word said seven times in one story ("properties" of a board game)
    weighs less than one said six times across three turns.
    """
    return math.sqrt(max(weight, 0.0) * segments)


def cohesion(phrase_count: int, word_counts: Sequence[int]) -> float:
    """How much of its rarest word's use the phrase accounts for, in [0, 1].

    "civil society": every "civil" is in it (1.0). "good infrastructure": a
    small share of "good" or "infrastructure" (low). A single word is 1.0.
    """
    if len(word_counts) < 2:
        return 1.0
    rarest = min(word_counts)
    return min(1.0, phrase_count / rarest) if rarest else 0.0


def length_weight(words: int) -> float:
    """Longer phrases are more specific (C-value's log2 of the length)."""
    return LENGTH_WEIGHTS[min(words, len(LENGTH_WEIGHTS) - 1)]


def has_nominal_suffix(word: str) -> bool:
    """An abstract or technical noun's ending: "transparency", "feudalism"."""
    return len(word) > 5 and word.endswith(NOMINAL_SUFFIXES)


def single_word_allowed(
    word: str, *, name: bool, acronym: bool, frequency: int
) -> bool:
    """Whether a one-word candidate may be proposed at all.

    Acronyms always may ("RLHF"), and names unless the word is vague when
    lower case ("New" of "New Deal" is not a name). A lower-case word needs
    to be used at least twice, not be vague ("people", "model"), and look
    like a term: an abstract noun's suffix or a word of the domain. This is
    what keeps adjectives and verbs ("open", "released") out without a
    part-of-speech tagger.
    """
    if acronym:
        return True
    if name:
        return word not in GENERIC_WORDS
    if frequency < 2 or len(word) < 3:
        return False
    if word in GENERIC_WORDS or word in WEAK_SINGLES:
        return False
    return word in DOMAIN_WORDS or has_nominal_suffix(word)


def head_bonus(words: Sequence[str]) -> float:
    """A phrase ending in a domain head noun, or a domain word alone."""
    if len(words) > 1:
        return HEAD_BONUS if words[-1] in HEAD_NOUNS else 1.0
    return HEAD_BONUS if words and words[0] in DOMAIN_WORDS else 1.0


def combine(
    *,
    frequency: int,
    independent: int,
    segments: int,
    words: int,
    cohesion: float,
    name: bool,
    acronym: int,
    head: float,
    speakers: int,
    episodes: int,
) -> float:
    """The score: usage on a log scale, scaled by the other signals.

    `acronym` is the number of letters when the candidate is an acronym
    (else 0): from three letters up it is weighed as the phrase it abbreviates,
    one word per letter ("RLHF" as long as its expansion), and earns
    `ACRONYM_BONUS` instead of `NAME_BONUS`.
    """
    usage = math.log2(1.0 + dispersion(termhood(frequency, independent), segments))
    if acronym >= 3:
        words = max(words, acronym)
    score = usage * length_weight(words) * (0.5 + 0.5 * cohesion) * head
    if acronym >= 3:
        score *= ACRONYM_BONUS
    elif name or acronym:
        score *= NAME_BONUS
    if frequency == 1:
        score *= ONCE_PENALTY_NAME if name and not acronym else ONCE_PENALTY
    if speakers > 1:
        score *= SPEAKERS_BONUS
    if episodes > 1:
        score *= 1.0 + 0.5 * math.log2(episodes)
    return score
