"""Candidate term discovery: phrases worth a glossary entry, ranked per episode.

The method, over plain text (no tagger, no model; docs/extraction.md has
the details and the measurements):

1. **Phrases** (`phrases`): runs of up to five joined words that start and
   end on a content word, names with their links ("X and Y Act"), titles
   left out.
2. **Folding** (`variants.fold_variants`): spellings that differ only by
   spaces, and an acronym with its expansion, are one candidate.
3. **Fragments** (`phrases.independent_counts`): an occurrence nested in a
   longer repeated candidate is not independent; a candidate with no
   independent occurrence is dropped.
4. **Filters**: speakers, credited people, placeholders, the show's name,
   excluded labels, single words too common or too vague to be terms.
5. **Scores per episode** (`scoring.combine`): use in the episode, rarity in
   general English, how it is written, speakers, contrast with the rest of
   the show. Each episode keeps its best `per_episode` candidates; the
   result is their union, in the whole-show order (`ranking.interleave`).
6. **Near variants** (`variants.near_variants`): proposed, never folded.

Kinds, a small fixed set (`KINDS`): "acronym" (RLHF, GPU), "product" (a name
with a version: GPT-2, Llama 2), "name" (written capitalised mid-sentence:
Hugging Face, Meta, Lina Khan; organisations, people and products alike, as
nothing here can tell them apart), "concept" (everything in lower case).
"""

from __future__ import annotations

import tempfile
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from glossary.linking.normalize import normalize_label
from glossary.linking.placement import Placement, place_mention

from . import scoring
from .labels import KINDS, chosen, kind_of, label_and_aliases
from .phrases import SPAN, Episodes, Phrase, independent_counts
from .ranking import interleave
from .stopwords import CONNECTORS, PLACEHOLDERS
from .tokens import NUMBER_RE, WORD_RE, fold, singular
from .variants import fold_variants, near_variants

__all__ = ["KINDS", "Candidate", "Mention", "extract_candidates"]

PER_EPISODE = 60
# Mentions a candidate carries (its evidence needs the first; its frequency
# counts them all): a term said in every episode of a long show holds no more.
MAX_MENTIONS = 100
# An all-capitals word this common in general English, said more often in
# lower case than in capitals, is emphasis or a show's name, not an acronym.
SHOUTED_ZIPF = 4.5


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
    """One use of a candidate: `start`/`end` are offsets into the segment's text.

    `seconds` and `approximate` come from `linking.placement.place_mention`,
    the rule stored citations are placed by, so the review queue's first
    mention and the citation of the same words agree.
    """

    episode: str
    segment_index: int
    start: int
    end: int
    speaker: str | None
    seconds: float
    approximate: bool = True


@dataclass(slots=True)
class Candidate:
    """A proposed term, its scores and the evidence behind them.

    `label` is the most frequent singular surface form, as written mid-
    sentence; `key` is `normalize_label(label)`; `aliases` are the other
    surface forms seen (plural, hyphenated, joined, acronym or expansion),
    case-only variants left out. `episode_scores` and `episode_ranks` are its
    score and rank in each episode that uses it (rank 1 is that episode's
    best candidate); `score` is the best of them. `first_seconds` is the
    time of the first mention in the first episode (input order) that uses
    it. `speakers` are ordered by how often each used it. `signals` are the
    numbers the score was computed from (in its best episode); `quote` is the
    sentence of the first mention. `variant_of` names a better-ranked
    candidate this one may be a spelling or hearing of, and
    `variant_reason` says why ("spelling", "sound", "version").
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
    episode_scores: dict[str, float] = field(default_factory=dict)
    episode_ranks: dict[str, int] = field(default_factory=dict)
    variant_of: str | None = None
    variant_reason: str = ""

    def evidence(self) -> dict[str, Any]:
        """JSON-serialisable evidence, for the candidate's record and the admin."""
        first = self.mentions[0] if self.mentions else None
        evidence = {
            "kind": self.kind,
            "score": self.score,
            "frequency": self.frequency,
            "episodes": self.episodes,
            "first_episode": first.episode if first else None,
            "first_seconds": self.first_seconds,
            "first_approximate": first.approximate if first else True,
            "speakers": list(self.speakers),
            "aliases": list(self.aliases),
            "quote": self.quote,
            "signals": dict(self.signals),
        }
        if self.variant_of:
            evidence["variant_of"] = {
                "label": self.variant_of,
                "key": normalize_label(self.variant_of),
                "reason": self.variant_reason,
            }
        return evidence


