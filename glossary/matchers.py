"""This process's linker, rebuilt whenever the glossary version moves.

Every call reads the version (one indexed single-row query) and reuses the
matcher built for it, so an edit in the admin reaches every server process
without a restart, and a process never serves links from an old glossary
for longer than one request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from .linking import Entry, Matcher
from .models import Alias, GlossaryVersion, Term

PUBLIC = (Term.Status.PUBLISHED,)
PREVIEW = (Term.Status.PUBLISHED, Term.Status.DRAFT, Term.Status.CANDIDATE)


@dataclass(frozen=True, slots=True)
class LinkedTerm:
    id: int
    slug: str
    label: str
    short_definition: str
    status: str

    @property
    def url(self) -> str:
        return reverse("concept-detail", kwargs={"slug": self.slug})


@dataclass(frozen=True, slots=True)
class Glossary:
    """A matcher and the terms its matches point at, for one glossary version."""

    version: int
    matcher: Matcher
    terms: dict[int, LinkedTerm]
    ids_by_slug: dict[str, int]


_lock = threading.Lock()
_built: dict[tuple[str, ...], Glossary] = {}


def current_glossary(*, include_drafts: bool = False) -> Glossary:
    """The glossary of published terms (or, for editors' previews, all but rejected)."""
    statuses = PREVIEW if include_drafts else PUBLIC
    version = GlossaryVersion.objects.current()
    glossary = _built.get(statuses)
    if glossary is not None and glossary.version == version:
        return glossary
    with _lock:
        glossary = _built.get(statuses)
        if glossary is None or glossary.version != version:
            # The version was read before the rows: a change made meanwhile
            # moves it again, and the next call rebuilds.
            glossary = _build(version, statuses)
            _built[statuses] = glossary
    return glossary


def label_entries(where: Q) -> list[Entry]:
    """The linker's entries for the labels `where` selects (one query).

    The one place an `Alias` row becomes an `Entry`, so the pages, the API
    and the citations match with the same rules.
    """
    rows = Alias.objects.filter(where).values_list(
        "label",
        "term_id",
        "case_sensitive",
        "not_followed_by",
        "not_preceded_by",
        "not_sentence_start",
    )
    return [
        Entry(
            label=label,
            term_id=term_id,
            case_sensitive=case_sensitive,
            not_followed_by=tuple(after or ()),
            not_preceded_by=tuple(before or ()),
            not_sentence_start=sentence,
        )
        for label, term_id, case_sensitive, after, before, sentence in rows
    ]


def _build(version: int, statuses: tuple[str, ...]) -> Glossary:
    terms = {
        row[0]: LinkedTerm(*row)
        for row in Term.objects.filter(status__in=statuses).values_list(
            "id", "slug", "label", "short_definition", "status"
        )
    }
    return Glossary(
        version=version,
        matcher=Matcher(label_entries(Q(term__status__in=statuses))),
        terms=terms,
        ids_by_slug={term.slug: term.id for term in terms.values()},
    )
