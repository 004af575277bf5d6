"""Published terms: the A–Z index, a concept's page, the API's list and detail.

A candidate or draft term is invisible to readers, and so are its labels,
relations and citations.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import groupby

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)

from ..linking import normalize_label
from ..models import Alias, Citation, Term, TermRedirect
from ..search import search_concepts
from .citations import citation_count, citations

FEATURED_LIMIT = 10
"""Featured citations shown on a term; editors pick a handful."""
SEARCH_LIMIT = 100
"""Terms `q` finds, at most: a search, not a way to page through everything."""

#: Columns of a term the API's list shows.
TERM_FIELDS = ("id", "slug", "label", "kind", "short_definition", "updated_at")


def published_terms() -> QuerySet[Term]:
    return Term.objects.published()


def visible_aliases() -> QuerySet[Alias]:
    """A term's labels as the API shows them: the preferred one first, hidden
    ones (misspellings kept for matching) left out."""
    return (
        Alias.objects.exclude(kind=Alias.Kind.HIDDEN)
        .only("id", "term_id", "label", "kind", "case_sensitive")
        .order_by(
            Case(
                When(kind=Alias.Kind.PREFERRED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "kind",
            "label",
        )
    )


def shown_aliases() -> QuerySet[Alias]:
    """A term's other labels as its page shows them (not hidden ones)."""
    return Alias.objects.exclude(
        kind__in=[Alias.Kind.PREFERRED, Alias.Kind.HIDDEN]
    ).order_by("kind", "label")


def _neighbours(*fields: str) -> list[Prefetch]:
    """Related, broader and narrower published terms, as `<relation>_terms`."""
    shown = published_terms().only("id", *fields).order_by("label", "slug")
    return [
        Prefetch(relation, queryset=shown, to_attr=f"{relation}_terms")
        for relation in ("related", "broader", "narrower")
    ]


# The A–Z index.


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A line of the index: a concept, or another label pointing at one."""

    label: str
    slug: str
    short_definition: str = ""
    see: str = ""
    """For another label ("RLHF"): the preferred label it stands for."""

    @property
    def letter(self) -> str:
        return index_letter(self.label)


@dataclass(frozen=True, slots=True)
class IndexSection:
    letter: str
    entries: list[IndexEntry]


def index_letter(label: str) -> str:
    """ "A"–"Z" by the label's first letter, accents removed; "#" otherwise."""
    first = unicodedata.normalize("NFKD", label.strip()[:1])[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def sort_key(label: str) -> tuple[str, str]:
    folded = unicodedata.normalize("NFKD", label).casefold()
    return ("".join(c for c in folded if not unicodedata.combining(c)), label)


def concept_index() -> list[IndexSection]:
    """Published concepts and their other shown labels, by letter (2 queries).

    Abbreviations and alternative labels appear as "see" lines, so a reader
    who knows "RLHF" finds it under R; hidden labels (misspellings) do not.
    """
    entries = [
        IndexEntry(label=label, slug=slug, short_definition=short)
        for label, slug, short in published_terms().values_list(
            "label", "slug", "short_definition"
        )
    ]
    entries += [
        IndexEntry(label=label, slug=slug, see=preferred)
        for label, slug, preferred in shown_aliases()
        .filter(term__status=Term.Status.PUBLISHED)
        .exclude(label=F("term__label"))
        .order_by()
        .values_list("label", "term__slug", "term__label")
    ]
    entries.sort(key=lambda entry: sort_key(entry.label))
    sections = [
        IndexSection(letter=letter, entries=list(group))
        for letter, group in groupby(entries, key=lambda entry: entry.letter)
    ]
    # "#" (digits, symbols) sorts first by label but reads best last.
    return sorted(sections, key=lambda section: (section.letter == "#", section.letter))


# One concept.


def concept_for_page(slug: str) -> Term | None:
    """A published term with everything its page shows but citations (5 queries)."""
    return (
        published_terms()
        .select_related("wikipedia")
        .prefetch_related(
            Prefetch("aliases", queryset=shown_aliases(), to_attr="shown_aliases"),
            *_neighbours("slug", "label", "short_definition"),
        )
        .filter(slug=slug)
        .first()
    )


def term_detail(slug: str) -> Term | None:
    """A published term with everything the API's detail shows (6 queries)."""
    term = (
        published_terms()
        .filter(slug=slug)
        .select_related("wikipedia")
        .annotate(citation_count=citation_count())
        .prefetch_related(
            Prefetch("aliases", queryset=visible_aliases(), to_attr="visible_aliases"),
            *_neighbours("slug", "label"),
        )
        .first()
    )
    if term is not None:
        # One term: a plain LIMIT. A sliced Prefetch would do the same with a
        # window function, and compiling that took longer than running it.
        featured = citations().filter(term=term, featured=True)
        term.featured_citations = list(featured[:FEATURED_LIMIT])  # type: ignore[attr-defined]
    return term


def published_term_id(slug: str) -> int | None:
    return published_terms().filter(slug=slug).values_list("id", flat=True).first()


def term_redirect(slug: str) -> str | None:
    """The current slug of the published term once called `slug` (1 query)."""
    return (
        TermRedirect.objects.filter(old_slug=slug, term__status=Term.Status.PUBLISHED)
        .values_list("term__slug", flat=True)
        .first()
    )


# Lists.


def terms() -> QuerySet[Term]:
    """Published terms in label order; a page of them takes its labels from
    `attach_visible_aliases`."""
    return published_terms().only(*TERM_FIELDS).order_by("label", "slug")


@dataclass(frozen=True, slots=True)
class VisibleLabel:
    """One of a listed term's labels, as the API shows it."""

    label: str
    kind: str
    case_sensitive: bool


def attach_visible_aliases(page: list[Term]) -> list[Term]:
    """Set each term's `visible_aliases`, in `visible_aliases()` order (1 query,
    none for an empty page).

    Plain tuples rather than a prefetch: a page of 50 terms has 100 to 200
    labels, and making an `Alias` instance of each cost more than the query.
    """
    if not page:
        return page
    found: dict[int, list[VisibleLabel]] = {term.pk: [] for term in page}
    rows = (
        visible_aliases()
        .filter(term_id__in=list(found))
        .values_list("term_id", "label", "kind", "case_sensitive")
    )
    for term_id, label, kind, case_sensitive in rows:
        found[term_id].append(VisibleLabel(label, kind, case_sensitive))
    for term in page:
        term.visible_aliases = found[term.pk]  # type: ignore[attr-defined]
    return page


def search_terms(queryset: QuerySet[Term], text: str) -> QuerySet[Term]:
    """The terms the reader search finds for `text`, best first.

    The same search as the pages (`glossary.search`): labels and aliases
    with typos forgiven, then definitions; the best 100. An `ordering`
    parameter, applied after this, sorts them otherwise.
    """
    if not normalize_label(text):
        return queryset
    ids = [hit.id for hit in search_concepts(text, limit=SEARCH_LIMIT)]
    rank = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).order_by(rank, "label", "slug")


def cited_in_episode(queryset: QuerySet[Term], slug: str) -> QuerySet[Term]:
    return queryset.filter(
        Exists(Citation.objects.filter(term=OuterRef("pk"), episode__slug=slug))
    )


def recent_concepts(limit: int = 8) -> list[Term]:
    """The latest published concepts, for the home page (1 query)."""
    return list(
        published_terms()
        .only("slug", "label", "short_definition")
        .order_by(F("published_at").desc(nulls_last=True), "label")[:limit]
    )


def sitemap_terms() -> QuerySet[Term]:
    return published_terms().only("slug", "updated_at").order_by("slug")
