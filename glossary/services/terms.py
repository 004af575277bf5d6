"""Curating terms: create, edit, rename, publish, reject, merge, add labels.

Every function here is one transaction. Edits are checked against the
version the editor loaded (`Term.version`), so a save from a stale tab is
refused instead of overwriting someone else's work; every write goes through
`Model.save()` or simple-history's bulk helpers, so the term's history keeps
each change; bulk writes move the glossary version themselves, as bulk
operations send no signals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_update_with_history

from ..linking.normalize import normalize_label
from ..models import (
    Alias,
    Citation,
    GlossaryVersion,
    Term,
    TermRedirect,
    WikipediaArticle,
)
from .citations.live import citations_follow_change
from .vocabulary import broader_cycles, check_broader

#: Fields `term_update` accepts; anything else is a programming error.
EDITABLE_FIELDS = frozenset(
    {
        "label",
        "slug",
        "status",
        "kind",
        "short_definition",
        "definition",
        "wikipedia_title",
        "related",
        "broader",
    }
)
#: Statuses `terms_set_status` moves terms to; publishing has its own rules.
SETTABLE_STATUSES = frozenset(
    {Term.Status.CANDIDATE, Term.Status.DRAFT, Term.Status.REJECTED}
)
_TEXT_FIELDS = ("short_definition", "definition", "wikipedia_title")


class TermConflict(ValidationError):
    """The term was saved by someone else since the editor loaded it."""

    def __init__(self, term: Term, expected_version: int, current_version: int):
        self.term = term
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"“{term.label}” was changed by someone else while you were editing it "
            f"(you loaded version {expected_version}, it is now version "
            f"{current_version}). Your changes were not saved.",
            code="conflict",
        )


@dataclass(frozen=True)
class AliasSpec:
    """A label to give a term, with how the linker should treat it."""

    label: str
    kind: str = Alias.Kind.ALTERNATIVE
    case_sensitive: bool = False


@dataclass
class PublishResult:
    """What `terms_publish` did: refused terms are named, never skipped silently."""

    published: list[Term] = field(default_factory=list)
    already: list[Term] = field(default_factory=list)
    refused: list[Term] = field(default_factory=list)


# Reads shared by the services and by the admin's form validation.


def label_owner(
    label: str, *, exclude: Term | None = None, case_sensitive: bool = False
) -> Term | None:
    """The term a label already names (one label names one term), if any.

    Labels with the same key clash unless one of them is case-sensitive and
    they differ in case: "Meta" (case-sensitive) and "meta" may name two
    terms (the database says the same: `alias_one_term_per_label`).
    """
    key = normalize_label(label)
    if not key:
        return None
    same = Q(label=label.strip())
    if not case_sensitive:
        same |= Q(case_sensitive=False)
    aliases = Alias.objects.filter(same, normalized=key).select_related("term")
    if exclude is not None and exclude.pk is not None:
        aliases = aliases.exclude(term=exclude)
    alias = aliases.first()
    return alias.term if alias else None


def label_taken_message(label: str, owner: Term) -> str:
    return (
        f"“{label}” already names the term “{owner.label}” (slug {owner.slug}): "
        "one label can name only one term. Merge the two terms, or remove the "
        "label from the other one first."
    )


def slug_is_free(slug: str, *, term: Term | None = None) -> bool:
    """No other term uses the slug, as its address or as an old address."""
    terms = Term.objects.filter(slug=slug)
    redirects = TermRedirect.objects.filter(old_slug=slug)
    if term is not None and term.pk is not None:
        terms = terms.exclude(pk=term.pk)
        redirects = redirects.exclude(term=term)
    return not terms.exists() and not redirects.exists()


def unique_slug(label: str, *, term: Term | None = None) -> str:
    """A slug for `label` that no other term answers to (old addresses included)."""
    base = slugify(label)[:180].strip("-") or "term"
    taken = set(
        Term.objects.filter(slug__startswith=base)
        .exclude(pk=getattr(term, "pk", None))
        .values_list("slug", flat=True)
    )
    redirects = TermRedirect.objects.filter(old_slug__startswith=base)
    if term is not None and term.pk is not None:
        redirects = redirects.exclude(term=term)
    taken.update(redirects.values_list("old_slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def has_definition(term: Term) -> bool:
    return bool(term.short_definition.strip() or term.definition.strip())


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
    specs = _alias_specs(aliases, preferred=label)
    with transaction.atomic():
        _check_label(term, label, field_name="label")
        for spec in specs:
            _check_label(term, spec.label, field_name="aliases")
        if slug:
            _check_slug(term, slug)
            term.slug = slug
        else:
            term.slug = unique_slug(label)
        _check_status(term)
        if status == Term.Status.PUBLISHED:
            term.published_at = timezone.now()
        term.full_clean(validate_unique=False, validate_constraints=False)
        term.save()
        Alias(term=term, label=label, kind=Alias.Kind.PREFERRED).save()
        for spec in specs:
            _save_alias(
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


def term_update(*, term: Term, expected_version: int, **fields: Any) -> Term:
    """Save an editor's changes, unless someone else saved the term meanwhile.

    `expected_version` is the `Term.version` the editor loaded; the update
    claims the row with `UPDATE ... WHERE id = .. AND version = ..` and
    raises `TermConflict` when another save got there first. A new label
    renames the term (see `term_rename`); `related` and `broader` replace
    the term's relations. `term` is updated in place and returned.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"term_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        current = _claim(term, expected_version)
        label = fields.pop("label", None)
        slug = fields.pop("slug", None)
        related = fields.pop("related", None)
        broader = fields.pop("broader", None)
        previous_status = current.status
        previous_label = current.label
        for name, value in fields.items():
            setattr(current, name, value.strip() if name in _TEXT_FIELDS else value)
        if label is not None and label.strip() != current.label:
            _rename(current, label, slug or None)
        elif slug and slug != current.slug:
            _move_slug(current, slug)
        _check_status(current)
        _stamp_publication(current, previous_status)
        current.full_clean(validate_unique=False, validate_constraints=False)
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
    _copy_fields(current, term)
    return term


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


