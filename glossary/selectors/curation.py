"""The admin's reads: the review queue, a term's other labels, its changes."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q

from ..models import Alias, Term


def next_candidate(term: Term) -> Term | None:
    """The candidate after `term` in the review queue (by score), or the first."""
    queue = (
        Term.objects.filter(status=Term.Status.CANDIDATE)
        .exclude(pk=term.pk)
        .order_by(F("score").desc(nulls_last=True), "label", "pk")
    )
    if term.score is not None:
        after = queue.filter(
            Q(score__lt=term.score)
            | Q(score__isnull=True)
            | Q(score=term.score, label__gt=term.label)
        )
    else:
        after = queue.filter(score__isnull=True, label__gt=term.label)
    return after.first() or queue.first()


def term_changes_since(term: Term, version: int) -> tuple[list[str], list[str]]:
    """The fields changed since `version` of the term, and by whom."""
    records = Term.history.filter(id=term.pk).select_related("history_user")
    base = records.filter(version=version).order_by("-history_id").first()
    newer = records.order_by("history_id")
    if base is not None:
        newer = newer.filter(history_id__gt=base.history_id)
    newer = list(newer)
    users = sorted(
        {str(record.history_user) for record in newer if record.history_user}
    )
    if base is None or not newer:
        return [], users
    delta = newer[-1].diff_against(base)
    names = [
        str(Term._meta.get_field(change.field).verbose_name)
        for change in delta.changes
        if change.field not in {"version", "updated_at", "created_at"}
    ]
    return names, users


def other_aliases() -> Prefetch:
    """A term's labels but the preferred one, as `other_aliases`."""
    return Prefetch(
        "aliases",
        queryset=Alias.objects.exclude(kind=Alias.Kind.PREFERRED).order_by("label"),
        to_attr="other_aliases",
    )


def other_alias_rows(term: Term) -> list[Alias]:
    """A term's labels but the preferred one, sorted (prefetched when possible)."""
    aliases = getattr(term, "other_aliases", None)
    if aliases is None:
        if term.pk is None:
            return []
        aliases = Alias.objects.filter(term=term).exclude(kind=Alias.Kind.PREFERRED)
    return sorted(aliases, key=lambda alias: alias.label.casefold())


def other_labels(term: Term) -> list[str]:
    """The labels of `other_alias_rows`, as text."""
    return [alias.label for alias in other_alias_rows(term)]
