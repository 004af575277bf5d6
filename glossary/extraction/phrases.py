"""Phrase occurrences in transcript segments, and which of them stand alone.

Every run of up to five joined words (see `tokens`) that starts and ends on
a content word is a phrase occurrence. Stopwords may stand inside only as
one connector ("philosophy of science"), or, inside a name written with
capitals, as up to two links ("Kids Online Safety and Privacy Act", "The
Lion and the Mouse"); a filler anywhere, a vague word or a number at the
start, a participle or an adverb at the end rule it out, unless written
capitalised mid-sentence ("Kelly"). A number closes a phrase ("GPT 2",
"article 17"). A title before a name ("Senator", "Dr.") never starts one.
Only the last word is made singular, and only in lower case, so
"foundation models" and "Foundation model" count as one phrase and "United
States" stays itself.

A word inside a longer capitalised name ("state" in "United States", "task"
in "Task Force") is set aside: it is part of the name, not a use of the
common noun.
"""

from __future__ import annotations

import re
import tempfile
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Any

from .scoring import zipf
from .stopwords import CONNECTORS
from .tokens import (
    ADVERB,
    APOSTROPHE,
    FILLER,
    GENERIC,
    NUMBER,
    PARTICIPLE,
    SHORT,
    STOP,
    TITLE,
    VERB,
    Token,
    fold,
    is_acronym,
    singular,
    tokenize,
)

MAX_WORDS = 5
# Function words that may link the capitalised words of one name.
# ("in", "to", "on" join a person to a place or a greeting to a title more
# often than they make one name: "Tebeka in GopherCon", "Welcome to Go").
NAME_LINKS = frozenset({"and", "the", "of", "for", "&"})
MAX_NAME_LINKS = 2
# A word is a plural inside a phrase when its singular is this much more
# common in English (Zipf): "drinks" 4.4, "drink" 4.9; "savings" 4.4, "saving" 4.6.
PLURAL_MARGIN = 0.3

# Flags that forbid a word at the start of a phrase, at its end, inside it.
_NEVER_AT_EDGE = STOP | FILLER | NUMBER | APOSTROPHE | SHORT
_NOT_IF_LOWER = GENERIC | ADVERB  # fine capitalised mid-sentence: "New Deal"
_NEVER_INSIDE = FILLER | APOSTROPHE
_PARENTHESIZED_RE = re.compile(r"\(\s*([A-Z][A-Za-z]*[A-Z])s?\s*\)")
_SPACES_RE = re.compile(r"\s+")
# Notes of the transcriber ("[laughter]", "[unintelligible 00:41:34.02]")
# are not speech: blanked out, offsets kept.
_NOTE_RE = re.compile(r"\[[^\]\n]{0,80}\]")


@dataclass(slots=True)
class Phrase:
    """Counts for one phrase key (one spelling family) across all episodes."""

    key: str
    words: tuple[str, ...]
    count: int = 0
    mid: int = 0  # occurrences not at the start of a sentence
    mid_capital: int = 0  # ... of which written capitalised
    surfaces: Counter[tuple[str, bool, bool]] = field(default_factory=Counter)
    speakers: Counter[str] = field(default_factory=Counter)

    def display_surfaces(self, name: bool) -> Counter[tuple[str, bool]]:
        """Surface → count, with a capital that only starts a sentence lowered."""
        shown: Counter[tuple[str, bool]] = Counter()
        for (surface, lowerable, plural), count in self.surfaces.items():
            if lowerable and not name:
                surface = surface[0].lower() + surface[1:]
            shown[(surface, plural)] += count
        return shown

    @property
    def acronym(self) -> bool:
        return len(self.words) == 1 and any(
            is_acronym(surface) for surface, _, _ in self.surfaces
        )

    @property
    def coined(self) -> bool:
        """Written as a coined word: camel case inside a word ("ChatGPT",
        "BitTorrent"), letters and digits in one word ("LD50"), a dot or a
        slash inside one ("polyfill.io")."""
        return any(_coined(surface) for surface, _, _ in self.surfaces)

    @property
    def name(self) -> bool:
        """Written capitalised where a capital means something.

        That is mostly mid-sentence; a phrase only ever seen at the start of
        a sentence is a name if camel-cased ("OpenAI") or capitalised
        throughout ("Hugging Face").
        """
        if self.mid:
            return self.mid_capital * 2 > self.mid
        return any(
            _camel(surface) or (" " in surface and _title(surface))
            for surface, _, _ in self.surfaces
        )


