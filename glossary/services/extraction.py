"""Propose candidate terms from episodes.

Reads everything it needs in a fixed number of queries, runs the pure
extraction over plain data, and writes in one short transaction. Automatic
citations are kept current by `services.citations.refresh`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..extraction import PER_EPISODE, Candidate, extract_candidates
from ..linking.normalize import normalize_label
from ..models import (
    Alias,
    CandidateScore,
    Episode,
    GlossaryVersion,
    Person,
    Segment,
    Term,
)
from .merge import terms_merge
from .rules import free_slug, slug_base, term_slugs_taken

KIND_OF_CANDIDATE = {
    "concept": Term.Kind.CONCEPT,
    "acronym": Term.Kind.CONCEPT,
    "product": Term.Kind.PRODUCT,
    "name": Term.Kind.OTHER,
}
Progress = Callable[[Iterable], Iterable]
# Episodes in the order of the show.
EPISODE_ORDER = ("published_on", "number", "pk")


def _no_progress(items: Iterable) -> Iterable:
    return items


@dataclass
class ProposalResult:
    ranking: list[Candidate]
    created: list[Term] = field(default_factory=list)
    updated: list[Term] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # already a draft, published or rejected term, or an alias


@dataclass(slots=True)
class _Said:
    """A segment as extraction reads it: a few values, not a model row.

    A `Segment` row with its speaker's `Person` costs about 4 KB beside its
    text, this a tenth.
    """

    speaker: str | None  # the label the transcript gave, else the person's name
    text: str
    start: float
    end: float | None
    marks: list
    start_estimated: bool


def _context_episodes(episodes: Sequence[Episode] | None) -> list[Episode]:
    """The episodes and the rest of their shows, the context each is ranked
    in, in the order of the show (one query)."""
    queryset = Episode.objects.only("id", "slug", "show", "published_on", "number")
    if episodes is not None:
        queryset = queryset.filter(show__in={episode.show_id for episode in episodes})
    return list(queryset.order_by(*EPISODE_ORDER))


class _ShowSegments:
    """(slug, segments) of each episode, in its order, one episode at a time.

    Extraction iterates this once per pass; each iteration is one query whose
    rows come from a server-side cursor a chunk at a time, kept as `_Said`
    values for one episode only, so memory does not grow with the show.
    Equal speaker labels share one string. `progress` wraps the first pass.
    """

    def __init__(self, episodes: list[Episode], progress: Progress) -> None:
        self.episodes = episodes
        self.progress = progress
        self.passes = 0

    def __iter__(self) -> Iterator[tuple[str, list[_Said]]]:
        self.passes += 1
        episodes = self.progress(self.episodes) if self.passes == 1 else self.episodes
        rows = (
            Segment.objects.filter(episode__in=[e.pk for e in self.episodes])
            .order_by(*(f"episode__{name}" for name in EPISODE_ORDER), "order")
            .values_list(
                "episode_id",
                "speaker_label",
                "speaker__name",
                "text",
                "start",
                "end",
                "marks",
                "start_estimated",
            )
            .iterator(chunk_size=2000)
        )
        pending = next(rows, None)
        speakers: dict[str, str] = {}
        for episode in episodes:
            said: list[_Said] = []
            while pending is not None and pending[0] == episode.pk:
                _, label, name, text, start, end, marks, estimated = pending
                speaker = label or name or None
                if speaker is not None:
                    speaker = speakers.setdefault(speaker, speaker)
                said.append(_Said(speaker, text, start, end, marks, estimated))
                pending = next(rows, None)
            yield episode.slug, said


def terms_propose_candidates(
    *,
    episodes: Sequence[Episode] | None = None,
    per_episode: int = PER_EPISODE,
    limit: int | None = None,
    progress: Progress = _no_progress,
) -> ProposalResult:
    """Rank candidate terms per episode and store each episode's best.

    Every episode of the shows concerned is read, so that each is ranked in
    the context of its show; each keeps its best `per_episode` candidates
    (`limit` caps the total, in the whole-show order). A label that already
    names a draft, published or rejected term is never proposed (a rejected
    term never comes back); an existing candidate gets its score and
    evidence refreshed. The episodes' queues (`CandidateScore` rows) are
    replaced with the new ranking.
    """
    loaded = _context_episodes(episodes)
    speaker_names = set()
    # A placeholder voice's name ("Speaker 1 (episode-slug)") names nobody:
    # its words must not keep candidates out. Its label is a speaker label of
    # the segments, which the extraction reads on its own.
    people = Person.objects.filter(is_placeholder=False)
    for name, short_names in people.values_list("name", "short_names"):
        speaker_names.update([name, *name.split(), *short_names])
    curated = Alias.objects.exclude(term__status=Term.Status.CANDIDATE)
    ranking = extract_candidates(
        _ShowSegments(loaded, progress),
        exclude=set(curated.values_list("normalized", flat=True)),
        speaker_names=speaker_names,
        shows={e.slug: e.show_id for e in loaded},
        per_episode=per_episode,
        limit=limit,
    )
    result = ProposalResult(ranking=ranking)
    named = dict(Alias.objects.values_list("normalized", "term_id"))
    # Only the terms this ranking names are read (with their evidence), not
    # the whole glossary: what is held grows with the ranking alone.
    named_here = {
        named[key]
        for candidate in ranking
        for key in (candidate.key, *(normalize_label(a) for a in candidate.aliases))
        if key in named
    }
    terms = Term.objects.in_bulk(named_here)
    taken_slugs = term_slugs_taken()  # old addresses of renamed terms too
    new_terms: list[tuple[Term, Candidate]] = []
    fresh: dict[str, Term] = {}  # labels of the terms created by this run
    changed: list[Term] = []
    queued: list[tuple[Term, Candidate]] = []
    refreshed: set[int] = set()  # existing terms a candidate has refreshed
    for candidate in ranking:
        keys = [candidate.key, *(normalize_label(a) for a in candidate.aliases)]
        pending = next((fresh[k] for k in keys if k in fresh), None)
        if pending is not None:
            queued.append((pending, candidate))  # a form of a term made above
            continue
        existing = next((terms[named[k]] for k in keys if k in named), None)
        if existing is None:
            term = Term(
                label=candidate.label,
                slug=_unique_slug(candidate.label, taken_slugs),
                kind=KIND_OF_CANDIDATE.get(candidate.kind, Term.Kind.OTHER),
                score=round(candidate.score, 4),
                evidence=candidate.evidence(),
            )
            new_terms.append((term, candidate))
            for key in keys:
                fresh.setdefault(key, term)
            continue
        if existing.status != Term.Status.CANDIDATE:
            result.skipped += 1
            continue
        queued.append((existing, candidate))
        if existing.pk in refreshed:
            # Two candidates name one term: its score and evidence are the
            # better-ranked one's (as when it was created), not whichever came
            # last, so a run with nothing new rewrites nothing.
            continue
        refreshed.add(existing.pk)
        if existing.evidence != candidate.evidence():
            existing.score = round(candidate.score, 4)
            existing.evidence = candidate.evidence()
            changed.append(existing)
        else:
            result.unchanged += 1

    episode_ids = {episode.slug: episode.pk for episode in loaded}
    with transaction.atomic():
        # With a history row each, so an editor's first edit can be undone.
        created = bulk_create_with_history(
            [term for term, _ in new_terms],
            Term,
            batch_size=500,
            default_change_reason="Proposed by extraction",
        )
        Alias.objects.bulk_create(
            alias
            for term, candidate in zip(created, (c for _, c in new_terms), strict=True)
            for alias in _aliases_for(term, candidate)
        )
        Term.objects.bulk_update(changed, ["score", "evidence"])
        CandidateScore.objects.filter(episode_id__in=episode_ids.values()).delete()
        CandidateScore.objects.bulk_create(
            _queue_rows(
                [*zip(created, (c for _, c in new_terms), strict=True), *queued],
                episode_ids,
            ),
            batch_size=1000,
        )
        if created or changed:
            GlossaryVersion.objects.bump()
    result.created, result.updated = created, changed
    return result


def _queue_rows(
    pairs: Iterable[tuple[Term, Candidate]], episode_ids: dict[str, int]
) -> list[CandidateScore]:
    """One row per (term, episode); a term two candidates map to keeps its best."""
    rows: dict[tuple[int, int], CandidateScore] = {}
    for term, candidate in pairs:
        for slug, rank in candidate.episode_ranks.items():
            key = (term.pk, episode_ids[slug])
            if key not in rows or rank < rows[key].rank:
                rows[key] = CandidateScore(
                    term=term,
                    episode_id=episode_ids[slug],
                    score=candidate.episode_scores[slug],
                    rank=rank,
                )
    return list(rows.values())


def review_order(
    *, episode_slug: str | None = None, show: str | None = None
) -> list[Any]:
    """The review queue's ordering, as expressions any term queryset takes.

    With `episode_slug`, a term's place is its rank in that episode's queue;
    otherwise its round in the whole-show queue, its best rank in any
    episode (of `show`, if given): the order `extraction.interleave` deals.
    Candidates come before the other statuses; within a round the better
    score first; terms in no queue last.
    """
    rows = CandidateScore.objects.filter(term=OuterRef("pk"))
    if episode_slug is not None:
        rows = rows.filter(episode__slug=episode_slug)
    if show is not None:
        rows = rows.filter(episode__show__title=show)
    position = Subquery(rows.order_by("rank").values("rank")[:1])
    return [
        Case(When(status=Term.Status.CANDIDATE, then=Value(0)), default=Value(1)),
        position.asc(nulls_last=True),
        F("score").desc(nulls_last=True),
        "label",
    ]


def candidates_for_episode(*, episode: Episode) -> list[Term]:
    """The episode's review queue: its candidates in its own ranking's order."""
    queued = Term.objects.filter(
        status=Term.Status.CANDIDATE, episode_scores__episode=episode
    )
    return list(
        queued.order_by(*review_order(episode_slug=episode.slug)).prefetch_related(
            "aliases"
        )
    )


def candidates_for_show(*, show: str | None = None) -> list[Term]:
    """The whole-show review queue: the episodes' queues interleaved.

    Each episode's first candidate, then each one's second, and so on, so no
    episode takes more than its share of the top. All shows when `show` is
    None. Two queries.
    """
    rows = CandidateScore.objects.filter(term=OuterRef("pk"))
    if show is not None:
        rows = rows.filter(episode__show__title=show)
    queued = Term.objects.filter(status=Term.Status.CANDIDATE).filter(Exists(rows))
    return list(queued.order_by(*review_order(show=show)).prefetch_related("aliases"))


@dataclass
class VariantProposal:
    term: Term
    of: Term
    reason: str


def variant_proposals(terms: Iterable[Term]) -> dict[int, VariantProposal]:
    """For each candidate extraction thinks a variant of another, that term.

    Read from the evidence (`variant_of`); one query for all of `terms`.
    """
    wanted = {
        term.pk: term.evidence["variant_of"]
        for term in terms
        if term.status == Term.Status.CANDIDATE
        and isinstance(term.evidence, dict)
        and isinstance(term.evidence.get("variant_of"), dict)
    }
    keys = {proposal.get("key") for proposal in wanted.values()} - {None}
    owners = {
        alias.normalized: alias.term
        for alias in Alias.objects.filter(normalized__in=keys).select_related("term")
    }
    found = {}
    for term in terms:
        proposal = wanted.get(term.pk)
        if proposal is None:
            continue
        target = owners.get(proposal.get("key"))
        if target is not None and target.pk != term.pk:
            found[term.pk] = VariantProposal(term, target, proposal.get("reason", ""))
    return found


def term_fold_variant(*, term: Term, into: Term) -> Term:
    """Fold a candidate into the term it is a variant of, as hidden aliases.

    `terms_merge` moves its labels, citations and address; its labels then
    become hidden aliases of `into` (misspellings the linker still matches,
    readers never see). Only a candidate can be folded.
    """
    if term.pk == into.pk:
        raise ValidationError("A term cannot be folded into itself.")
    if term.status != Term.Status.CANDIDATE:
        raise ValidationError(f"“{term.label}” is not a candidate any more.")
    with transaction.atomic():
        moved = list(Alias.objects.filter(term=term).values_list("pk", flat=True))
        terms_merge(survivor=into, others=[term])
        aliases = list(Alias.objects.filter(pk__in=moved))
        for alias in aliases:
            alias.kind = Alias.Kind.HIDDEN
        bulk_update_with_history(aliases, Alias, ["kind"])
    return into


def _aliases_for(term: Term, candidate: Candidate) -> list[Alias]:
    aliases = [Alias(term=term, label=term.label, kind=Alias.Kind.PREFERRED)]
    seen = {normalize_label(term.label)}
    for label in candidate.aliases:
        key = normalize_label(label)
        if key and key not in seen:
            seen.add(key)
            is_acronym = label.isupper() and len(label) <= 8
            aliases.append(
                Alias(
                    term=term,
                    label=label,
                    kind=Alias.Kind.ABBREVIATION
                    if is_acronym
                    else Alias.Kind.ALTERNATIVE,
                    case_sensitive=is_acronym and len(label) <= 3,
                )
            )
    for alias in aliases:
        alias.normalized = normalize_label(alias.label)
    return aliases


def _unique_slug(label: str, taken: set[str]) -> str:
    slug = free_slug(slug_base(label, fallback="term"), taken)
    taken.add(slug)
    return slug
