"""The whole published glossary as plain rows: what its JSON-LD document needs."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Alias, Term

PUBLISHED = Term.Status.PUBLISHED


@dataclass(frozen=True, slots=True)
class GlossaryGraph:
    """Every published term with its labels and relations, as plain data."""

    terms: list[Term]
    labels: list[tuple[int, str, str]]
    """(term id, label, kind) for every label, hidden ones included."""
    related: list[tuple[int, int]]
    broader: list[tuple[int, int]]
    """(narrower term id, broader term id)."""


def published_glossary() -> GlossaryGraph:
    """The published glossary (4 queries, whatever its size)."""
    published = Term.objects.published()
    terms = list(
        published.select_related("wikipedia")
        .only(
            "id",
            "slug",
            "label",
            "short_definition",
            "definition",
            "updated_at",
            "wikipedia__status",
            "wikipedia__title",
            "wikipedia__url",
            "wikipedia__language",
            "wikipedia__summary",
            "wikipedia__fetched_at",
        )
        .order_by("label", "slug")
    )
    labels = list(
        Alias.objects.filter(term__status=PUBLISHED)
        .exclude(kind=Alias.Kind.PREFERRED)
        .order_by("term_id", "kind", "label")
        .values_list("term_id", "label", "kind")
    )
    both = {"from_term__status": PUBLISHED, "to_term__status": PUBLISHED}
    related = list(
        Term.related.through.objects.filter(**both).values_list(
            "from_term_id", "to_term_id"
        )
    )
    broader = list(
        Term.broader.through.objects.filter(**both).values_list(
            "from_term_id", "to_term_id"
        )
    )
    return GlossaryGraph(terms=terms, labels=labels, related=related, broader=broader)
