"""Curating terms: create, edit, rename, publish, reject, delete.

Every function here is one transaction. Edits are checked against the
version the editor loaded (`Term.version`), so a save from a stale tab is
refused instead of overwriting someone else's work; every write goes through
`Model.save()` or simple-history's bulk helpers, so the term's history keeps
each change; bulk writes move the glossary version themselves, as bulk
operations send no signals. Labels are `services.aliases`, merging is
`services.merge`, and the rules all of them check are `services.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..linking.normalize import normalize_label
from ..models import Alias, GlossaryVersion, Term, TermRedirect
from .aliases import AliasSpec, alias_specs, save_alias
from .citations.live import citations_follow_change
from .rules import (
    EDITABLE_TERM_FIELDS,
    TERM_TEXT_FIELDS,
    check_label_free,
    check_publishable,
    check_term_slug,
    slug_base,
    term_has_definition,
    unique_term_slug,
)
from .vocabulary import check_broader

#: Statuses `terms_set_status` moves terms to; publishing has its own rules.
SETTABLE_STATUSES = frozenset(
    {Term.Status.CANDIDATE, Term.Status.DRAFT, Term.Status.REJECTED}
)


class TermConflict(ValidationError):
    """The term was saved by someone else since the editor loaded it."""

    def __init__(self, term: Term, expected_version: int | None, current_version: int):
        self.term = term
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"“{term.label}” was changed by someone else while you were editing it "
            f"(you loaded version {expected_version}, it is now version "
            f"{current_version}). Your changes were not saved.",
            code="conflict",
        )


@dataclass
class PublishResult:
    """What `terms_publish` did: refused terms are named, never skipped silently."""

    published: list[Term] = field(default_factory=list)
    already: list[Term] = field(default_factory=list)
    refused: list[Term] = field(default_factory=list)


# Creating and editing one term.


def term_create(
    *,
    label: str,
    kind: str = Term.Kind.CONCEPT,
    status: str = Term.Status.DRAFT,
    short_definition: str = "",
    definition: str = "",
    aliases: Iterable[str | AliasSpec] = (),
    slug: str = "",
    wikipedia_title: str = "",
    related: Iterable[Term] = (),
    broader: Iterable[Term] = (),
) -> Term:
    """Create a term with its preferred label and other labels.

    Refuses (ValidationError) a label that already names another term, a
    taken slug, and publishing without a definition.
    """
    label = label.strip()
    term = Term(
        label=label,
        kind=kind,
        status=status,
        short_definition=short_definition.strip(),
        definition=definition.strip(),
        wikipedia_title=wikipedia_title.strip(),
    )
    specs = alias_specs(aliases, preferred=label)
    with transaction.atomic():
        check_label_free(label, term=term)
        for spec in specs:
            check_label_free(spec.label, term=term, field_name="aliases")
        if slug:
            check_term_slug(slug, term=term)
            term.slug = slug
        else:
            term.slug = unique_term_slug(label)
        check_publishable(term)
        if status == Term.Status.PUBLISHED:
            term.published_at = timezone.now()
        term.full_clean(validate_unique=False, validate_constraints=False)
        # simple-history reads the reason from this attribute.
        term._change_reason = "Created"  # type: ignore[attr-defined]
        term.save()
        Alias(term=term, label=label, kind=Alias.Kind.PREFERRED).save()
        for spec in specs:
            save_alias(
                Alias(
                    term=term,
                    label=spec.label,
                    kind=spec.kind,
                    case_sensitive=spec.case_sensitive,
                )
            )
        if related:
            term.related.set(related)
        if broader:
            term.broader.set(broader)
        citations_follow_change(term_ids=[term.pk])
    return term


def term_update(
    *, term: Term, expected_version: int, reason: str = "", **fields: Any
) -> Term:
    """Save an editor's changes, unless someone else saved the term meanwhile.

    `expected_version` is the `Term.version` the editor loaded; the update
    claims the row with `UPDATE ... WHERE id = .. AND version = ..` and
    raises `TermConflict` when another save got there first. A new label
    renames the term (see `term_rename`); `related` and `broader` replace
    the term's relations. `term` is updated in place and returned. `reason`
    is what the history says the edit was ("Reverted to version 3"); by
    default, the fields it changed.
    """
    unknown = set(fields) - set(EDITABLE_TERM_FIELDS)
    if unknown:
        raise TypeError(f"term_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        current = _claim(term, expected_version)
        label = fields.pop("label", None)
        slug = fields.pop("slug", None)
        related = fields.pop("related", None)
        broader = fields.pop("broader", None)
        previous_status = current.status
        before = {name: getattr(current, name) for name in ("label", "slug", *fields)}
        previous_label = current.label
        for name, value in fields.items():
            setattr(current, name, value.strip() if name in TERM_TEXT_FIELDS else value)
        if label is not None and label.strip() != current.label:
            _rename(current, label, slug or None)
        elif slug and slug != current.slug:
            _move_slug(current, slug)
        check_publishable(current)
        _stamp_publication(current, previous_status)
        current.full_clean(validate_unique=False, validate_constraints=False)
        # simple-history reads the reason from this attribute.
        edited = _edit_reason(
            [name for name, value in before.items() if getattr(current, name) != value],
            _relations_change(current, related, broader),
        )
        current._change_reason = reason[:100] or edited  # type: ignore[attr-defined]
        current.save()
        if related is not None:
            current.related.set([t for t in related if t.pk != current.pk])
        if broader is not None:
            check_broader(term=current, broader=broader)
            current.broader.set(broader)
        if current.status != previous_status or current.label != previous_label:
            citations_follow_change(
                term_ids=[current.pk], removed_labels=[previous_label]
            )
    copy_term_fields(current, term)
    return term


def _relations_change(term: Term, related, broader) -> bool:
    for wanted, current in ((related, term.related), (broader, term.broader)):
        if wanted is not None and {t.pk for t in wanted} - {term.pk} != set(
            current.values_list("pk", flat=True)
        ):
            return True
    return False


def _edit_reason(names: list[str], relations: bool) -> str:
    """What the history says an edit was about ("Edited definition, status")."""
    shown = [name.replace("_", " ") for name in dict.fromkeys(names)]
    if relations:
        shown.append("related concepts")
    return ("Edited " + ", ".join(shown))[:100] if shown else "Saved"


def term_rename(
    *,
    term: Term,
    label: str,
    slug: str | None = None,
    expected_version: int | None = None,
) -> Term:
    """Give a term a new preferred label, and by default a new address.

    The preferred `Alias` follows the label; the old slug becomes a
    `TermRedirect`, so links to the old address keep working. Without
    `expected_version` the stored version is taken (no stale-edit check).
    """
    if expected_version is None:
        expected_version = Term.objects.values_list("version", flat=True).get(
            pk=term.pk
        )
    fields: dict[str, Any] = {"label": label}
    if slug:
        fields["slug"] = slug
    return term_update(term=term, expected_version=expected_version, **fields)


def term_check_version(*, term: Term, expected_version: int | None) -> Term:
    """The stored term, if it is still the version the editor loaded.

    Raises `TermConflict` when someone saved it since, and a "gone" error when
    it was deleted or merged meanwhile. The one stale-edit check: `term_update`
    runs it when its claim fails, and the admin form runs it to show what
    changed beside the field.
    """
    current = Term.objects.filter(pk=term.pk).first()
    if current is None:
        raise ValidationError(
            f"“{term.label}” no longer exists: it was deleted or merged into "
            "another term meanwhile. Your changes were not saved.",
            code="gone",
        )
    if current.version != expected_version:
        raise TermConflict(current, expected_version, current.version)
    return current


def _claim(term: Term, expected_version: int) -> Term:
    """Raise the stored version if it is the expected one; else TermConflict."""
    claimed = Term.objects.filter(pk=term.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        term_check_version(term=term, expected_version=expected_version)
        # Versions only go up: a failed claim means a conflict.
        raise TermConflict(term, expected_version, expected_version + 1)
    # The UPDATE holds the row lock until the transaction ends.
    return Term.objects.get(pk=term.pk)


def _rename(term: Term, label: str, slug: str | None) -> None:
    label = label.strip()
    check_label_free(label, term=term)
    key = normalize_label(label)
    preferred = Alias.objects.filter(term=term, kind=Alias.Kind.PREFERRED).first()
    same_key = Alias.objects.filter(term=term, normalized=key).first()
    if same_key is not None and same_key != preferred:
        # The new label is one of the term's own labels: swap the roles, so
        # the old preferred label keeps linking as an alternative.
        if preferred is not None:
            preferred.kind = Alias.Kind.ALTERNATIVE
            preferred.save()
        same_key.kind = Alias.Kind.PREFERRED
        same_key.label = label
        same_key.case_sensitive = False
        same_key.save()
    elif preferred is not None:
        preferred.label = label
        preferred.save()
    else:
        Alias(term=term, label=label, kind=Alias.Kind.PREFERRED).save()
    term.label = label
    new_slug = slug or _slug_for_new_label(term, label)
    if new_slug != term.slug:
        _move_slug(term, new_slug)


def _slug_for_new_label(term: Term, label: str) -> str:
    if slug_base(label, fallback="term") == term.slug:
        return term.slug
    return unique_term_slug(label, term=term)


def _move_slug(term: Term, slug: str) -> None:
    """Give the term a new slug; the old one keeps answering as a redirect."""
    check_term_slug(slug, term=term)
    old = term.slug
    # The term may be taking back one of its own old addresses.
    TermRedirect.objects.filter(old_slug=slug, term=term).delete()
    TermRedirect.objects.update_or_create(old_slug=old, defaults={"term": term})
    term.slug = slug


def _stamp_publication(term: Term, previous_status: str) -> None:
    if term.status == Term.Status.PUBLISHED and (
        previous_status != Term.Status.PUBLISHED or term.published_at is None
    ):
        term.published_at = timezone.now()
    elif term.status != Term.Status.PUBLISHED:
        term.published_at = None


def copy_term_fields(source: Term, target: Term) -> None:
    if source is target:
        return
    for model_field in Term._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
    target._state.adding = False
    target._state.db = source._state.db


def term_delete(*, term: Term) -> None:
    """Delete a term with its labels, citations and old addresses."""
    terms_delete(terms=[term])


def terms_delete(*, terms: Iterable[Term]) -> int:
    """Delete terms, all or none, with their labels, citations and redirects.

    Their history stays. A term's preferred label goes with its term, the one
    way it is ever removed. Returns how many terms were deleted.
    """
    with transaction.atomic():
        ids = [term.pk for term in _locked(terms)]
        # A queryset delete still sends each row's signals: the history
        # records every deletion and the glossary version moves.
        Term.objects.filter(pk__in=ids).delete()
    return len(ids)


# Bulk curation.


def terms_publish(*, terms: Iterable[Term]) -> PublishResult:
    """Publish the terms that have a definition or a short definition.

    The others are returned in `refused`, for the editor to see by name.
    """
    result = PublishResult()
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(terms)
        to_publish = []
        for term in locked:
            if term.status == Term.Status.PUBLISHED:
                result.already.append(term)
            elif not term_has_definition(term):
                result.refused.append(term)
            else:
                term.status = Term.Status.PUBLISHED
                term.published_at = now
                to_publish.append(term)
        _bulk_save(to_publish, ["status", "published_at"], now, reason="Published")
        citations_follow_change(term_ids=[term.pk for term in to_publish])
    result.published = to_publish
    return result


def terms_set_status(*, terms: Iterable[Term], status: str) -> list[Term]:
    """Move terms to draft, back to candidate, or to rejected; returns those moved.

    Publishing goes through `terms_publish`, which checks definitions.
    """
    if status not in SETTABLE_STATUSES:
        raise ValidationError(
            f"Terms cannot be set to {status!r} here"
            + (": use terms_publish." if status == Term.Status.PUBLISHED else ".")
        )
    now = timezone.now()
    with transaction.atomic():
        changed = [term for term in _locked(terms) if term.status != status]
        for term in changed:
            term.status = status
            term.published_at = None
        _bulk_save(
            changed,
            ["status", "published_at"],
            now,
            reason=f"Status set to {Term.Status(status).label.lower()}",
        )
        citations_follow_change(term_ids=[term.pk for term in changed])
    return changed


def _locked(terms: Iterable[Term]) -> list[Term]:
    ids = [term.pk for term in terms]
    return list(Term.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _bulk_save(terms: Sequence[Term], fields: list[str], now, *, reason: str) -> None:
    """Save many terms with one history row each, and move the glossary version."""
    if not terms:
        return
    for term in terms:
        term.version += 1
        term.updated_at = now
    bulk_update_with_history(
        terms,
        Term,
        [*fields, "version", "updated_at"],
        batch_size=500,
        default_change_reason=reason,
    )
    GlossaryVersion.objects.bump()