# A dot after two letters or digits ("polyfill.io", "v1.2", not "U.S."), a
# letter then a digit ("LD50", "P2SH"), a digit then letters that make no
# ordinal, decade or multiple ("1Password", not "10th", "90s", "10x").
_COINED_RE = re.compile(
    r"[^\W_]{2}\.[^\W_]|[A-Za-z]\d|\d(?!(?:st|nd|rd|th|s|x)\b)[A-Za-z]{2}"
)
# An acronym's plural is not camel case ("APIs").
_ACRONYM_PLURAL_RE = re.compile(r"\b([A-Z]{2,})s\b")


def _coined(surface: str) -> bool:
    # Hyphens and slashes join words: "Bitcoin-TINA", "backend/frontend".
    words = _ACRONYM_PLURAL_RE.sub(r"\1", re.sub(r"[-/]", " ", surface))
    return _camel(words) or bool(_COINED_RE.search(surface))


def _camel(surface: str) -> bool:
    """A word with a capital inside it: "OpenAI", "ChatGPT", not "YOLO"."""
    return any(
        not word.isupper() and any(char.isupper() for char in word[1:])
        for word in surface.split()
    )


def _title(surface: str) -> bool:
    """Capitalised throughout, with a capitalised word after the first.

    Used only for phrases seen at the start of sentences, where the first
    capital says nothing and an acronym after it ("Ridiculous FTC") does not
    make the first word part of a name.
    """
    words = surface.split()
    rest = words[1:]
    return all(
        word[:1].isupper() or word.isdigit() or fold(word) in NAME_LINKS
        for word in words
    ) and any(word[:1].isupper() and not word.isupper() for word in rest)


def meaningful_capital(token: Token) -> bool:
    return token.capital and not token.initial


def _can_edge(token: Token) -> bool:
    """May this word start or end a phrase?"""
    flags = token.flags
    if flags & _NEVER_AT_EDGE:
        return False
    return not flags & _NOT_IF_LOWER or meaningful_capital(token)


def _can_start(token: Token, following: Token | None) -> bool:
    """An edge word, or "The" opening a name ("The Lion and the Mouse").

    A title before a capitalised name ("Senator Warren") starts nothing.
    """
    if token.flags & TITLE and token.capital:
        return not (following and following.joined and following.capital)
    if token.fold == "the":
        return meaningful_capital(token) and bool(following and following.capital)
    return _can_edge(token)


