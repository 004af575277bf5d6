"""Merging duplicate terms into one: labels, citations, relations, addresses.

One transaction: the survivor gains everything the others had, their slugs
become redirects to it, then they are deleted (their history stays).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from ..models import (
    Alias,
    Citation,
    GlossaryVersion,
    Term,
    TermRedirect,
    WikipediaArticle,
)
from .rules import TERM_TEXT_FIELDS
from .terms import copy_term_fields


def terms_merge(*, survivor: Term, others: Iterable[Term]) -> Term:
    """Fold `others` into `survivor`; their old addresses redirect to it.

    Labels move (the others' preferred labels become alternative labels),
    citations move (one per term and span: duplicates are dropped, keeping
    a featured flag), relations move, blank fields of the survivor
    (definitions, Wikipedia title and summary) are filled from the others,
    then the others are deleted; their history stays.
    """
    with transaction.atomic():
        ids = {term.pk for term in others} - {survivor.pk}
        if not ids:
            raise ValidationError("Choose at least one other term to merge.")
        locked = {
            term.pk: term
            for term in Term.objects.select_for_update()
            .filter(pk__in=[*ids, survivor.pk])
            .order_by("pk")
        }
        if survivor.pk not in locked:
            raise ValidationError(f"“{survivor.label}” no longer exists.")
        target = locked.pop(survivor.pk)
        merged = sorted(locked.values(), key=lambda term: term.pk)
        if len(merged) != len(ids):
            raise ValidationError("Some of the terms to merge no longer exist.")

        _merge_aliases(target, merged)
        _merge_citations(target, merged)
        _merge_relations(target, merged)
        _merge_fields(target, merged)
        TermRedirect.objects.filter(term__in=merged).update(term=target)
        TermRedirect.objects.bulk_create(
            TermRedirect(old_slug=term.slug, term=target) for term in merged
        )
        target.version += 1
        target.save()
        Term.objects.filter(pk__in=ids).delete()
        GlossaryVersion.objects.bump()
    copy_term_fields(target, survivor)
    return survivor


def _merge_aliases(target: Term, merged: list[Term]) -> None:
    aliases = list(Alias.objects.filter(term__in=merged))
    for alias in aliases:
        alias.term = target
        if alias.kind == Alias.Kind.PREFERRED:
            alias.kind = Alias.Kind.ALTERNATIVE
    bulk_update_with_history(aliases, Alias, ["term", "kind"])


def _merge_citations(target: Term, merged: list[Term]) -> None:
    """Move citations; where the survivor already cites a span, keep one."""
    kept: dict[tuple[int, int | None], Citation] = {
        (citation.segment_id, citation.start_char): citation
        for citation in Citation.objects.filter(term=target)
    }
    moved, dropped, featured = [], [], set()
    for citation in Citation.objects.filter(term__in=merged).order_by(
        "-featured", "source", "pk"
    ):
        key = (citation.segment_id, citation.start_char)
        if key in kept:
            dropped.append(citation.pk)
            if citation.featured and not kept[key].featured:
                featured.add(kept[key].pk)
                kept[key].featured = True
            continue
        kept[key] = citation
        moved.append(citation.pk)
    Citation.objects.filter(pk__in=dropped).delete()
    Citation.objects.filter(pk__in=moved).update(term=target)
    Citation.objects.filter(pk__in=featured).update(featured=True)


def _merge_relations(target: Term, merged: list[Term]) -> None:
    excluded = {target.pk, *(term.pk for term in merged)}
    Related = Term.related.through
    Broader = Term.broader.through
    related = set(
        Related.objects.filter(from_term__in=merged).values_list(
            "to_term_id", flat=True
        )
    )
    broader = set(
        Broader.objects.filter(from_term__in=merged).values_list(
            "to_term_id", flat=True
        )
    )
    narrower = set(
        Broader.objects.filter(to_term__in=merged).values_list(
            "from_term_id", flat=True
        )
    )
    if related - excluded:
        target.related.add(*(related - excluded))
    if broader - excluded:
        target.broader.add(*(broader - excluded))
    if narrower - excluded:
        target.narrower.add(*(narrower - excluded))


def _merge_fields(target: Term, merged: list[Term]) -> None:
    for name in TERM_TEXT_FIELDS:
        if not getattr(target, name).strip():
            filled = next((getattr(t, name) for t in merged if getattr(t, name)), "")
            setattr(target, name, filled)
    if not WikipediaArticle.objects.filter(term=target).exists():
        article = (
            WikipediaArticle.objects.filter(term__in=merged)
            .exclude(summary="")
            .order_by("-fetched_at")
            .first()
        )
        if article is not None:
            article.term = target
            article.save(update_fields=["term"])
