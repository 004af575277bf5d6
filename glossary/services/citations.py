"""Editors' own citations: a place an episode discusses a term, picked by hand.

Automatic citations come from extraction (`services/extraction.py`); these
are the ones an editor adds or flags. A manual citation's time and quote are
computed the way automatic ones are: the mention's own time, interpolated
between the known times around it, and the sentence around it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..linking import Entry, Matcher
from ..models import Alias, Citation, Segment, Term
from ..transcripts.quotes import quote_around
from ..transcripts.timing import time_at


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

    if start_char is None or end_char is None:
        seconds, approximate = segment.start, segment.start_estimated
        quote = quote_around(text, 0, 0)
        surface = ""
    else:
        following = (
            Segment.objects.filter(
                episode_id=segment.episode_id, order__gt=segment.order
            )
            .order_by("order")
            .values_list("start", flat=True)
            .first()
        )
        seconds = time_at(
            start_char,
            start=segment.start,
            text_length=len(text),
            marks=segment.marks,
            next_start=following,
        )
        approximate = not any(int(o) == start_char for o, _ in segment.marks)
        quote = quote_around(text, start_char, end_char)
        surface = text[start_char:end_char][:200]
    return Citation(
        term=term,
        episode_id=segment.episode_id,
        segment=segment,
        seconds=max(seconds, 0.0),
        approximate=approximate,
        start_char=start_char,
        end_char=end_char,
        surface=surface,
        quote=quote,
        source=Citation.Source.MANUAL,
    )


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
    """Remove a citation (an automatic one comes back if extraction finds it again)."""
    citations_delete(citations=[citation])


def citations_delete(*, citations: Iterable[Citation]) -> int:
    """Remove citations, all or none; returns how many were removed."""
    with transaction.atomic():
        deleted, _ = Citation.objects.filter(
            pk__in=[citation.pk for citation in citations]
        ).delete()
    return deleted


def _first_mention(term: Term, text: str) -> tuple[int | None, int | None]:
    labels = Alias.objects.filter(term=term).values_list("label", "case_sensitive")
    entries = [
        Entry(label=label, term_id=term.pk, case_sensitive=case_sensitive)
        for label, case_sensitive in labels
    ]
    if not entries:
        entries = [Entry(label=term.label, term_id=term.pk)]
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
