"""Terms an editor may relate a term to: the relation autocomplete's read."""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.functions import Length

from ..linking.normalize import normalize_label
from ..models import Alias, Term

STATUS_ORDER = Case(
    When(status=Term.Status.PUBLISHED, then=Value(0)),
    When(status=Term.Status.DRAFT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def relation_choices(text: str, *, exclude_id: int | None = None) -> QuerySet[Term]:
    """Terms any of whose labels contain `text`, for "related" and "broader".

    Never the term itself (`exclude_id`) nor a rejected term. A label equal
    to `text` comes first, then labels starting with it, then the rest;
    published before drafts before candidates, shorter labels first. Labels
    compare normalised, as the linker does ("open-source" = "Open source").
    """
    terms = Term.objects.exclude(status=Term.Status.REJECTED).only(
        "id", "label", "status"
    )
    if exclude_id is not None:
        terms = terms.exclude(pk=exclude_id)
    key = normalize_label(text)
    if not key:
        return terms.order_by(STATUS_ORDER, "label", "pk")
    labels = Alias.objects.filter(term=OuterRef("pk"))
    return (
        terms.filter(Exists(labels.filter(normalized__contains=key)))
        .annotate(
            exact=Exists(labels.filter(normalized=key)),
            prefix=Exists(labels.filter(normalized__startswith=key)),
        )
        .order_by(
            Case(When(exact=True, then=Value(0)), default=Value(1)),
            Case(When(prefix=True, then=Value(0)), default=Value(1)),
            STATUS_ORDER,
            Length("label"),
            "label",
            "pk",
        )
    )
