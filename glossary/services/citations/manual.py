"""Editors' own citations: a place an episode discusses a term, picked by hand.

Automatic citations come from the refresh (`refresh.py`); these are the ones
an editor adds or flags. A manual citation is placed by the rule automatic
ones are (`linking.placement`): the mention's own time, interpolated between
the known times around it, and the sentence around it.
"""

from __future__ import annotations

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
    if start_char is None:
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
                if c.source == Citation.Source.AUTO and c.start_char is not None
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
