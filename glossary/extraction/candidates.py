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

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from glossary.linking.normalize import normalize_label
from glossary.linking.placement import Placement, place_mention

from . import scoring
from .labels import KINDS, chosen, kind_of, label_and_aliases
from .phrases import Episodes, Phrase, independent_counts
from .ranking import interleave
from .stopwords import CONNECTORS, PLACEHOLDERS
from .tokens import NUMBER_RE, WORD_RE, fold, singular
from .variants import fold_variants, near_variants

__all__ = ["KINDS", "Candidate", "Mention", "extract_candidates"]

PER_EPISODE = 60
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
class _Ranked:
    label: str
    aliases: list[str]
    kind: str
    members: list[Phrase]
    scores: dict[int, float]  # episode index → score
    signals: dict[int, dict[str, float]]


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


def _rank(
    data: Episodes,
    *,
    exclude: Collection[str],
    speaker_names: Collection[str],
    show_names: Collection[str],
) -> list[_Ranked]:
    data.drop_name_lists()
    groups = fold_variants(data)
    group_of = {key: root for root, keys in groups.items() for key in keys}
    independent = independent_counts(data, group_of)
    excluded = {normalize_label(key) for key in exclude}
    speakers_seen = {
        speaker for episode in data.speakers for speaker in episode if speaker
    }
    name_parts = _name_parts([*speakers_seen, *speaker_names])
    show_words = _word_keys([*show_names, *(show for show in data.shows if show)])
    counts = data.word_counts
    show_of = data.shows
    show_words_total: Counter[str] = Counter()
    for episode, words in enumerate(data.words):
        show_words_total[show_of[episode]] += words
    ranked: list[_Ranked] = []
    for root in sorted(groups):
        members = [data.phrases[key] for key in sorted(groups[root])]
        per_episode_free = {
            episode: independent[(root, episode)]
            for episode in range(len(data.keys))
            if independent[(root, episode)]
        }
        if not per_episode_free:
            continue
        frequency = sum(member.count for member in members)
        best = chosen(members)
        acronym = best.acronym and not _shouted(best, data)
        longest = max(members, key=lambda member: (len(member.words), member.key))
        if len(longest.words) == 1 and not scoring.single_word_allowed(
            best.key, name=best.name, acronym=acronym, frequency=frequency
        ):
            continue
        if _rejected(members, name_parts=name_parts, show_words=show_words):
            continue
        name = best.name or acronym
        if frequency == 1 and not name and len(longest.words) > 1:
            if any(w in CONNECTORS or _is_number(w) for w in longest.words):
                # "semantics of open source", "minute 5": said once, no term.
                continue
        label, aliases = label_and_aliases(members, best)
        keys = {member.key for member in members} | {normalize_label(label)}
        keys.update(normalize_label(alias) for alias in aliases)
        if keys & excluded:
            continue
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
        rarity_zipf = scoring.phrase_zipf(content or list(best.words), unit=not once)
        length = 1 if once else len(longest.words)
        coined = any(member.coined for member in members)
        # Per episode: mentions, turns, speakers.
        mentions: Counter[int] = Counter()
        turns: dict[int, set[int]] = defaultdict(set)
        speakers: dict[int, set[str]] = defaultdict(set)
        for member in members:
            for episode, index, _, _ in member.occurrences:
                mentions[episode] += 1
                turns[episode].add(index)
                speaker = data.speakers[episode][index]
                if speaker:
                    speakers[episode].add(speaker)
        show_mentions: Counter[str] = Counter()
        for episode, count in mentions.items():
            show_mentions[show_of[episode]] += count
        scores: dict[int, float] = {}
        signals: dict[int, dict[str, float]] = {}
        for episode, free in per_episode_free.items():
            show = show_of[episode]
            here = mentions[episode]
            factor = scoring.contrast(
                here,
                data.words[episode],
                show_mentions[show] - here,
                show_words_total[show] - data.words[episode],
            )
            score = scoring.combine(
                frequency=here,
                independent=free,
                segments=len(turns[episode]),
                words=length,
                cohesion=tightness,
                name=name,
                acronym=len(best.key) if acronym else 0,
                zipf_value=rarity_zipf,
                speakers=len(speakers[episode]),
                contrast=factor,
                connector=any(w in CONNECTORS for w in longest.words),
                coined=coined,
            )
            scores[episode] = round(score, 6)
            signals[episode] = {
                "independent_frequency": free,
                "segments": len(turns[episode]),
                "words": len(longest.words),
                "cohesion": round(tightness, 4),
                "name_or_acronym": float(name),
                "zipf": round(rarity_zipf, 2),
                "contrast": round(factor, 3),
                "coined": float(coined),
            }
        ranked.append(
            _Ranked(
                label=label,
                aliases=aliases,
                kind=kind_of(label, best) if acronym or not best.acronym else "name",
                members=members,
                scores=scores,
                signals=signals,
            )
        )
    return ranked


