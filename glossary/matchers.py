"""This process's linker, rebuilt whenever the glossary version moves.

Every call reads the version (one indexed single-row query) and reuses the
matcher built for it, so an edit in the admin reaches every server process
without a restart.

A small glossary is rebuilt inside the request that finds the version moved
(milliseconds). From `KB_LINKER_BACKGROUND_TERMS` terms on (2,000 by
default), building takes long enough to stall that request (2.8 s at
100,000 terms), so a thread builds the new matcher while requests keep being
answered by the previous one: links lag an edit by the build's time, and no
request waits for it. One build at a time per process; a version that moved
again meanwhile is picked up by the next request after it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q

from .linking import DEFAULT_SKIP_ELEMENTS, Entry, Matcher, explain_html
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
        return Term(slug=self.slug).get_absolute_url()


@dataclass(frozen=True, slots=True)
class GlossaryLinker:
    """A matcher and the terms its matches point at, for one glossary version."""

    version: int
    matcher: Matcher
    terms: dict[int, LinkedTerm]
    ids_by_slug: dict[str, int]


logger = logging.getLogger(__name__)

_lock = threading.Lock()
_built: dict[tuple[str, ...], GlossaryLinker] = {}
_building: set[tuple[str, ...]] = set()
DEFAULT_BACKGROUND_TERMS = 2000


def current_glossary(*, include_drafts: bool = False) -> GlossaryLinker:
    """The glossary of published terms (or, for editors' previews, all but rejected)."""
    statuses = PREVIEW if include_drafts else PUBLIC
    version = _current_version()
    glossary = _built.get(statuses)
    if glossary is not None and glossary.version == version:
        return glossary
    if glossary is not None and len(glossary.terms) >= _background_terms():
        _build_in_background(statuses)
        return glossary
    with _lock:
        glossary = _built.get(statuses)
        if glossary is None or glossary.version != version:
            # The version was read before the rows: a change made meanwhile
            # moves it again, and the next call rebuilds.
            glossary = _build(version, statuses)
            _built[statuses] = glossary
    return glossary


def _background_terms() -> int:
    return int(
        getattr(settings, "KB_LINKER_BACKGROUND_TERMS", DEFAULT_BACKGROUND_TERMS)
    )


def _build_in_background(statuses: tuple[str, ...]) -> None:
    with _lock:
        if statuses in _building:
            return
        _building.add(statuses)
    threading.Thread(
        target=_background_build,
        args=(statuses,),
        name="kb-linker-build",
        daemon=True,
    ).start()


def _background_build(statuses: tuple[str, ...]) -> None:
    try:
        version = _current_version()
        glossary = _build(version, statuses)
        with _lock:
            _built[statuses] = glossary
    except Exception:
        # The previous matcher keeps serving; the next request tries again.
        logger.exception("Building the linker in the background failed")
    finally:
        with _lock:
            _building.discard(statuses)
        connection.close()  # this thread's own connection


def _current_version() -> int:
    """`GlossaryVersion.objects.current()` as one plain statement: it runs
    before every link, and building the queryset cost more than the query."""
    table = connection.ops.quote_name(GlossaryVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


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


def _build(version: int, statuses: tuple[str, ...]) -> GlossaryLinker:
    terms = {
        row[0]: LinkedTerm(*row)
        for row in Term.objects.filter(status__in=statuses).values_list(
            "id", "slug", "label", "short_definition", "status"
        )
    }
    return GlossaryLinker(
        version=version,
        matcher=Matcher(label_entries(Q(term__status__in=statuses))),
        terms=terms,
        ids_by_slug={term.slug: term.id for term in terms.values()},
    )


@dataclass(frozen=True, slots=True)
class ReportedMention:
    """One line of the link report: a mention, its term, linked or why not."""

    start: int
    end: int
    text: str
    term: LinkedTerm
    label: str
    linked: bool
    reason: str | None


def link_report(
    *,
    text: str | None = None,
    html: str | None = None,
    first_only: bool = True,
    max_links: int | None = None,
    skip_terms: Collection[int] = frozenset(),
    skip_elements: Collection[str] = DEFAULT_SKIP_ELEMENTS,
) -> list[ReportedMention]:
    """Every mention of the glossary in a text or HTML, linked or not, and why.

    The API's `"explain": true` and the admin's explain page show this. The
    published glossary decides what is linked (the same options as the
    links); mentions that only a draft or candidate term would take are
    reported as "not published".
    """
    published = current_glossary()
    preview = current_glossary(include_drafts=True)
    options = {"first_only": first_only, "max_links": max_links}
    if html is not None:
        report = explain_html(
            published.matcher,
            html,
            skip_terms=skip_terms,
            skip_elements=skip_elements,
            **options,
        )
        unpublished = [
            e
            for e in explain_html(
                preview.matcher, html, first_only=False, skip_elements=skip_elements
            )
            if e.linked
        ]
    else:
        source = text or ""
        report = published.matcher.explain(source, skip_terms=skip_terms, **options)
        unpublished = preview.matcher.find(source, first_only=False)
    spans = [(e.start, e.end) for e in report]
    lines = [
        ReportedMention(
            e.start,
            e.end,
            e.text,
            published.terms[e.term_id],
            e.label,
            e.linked,
            e.reason,
        )
        for e in report
    ]
    for mention in unpublished:
        if mention.term_id in published.terms:
            continue
        if any(s < mention.end and mention.start < e for s, e in spans):
            continue
        term = preview.terms[mention.term_id]
        lines.append(
            ReportedMention(
                mention.start,
                mention.end,
                mention.text,
                term,
                mention.label,
                False,
                f"not published: the term is a {term.status}",
            )
        )
    lines.sort(key=lambda line: (line.start, line.end))
    return lines
