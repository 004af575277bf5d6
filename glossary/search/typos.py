"""Typo-tolerant label matching, by the rules Meilisearch and Typesense use.

Every word of the query may carry its own typos: none below 5 characters,
one from 5, two from 9; a swap of two adjacent letters counts as one (the
optimal string alignment distance, from rapidfuzz). Four-letter words also
forgive one swap, so the acronym "RHLF" still finds "RLHF". The last word
may be the start of a label's word ("open sour"). Dotted and spaced
acronyms are folded ("G.P.U.", "g p u" → "gpu"), and a query written as one
word or several finds labels written the other way ("opensource", "fine
tuning").

Pure Python over plain data: `LabelIndex` is built once per glossary version
(`glossary/search/index.py`) and answers a query in memory, so PostgreSQL
and SQLite rank labels exactly alike.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..linking.normalize import normalize_label

ONE_TYPO_FROM, TWO_TYPOS_FROM = 5, 9
SWAP_FROM = 4
"""Shorter words forgive nothing but, from here, one swap of adjacent letters."""
PREFIX_FROM = 2
"""The last query word may be a label word's start when at least this long."""

_DOTTED = re.compile(r"(?<![^\W_])(?:[^\W_]\.\s*){2,}(?:[^\W_](?![^\W_]))?")
_WORD = re.compile(r"[^\W_]+(?:['’/][^\W_]+)*")


def typo_budget(word: str) -> int:
    """How many typos a query word may carry."""
    if len(word) >= TWO_TYPOS_FROM:
        return 2
    return 1 if len(word) >= ONE_TYPO_FROM else 0


def words_of(text: str) -> list[str]:
    """Searchable words: normalised, possessives dropped, acronyms folded.

    "G.P.U.", "g. p. u." and "g p u" all become "gpu"; a run of single
    letters or digits is read as one acronym (so "Apache 2.0" and
    "Apache 2. 0" agree).
    """
    text = normalize_label(text)
    text = _DOTTED.sub(lambda m: re.sub(r"[.\s]", "", m.group()) + " ", text)
    words = []
    for word in _WORD.findall(text):
        word = word.replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        words.append(word)
    folded: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if run:
            folded.append("".join(run)) if len(run) > 1 else folded.extend(run)
            run = []
        if word:
            folded.append(word)
    return folded


def _within_budget(word: str, choices: Sequence[str]) -> list[tuple[str, int]]:
    """The choices within the word's typo budget, with their typos."""
    return [
        (choice, int(distance))
        for choice, distance, _ in process.extract(
            word,
            choices,
            scorer=OSA.distance,
            score_cutoff=typo_budget(word),
            limit=None,
        )
    ]


def _swaps(word: str) -> list[str]:
    """The word with one pair of adjacent letters swapped, each way it can be."""
    return [
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(len(word) - 1)
        if word[i] != word[i + 1]
    ]


@dataclass(frozen=True, slots=True)
class Label:
    """One label of a term, as the index keeps it."""

    term_id: int
    text: str
    words: tuple[str, ...]
    rank: int = 0
    """0 for a preferred label, 1 for other shown labels, 2 for hidden ones."""


@dataclass(frozen=True, slots=True)
class LabelMatch:
    term_id: int
    label: str
    typos: int
    key: tuple
    """Sort key: fewer typos, an exact label, whole words, fewer extra words..."""


