"""Editors' own citations: a place an episode discusses a term, picked by hand.

Automatic citations come from the refresh (`refresh.py`); these are the ones
an editor adds or flags. A manual citation is placed by the rule automatic
ones are (`linking.placement`): the mention's own time, interpolated between
the known times around it, and the sentence around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from ...linking import Entry, Matcher
from ...matchers import label_entries
from ...models import Citation, CitationSuppression, Segment, Term
from .refresh import placed_citation


def citation_build_manual(
    *,
    term: Term,
    segment: Segment,
    start_char: int | None = None,
    end_char: int | None = None,
) -> Citation:
    """The citation `citation_add_manual` would store, validated, unsaved.

    Without a span, the first mention of any of the term's labels in the
    segment is cited; if the segment never names the term (an editor may cite
    a passage that discusses it in other words), the whole segment is cited,
    at its start time, without a span.
    """
    text = segment.text
    if (start_char is None) != (end_char is None):
        raise ValidationError(
            "Give both the start and the end of the span, or neither."
        )
    if start_char is None or end_char is None:
        start_char, end_char = _first_mention(term, text)
    elif not 0 <= start_char < end_char <= len(text):
        raise ValidationError(
            f"The span {start_char}–{end_char} is not inside the segment's text "
            f"(0–{len(text)} characters)."
        )
    _check_not_cited(term, segment, start_char)

    following = None
    if segment.end is None:
        following = (
            Segment.objects.filter(
                episode_id=segment.episode_id, order__gt=segment.order
            )
            .order_by("order")
            .values_list("start", flat=True)
            .first()
        )
    citation = placed_citation(
        term_id=term.pk,
        segment=segment,
        start=start_char,
        end=end_char,
        next_start=following,
        source=Citation.Source.MANUAL,
    )
    citation.term = term
    return citation


def citation_add_manual(
    *,
    term: Term,
    segment: Segment,
    start_char: int | None = None,
    end_char: int | None = None,
) -> Citation:
    """Cite `segment` for `term`, with the mention's time and quote computed.

    Refuses (ValidationError) a span outside the text and a place the term is
    already cited at. Manual citations survive re-extraction and re-ingestion.
    """
    with transaction.atomic():
        citation = citation_build_manual(
            term=term, segment=segment, start_char=start_char, end_char=end_char
        )
        try:
            with transaction.atomic():
                citation.save()
        except IntegrityError as error:
            raise ValidationError(
                f"“{term.label}” is already cited at that place."
            ) from error
    return citation


def citation_update(*, citation: Citation, featured: bool) -> Citation:
    """Flag a citation as one of the term's best (or not)."""
    with transaction.atomic():
        Citation.objects.filter(pk=citation.pk).update(featured=featured)
    citation.featured = featured
    return citation


def citation_delete(*, citation: Citation) -> None:
    """Remove a citation; an automatic one is "not this mention" from now on."""
    citations_delete(citations=[citation])


def citations_delete(*, citations: Iterable[Citation]) -> int:
    """Remove citations, all or none; returns how many were removed.

    Deleting an automatic citation records a `CitationSuppression` for its
    term and span, so no refresh brings it back (and a re-ingest moves the
    suppression with its words). A manual one is simply removed.
    """
    with transaction.atomic():
        stored = list(
            Citation.objects.select_for_update().filter(
                pk__in=[citation.pk for citation in citations]
            )
        )
        CitationSuppression.objects.bulk_create(
            [
                CitationSuppression(
                    term_id=c.term_id,
                    segment_id=c.segment_id,
                    start_char=c.start_char,
                    end_char=c.end_char,
                    surface=c.surface,
                    seconds=c.seconds,
                )
                for c in stored
                if c.source == Citation.Source.AUTO
                and c.start_char is not None
                and c.end_char is not None
            ],
            ignore_conflicts=True,
        )
        deleted, _ = Citation.objects.filter(pk__in=[c.pk for c in stored]).delete()
    return deleted


def _first_mention(term: Term, text: str) -> tuple[int | None, int | None]:
    """The first place `text` names the term by one of its own labels.

    An editor picking the term means this term, even where the refresh would
    give the words to a longer label of another term.
    """
    entries = label_entries(Q(term=term)) or [Entry(label=term.label, term_id=term.pk)]
    matches = Matcher(entries).find(text, first_only=True)
    if not matches:
        return None, None
    return matches[0].start, matches[0].end


def _check_not_cited(term: Term, segment: Segment, start_char: int | None) -> None:
    existing = Citation.objects.filter(term=term, segment=segment)
    if start_char is None:
        existing = existing.filter(start_char__isnull=True)
    else:
        existing = existing.filter(start_char=start_char)
    if existing.exists():
        raise ValidationError(
            f"“{term.label}” is already cited at that place in this segment."
        )


# Featured passages: citations named by the words said, not by ids, so a
# glossary file keeps pointing at them after the transcript is re-ingested.


def _words_pattern(words: str) -> re.Pattern[str]:
    """The words as said, whatever the spacing and case, ellipses left out."""
    parts = words.strip().strip("…").split()
    return re.compile(r"\s+".join(map(re.escape, parts)), re.IGNORECASE)


def passage_find(*, episode_slug: str, words: str) -> Segment | None:
    """The first segment of the episode in which `words` are said, if any."""
    pattern = _words_pattern(words)
    if not pattern.pattern:
        return None
    segments = Segment.objects.filter(episode__slug=episode_slug).order_by("order")
    needle = words.strip().strip("…").split()[0]
    for segment in segments.filter(text__icontains=needle).only(
        "pk", "text", "episode_id", "order", "start", "end", "start_estimated", "marks"
    ):
        if pattern.search(segment.text):
            return segment
    return None


def passage_citation(*, term: Term, segment: Segment, words: str) -> Citation | None:
    """The term's citation in `segment` closest to where `words` are said."""
    match = _words_pattern(words).search(segment.text)
    start, end = match.span() if match else (0, len(segment.text))
    citations = list(Citation.objects.filter(term=term, segment=segment))

    def distance(citation: Citation) -> int:
        if citation.start_char is None:
            return len(segment.text)
        if start <= citation.start_char < end:
            return 0
        return min(abs(citation.start_char - start), abs(citation.start_char - end))

    return min(citations, key=lambda c: (distance(c), c.pk), default=None)


def citation_feature_passage(*, term: Term, segment: Segment, words: str) -> Citation:
    """Feature the term's citation where `words` are said in `segment`.

    The term's nearest citation in that segment is featured; if the segment
    has none (it discusses the term in other words), a manual one is added.
    """
    with transaction.atomic():
        citation = passage_citation(term=term, segment=segment, words=words)
        if citation is None:
            citation = citation_add_manual(term=term, segment=segment)
        if not citation.featured:
            citation_update(citation=citation, featured=True)
    return citation
