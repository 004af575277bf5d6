"""Candidate term discovery: phrases worth a glossary entry, ranked.

The method, in four passes over plain text (no tagger, no model):

1. **Phrases.** Every run of up to five joined words (see `tokens`) that
   starts and ends on a content word is a phrase occurrence. Stopwords may
   stand inside only as one connector ("philosophy of science"); a filler
   ("like", "kind", "yeah") anywhere, a vague word ("people", "good") or a
   number at either end, a participle ("released") or an adverb at the end
   rule it out. Only the last word is made singular, so "foundation models"
   and "Foundation model" count as one phrase.
2. **Folding.** Phrases that differ only by spaces ("HuggingFace", "Hugging
   Face"; "OpenAI", "open AI") are one candidate, and so are an acronym and
   its expansion when the initials match and they meet in one turn, or the
   expansion comes right before the acronym in parentheses, or (for acronyms
   of three letters or more) the expansion is said twice in an episode that
   uses the acronym. Hyphens, case and
   plurals fold already in the phrase key, the way `normalize_label` and the
   linker fold them.
3. **Fragments.** An occurrence nested inside an occurrence of a longer
   repeated candidate ("source community" in "open source community") is not
   independent (see `_independent_counts` for phrases said once); a
   candidate with no independent occurrence is dropped, and nested ones
   count half toward the score (C-value's correction).
4. **Scoring** (`signals.combine`): usage (frequency and spread over turns),
   length, cohesion, name/acronym cue, domain head noun, speakers, episodes.

Kinds, a small fixed set (`KINDS`): "acronym" (RLHF, GPU), "product" (a name
with a version: GPT-2, Llama 2), "name" (written capitalised mid-sentence:
Hugging Face, Meta, Lina Khan; organisations, people and products alike, as
nothing here can tell them apart), "concept" (everything in lower case).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Protocol

from glossary.linking.normalize import normalize_label

from . import signals
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
    VERB,
    WORD_RE,
    Token,
    fold,
    is_acronym,
    singular,
    tokenize,
)

MAX_WORDS = 5
KINDS = ("concept", "name", "product", "acronym")

# Flags that forbid a word at the start of a phrase, at its end, inside it.
_NEVER_AT_EDGE = STOP | FILLER | NUMBER | APOSTROPHE | SHORT
_NOT_IF_LOWER = GENERIC | ADVERB  # fine capitalised mid-sentence: "New Deal"
_NEVER_INSIDE = FILLER | ADVERB | APOSTROPHE
_PARENTHESIZED_RE = re.compile(r"\(\s*([A-Z][A-Za-z]*[A-Z])s?\s*\)")
_SPACES_RE = re.compile(r"\s+")
_QUOTE_LIMIT = 240


class SegmentLike(Protocol):
    """What extraction reads from a segment: `ParsedSegment` or a database row.

    Optional: `marks` (`TimeMark`s, or stored `[offset, seconds]` pairs),
    `end`, and `speaker_label` when `speaker` is a related object.
    """

    speaker: Any
    text: str
    start: Any


@dataclass(slots=True)
class Mention:
    """One use of a candidate: `start`/`end` are offsets into the segment's text."""

    episode: str
    segment_index: int
    start: int
    end: int
    speaker: str | None
    seconds: float


@dataclass(slots=True)
class Candidate:
    """A proposed term, its score and the evidence behind it.

    `label` is the most frequent singular surface form, as written mid-
    sentence; `key` is `normalize_label(label)`; `aliases` are the other
    surface forms seen (plural, hyphenated, joined, acronym or expansion),
    case-only variants left out. `first_seconds` is the time of the first
    mention in the first episode (input order) that uses it. `speakers` are
    ordered by how often each used it. `signals` are the numbers the score
    was computed from; `quote` is the sentence of the first mention.
    """

    label: str
    key: str
    aliases: list[str]
    kind: str
    score: float
    frequency: int
    episodes: int
    first_seconds: float
    speakers: list[str]
    mentions: list[Mention]
    signals: dict[str, float] = field(default_factory=dict)
    quote: str = ""

    def evidence(self) -> dict[str, Any]:
        """JSON-serialisable evidence, for the candidate's record and the admin."""
        first = self.mentions[0] if self.mentions else None
        return {
            "kind": self.kind,
            "score": self.score,
            "frequency": self.frequency,
            "episodes": self.episodes,
            "first_episode": first.episode if first else None,
            "first_seconds": self.first_seconds,
            "speakers": list(self.speakers),
            "aliases": list(self.aliases),
            "quote": self.quote,
            "signals": dict(self.signals),
        }