def _claim(term: Term, expected_version: int) -> Term:
    """Raise the stored version if it is the expected one; else TermConflict."""
    claimed = Term.objects.filter(pk=term.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = Term.objects.filter(pk=term.pk).first()
        if current is None:
            raise ValidationError(
                f"“{term.label}” no longer exists: it was deleted or merged into "
                "another term.",
                code="gone",
            )
        raise TermConflict(current, expected_version, current.version)
    # The UPDATE holds the row lock until the transaction ends.
    return Term.objects.get(pk=term.pk)


def _rename(term: Term, label: str, slug: str | None) -> None:
    label = label.strip()
    _check_label(term, label, field_name="label")
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
    if slugify(label)[:180].strip("-") == term.slug:
        return term.slug
    return unique_slug(label, term=term)


def _move_slug(term: Term, slug: str) -> None:
    """Give the term a new slug; the old one keeps answering as a redirect."""
    _check_slug(term, slug)
    old = term.slug
    # The term may be taking back one of its own old addresses.
    TermRedirect.objects.filter(old_slug=slug, term=term).delete()
    TermRedirect.objects.update_or_create(old_slug=old, defaults={"term": term})
    term.slug = slug


def _check_label(term: Term, label: str, *, field_name: str) -> None:
    if not normalize_label(label):
        raise ValidationError({field_name: "A label cannot be empty."})
    owner = label_owner(label, exclude=term)
    if owner is not None:
        raise ValidationError({field_name: label_taken_message(label, owner)})


def _check_slug(term: Term, slug: str) -> None:
    if slug != slugify(slug) or not slug:
        raise ValidationError(
            {
                "slug": f"“{slug}” is not a valid slug: use lowercase letters, digits "
                "and hyphens."
            }
        )
    if not slug_is_free(slug, term=term):
        raise ValidationError(
            {
                "slug": f"The address “{slug}” is already used by another term, or "
                "was one of its old addresses."
            }
        )


def _check_status(term: Term) -> None:
    if term.status == Term.Status.PUBLISHED and not has_definition(term):
        raise ValidationError(
            {"status": "A published term needs a definition or a short definition."},
            code="no_definition",
        )


def _stamp_publication(term: Term, previous_status: str) -> None:
    if term.status == Term.Status.PUBLISHED and (
        previous_status != Term.Status.PUBLISHED or term.published_at is None
    ):
        term.published_at = timezone.now()
    elif term.status != Term.Status.PUBLISHED:
        term.published_at = None


def _copy_fields(source: Term, target: Term) -> None:
    if source is target:
        return
    for model_field in Term._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
    target._state.adding = False
    target._state.db = source._state.db


# Labels.


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
        _save_alias(alias)
        citations_follow_change(term_ids=[term.pk])
    return alias


def alias_update(*, alias: Alias, label: str, kind: str, case_sensitive: bool) -> Alias:
    """Change a label of a term (not its preferred one: rename the term)."""
    label = label.strip()
    _check_alias_kind(kind)
    with transaction.atomic():
        stored = Alias.objects.select_for_update().get(pk=alias.pk)
        if stored.kind == Alias.Kind.PREFERRED:
            raise ValidationError(
                "The preferred label follows the term's label: rename the term."
            )
        _check_alias_label(stored.term, label, alias=stored)
        citations_follow_change(
            term_ids=[stored.term_id], removed_labels=[stored.label]
        )
        stored.label, stored.kind, stored.case_sensitive = label, kind, case_sensitive
        _save_alias(stored)
    alias.label, alias.kind, alias.case_sensitive = label, kind, case_sensitive
    alias.normalized = stored.normalized
    return stored


def alias_delete(*, alias: Alias) -> None:
    """Remove a label from a term; the preferred one cannot be removed."""
    with transaction.atomic():
        stored = Alias.objects.select_for_update().filter(pk=alias.pk).first()
        if stored is None:
            return
        if stored.kind == Alias.Kind.PREFERRED:
            raise ValidationError("The preferred label cannot be removed.")
        stored.delete()
        citations_follow_change(
            term_ids=[stored.term_id], removed_labels=[stored.label]
        )


def _check_alias_kind(kind: str) -> None:
    if kind == Alias.Kind.PREFERRED:
        raise ValidationError(
            {"kind": "The preferred label follows the term's label: rename the term."}
        )
    if kind not in Alias.Kind.values:
        raise ValidationError({"kind": f"Unknown kind of label: {kind!r}."})


def _check_alias_label(term: Term, label: str, *, alias: Alias | None) -> None:
    key = normalize_label(label)
    if not key:
        raise ValidationError({"label": "A label cannot be empty."})
    owner = label_owner(label, exclude=term)
    if owner is not None:
        raise ValidationError({"label": label_taken_message(label, owner)})
    own = Alias.objects.filter(term=term, normalized=key)
    if alias is not None:
        own = own.exclude(pk=alias.pk)
    if own.exists():
        raise ValidationError(
            {"label": f"“{label}” is already a label of “{term.label}”."}
        )


def _save_alias(alias: Alias) -> None:
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


def _alias_specs(
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


def term_set_aliases(*, term: Term, aliases: Iterable[str | AliasSpec]) -> bool:
    """Make a term's other labels exactly `aliases` (as a CSV import says).

    Labels kept keep their kind and case flag unless a spec says otherwise;
    returns whether anything changed.
    """
    specs = _alias_specs(aliases, preferred=term.label)
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
                citations_follow_change(
                    term_ids=[term.pk], removed_labels=[alias.label]
                )
                changed = True
        for key, spec in wanted.items():
            alias = existing.get(key)
            if alias is None:
                alias_add(
                    term=term,
                    label=spec.label,
                    kind=spec.kind,
                    case_sensitive=spec.case_sensitive,
                )
                changed = True
            elif alias.label != spec.label:
                alias.label = spec.label
                _save_alias(alias)
                changed = True
    return changed


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
            elif not has_definition(term):
                result.refused.append(term)
            else:
                term.status = Term.Status.PUBLISHED
                term.published_at = now
                to_publish.append(term)
        _bulk_save(to_publish, ["status", "published_at"], now)
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
        _bulk_save(changed, ["status", "published_at"], now)
        citations_follow_change(term_ids=[term.pk for term in changed])
    return changed


def _locked(terms: Iterable[Term]) -> list[Term]:
    ids = [term.pk for term in terms]
    return list(Term.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _bulk_save(terms: Sequence[Term], fields: list[str], now) -> None:
    """Save many terms with one history row each, and move the glossary version."""
    if not terms:
        return
    for term in terms:
        term.version += 1
        term.updated_at = now
    bulk_update_with_history(
        terms, Term, [*fields, "version", "updated_at"], batch_size=500
    )
    GlossaryVersion.objects.bump()


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
        citations_follow_change(term_ids=[target.pk])
    _copy_fields(target, survivor)
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
    cycles = broader_cycles()
    if cycles:
        raise ValidationError(
            "The merge would make a broader term also narrower: "
            + "; ".join(" → ".join(str(i) for i in c) for c in cycles)
        )


def _merge_fields(target: Term, merged: list[Term]) -> None:
    for name in _TEXT_FIELDS:
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


__all__ = [
    "AliasSpec",
    "PublishResult",
    "TermConflict",
    "alias_add",
    "alias_delete",
    "alias_update",
    "label_owner",
    "term_create",
    "term_rename",
    "term_set_aliases",
    "term_update",
    "terms_merge",
    "terms_publish",
    "terms_set_status",
    "unique_slug",
]
