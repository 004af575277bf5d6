"""A term's other labels: add, change, remove, or set them all at once.

The preferred label is an `Alias` row too, but it follows the term's label
(`term_rename`): it is never added, changed or removed here, so a term always
has the label the linker finds it by.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..linking.normalize import normalize_label
from ..models import Alias, Term
from .rules import (
    check_label_free,
    label_owner,
    label_repeated_message,
    label_taken_message,
)

PREFERRED_FOLLOWS_LABEL = (
    "The preferred label follows the term's label: rename the term."
)
PREFERRED_NOT_REMOVABLE = (
    "The preferred label cannot be removed: it is the term's name. Rename the "
    "term, or delete the term."
)


@dataclass(frozen=True)
class AliasSpec:
    """A label to give a term, with how the linker should treat it."""

    label: str
    kind: str = Alias.Kind.ALTERNATIVE
    case_sensitive: bool = False


def alias_add(
    *,
    term: Term,
    label: str,
    kind: str = Alias.Kind.ALTERNATIVE,
    case_sensitive: bool = False,
) -> Alias:
    """Give a term one more label; refuse a label that names another term.

    The preferred label is not added here: it follows the term's label
    (`term_rename`).
    """
    label = label.strip()
    _check_alias_kind(kind)
    with transaction.atomic():
        _check_alias_label(term, label, alias=None)
        alias = Alias(term=term, label=label, kind=kind, case_sensitive=case_sensitive)
        save_alias(alias)
    return alias


def alias_update(*, alias: Alias, label: str, kind: str, case_sensitive: bool) -> Alias:
    """Change a label of a term (not its preferred one: rename the term)."""
    label = label.strip()
    _check_alias_kind(kind)
    with transaction.atomic():
        stored = Alias.objects.select_for_update().get(pk=alias.pk)
        if stored.kind == Alias.Kind.PREFERRED:
            raise ValidationError(PREFERRED_FOLLOWS_LABEL)
        _check_alias_label(stored.term, label, alias=stored)
        stored.label, stored.kind, stored.case_sensitive = label, kind, case_sensitive
        save_alias(stored)
    alias.label, alias.kind, alias.case_sensitive = label, kind, case_sensitive
    alias.normalized = stored.normalized
    return stored


def alias_delete(*, alias: Alias) -> None:
    """Remove a label from a term; the preferred one cannot be removed."""
    aliases_delete(aliases=[alias])


def aliases_delete(*, aliases: Iterable[Alias]) -> int:
    """Remove labels (all or none); refuses if one is a term's preferred label.

    Returns how many were removed (labels already gone are not counted).
    """
    with transaction.atomic():
        stored = list(
            Alias.objects.select_for_update()
            .filter(pk__in=[alias.pk for alias in aliases])
            .select_related("term")
            .order_by("pk")
        )
        preferred = [alias for alias in stored if alias.kind == Alias.Kind.PREFERRED]
        if preferred:
            raise ValidationError(
                f"{PREFERRED_NOT_REMOVABLE} (“{preferred[0].label}” names "
                f"“{preferred[0].term.label}”.)",
                code="preferred",
            )
        for alias in stored:
            alias.delete()  # one history row each
    return len(stored)


def term_set_aliases(*, term: Term, aliases: Iterable[str | AliasSpec]) -> bool:
    """Make a term's other labels exactly `aliases` (as a CSV import says).

    Labels kept keep their kind and case flag unless a spec says otherwise;
    returns whether anything changed.
    """
    specs = alias_specs(aliases, preferred=term.label)
    wanted = {normalize_label(spec.label): spec for spec in specs}
    changed = False
    with transaction.atomic():
        existing = {
            alias.normalized: alias
            for alias in Alias.objects.filter(term=term).exclude(
                kind=Alias.Kind.PREFERRED
            )
        }
        for key, alias in existing.items():
            if key not in wanted:
                alias.delete()
                changed = True
        for key, spec in wanted.items():
            current = existing.get(key)
            if current is None:
                alias_add(
                    term=term,
                    label=spec.label,
                    kind=spec.kind,
                    case_sensitive=spec.case_sensitive,
                )
                changed = True
            elif current.label != spec.label:
                current.label = spec.label
                save_alias(current)
                changed = True
    return changed


def alias_specs(
    aliases: Iterable[str | AliasSpec], *, preferred: str
) -> list[AliasSpec]:
    """Distinct labels, the preferred one and blanks left out."""
    seen = {normalize_label(preferred)}
    specs = []
    for item in aliases:
        spec = AliasSpec(item) if isinstance(item, str) else item
        spec = AliasSpec(spec.label.strip(), spec.kind, spec.case_sensitive)
        key = normalize_label(spec.label)
        if key and key not in seen:
            _check_alias_kind(spec.kind)
            seen.add(key)
            specs.append(spec)
    return specs


def save_alias(alias: Alias) -> None:
    """Save, turning a lost race for the label into the same clear refusal."""
    try:
        with transaction.atomic():
            alias.save()
    except IntegrityError as error:
        owner = label_owner(alias.label, exclude=alias.term)
        if owner is None:
            raise
        raise ValidationError(
            {"label": label_taken_message(alias.label, owner)}
        ) from error


def _check_alias_kind(kind: str) -> None:
    if kind == Alias.Kind.PREFERRED:
        raise ValidationError({"kind": PREFERRED_FOLLOWS_LABEL})
    if kind not in Alias.Kind.values:
        raise ValidationError({"kind": f"Unknown kind of label: {kind!r}."})


def _check_alias_label(term: Term, label: str, *, alias: Alias | None) -> None:
    check_label_free(label, term=term)
    own = Alias.objects.filter(term=term, normalized=normalize_label(label))
    if alias is not None:
        own = own.exclude(pk=alias.pk)
    if own.exists():
        raise ValidationError({"label": label_repeated_message(label, term)})