@dataclass(slots=True)
class _Phrase:
    """Counts for one phrase key (one spelling family) across all episodes."""

    key: str
    words: tuple[str, ...]
    count: int = 0
    mid: int = 0  # occurrences not at the start of a sentence
    mid_capital: int = 0  # ... of which written capitalised
    occurrences: list[tuple[int, int, int, int]] = field(default_factory=list)
    surfaces: Counter[tuple[str, bool, bool]] = field(default_factory=Counter)
    speakers: Counter[str] = field(default_factory=Counter)
    segments: set[tuple[int, int]] = field(default_factory=set)

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
        word[:1].isupper() or word.isdigit() or fold(word) in CONNECTORS
        for word in words
    ) and any(word[:1].isupper() and not word.isupper() for word in rest)


class _Episodes:
    """Tokenised segments and the phrase occurrences found in them."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.segments: list[list[Any]] = []
        self.phrases: dict[str, _Phrase] = {}
        self.word_counts: Counter[str] = Counter()
        # Per segment: (first token, last token, phrase key) of every occurrence.
        self.spans: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
        self.parenthesized: list[tuple[str, str]] = []  # (acronym key, phrase key)

    def add(self, key: str, segments: Sequence[Any]) -> None:
        episode = len(self.keys)
        self.keys.append(key)
        self.segments.append(list(segments))
        for index, segment in enumerate(self.segments[-1]):
            self._scan(episode, index, segment)

    def _scan(self, episode: int, index: int, segment: Any) -> None:
        text = segment.text or ""
        tokens = tokenize(text)
        where = (episode, index)
        speaker = _speaker(segment) or ""
        spans: list[tuple[int, int, str]] = []
        counts = self.word_counts
        for token in tokens:
            counts[singular(token.fold)] += 1
        total = len(tokens)
        for i, first in enumerate(tokens):
            if not _can_edge(first):
                continue
            connectors = 0
            for j in range(i, min(total, i + MAX_WORDS)):
                token = tokens[j]
                if j > i:
                    flags = token.flags
                    if not token.joined or flags & _NEVER_INSIDE:
                        break
                    if flags & VERB and not _meaningful_capital(token):
                        break
                    if flags & STOP:
                        if connectors or token.fold not in CONNECTORS:
                            break
                        connectors = 1
                        continue
                    if flags & NUMBER:
                        # A version after a name: "GPT 2", "Llama 2", not "model 7".
                        if tokens[j - 1].capital and not connectors:
                            self._emit(text, tokens, i, j, where, speaker, spans)
                        break
                if _can_edge(token) and not (
                    token.flags & PARTICIPLE and not _meaningful_capital(token)
                ):
                    self._emit(text, tokens, i, j, where, speaker, spans)
        self.spans[where] = spans
        if "(" in text:
            self._parentheses(text, tokens, spans)

    def _emit(
        self,
        text: str,
        tokens: list[Token],
        i: int,
        j: int,
        where: tuple[int, int],
        speaker: str,
        spans: list[tuple[int, int, str]],
    ) -> None:
        last = tokens[j]
        words = tuple(token.fold for token in tokens[i:j]) + (
            singular(last.fold, last.upper),
        )
        key = " ".join(words)
        phrase = self.phrases.get(key)
        if phrase is None:
            phrase = self.phrases[key] = _Phrase(key, words)
        phrase.count += 1
        first = tokens[i]
        start, end = first.start, last.end
        phrase.occurrences.append((where[0], where[1], start, end))
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
        phrase.segments.add(where)
        spans.append((i, j, key))

    def _parentheses(
        self, text: str, tokens: list[Token], spans: list[tuple[int, int, str]]
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
                for i, j, key in spans
                if j > i and tokens[j].end == before and _spells(acronym, key)
            ]
            if spelled:
                self.parenthesized.append((acronym, min(spelled)[1]))


def _meaningful_capital(token: Token) -> bool:
    return token.capital and not token.initial


def _can_edge(token: Token) -> bool:
    """May this word start or end a phrase?"""
    flags = token.flags
    if flags & _NEVER_AT_EDGE:
        return False
    return not flags & _NOT_IF_LOWER or _meaningful_capital(token)


def _spells(acronym: str, key: str) -> bool:
    """Loose match for an explicit "(ACRONYM)": letters in order, initial first."""
    words = key.split()
    if not words or words[0][0] != acronym[0]:
        return False
    letters = iter("".join(words))
    return all(char in letters for char in acronym)


def _initials(words: Sequence[str]) -> set[str]:
    """The acronyms a phrase can stand for: connectors counted or skipped."""
    choices = [
        (word[0], "") if word in CONNECTORS else (word[0],)
        for word in words
        if word[:1].isalpha()
    ]
    if len(choices) != len(words) or len(words) > MAX_WORDS:
        return set()
    return {"".join(parts) for parts in product(*choices)}


class _Groups:
    """Union-find over phrase keys: spelling variants, acronym and expansion."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {key: key for key in keys}

    def find(self, key: str) -> str:
        parent = self.parent
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key becomes the root, so groups do not depend on order.
            ra, rb = sorted((ra, rb))
            self.parent[rb] = ra

    def members(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for key in self.parent:
            groups[self.find(key)].append(key)
        return groups


def _fold_variants(data: _Episodes) -> dict[str, list[str]]:
    phrases = data.phrases
    groups = _Groups(phrases)
    compact: dict[str, str] = {}
    for key in phrases:
        joined = key.replace(" ", "")
        if joined in compact:
            groups.union(compact[joined], key)
        else:
            compact[joined] = key

    expansions: dict[str, list[str]] = defaultdict(list)
    for key, phrase in phrases.items():
        if 1 < len(phrase.words) <= MAX_WORDS:
            for letters in _initials(phrase.words):
                expansions[letters].append(key)
    for key in sorted(phrases):
        phrase = phrases[key]
        # Two letters are too ambiguous ("AI", "EA", "PR") to fold on initials.
        if not phrase.acronym or len(key) < 3 or key not in expansions:
            continue
        turns = phrase.segments
        episodes = {episode for episode, _ in turns}
        matches = []
        for expansion in expansions[key]:
            used = phrases[expansion].segments
            if turns & used or (
                phrases[expansion].count > 1 and episodes & {e for e, _ in used}
            ):
                matches.append((-phrases[expansion].count, expansion))
        if matches:
            groups.union(key, min(matches)[1])
    for acronym, expansion in data.parenthesized:
        if acronym in phrases:
            groups.union(acronym, expansion)
    return groups.members()


def _independent_counts(data: _Episodes, group_of: dict[str, str]) -> Counter[str]:
    """Per group, the occurrences not nested in a longer candidate's occurrence.

    A longer candidate absorbs the occurrences inside it when it is repeated
    (C-value: "source community" is only ever part of "open source
    community"). Between phrases said once, the longest wins ("New York"
    inside "New York City"), except that a name or acronym is not absorbed by
    a longer phrase that is not a name ("FTC" in "ridiculous FTC").
    """
    totals: Counter[str] = Counter()
    names: set[str] = set()
    for key, phrase in data.phrases.items():
        group = group_of[key]
        totals[group] += phrase.count
        if phrase.name or phrase.acronym:
            names.add(group)
    independent: Counter[str] = Counter()
    for spans in data.spans.values():
        by_start: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for i, j, key in spans:
            by_start[i].append((j, group_of[key]))
        for i, j, key in spans:
            group = group_of[key]
            once = totals[group] == 1
            nested = False
            for outer_i in range(max(0, i - MAX_WORDS + 1), i + 1):
                for outer_j, outer in by_start.get(outer_i, ()):
                    if outer_j < j or outer_j - outer_i <= j - i or outer == group:
                        continue
                    if totals[outer] > 1 or (
                        once and (outer in names or group not in names)
                    ):
                        nested = True
                        break
                if nested:
                    break
            if not nested:
                independent[group] += 1
    return independent


def _name_parts(names: Iterable[str]) -> set[str]:
    parts: set[str] = set()
    for name in names:
        parts.update(
            fold(word) for word in WORD_RE.findall(name or "") if len(word) > 1
        )
    return parts


@dataclass(slots=True)
class _Ranked:
    score: float
    label: str
    aliases: list[str]
    kind: str
    members: list[_Phrase]
    signals: dict[str, float]


def _chosen(members: list[_Phrase]) -> _Phrase:
    """The member the label comes from (see `_label_and_aliases`)."""
    return min(members, key=lambda p: (-p.count, not p.acronym, -len(p.words), p.key))


def _label_and_aliases(
    members: list[_Phrase], chosen: _Phrase
) -> tuple[str, list[str]]:
    """The preferred surface form, the other forms, and the phrase it came from.

    The label comes from the most used member (on a tie: the acronym, then
    the spaced form: "Hugging Face" over "HuggingFace"), and within it from
    the most frequent singular form; a phrase only ever said in the plural
    gets its singular made up ("frontier models" → "frontier model").
    """
    shown = chosen.display_surfaces(chosen.name)
    singulars = [
        (count, surface) for (surface, plural), count in shown.items() if not plural
    ]
    # On a tie, a name keeps its capitals and a concept drops them.
    sign = -1 if chosen.name else 1
    if singulars:
        label = min(
            singulars, key=lambda item: (-item[0], sign * _capitals(item[1]), item[1])
        )[1]
    else:
        count, surface = min(
            ((count, surface) for (surface, _), count in shown.items()),
            key=lambda item: (-item[0], item[1]),
        )
        label = _make_singular(surface, chosen)
    if not chosen.name and " " not in label and label[1:].islower():
        label = label.lower()  # "revolution", capitalised only inside a name
    forms: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = defaultdict(Counter)
    for member in members:
        for (surface, _), count in member.display_surfaces(member.name).items():
            folded = fold(surface)
            forms[folded] += count
            spelled[folded][surface] += count
    forms.pop(fold(label), None)
    aliases = [
        min(spelled[folded].items(), key=lambda item: (-item[1], item[0]))[0]
        for folded, _ in sorted(forms.items(), key=lambda item: (-item[1], item[0]))
    ]
    return label, aliases


def _capitals(text: str) -> int:
    return sum(char.isupper() for char in text)


def _make_singular(surface: str, phrase: _Phrase) -> str:
    head, _, last = surface.rpartition(" ")
    if phrase.acronym:
        return surface[:-1] if surface.endswith("s") else surface
    if phrase.name or last.isupper():
        return surface
    word = phrase.words[-1]
    if last[:1].isupper():
        word = word[:1].upper() + word[1:]
    return f"{head} {word}" if head else word


def _kind(label: str, chosen: _Phrase) -> str:
    if chosen.acronym and " " not in label and is_acronym(label):
        return "acronym"
    if (chosen.name or chosen.acronym) and any(char.isdigit() for char in label):
        return "product"
    if chosen.name:
        return "name"
    return "concept"


def _rank(
    data: _Episodes,
    *,
    exclude: Collection[str],
    speaker_names: Collection[str],
) -> list[_Ranked]:
    groups = _fold_variants(data)
    group_of = {key: root for root, keys in groups.items() for key in keys}
    independent = _independent_counts(data, group_of)
    excluded = {normalize_label(key) for key in exclude}
    speakers_seen = {
        speaker
        for episode in data.segments
        for segment in episode
        if (speaker := _speaker(segment)) is not None
    }
    name_parts = _name_parts([*speakers_seen, *speaker_names])
    counts = data.word_counts
    ranked: list[_Ranked] = []
    for root in sorted(groups):
        members = [data.phrases[key] for key in sorted(groups[root])]
        free = independent[root]
        if not free:
            continue
        frequency = sum(member.count for member in members)
        chosen = _chosen(members)
        longest = max(members, key=lambda member: (len(member.words), member.key))
        if len(longest.words) == 1 and not signals.single_word_allowed(
            chosen.key, name=chosen.name, acronym=chosen.acronym, frequency=frequency
        ):
            continue
        if any(
            all(word in name_parts or word in CONNECTORS for word in member.words)
            for member in members
        ):
            continue
        name = chosen.name or chosen.acronym
        if frequency == 1 and not name and len(longest.words) > 1:
            if any(word in CONNECTORS for word in longest.words):
                # "semantics of open source": said once, a description, not a term.
                continue
        label, aliases = _label_and_aliases(members, chosen)
        keys = {member.key for member in members} | {normalize_label(label)}
        keys.update(normalize_label(alias) for alias in aliases)
        if keys & excluded:
            continue
        segments = set().union(*(member.segments for member in members))
        speakers: Counter[str] = Counter()
        for member in members:
            speakers.update(member.speakers)
        episodes = len({episode for episode, _ in segments})
        tightness = max(
            signals.cohesion(
                member.count,
                [counts[singular(w)] for w in member.words if w not in CONNECTORS],
            )
            for member in members
        )
        head = max(signals.head_bonus(member.words) for member in members)
        score = signals.combine(
            frequency=frequency,
            independent=free,
            segments=len(segments),
            words=len(longest.words),
            cohesion=tightness,
            name=name,
            acronym=len(chosen.key) if chosen.acronym else 0,
            head=head,
            speakers=len(speakers),
            episodes=episodes,
        )
        ranked.append(
            _Ranked(
                score=round(score, 6),
                label=label,
                aliases=aliases,
                kind=_kind(label, chosen),
                members=members,
                signals={
                    "independent_frequency": free,
                    "segments": len(segments),
                    "words": len(longest.words),
                    "cohesion": round(tightness, 4),
                    "name_or_acronym": float(name),
                    "head_bonus": head,
                },
            )
        )
    ranked.sort(key=lambda item: (-item.score, item.label.casefold(), item.label))
    return ranked


class _Clock:
    """Seconds at a character offset of a segment, interpolated between marks."""

    def __init__(self, segment: Any, next_start: float | None) -> None:
        points: dict[int, float] = {0: _seconds(segment.start)}
        for mark in getattr(segment, "marks", None) or ():
            offset, said_at = _mark(mark)
            points[offset] = said_at
        end = getattr(segment, "end", None)
        end = _seconds(end) if end is not None else next_start
        length = len(segment.text or "")
        if end is not None and length and length not in points:
            points[length] = end
        self.offsets = sorted(points)
        seconds, latest = [], 0.0
        for offset in self.offsets:
            latest = max(latest, points[offset])
            seconds.append(latest)
        self.seconds = seconds

    def at(self, offset: int) -> float:
        index = bisect.bisect_right(self.offsets, offset) - 1
        if index + 1 >= len(self.offsets):
            return self.seconds[index]
        a, b = self.offsets[index], self.offsets[index + 1]
        sa, sb = self.seconds[index], self.seconds[index + 1]
        return round(sa + (sb - sa) * (offset - a) / (b - a), 3)


def _speaker(segment: Any) -> str | None:
    """The speaker's label: a string, or a database row's `speaker_label`.

    A `Segment` row's `speaker` is a `Person` (or None); its `speaker_label`
    is what the transcript said, which is what evidence should record.
    """
    speaker = segment.speaker
    label = getattr(segment, "speaker_label", None) or None
    if speaker is not None and not isinstance(speaker, str):
        return label or str(speaker)
    return speaker or label


def _mark(mark: Any) -> tuple[int, float]:
    """(offset, seconds) of a `TimeMark`, a stored pair or a stored mapping."""
    if isinstance(mark, dict):
        return int(mark["offset"]), float(mark["seconds"])
    if isinstance(mark, list | tuple):
        return int(mark[0]), float(mark[1])
    return int(mark.offset), float(mark.seconds)


def _seconds(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _quote(text: str, start: int, end: int) -> str:
    """The sentence around a mention, cut to a readable length."""
    left = max(text.rfind(stop, 0, start) for stop in (". ", "? ", "! ", "\n"))
    left = 0 if left < 0 else left + 1
    rights = [
        i for i in (text.find(s, end) for s in (". ", "? ", "! ", "\n")) if i >= 0
    ]
    right = min(rights) + 1 if rights else len(text)
    left = max(left, start - _QUOTE_LIMIT // 2)
    right = min(right, end + _QUOTE_LIMIT // 2)
    return _SPACES_RE.sub(" ", text[left:right]).strip()


def _candidate(
    data: _Episodes, ranked: _Ranked, clocks: dict[tuple[int, int], _Clock]
) -> Candidate:
    occurrences = sorted(
        occurrence for member in ranked.members for occurrence in member.occurrences
    )
    mentions = []
    for episode, index, start, end in occurrences:
        segments = data.segments[episode]
        clock = clocks.get((episode, index))
        if clock is None:
            following = segments[index + 1].start if index + 1 < len(segments) else None
            next_start = _seconds(following) if following is not None else None
            clock = clocks[(episode, index)] = _Clock(segments[index], next_start)
        segment = segments[index]
        mentions.append(
            Mention(
                episode=data.keys[episode],
                segment_index=index,
                start=start,
                end=end,
                speaker=_speaker(segment),
                seconds=clock.at(start),
            )
        )
    speakers: Counter[str] = Counter()
    for member in ranked.members:
        speakers.update(member.speakers)
    first = occurrences[0]
    text = data.segments[first[0]][first[1]].text or ""
    return Candidate(
        label=ranked.label,
        key=normalize_label(ranked.label),
        aliases=ranked.aliases,
        kind=ranked.kind,
        score=ranked.score,
        frequency=len(mentions),
        episodes=len({episode for episode, _, _, _ in occurrences}),
        first_seconds=mentions[0].seconds,
        speakers=[
            name for name, _ in sorted(speakers.items(), key=lambda i: (-i[1], i[0]))
        ],
        mentions=mentions,
        signals=ranked.signals,
        quote=_quote(text, first[2], first[3]),
    )


def extract_candidates(
    episodes: Sequence[tuple[str, Sequence[SegmentLike]]],
    *,
    exclude: Collection[str] = (),
    speaker_names: Collection[str] = (),
    limit: int | None = None,
) -> list[Candidate]:
    """Candidate terms from the episodes' segments, best first.

    `episodes` are (episode key, segments) pairs; a segment needs `speaker`,
    `text` and `start`, and may have `marks` and `end` for finer mention
    times. `exclude` holds normalised labels never to propose (existing
    terms, aliases, rejected terms); a candidate is left out when its label
    or any alias normalises to one. Speaker labels found in the segments and
    `speaker_names` ("Nathan Lambert", "Nate") are never proposed, nor is a
    phrase made only of their words. The order is deterministic: score, then
    label. Cost is linear in the text; `limit` also saves building mentions.
    """
    data = _Episodes()
    for key, segments in episodes:
        data.add(key, segments)
    ranked = _rank(data, exclude=exclude, speaker_names=speaker_names)
    if limit is not None:
        ranked = ranked[: max(limit, 0)]
    clocks: dict[tuple[int, int], _Clock] = {}
    return [_candidate(data, item, clocks) for item in ranked]