@dataclass
class LabelIndex:
    """Every label's words, the words' labels, and a vocabulary for corrections."""

    labels: list[Label]
    vocabulary: set[str] = field(default_factory=set)
    """Words a query may be corrected to (labels' and definitions' words)."""
    _postings: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _words: list[str] = field(default_factory=list, repr=False)
    _joined: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _joined_keys: list[str] = field(default_factory=list, repr=False)
    _vocabulary_list: list[str] = field(default_factory=list, repr=False)

    @classmethod
    def build(
        cls,
        labels: Iterable[tuple[int, str, int]],
        *,
        texts: Iterable[str] = (),
    ) -> LabelIndex:
        """From `(term_id, label, rank)` rows, and other texts for the vocabulary."""
        built = [
            Label(term_id, text, tuple(words_of(text)), rank)
            for term_id, text, rank in labels
        ]
        index = cls(labels=[label for label in built if label.words])
        for position, label in enumerate(index.labels):
            for word in set(label.words):
                index._postings.setdefault(word, []).append(position)
            index._joined.setdefault("".join(label.words), []).append(position)
        index._words = sorted(index._postings)
        index._joined_keys = list(index._joined)
        index.vocabulary = set(index._postings)
        for text in texts:
            index.vocabulary.update(words_of(text))
        index._vocabulary_list = sorted(index.vocabulary)
        return index

    # Finding labels.

    def _close_words(self, query_word: str, *, prefix: bool) -> dict[str, int]:
        """Label words within the query word's budget, with their typos."""
        found: dict[str, int] = {}
        if query_word in self._postings:
            found[query_word] = 0
        budget = typo_budget(query_word)
        if budget:
            for word, distance in _within_budget(query_word, self._words):
                found.setdefault(word, distance)
        elif len(query_word) >= SWAP_FROM:
            for word in _swaps(query_word):
                if word in self._postings:
                    found.setdefault(word, 1)
        if prefix and len(query_word) >= PREFIX_FROM:
            start = bisect_left(self._words, query_word)
            for word in self._words[start:]:
                if not word.startswith(query_word):
                    break
                # A completed word ranks after a whole one of the same typos.
                found.setdefault(word, 0)
        return found

    def find(self, query: str, *, limit: int = 20) -> list[LabelMatch]:
        """The best label of each term the query finds, best first."""
        words = words_of(query)
        if not words:
            return []
        close = [
            self._close_words(word, prefix=i == len(words) - 1)
            for i, word in enumerate(words)
        ]
        candidates: set[int] | None = None
        for found in close:
            positions = {p for word in found for p in self._postings[word]}
            candidates = positions if candidates is None else candidates & positions
        best: dict[int, LabelMatch] = {}
        for position in candidates or ():
            match = self._score(self.labels[position], words, close)
            if match is not None:
                self._keep(best, match)
        self._find_joined(words, best)
        return sorted(best.values(), key=lambda match: match.key)[:limit]

    @staticmethod
    def _keep(best: dict[int, LabelMatch], match: LabelMatch) -> None:
        kept = best.get(match.term_id)
        if kept is None or match.key < kept.key:
            best[match.term_id] = match

    def _score(
        self, label: Label, words: Sequence[str], close: Sequence[dict[str, int]]
    ) -> LabelMatch | None:
        used: set[int] = set()
        typos = completed = 0
        positions = []
        for word, found in zip(words, close, strict=True):
            options = [
                (found[label_word], label_word != word and found[label_word] == 0, i)
                for i, label_word in enumerate(label.words)
                if label_word in found and i not in used
            ]
            if not options:
                return None
            cost, is_prefix, i = min(options)
            used.add(i)
            positions.append(i)
            typos += cost
            completed += is_prefix
        exact = typos == 0 and not completed and len(words) == len(label.words)
        in_order = positions == sorted(positions)
        spread = max(positions) - min(positions) + 1 - len(positions)
        key = (
            typos,
            not exact,
            completed,
            spread + (0 if in_order else 1),
            len(label.words) - len(words),
            label.rank,
            label.text.casefold(),
        )
        return LabelMatch(label.term_id, label.text, typos, key)

    def _find_joined(self, words: Sequence[str], best: dict[int, LabelMatch]) -> None:
        """ "opensource" finds "open source", and "hugging face" "HuggingFace"."""
        joined = "".join(words)
        if len(joined) < ONE_TYPO_FROM:
            return
        for key, distance in _within_budget(joined, self._joined_keys):
            for position in self._joined[key]:
                label = self.labels[position]
                if len(label.words) == len(words) and distance == 0:
                    continue  # the same words: already scored word by word
                typos = distance
                match_key = (
                    typos,
                    typos > 0,
                    0,
                    0,
                    0,
                    label.rank,
                    label.text.casefold(),
                )
                match = LabelMatch(label.term_id, label.text, typos, match_key)
                self._keep(best, match)

    # Correcting a query for full-text search of definitions and quotes.

    def corrected(self, query: str) -> str:
        """The query with each unknown word replaced by the closest known one.

        Words the vocabulary has stay; a word with no close enough known word
        stays as typed. Ties go to the alphabetically first word. Returns ""
        when no word was replaced.
        """
        out = []
        words = words_of(query)
        for word in words:
            if word in self.vocabulary:
                out.append(word)
                continue
            if typo_budget(word) == 0:
                swapped = [w for w in _swaps(word) if w in self.vocabulary]
                out.append(min(swapped) if len(word) >= SWAP_FROM and swapped else word)
                continue
            found = process.extractOne(
                word,
                self._vocabulary_list,
                scorer=OSA.distance,
                score_cutoff=typo_budget(word),
            )
            out.append(found[0] if found else word)
        return " ".join(out) if out != words else ""