class Episodes:
    """A show's phrase statistics, gathered one episode at a time.

    Only what ranking needs of the whole show is held: each phrase key's
    counts, surfaces and speakers, the words' counts, the words of each
    episode, and the acronym and expansion pairs met. Each episode's phrase
    spans (the bulk: one per occurrence) go to a temporary file as it is
    scanned, and `spans` reads them back an episode at a time, so memory is
    bounded by the largest episode, not the size of the show.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.shows: list[str] = []
        self.words: list[int] = []  # tokens per episode
        self.phrases: dict[str, Phrase] = {}
        self.ids: dict[str, int] = {}  # phrase key → its number in the spans
        self.names: list[str] = []  # number → phrase key
        self.speakers: list[str] = [""]  # number → speaker label ("" for none)
        self._speaker_ids: dict[str, int] = {"": 0}
        self.word_counts: Counter[str] = Counter()
        self.parenthesized: list[tuple[str, str]] = []  # (acronym key, phrase key)
        # (acronym key, expansion key) met in one episode → also in one turn.
        self.acronym_pairs: dict[tuple[str, str], bool] = {}
        # Occurrences per (show, key) for episodes of a show other than the
        # first one's; the first show's are the rest (one show: none kept).
        self._other_shows: Counter[tuple[str, str]] = Counter()
        self._other_total: Counter[str] = Counter()
        self._spill = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._sizes: list[tuple[int, int]] = []  # per episode: spans, segments
        self.dropped: set[str] = set()

    def close(self) -> None:
        self._spill.close()

    def add(self, key: str, segments: Iterable[Any], show: str = "") -> None:
        episode = len(self.keys)
        self.keys.append(key)
        self.shows.append(show)
        self.words.append(0)
        local = _Local(episode, show != self.shows[0])
        for index, segment in enumerate(segments):
            speaker = speaker_of(segment) or ""
            number = self._speaker_ids.get(speaker)
            if number is None:
                number = self._speaker_ids[speaker] = len(self.speakers)
                self.speakers.append(speaker)
            local.speakers.append(number)
            self._scan(local, index, segment, speaker)
        self._acronym_pairs(local)
        for phrase_key, count in local.counts.items():
            if local.other_show:
                self._other_shows[(show, phrase_key)] += count
                self._other_total[phrase_key] += count
        local.spans.tofile(self._spill)
        local.speakers.tofile(self._spill)
        self._sizes.append((len(local.spans), len(local.speakers)))

    def count_in(self, key: str, show: str) -> int:
        """Occurrences of a phrase key in the episodes of one show."""
        if show == self.shows[0]:
            return self.phrases[key].count - self._other_total[key]
        return self._other_shows[(show, key)]

    def spans(self) -> Iterator[tuple[int, array, array]]:
        """Each episode's spans as written: (episode, spans, speakers).

        `spans` is flat, `SPAN` numbers a span: segment index, first and
        last token, phrase number, start and end offsets; `speakers` holds
        each segment's speaker number.
        """
        self._spill.seek(0)
        for episode, (count, segments) in enumerate(self._sizes):
            spans, speakers = array("i"), array("i")
            spans.fromfile(self._spill, count)
            speakers.fromfile(self._spill, segments)
            yield episode, spans, speakers

    def drop_name_lists(self) -> None:
        """Names joined by "and" that are said apart are a list, not a name.

        "Gavin Andresen and Roger Ver" is two people when "Gavin Andresen" is
        also said on its own; "The Lion and the Mouse" stays one title. Run
        once all episodes are added, before nesting is counted, so the names
        keep the occurrences the list would have absorbed. The dropped keys'
        spans are skipped when read (`dropped`).
        """
        lists = set()
        for key, phrase in self.phrases.items():
            words = phrase.words
            cut = next((k for k, w in enumerate(words) if w in ("and", "&")), 0)
            if not cut or not phrase.name:
                continue
            for side in (words[:cut], words[cut + 1 :]):
                alone = self.phrases.get(" ".join(side))
                if alone is not None and alone.name and alone.count > phrase.count:
                    lists.add(key)
        for key in lists:
            del self.phrases[key]
        self.dropped = lists
        self.parenthesized = [
            pair for pair in self.parenthesized if pair[1] not in lists
        ]

    def _acronym_pairs(self, local: _Local) -> None:
        """Pairs of a word of three letters or more and a phrase it may be
        the acronym of, both said in this episode (`variants.fold_variants`
        folds the acronyms among them)."""
        words = {key for key in local.turns if " " not in key and len(key) >= 3}
        if not words:
            return
        pairs = self.acronym_pairs
        for key, turns in local.turns.items():
            phrase = self.phrases[key]
            if not 1 < len(phrase.words) <= MAX_WORDS:
                continue
            for letters in initials(phrase.words) & words:
                shared = bool(turns & local.turns[letters])
                pairs[(letters, key)] = pairs.get((letters, key), False) or shared

    def _scan(self, local: _Local, index: int, segment: Any, speaker: str) -> None:
        text = segment.text or ""
        spoken = (
            _NOTE_RE.sub(lambda m: " " * len(m.group()), text) if "[" in text else text
        )
        tokens = tokenize(spoken)
        spans: list[tuple[int, int, str, int, int]] = []
        counts = self.word_counts
        for token in tokens:
            counts[singular(token.fold)] += 1
        total = len(tokens)
        self.words[local.episode] += total
        inside = _inside_names(tokens)
        for i, first in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < total else None
            if not _can_start(first, following):
                continue
            connectors = links = 0
            capitals = first.capital  # a name so far: capitals and links only
            for j in range(i, min(total, i + MAX_WORDS + MAX_NAME_LINKS)):
                token = tokens[j]
                if j > i:
                    flags = token.flags
                    if not token.joined or flags & _NEVER_INSIDE:
                        break
                    capital = meaningful_capital(token)
                    if flags & (VERB | ADVERB) and not capital:
                        break
                    if flags & STOP and not capital:
                        if capitals and _may_link(token, tokens, i, j, links):
                            links += 1
                            continue
                        if connectors or links or token.fold not in CONNECTORS:
                            break
                        connectors = 1
                        continue
                    if flags & NUMBER:
                        # A version or a number: "GPT 2", "article 17".
                        if not connectors and not links:
                            self._emit(text, tokens, i, j, speaker, spans)
                        break
                    capitals = capitals and capital
                    if links and not capitals:
                        break  # linked words must make a capitalised name
                if j - i - links >= MAX_WORDS:
                    break
                if links and not _linked_name(tokens, i, j):
                    continue
                if _cuts_a_name(tokens, i, j, linked=bool(links or connectors)):
                    continue
                if connectors and _mixed_case(tokens, i, j):
                    continue
                if not connectors and _plural_inside(tokens, i, j):
                    continue
                if first.fold == "the" and not (capitals and links):
                    continue  # "The" opens a title with a link inside only
                if _can_edge(token) and not (
                    token.flags & PARTICIPLE and not meaningful_capital(token)
                ):
                    if (i, j) not in inside:
                        self._emit(text, tokens, i, j, speaker, spans)
        ids = self.ids
        out = local.spans
        for i, j, key, start, end in spans:
            out.extend((index, i, j, ids[key], start, end))
            local.turns[key].add(index)
            local.counts[key] += 1
        if "(" in text:
            self._parentheses(text, tokens, spans)

    def _emit(
        self,
        text: str,
        tokens: list[Token],
        i: int,
        j: int,
        speaker: str,
        spans: list[tuple[int, int, str, int, int]],
    ) -> None:
        last = tokens[j]
        end_word = last.fold
        if last.upper or not meaningful_capital(last):
            end_word = singular(last.fold, last.upper)
        words = tuple(token.fold for token in tokens[i:j]) + (end_word,)
        key = " ".join(words)
        phrase = self.phrases.get(key)
        if phrase is None:
            phrase = self.phrases[key] = Phrase(key, words)
            if key not in self.ids:
                self.ids[key] = len(self.names)
                self.names.append(key)
        phrase.count += 1
        first = tokens[i]
        start, end = first.start, last.end
        surface = text[start:end]
        if "  " in surface or "\n" in surface:
            surface = _SPACES_RE.sub(" ", surface)
        lowerable = first.initial and first.text[1:].islower()
        phrase.surfaces[(surface, lowerable, words[-1] != last.fold)] += 1
        if not first.initial:
            phrase.mid += 1
            if all(
                token.capital or token.flags & (NUMBER | STOP)
                for token in tokens[i : j + 1]
            ):
                phrase.mid_capital += 1
        if speaker:
            phrase.speakers[speaker] += 1
        spans.append((i, j, key, start, end))

    def _parentheses(
        self,
        text: str,
        tokens: list[Token],
        spans: list[tuple[int, int, str, int, int]],
    ) -> None:
        """Record pairs written "expansion (ACRONYM)".

        The expansion is the shortest phrase ending just before the
        parenthesis whose letters spell the acronym, first initial first.
        """
        for match in _PARENTHESIZED_RE.finditer(text):
            before = len(text[: match.start()].rstrip())
            acronym = match.group(1).casefold()
            spelled = [
                (-i, key)
                for i, j, key, _, _ in spans
                if j > i and tokens[j].end == before and _spells(acronym, key)
            ]
            if spelled:
                self.parenthesized.append((acronym, min(spelled)[1]))


SPAN = 6  # numbers per span in `Episodes.spans`


@dataclass(slots=True)
class _Local:
    """One episode while it is scanned."""

    episode: int
    other_show: bool
    spans: array = field(default_factory=lambda: array("i"))
    speakers: array = field(default_factory=lambda: array("i"))
    turns: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    counts: Counter[str] = field(default_factory=Counter)


@lru_cache(maxsize=65536)
def initials(words: tuple[str, ...]) -> frozenset[str]:
    """The acronyms a phrase can stand for: connectors counted or skipped."""
    choices = [
        (word[0], "") if word in CONNECTORS else (word[0],)
        for word in words
        if word[:1].isalpha()
    ]
    if len(choices) != len(words) or len(words) > MAX_WORDS:
        return frozenset()
    return frozenset("".join(parts) for parts in product(*choices))


def _may_link(token: Token, tokens: list[Token], i: int, j: int, links: int) -> bool:
    """One more link in a name: a link word, two at most, one "and" at most
    (three names joined by "and" are a list, not a name)."""
    if token.fold not in NAME_LINKS or links >= MAX_NAME_LINKS:
        return False
    return token.fold not in ("and", "&") or not any(
        other.fold in ("and", "&") for other in tokens[i:j]
    )


def _linked_name(tokens: list[Token], i: int, j: int) -> bool:
    """Names with links need their capitals: three with an "and" ("Kids
    Online Safety and Privacy Act", "The Lion and the Mouse"), else two
    ("Bank of America"), so "Meta and Google" stays two names."""
    capitals = sum(1 for token in tokens[i : j + 1] if token.capital)
    anded = any(token.fold in ("and", "&") for token in tokens[i : j + 1])
    return capitals >= (3 if anded else 2)


def _cuts_a_name(tokens: list[Token], i: int, j: int, *, linked: bool) -> bool:
    """Does `tokens[i..j]` start or end inside a run of capitalised words?

    A name is whole or nothing: "Silicon Valley", never "VC Silicon". With
    a link or a connector inside, any capitalised neighbour counts ("Paul
    Graham of YC Combinator", never "Graham of YC" or "Paul Graham of YC");
    without one, only a capitalised edge word whose neighbour is written the
    same way (an acronym beside a name stays its own: "AWS Lambda").
    """
    following = tokens[j + 1] if j + 1 < len(tokens) else None
    pairs = [
        (tokens[i - 1], tokens[i]) if i > 0 else None,
        (tokens[j], following) if following is not None else None,
    ]
    for pair in pairs:
        if pair is None or not pair[1].joined:
            continue
        left, right = pair
        if not (meaningful_capital(left) and meaningful_capital(right)):
            continue
        if linked or left.upper == right.upper:
            return True
    return False


def _mixed_case(tokens: list[Token], i: int, j: int) -> bool:
    """Capitalised and lower-case content words on one phrase ("fan of
    TinyGo", "transition to Unpops"): a description that mentions a name,
    not a term; a term with a connector is all in lower case ("philosophy of
    science") or all capitalised ("Reinforcement Learning from Human
    Feedback"). A capital that only starts a sentence says nothing."""
    capital = lower = False
    for token in tokens[i : j + 1]:
        if token.flags & STOP:
            continue
        capital = capital or meaningful_capital(token)
        lower = lower or not token.capital
    return capital and lower


def _plural_inside(tokens: list[Token], i: int, j: int) -> bool:
    """A lower-case plural before the last word ("energy drinks space"):
    English compounds take the singular ("energy drink market"), so the
    phrase runs across a boundary. A word is taken for a plural only when
    English uses its singular clearly more ("drinks"), so "savings account",
    "sports car" and a lower-case "kubernetes cluster" stay phrases."""
    for token in tokens[i:j]:
        if token.capital:
            continue
        one = singular(token.fold)
        if one != token.fold and zipf(one) > zipf(token.fold) + PLURAL_MARGIN:
            return True
    return False


def _inside_names(tokens: list[Token]) -> set[tuple[int, int]]:
    """Spans strictly inside a run of words capitalised mid-sentence.

    "States" in "United States" and "Task" in "Task Force" belong to the
    name. An acronym starts or ends a run ("VC" before "Silicon Valley"),
    and one inside a run stays its own.
    """
    inside: set[tuple[int, int]] = set()
    run_start = None
    for k in range(len(tokens) + 1):
        token = tokens[k] if k < len(tokens) else None
        member = (
            token is not None
            and meaningful_capital(token)
            and (
                run_start is None
                or (token.joined and token.upper == tokens[k - 1].upper)
            )
        )
        if member and run_start is None:
            run_start = k
            continue
        if member:
            continue
        if run_start is not None and k - run_start > 1:
            last = k - 1
            for i in range(run_start, k):
                for j in range(i, k):
                    if (i, j) != (run_start, last) and not (i == j and tokens[i].upper):
                        inside.add((i, j))
        run_start = k if token is not None and meaningful_capital(token) else None
    return inside


def _spells(acronym: str, key: str) -> bool:
    """Loose match for an explicit "(ACRONYM)": letters in order, initial first."""
    words = key.split()
    if not words or words[0][0] != acronym[0]:
        return False
    letters = iter("".join(words))
    return all(char in letters for char in acronym)


def independent_counts(
    spans: array,
    group_of: Sequence[int],
    totals: Sequence[int],
    names: Collection[int],
) -> Counter[int]:
    """Per group, one episode's occurrences not nested in a longer candidate's.

    `spans` are the episode's (`Episodes.spans`), `group_of` maps a phrase
    number to its group's (-1: dropped), `totals` a group's occurrences in
    the show, `names` the groups written as names or acronyms. A longer
    candidate absorbs the occurrences inside it when it is repeated
    (C-value: "source community" is only ever part of "open source
    community"). Between phrases said once, the longest wins, except that a
    name or acronym is never absorbed ("FTC" in "ridiculous FTC", "YC
    Combinator" in "Paul Graham of YC Combinator").
    """
    independent: Counter[int] = Counter()
    reach = MAX_WORDS + MAX_NAME_LINKS
    for segment in _by_segment(spans, group_of):
        by_start: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, j, group in segment:
            by_start[i].append((j, group))
        for i, j, group in segment:
            once = totals[group] == 1
            nested = False
            for outer_i in range(max(0, i - reach + 1), i + 1):
                for outer_j, outer in by_start.get(outer_i, ()):
                    if outer_j < j or outer_j - outer_i <= j - i or outer == group:
                        continue
                    if totals[outer] > 1 or (once and group not in names):
                        nested = True
                        break
                if nested:
                    break
            if not nested:
                independent[group] += 1
    return independent


def _by_segment(
    spans: array, group_of: Sequence[int]
) -> Iterator[list[tuple[int, int, int]]]:
    """(first token, last token, group) of each segment's kept spans."""
    current = -1
    segment: list[tuple[int, int, int]] = []
    for at in range(0, len(spans), SPAN):
        group = group_of[spans[at + 3]]
        if group < 0:
            continue
        if spans[at] != current:
            if segment:
                yield segment
            current, segment = spans[at], []
        segment.append((spans[at + 1], spans[at + 2], group))
    if segment:
        yield segment


def speaker_of(segment: Any) -> str | None:
    """The speaker's label: a string, or a database row's `speaker_label`.

    A `Segment` row's `speaker` is a `Person` (or None); its `speaker_label`
    is what the transcript said, which is what evidence should record.
    """
    speaker = segment.speaker
    label = getattr(segment, "speaker_label", None) or None
    if speaker is not None and not isinstance(speaker, str):
        return label or str(speaker)
    return speaker or label