def _order(item: _Ranked, episode: int) -> tuple[float, str, str]:
    return (-item.scores[episode], item.label.casefold(), item.label)


def _best_order(item: _Ranked) -> tuple[float, str, str]:
    """Within a round of the whole-show order: best score first, then label."""
    return (-max(item.scores.values()), item.label, item.label.casefold())


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


def _candidate(
    data: Episodes,
    ranked: _Ranked,
    ranks: dict[int, int],
    placers: dict[tuple[int, int], _Placer],
) -> Candidate:
    occurrences = sorted(
        occurrence for member in ranked.members for occurrence in member.occurrences
    )
    mentions: list[Mention] = []
    quote = ""
    for episode, index, start, end in occurrences:
        segments = data.segments[episode]
        placer = placers.get((episode, index))
        if placer is None:
            following = segments[index + 1] if index + 1 < len(segments) else None
            placer = placers[(episode, index)] = _Placer(segments[index], following)
        placed = placer.place(start, end)
        if not mentions:
            quote = placed.quote
        mentions.append(
            Mention(
                episode=data.keys[episode],
                segment_index=index,
                start=start,
                end=end,
                speaker=data.speakers[episode][index] or None,
                seconds=placed.seconds,
                approximate=placed.approximate,
            )
        )
    speakers: Counter[str] = Counter()
    for member in ranked.members:
        speakers.update(member.speakers)
    best_episode = min(ranked.scores, key=lambda e: (-ranked.scores[e], e))
    return Candidate(
        label=ranked.label,
        key=normalize_label(ranked.label),
        aliases=ranked.aliases,
        kind=ranked.kind,
        score=ranked.scores[best_episode],
        frequency=len(mentions),
        episodes=len({episode for episode, _, _, _ in occurrences}),
        first_seconds=mentions[0].seconds,
        speakers=[
            name for name, _ in sorted(speakers.items(), key=lambda i: (-i[1], i[0]))
        ],
        mentions=mentions,
        signals=ranked.signals[best_episode],
        quote=quote,
        episode_scores={data.keys[e]: s for e, s in sorted(ranked.scores.items())},
        episode_ranks={data.keys[e]: r for e, r in sorted(ranks.items())},
    )


def extract_candidates(
    episodes: Sequence[tuple[str, Sequence[SegmentLike]]],
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
    """
    data = Episodes()
    for key, segments in episodes:
        data.add(key, segments, (shows or {}).get(key, ""))
    ranked = _rank(
        data, exclude=exclude, speaker_names=speaker_names, show_names=show_names
    )
    by_episode: dict[int, list[_Ranked]] = defaultdict(list)
    for item in ranked:
        for episode in item.scores:
            by_episode[episode].append(item)
    kept: dict[int, _Ranked] = {}
    for episode in range(len(data.keys)):
        items = sorted(by_episode.get(episode, ()), key=lambda i: _order(i, episode))
        by_episode[episode] = items
        top = items if per_episode is None else items[: max(per_episode, 0)]
        kept.update((id(item), item) for item in top)
    # Each episode's queue: its kept candidates (its own best and those other
    # episodes kept) in its order; ranks count from 1 within it.
    ranks: dict[int, dict[int, int]] = defaultdict(dict)  # id(item) → episode → rank
    queues: list[list[int]] = []
    for episode in range(len(data.keys)):
        queue = [id(item) for item in by_episode[episode] if id(item) in kept]
        for rank, ident in enumerate(queue, start=1):
            ranks[ident][episode] = rank
        queues.append(queue)
    order = interleave(queues, key=lambda ident: _best_order(kept[ident]))
    if limit is not None:
        order = order[: max(limit, 0)]
    placers: dict[tuple[int, int], _Placer] = {}
    result = [_candidate(data, kept[i], ranks[i], placers) for i in order]
    for index, (earlier, reason) in near_variants([c.label for c in result]).items():
        result[index].variant_of = result[earlier].label
        result[index].variant_reason = reason
    return result


def episode_order(candidates: Sequence[Candidate], episode: str) -> list[Candidate]:
    """The candidates of one episode in its review order (its ranks)."""
    used = [c for c in candidates if episode in c.episode_ranks]
    return sorted(used, key=lambda c: (c.episode_ranks[episode], c.key))
