"""How much a candidate looks like a term in one episode: small pure functions.

The score of a candidate in an episode multiplies (see `combine`):

- its use there: how often it stands on its own (C-value's idea: "source
  community" inside "open source community" is no evidence for "source
  community") and over how many turns;
- its length and how tightly its words stick together;
- its rarity in general English (wordfreq's Zipf scale: 7 for "the", 5 for
  "money", 3 for "caffeine", 0 for a word it has never seen), so that a
  term of art or a metaphor of the field ranks and a common word does not,
  with no list of the field's words;
- how it is written: capitalised mid-sentence (a name) or as an acronym;
- whether more than one speaker uses it;
- its contrast with the rest of the show: said more here than elsewhere
  ranks it higher in this episode; a word said in every episode at the same
  rate is neither helped nor hurt, so being everywhere earns nothing.

Weights were set on three gold lists of the corpus and checked on the
others (docs/extraction.md names them and gives the figures).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

from wordfreq import zipf_frequency

from .stopwords import GENERIC_WORDS, TITLES

# log2(words + 1), as in C-value, flattened past three words: longer phrases
# in speech are more often accidents than terms.
LENGTH_WEIGHTS = (1.0, 1.0, 1.6, 1.8, 1.9, 1.9, 1.9)
# Usage counts on a log scale, flattened further: a concept said twice is
# often as much a glossary entry as one said fifty times.
USAGE_POWER = 0.7
NAME_BONUS = 1.6
# An acronym of three letters or more in speech is nearly always jargon of
# the field (GPU, RLHF, CDN); two-letter ones are often not (PR, TV).
ACRONYM_BONUS = 1.5
SPEAKERS_BONUS = 1.1
# A coined word ("ChatGPT", "LD50", "polyfill.io") is a name someone made.
COINED_BONUS = 1.5
# One mention is thin evidence: a lower-case phrase or an acronym said once
# is most often a free combination of words or a stray, and a name said in
# passing is rarely an episode's subject.
ONCE_PENALTY = 0.5
ONCE_PENALTY_NAME = 0.5
# A lower-case phrase with a connector ("cup of coffee", "grams of sugar")
# is more often a description than a term.
CONNECTOR_PENALTY = 0.7

# Rarity: weight 1 at RARITY_PIVOT on the Zipf scale (about "supplement",
# "vulnerability"), RARITY_SLOPE more per step rarer, within the bounds.
RARITY_PIVOT = 3.5
RARITY_SLOPE = 0.6
RARITY_BOUNDS = (0.3, 1.9)
# Each word past the first makes a phrase this much rarer than its rarest
# word on the Zipf scale (wordfreq's own estimate, the harmonic combination,
# assumes words never occur apart, which makes every phrase look common).
PHRASE_STEP = 1.0
# A word wordfreq has never seen is as rare as its rarest known words.
UNKNOWN_ZIPF = 1.0
# A lower-case single word this common in general English ("money",
# "internet", "government") is not proposed alone: it is not what a
# glossary entry is for, however often it is said.
COMMON_ZIPF = 5.0
# Cohesion's weight: this floor for a phrase whose words are mostly said
# apart, 1 for one whose rarest word is only ever said in it.
COHESION_FLOOR = 0.25
# Contrast with the rest of the show: a factor within these bounds.
CONTRAST_BOUNDS = (0.6, 1.5)


@lru_cache(maxsize=131072)
def zipf(word: str) -> float:
    """The folded word's frequency in general English, on the Zipf scale."""
    return max(zipf_frequency(word, "en"), UNKNOWN_ZIPF)


def phrase_zipf(words: Sequence[str], *, unit: bool = True) -> float:
    """A phrase's estimated Zipf frequency from its words' (connectors left out).

    As wordfreq estimates phrases (the reciprocal of the summed reciprocal
    frequencies: at most as common as its rarest word), less `PHRASE_STEP`
    per word past the first when the phrase is a `unit` (said more than once).
    """
    if not words:
        return UNKNOWN_ZIPF
    inverse = sum(10.0 ** -zipf(word) for word in words)
    step = PHRASE_STEP if unit else 0.0
    return -math.log10(inverse) - step * (len(words) - 1)


def rarity(zipf_value: float) -> float:
    """The weight of a Zipf frequency: more for rarer words, within bounds."""
    low, high = RARITY_BOUNDS
    return min(high, max(low, 1.0 + RARITY_SLOPE * (RARITY_PIVOT - zipf_value)))


def contrast(count: int, words: int, rest_count: int, rest_words: int) -> float:
    """How much more this episode uses the candidate than the rest of the show.

    1.0 when the rate is the same elsewhere (or there is no elsewhere), up to
    the upper bound for a candidate only this episode uses, down to the
    lower bound for one this episode uses much less than the others. Half a
    mention is added to the rest, so one episode of silence is not infinite
    contrast.
    """
    if rest_words <= 0 or words <= 0:
        return 1.0
    here = count / words
    elsewhere = (rest_count + 0.5) / rest_words
    low, high = CONTRAST_BOUNDS
    return min(high, max(low, 2.0 * here / (here + elsewhere)))


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


def single_word_allowed(
    word: str, *, name: bool, acronym: bool, frequency: int
) -> bool:
    """Whether a one-word candidate may be proposed at all.

    Acronyms always may ("RLHF"), and names unless the word is vague when
    lower case ("New" of "New Deal") or a title ("Senator"). A lower-case
    word needs to be said at least twice, not be vague ("people", "make")
    and not be among the most common words of English ("money"); whether
    it is a term is then its rarity's and its use's to say.
    """
    if word in TITLES:
        return False
    if acronym:
        return True
    if name:
        return word not in GENERIC_WORDS
    if frequency < 2 or len(word) < 3 or word in GENERIC_WORDS:
        return False
    return zipf(word) < COMMON_ZIPF


def combine(
    *,
    frequency: int,
    independent: int,
    segments: int,
    words: int,
    cohesion: float,
    name: bool,
    acronym: int,
    zipf_value: float,
    speakers: int,
    contrast: float = 1.0,
    connector: bool = False,
    coined: bool = False,
) -> float:
    """The score in one episode: usage on a log scale, scaled by the rest.

    `acronym` is the number of letters when the candidate is an acronym
    (else 0): from three letters up it is weighed as the phrase it abbreviates,
    one word per letter ("RLHF" as long as its expansion), and earns
    `ACRONYM_BONUS` instead of `NAME_BONUS`.
    """
    usage = math.log2(1.0 + dispersion(termhood(frequency, independent), segments))
    usage **= USAGE_POWER
    if acronym >= 3:
        words = max(words, acronym)
    score = usage * length_weight(words)
    score *= COHESION_FLOOR + (1.0 - COHESION_FLOOR) * cohesion
    score *= rarity(zipf_value) * contrast
    if acronym >= 3:
        score *= ACRONYM_BONUS
    elif name or acronym:
        score *= NAME_BONUS
    if frequency == 1:
        score *= ONCE_PENALTY_NAME if name and not acronym else ONCE_PENALTY
    if connector and not name:
        score *= CONNECTOR_PENALTY
    if speakers > 1:
        score *= SPEAKERS_BONUS
    if coined:
        score *= COINED_BONUS
    return score
