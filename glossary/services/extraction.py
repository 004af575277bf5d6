"""Propose candidate terms from episodes, and keep automatic citations current.

Both read everything they need in a fixed number of queries, run the pure
extraction or linker over plain data, and write in one short transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.db import transaction
from django.db.models import Prefetch

from ..extraction import Candidate, extract_candidates
from ..linking import Entry, Matcher
from ..linking.normalize import normalize_label
from ..models import Alias, Citation, Episode, GlossaryVersion, Person, Segment, Term
from ..transcripts.quotes import quote_around
from ..transcripts.timing import time_at
from .rules import free_slug, slug_base, term_slugs_taken

KIND_OF_CANDIDATE = {
    "concept": Term.Kind.CONCEPT,
    "acronym": Term.Kind.CONCEPT,
    "product": Term.Kind.PRODUCT,
    "name": Term.Kind.OTHER,
}
Progress = Callable[[Iterable], Iterable]


def _no_progress(items: Iterable) -> Iterable:
    return items


@dataclass
class ProposalResult:
    ranking: list[Candidate]
    created: list[Term] = field(default_factory=list)
    updated: list[Term] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0  # already a draft, published or rejected term, or an alias


@dataclass
class RefreshResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def _episodes_with_segments(episodes: Sequence[Episode] | None) -> list[Episode]:
    queryset = Episode.objects.all() if episodes is None else episodes
    segments = Segment.objects.select_related("speaker").order_by("order")
    return list(
        Episode.objects.filter(pk__in=[e.pk for e in queryset])
        .order_by("published_on", "number", "pk")
        .prefetch_related(Prefetch("segments", queryset=segments))
    )


def terms_propose_candidates(
    *,
    episodes: Sequence[Episode] | None = None,
    limit: int = 150,
    progress: Progress = _no_progress,
) -> ProposalResult:
    """Rank candidate terms over the episodes and store the best as candidates.

    A candidate whose label or alias already names a term of any status is
    not created again (a rejected term is never proposed again); an existing
    candidate gets its score and evidence refreshed.
    """
    loaded = _episodes_with_segments(episodes)
    speaker_names = set()
    # A placeholder voice's name ("Speaker 1 (episode-slug)") names nobody:
    # its words must not keep candidates out. Its label is a speaker label of
    # the segments, which the extraction reads on its own.
    people = Person.objects.filter(is_placeholder=False)
    for name, short_names in people.values_list("name", "short_names"):
        speaker_names.update([name, *name.split(), *short_names])
    ranking = extract_candidates(
        [(e.slug, list(e.segments.all())) for e in progress(loaded)],
        speaker_names=speaker_names,
        limit=limit,
    )
    result = ProposalResult(ranking=ranking)
    named = dict(Alias.objects.values_list("normalized", "term_id"))
    terms = Term.objects.in_bulk(set(named.values()))
    taken_slugs = term_slugs_taken()  # old addresses of renamed terms too
    new_terms: list[tuple[Term, Candidate]] = []
    changed: list[Term] = []
    for candidate in ranking:
        keys = [candidate.key, *(normalize_label(a) for a in candidate.aliases)]
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
                named.setdefault(key, -1)
        elif existing.status != Term.Status.CANDIDATE:
            result.skipped += 1
        elif existing.evidence != candidate.evidence():
            existing.score = round(candidate.score, 4)
            existing.evidence = candidate.evidence()
            changed.append(existing)
        else:
            result.unchanged += 1

    with transaction.atomic():
        created = Term.objects.bulk_create([term for term, _ in new_terms])
        Alias.objects.bulk_create(
            alias
            for term, candidate in zip(created, (c for _, c in new_terms), strict=True)
            for alias in _aliases_for(term, candidate)
        )
        Term.objects.bulk_update(changed, ["score", "evidence"])
        if created or changed:
            GlossaryVersion.objects.bump()
    result.created, result.updated = created, changed
    return result


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


def citations_refresh(
    *,
    terms: Sequence[Term] | None = None,
    episodes: Sequence[Episode] | None = None,
    progress: Progress = _no_progress,
) -> RefreshResult:
    """Rebuild automatic citations of non-rejected terms from segment text.

    Idempotent: rows that still match are left alone (ids and featured flags
    kept), new mentions are added, automatic citations no longer said are
    deleted unless featured. Manual citations are never touched.
    """
    scope = Term.objects.proposable()
    if terms is not None:
        scope = scope.filter(pk__in=[t.pk for t in terms])
    entries = [
        Entry(label=label, term_id=term_id, case_sensitive=case_sensitive)
        for label, term_id, case_sensitive in Alias.objects.filter(
            term__in=scope
        ).values_list("label", "term_id", "case_sensitive")
    ]
    matcher = Matcher(entries)
    term_ids = set(scope.values_list("pk", flat=True))
    loaded = _episodes_with_segments(episodes)

    wanted: dict[tuple[int, int, int | None], Citation] = {}
    for episode in progress(loaded):
        segments = list(episode.segments.all())
        for segment, following in pairwise([*segments, None]):
            next_start = following.start if following else None
            for match in matcher.find(segment.text, first_only=False):
                wanted[(match.term_id, segment.pk, match.start)] = Citation(
                    term_id=match.term_id,
                    episode=episode,
                    segment=segment,
                    seconds=time_at(
                        match.start,
                        start=segment.start,
                        text_length=len(segment.text),
                        marks=segment.marks,
                        next_start=next_start,
                    ),
                    approximate=not any(o == match.start for o, _ in segment.marks),
                    start_char=match.start,
                    end_char=match.end,
                    surface=match.text[:200],
                    quote=quote_around(segment.text, match.start, match.end),
                )

    existing = Citation.objects.filter(episode__in=loaded)
    if terms is not None:
        existing = existing.filter(term__in=scope)
    result = RefreshResult()
    fields = ["seconds", "approximate", "end_char", "surface", "quote"]
    to_update, to_delete = [], []
    for citation in existing.only(
        "id", "term_id", "segment_id", "source", "featured", *fields, "start_char"
    ):
        key = (citation.term_id, citation.segment_id, citation.start_char)
        fresh = wanted.pop(key, None)
        if citation.source == Citation.Source.MANUAL:
            continue
        if fresh is None:
            if not citation.featured or citation.term_id not in term_ids:
                to_delete.append(citation.pk)
            continue
        if any(getattr(citation, f) != getattr(fresh, f) for f in fields):
            for f in fields:
                setattr(citation, f, getattr(fresh, f))
            to_update.append(citation)
        else:
            result.unchanged += 1

    with transaction.atomic():
        Citation.objects.filter(pk__in=to_delete).delete()
        Citation.objects.bulk_update(to_update, fields, batch_size=1000)
        Citation.objects.bulk_create(wanted.values(), batch_size=1000)
    result.created, result.updated, result.deleted = (
        len(wanted),
        len(to_update),
        len(to_delete),
    )
    return result
