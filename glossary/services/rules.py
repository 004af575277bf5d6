"""The rules every write obeys, each written once, with its one wording.

Services enforce them; admin forms, the CSV import and the API ask them
first, to show the problem beside the field. The database enforces what it
can on its own (unique `Alias.normalized`, unique slugs, the
`term_published_has_definition` check with `models.HAS_DEFINITION`), and the rules
here say the same things in Python, with messages an editor understands.
"""

from __future__ import annotations

from collections.abc import Container

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from ..linking.normalize import normalize_label
from ..models import Alias, Episode, Person, Show, Term, TermRedirect

#: What an editor edits on a term, in the order the term form shows it.
EDITABLE_TERM_FIELDS = (
    "label",
    "slug",
    "status",
    "kind",
    "short_definition",
    "definition",
    "wikipedia_title",
    "related",
    "broader",
)
#: The editable fields that are relations to other terms.
TERM_RELATION_FIELDS = ("related", "broader")
#: The editable fields that are plain text (stored stripped).
TERM_TEXT_FIELDS = ("short_definition", "definition", "wikipedia_title")

#: A generated slug's length, leaving room for a `-2` suffix in 200 columns.
SLUG_LENGTH = 180


# Labels: one label names one term.


def label_owner(label: str, *, exclude: Term | None = None) -> Term | None:
    """The term a label already names (one label names one term), if any."""
    key = normalize_label(label)
    if not key:
        return None
    aliases = Alias.objects.filter(normalized=key).select_related("term")
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


def label_repeated_message(label: str, term: Term) -> str:
    """The term already has this label (another of its rows says it)."""
    return f"“{label}” is already a label of “{term.label}”."


def check_label_free(label: str, *, term: Term, field_name: str = "label") -> None:
    """Refuse an empty label, or one that names another term."""
    if not normalize_label(label):
        raise ValidationError({field_name: "A label cannot be empty."})
    owner = label_owner(label, exclude=term)
    if owner is not None:
        raise ValidationError({field_name: label_taken_message(label, owner)})


# Slugs: an address answers for one term, old addresses (redirects) included.


def slug_base(text: str, *, fallback: str) -> str:
    """The slug `text` gives before any `-2` suffix."""
    return slugify(text)[:SLUG_LENGTH].strip("-") or fallback


def free_slug(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not in `taken`."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def term_slugs_taken(*, prefix: str = "", term: Term | None = None) -> set[str]:
    """Every address a term answers to, current or old (1 query).

    `prefix` narrows the read to slugs starting with it; `term`'s own
    addresses are left out (it may take back one of its old ones).
    """
    terms, redirects = Term.objects.all(), TermRedirect.objects.all()
    if prefix:
        terms = terms.filter(slug__startswith=prefix)
        redirects = redirects.filter(old_slug__startswith=prefix)
    if term is not None and term.pk is not None:
        terms = terms.exclude(pk=term.pk)
        redirects = redirects.exclude(term=term)
    # One query; no ORDER BY inside a UNION (SQLite refuses it).
    return set(
        terms.order_by()
        .values_list("slug", flat=True)
        .union(redirects.order_by().values_list("old_slug", flat=True))
    )


def term_slug_is_free(slug: str, *, term: Term | None = None) -> bool:
    """No other term uses the slug, as its address or as an old address."""
    terms = Term.objects.filter(slug=slug)
    redirects = TermRedirect.objects.filter(old_slug=slug)
    if term is not None and term.pk is not None:
        terms = terms.exclude(pk=term.pk)
        redirects = redirects.exclude(term=term)
    return not terms.exists() and not redirects.exists()


def unique_term_slug(label: str, *, term: Term | None = None) -> str:
    """A slug for `label` that no other term answers to (old addresses included)."""
    base = slug_base(label, fallback="term")
    return free_slug(base, term_slugs_taken(prefix=base, term=term))


def _unique_slug(model, text: str, *, fallback: str) -> str:
    base = slug_base(text, fallback=fallback)
    taken = set(
        model.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    return free_slug(base, taken)


def unique_person_slug(name: str) -> str:
    """A slug for a new person that no other person has."""
    return _unique_slug(Person, name, fallback="person")


def unique_episode_slug(text: str) -> str:
    """A slug for a new episode that no other episode has."""
    return _unique_slug(Episode, text, fallback="episode")


def unique_show_slug(title: str) -> str:
    """A slug for a new show that no other show has."""
    return _unique_slug(Show, title, fallback="show")


def slug_taken_message(slug: str) -> str:
    return (
        f"The address “{slug}” is already used by another term, or was one of "
        "its old addresses."
    )


def check_term_slug(slug: str, *, term: Term) -> None:
    """Refuse a malformed slug, or one another term answers to."""
    if slug != slugify(slug) or not slug:
        raise ValidationError(
            {
                "slug": f"“{slug}” is not a valid slug: use lowercase letters, digits "
                "and hyphens."
            }
        )
    if not term_slug_is_free(slug, term=term):
        raise ValidationError({"slug": slug_taken_message(slug)})


# Publishing: a published term has a definition.

NEEDS_DEFINITION = (
    "A published term needs a definition or a short definition: write one, or "
    "save it as a draft."
)


def has_definition(*, short_definition: str, definition: str) -> bool:
    """Either text says something (`models.HAS_DEFINITION` in SQL)."""
    return bool(short_definition.strip() or definition.strip())


def term_has_definition(term: Term) -> bool:
    return has_definition(
        short_definition=term.short_definition, definition=term.definition
    )


def check_publishable(term: Term) -> None:
    if term.status == Term.Status.PUBLISHED and not term_has_definition(term):
        raise ValidationError({"status": NEEDS_DEFINITION}, code="no_definition")