@dataclass(slots=True)
class _Group:
    """A candidate as the whole show's statistics make it, in every episode."""

    label: str
    aliases: list[str]
    kind: str
    members: list[Phrase]
    frequency: int
    words: int  # of the longest member
    length: int  # what the score counts: 1 for a phrase said once
    cohesion: float
    name: bool
    acronym: int  # letters when an acronym, else 0
    zipf: float
    connector: bool
    coined: bool


def _name_parts(names: Iterable[str]) -> set[str]:
    """Folded words of people's names, plural-looking ones also singular."""
    parts: set[str] = set()
    for name in names:
        for word in WORD_RE.findall(name or ""):
            if len(word) > 1:
                parts.add(fold(word))
                parts.add(singular(fold(word)))
    return parts


def _word_keys(names: Iterable[str]) -> list[tuple[str, ...]]:
    keys = []
    for name in names:
        words = tuple(fold(word) for word in WORD_RE.findall(name or ""))
        if words:
            keys.append(words)
    return keys


def _contains(words: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return any(
        tuple(words[i : i + n]) == tuple(part) for i in range(len(words) - n + 1)
    )


def _is_number(word: str) -> bool:
    return bool(NUMBER_RE.fullmatch(word))


def _shouted(phrase: Phrase, data: Episodes) -> bool:
    """An all-capitals common word said more often in lower case ("GO", "FREE")."""
    word = phrase.key
    return (
        scoring.zipf(word) >= SHOUTED_ZIPF
        and data.word_counts[singular(word)] > 2 * phrase.count
    )


def _commonest_form(phrase: Phrase) -> str:
    """The last word as made singular or as said, whichever English uses more.

    Rarity must not come from a singular the rules made up ("cookies" →
    "cooky", "oftentimes" → "oftentime").
    """
    last = phrase.words[-1]
    surface = max(phrase.surfaces.items(), key=lambda item: (item[1], item[0]))[0][0]
    said = WORD_RE.findall(surface)
    spoken = fold(said[-1]) if said else last
    return max((last, spoken), key=lambda word: (scoring.zipf(word), word))


def _rejected(
    members: list[Phrase],
    *,
    name_parts: set[str],
    show_words: list[tuple[str, ...]],
) -> bool:
    """Speakers, credited people, placeholders and the show's name."""
    for member in members:
        words = member.words
        if all(
            word in name_parts or word in CONNECTORS or _is_number(word)
            for word in words
        ):
            return True
        if any(word in PLACEHOLDERS for word in words) and all(
            word in PLACEHOLDERS or _is_number(word) for word in words
        ):
            return True
        if any(_contains(words, show) for show in show_words):
            return True
    return False


class _Show:
    """The show-level half of ranking: groups, their statistics, the filters."""

    def __init__(
        self,
        data: Episodes,
        *,
        exclude: Collection[str],
        speaker_names: Collection[str],
        show_names: Collection[str],
    ) -> None:
        data.drop_name_lists()
        self.data = data
        groups = fold_variants(data)
        # Groups are numbered in the order of their roots, which is also how
        # equal scores of equal labels are ordered.
        self.members = [sorted(groups[root]) for root in sorted(groups)]
        self.group_of = [-1] * len(data.names)
        self.totals = [0] * len(self.members)
        self.names: set[int] = set()
        for number, keys in enumerate(self.members):
            for key in keys:
                phrase = data.phrases[key]
                self.group_of[data.ids[key]] = number
                self.totals[number] += phrase.count
                if phrase.name or phrase.acronym:
                    self.names.add(number)
        self.excluded = {normalize_label(key) for key in exclude}
        speakers_seen = [speaker for speaker in data.speakers if speaker]
        self.name_parts = _name_parts([*speakers_seen, *speaker_names])
        self.show_words = _word_keys(
            [*show_names, *(show for show in data.shows if show)]
        )
        self.show_words_total: Counter[str] = Counter()
        for episode, words in enumerate(data.words):
            self.show_words_total[data.shows[episode]] += words
        self.one_show = len(set(data.shows)) <= 1
        self._groups: dict[int, _Group | None] = {}

    def group(self, number: int) -> _Group | None:
        """The candidate a group makes, or None when it is never proposed."""
        if number not in self._groups:
            self._groups[number] = self._make(number)
        return self._groups[number]

    def _make(self, number: int) -> _Group | None:
        data = self.data
        members = [data.phrases[key] for key in self.members[number]]
        frequency = sum(member.count for member in members)
        best = chosen(members)
        acronym = best.acronym and not _shouted(best, data)
        longest = max(members, key=lambda member: (len(member.words), member.key))
        if len(longest.words) == 1 and not scoring.single_word_allowed(
            best.key, name=best.name, acronym=acronym, frequency=frequency
        ):
            return None
        if _rejected(members, name_parts=self.name_parts, show_words=self.show_words):
            return None
        name = best.name or acronym
        if frequency == 1 and not name and len(longest.words) > 1:
            if any(w in CONNECTORS or _is_number(w) for w in longest.words):
                # "semantics of open source", "minute 5": said once, no term.
                return None
        label, aliases = label_and_aliases(members, best)
        keys = {member.key for member in members} | {normalize_label(label)}
        keys.update(normalize_label(alias) for alias in aliases)
        if keys & self.excluded:
            return None
        counts = data.word_counts
        tightness = max(
            scoring.cohesion(
                member.count,
                [counts[singular(w)] for w in member.words if w not in CONNECTORS],
            )
            for member in members
        )
        content = [w for w in best.words if w not in CONNECTORS and not _is_number(w)]
        if content and content[-1] == best.words[-1]:
            content[-1] = _commonest_form(best)
        # Said once, a phrase shows no sign of being a unit: its rarity is its
        # rarest word's, and its length earns nothing.
        once = frequency == 1 and not name
        return _Group(
            label=label,
            aliases=aliases,
            kind=kind_of(label, best) if acronym or not best.acronym else "name",
            members=members,
            frequency=frequency,
            words=len(longest.words),
            length=1 if once else len(longest.words),
            cohesion=tightness,
            name=name,
            acronym=len(best.key) if acronym else 0,
            zipf=scoring.phrase_zipf(content or list(best.words), unit=not once),
            connector=any(w in CONNECTORS for w in longest.words),
            coined=any(member.coined for member in members),
        )

    def mentions_in(self, number: int, group: _Group, show: str) -> int:
        if self.one_show:
            return group.frequency
        return sum(self.data.count_in(member.key, show) for member in group.members)

    def scores(self, episode: int, spans: array, speakers: array) -> list[_Scored]:
        """The scores of the groups standing alone in one episode, best first."""
        data = self.data
        group_of = self.group_of
        free = independent_counts(spans, group_of, self.totals, self.names)
        mentions: Counter[int] = Counter()
        turns: dict[int, set[int]] = defaultdict(set)
        voices: dict[int, set[int]] = defaultdict(set)
        for at in range(0, len(spans), SPAN):
            number = group_of[spans[at + 3]]
            if number < 0:
                continue
            mentions[number] += 1
            turns[number].add(spans[at])
            speaker = speakers[spans[at]]
            if speaker:
                voices[number].add(speaker)
        show = data.shows[episode]
        words = data.words[episode]
        scored = []
        for number, alone in free.items():
            group = self.group(number)
            if group is None:
                continue
            here = mentions[number]
            factor = scoring.contrast(
                here,
                words,
                self.mentions_in(number, group, show) - here,
                self.show_words_total[show] - words,
            )
            score = scoring.combine(
                frequency=here,
                independent=alone,
                segments=len(turns[number]),
                words=group.length,
                cohesion=group.cohesion,
                name=group.name,
                acronym=group.acronym,
                zipf_value=group.zipf,
                speakers=len(voices[number]),
                contrast=factor,
                connector=group.connector,
                coined=group.coined,
            )
            scored.append(
                _Scored(number, round(score, 6), alone, len(turns[number]), factor)
            )
        scored.sort(key=lambda item: self.order(item.group, item.score))
        return scored

    def known(self, number: int) -> _Group:
        """A group already scored (so proposed)."""
        group = self._groups[number]
        if group is None:
            raise LookupError(f"group {number} is never proposed")
        return group

    def order(self, number: int, score: float) -> tuple[float, str, str, int]:
        """An episode's order: best score first, then by label."""
        label = self.known(number).label
        return (-score, label.casefold(), label, number)

    def signals(self, number: int, best: _Scored) -> dict[str, float]:
        group = self.known(number)
        return {
            "independent_frequency": best.independent,
            "segments": best.segments,
            "words": group.words,
            "cohesion": round(group.cohesion, 4),
            "name_or_acronym": float(group.name),
            "zipf": round(group.zipf, 2),
            "contrast": round(best.contrast, 3),
            "coined": float(group.coined),
        }


@dataclass(slots=True)
class _Scored:
    """A group's score in one episode and the counts behind it."""

    group: int
    score: float
    independent: int
    segments: int
    contrast: float


class _Scores:
    """Each episode's scored groups, written to a temporary file as ranked
    and read back an episode at a time."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._sizes: list[int] = []

    def write(self, scored: list[_Scored]) -> None:
        numbers = array("i")
        values = array("d")
        for item in scored:
            numbers.extend((item.group, item.independent, item.segments))
            values.extend((item.score, item.contrast))
        numbers.tofile(self._file)
        values.tofile(self._file)
        self._sizes.append(len(scored))

    def read(self) -> Iterator[list[_Scored]]:
        self._file.seek(0)
        for size in self._sizes:
            numbers, values = array("i"), array("d")
            numbers.fromfile(self._file, 3 * size)
            values.fromfile(self._file, 2 * size)
            yield [
                _Scored(
                    numbers[3 * k],
                    values[2 * k],
                    numbers[3 * k + 1],
                    numbers[3 * k + 2],
                    values[2 * k + 1],
                )
                for k in range(size)
            ]

    def close(self) -> None:
        self._file.close()


@dataclass(slots=True)
class _Kept:
    """A kept candidate's evidence, gathered in the last pass."""

    best: _Scored  # its best episode's score (the first of equal ones)
    scores: dict[int, float] = field(default_factory=dict)  # episode → score
    ranks: dict[int, int] = field(default_factory=dict)  # episode → rank
    mentions: list[Mention] = field(default_factory=list)
    quote: str = ""
    episodes: int = 0


def _mark(mark: Any) -> tuple[int, float]:
    """(offset, seconds) of a `TimeMark`, a stored pair or a stored mapping."""
    if isinstance(mark, dict):
        return int(mark["offset"]), float(mark["seconds"])
    if isinstance(mark, list | tuple):
        return int(mark[0]), float(mark[1])
    return int(mark.offset), float(mark.seconds)


def _seconds(value: Any) -> float | None:
    return float(value) if value is not None else None


class _Placer:
    """Mentions of one segment placed by `linking.placement.place_mention`."""

    def __init__(self, segment: Any, following: Any) -> None:
        self.text = segment.text or ""
        self.start = _seconds(segment.start) or 0.0
        self.estimated = bool(getattr(segment, "start_estimated", False))
        self.marks = [_mark(mark) for mark in getattr(segment, "marks", None) or ()]
        self.end = _seconds(getattr(segment, "end", None))
        self.next_start = _seconds(following.start) if following is not None else None

    def place(self, start: int, end: int) -> Placement:
        return place_mention(
            self.text,
            start,
            end,
            segment_start=self.start,
            start_estimated=self.estimated,
            marks=self.marks,
            segment_end=self.end,
            next_start=self.next_start,
        )


def _mentions(
    kept: dict[int, _Kept],
    key: str,
    segments: Sequence[Any],
    spans: array,
    group_of: Sequence[int],
    speakers: Sequence[str],
) -> None:
    """The kept candidates' mentions in one episode, up to `MAX_MENTIONS` each."""
    found: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for at in range(0, len(spans), SPAN):
        number = group_of[spans[at + 3]]
        if number in kept:
            found[number].append((spans[at], spans[at + 4], spans[at + 5]))
    placers: dict[int, _Placer] = {}
    for number, occurrences in found.items():
        state = kept[number]
        state.episodes += 1
        room = MAX_MENTIONS - len(state.mentions)
        for index, start, end in sorted(occurrences)[: max(room, 0)]:
            placer = placers.get(index)
            if placer is None:
                following = segments[index + 1] if index + 1 < len(segments) else None
                placer = placers[index] = _Placer(segments[index], following)
            placed = placer.place(start, end)
            if not state.mentions:
                state.quote = placed.quote
            speaker = speakers[index]
            state.mentions.append(
                Mention(
                    episode=key,
                    segment_index=index,
                    start=start,
                    end=end,
                    speaker=speaker or None,
                    seconds=placed.seconds,
                    approximate=placed.approximate,
                )
            )


def _candidate(show: _Show, number: int, state: _Kept) -> Candidate:
    group = show.known(number)
    keys = show.data.keys
    speakers: Counter[str] = Counter()
    for member in group.members:
        speakers.update(member.speakers)
    return Candidate(
        label=group.label,
        key=normalize_label(group.label),
        aliases=group.aliases,
        kind=group.kind,
        score=state.best.score,
        frequency=group.frequency,
        episodes=state.episodes,
        first_seconds=state.mentions[0].seconds,
        speakers=[
            name for name, _ in sorted(speakers.items(), key=lambda i: (-i[1], i[0]))
        ],
        mentions=state.mentions,
        signals=show.signals(number, state.best),
        quote=state.quote,
        episode_scores={keys[e]: s for e, s in sorted(state.scores.items())},
        episode_ranks={keys[e]: r for e, r in sorted(state.ranks.items())},
    )


def extract_candidates(
    episodes: Iterable[tuple[str, Iterable[SegmentLike]]],
    *,
    exclude: Collection[str] = (),
    speaker_names: Collection[str] = (),
    show_names: Collection[str] = (),
    shows: Mapping[str, str] | None = None,
    per_episode: int | None = PER_EPISODE,
    limit: int | None = None,
) -> list[Candidate]:
    """Candidate terms from the episodes' segments, in the whole-show order.

    `episodes` are (episode key, segments) pairs; a segment needs `speaker`,
    `text` and `start`, and may have `marks` and `end` for finer mention
    times. `shows` maps an episode key to its show (all one show by
    default): an episode is contrasted with the rest of its own show.
    `exclude` holds normalised labels never to propose (existing terms,
    aliases, rejected terms). Speaker labels, `speaker_names` ("Nathan
    Lambert", "Nate") and placeholders ("Speaker 2") are never proposed, nor
    a phrase naming the show (`show_names` and the `shows` values).

    Each episode keeps its best `per_episode` candidates (all when None);
    the result is their union, ordered by `ranking.interleave` (each
    episode's first, then each one's second...; within a round by score),
    cut to `limit`. `episode_ranks` count within each episode's queue of
    kept candidates. Scores are
    rounded and ties broken by label, so the order is deterministic. Cost is
    linear in the text.

    `episodes` is read twice, an episode at a time: once to count the
    show's phrases, once to place the kept candidates' mentions. A sequence
    or any iterable that reads afresh each time it is iterated (the service
    reads the database again) keeps memory bounded by the largest episode
    and the show's phrase counts; a one-shot iterator is read into a list
    first. A candidate keeps its first `MAX_MENTIONS` mentions; `frequency`
    and `episodes` count them all.
    """
    source = list(episodes) if iter(episodes) is episodes else episodes
    data = Episodes()
    scores = _Scores()
    try:
        for key, segments in source:
            data.add(key, segments, (shows or {}).get(key, ""))
        if not data.keys:
            return []
        show = _Show(
            data, exclude=exclude, speaker_names=speaker_names, show_names=show_names
        )
        kept: dict[int, _Kept] = {}
        for episode, spans, speakers in data.spans():
            scored = show.scores(episode, spans, speakers)
            top = scored if per_episode is None else scored[: max(per_episode, 0)]
            for item in top:
                kept.setdefault(item.group, _Kept(item))
            scores.write(scored)
        # Each episode's queue: its kept candidates (its own best and those
        # other episodes kept) in its order; ranks count from 1 within it.
        queues: list[list[int]] = []
        read = zip(source, data.spans(), scores.read(), strict=True)
        for (key, segments), (episode, spans, voices), scored in read:
            if key != data.keys[episode]:
                raise ValueError(
                    f"episode {episode + 1} was {data.keys[episode]!r}, now {key!r}:"
                    " the episodes must be the same each time they are read"
                )
            queue = [item for item in scored if item.group in kept]
            for rank, item in enumerate(queue, start=1):
                state = kept[item.group]
                if not state.scores or item.score > state.best.score:
                    state.best = item
                state.scores[episode] = item.score
                state.ranks[episode] = rank
            queues.append([item.group for item in queue])
            _mentions(
                kept,
                key,
                segments if isinstance(segments, Sequence) else list(segments),
                spans,
                show.group_of,
                [data.speakers[number] for number in voices],
            )
    finally:
        data.close()
        scores.close()
    order = interleave(queues, key=lambda number: _best_order(show, kept[number]))
    if limit is not None:
        order = order[: max(limit, 0)]
    result = [_candidate(show, number, kept[number]) for number in order]
    for index, (earlier, reason) in near_variants([c.label for c in result]).items():
        result[index].variant_of = result[earlier].label
        result[index].variant_reason = reason
    return result


def _best_order(show: _Show, state: _Kept) -> tuple[float, str, str]:
    """Within a round of the whole-show order: best score first, then label."""
    label = show.known(state.best.group).label
    return (-state.best.score, label, label.casefold())


def episode_order(candidates: Sequence[Candidate], episode: str) -> list[Candidate]:
    """The candidates of one episode in its review order (its ranks)."""
    used = [c for c in candidates if episode in c.episode_ranks]
    return sorted(used, key=lambda c: (c.episode_ranks[episode], c.key))
