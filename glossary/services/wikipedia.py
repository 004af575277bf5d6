"""Enrich terms from Wikipedia, keeping the editor's own words untouched.

A lookup's result lands in the term's `WikipediaArticle`: a found article
replaces the stored summary (the old one kept as `previous_summary`, so an
editor sees what changed); a missing page, a disambiguation page or a failed
request only records its status and message, keeping the last good summary.
The term's definition changes only when an editor asks for the summary to be
copied in.

The network call happens before the transaction, so no row is locked while
Wikipedia is slow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Alias, Term, WikipediaArticle
from ..wikipedia import Lookup, Status, WikipediaClient, make_client
from ..wikipedia.attribution import attribution_markdown

# Labels tried per term, at most: each can cost a request.
MAX_CANDIDATES = 5
_KIND_ORDER: dict[str, int] = {
    Alias.Kind.PREFERRED: 0,
    Alias.Kind.ALTERNATIVE: 1,
    Alias.Kind.ABBREVIATION: 2,
}


def term_wikipedia_candidates(term: Term) -> list[str]:
    """The titles to try, best first.

    The editor's exact title when set (and nothing else: they chose it);
    otherwise the preferred label, then alternative labels, then
    abbreviations, which are the likeliest to land on a disambiguation page.
    Misspellings are never tried. Reads `term.aliases.all()`, so prefetch
    them when fetching many terms.
    """
    if term.wikipedia_title.strip():
        return [term.wikipedia_title.strip()]
    aliases = sorted(
        (a for a in term.aliases.all() if a.kind in _KIND_ORDER),
        key=lambda a: (_KIND_ORDER[a.kind], a.label.casefold()),
    )
    candidates: list[str] = []
    seen: set[str] = set()
    for label in [term.label, *(a.label for a in aliases)]:
        key = " ".join(label.casefold().split())
        if key and key not in seen:
            seen.add(key)
            candidates.append(label.strip())
    return candidates[:MAX_CANDIDATES]


def wikipedia_lookup_term(*, term: Term, client: WikipediaClient) -> Lookup:
    """The first candidate that is an article, or the most useful failure.

    A failed request ends the search at once (the next label would fail the
    same way); a disambiguation page is reported before a missing page, as
    it tells the editor more.
    """
    candidates = term_wikipedia_candidates(term)
    misses: list[Lookup] = []
    for title in candidates:
        lookup = client.lookup(title)
        if lookup.status in (Status.FOUND, Status.ERROR):
            return lookup
        misses.append(lookup)
    ambiguous = [m for m in misses if m.status == Status.DISAMBIGUATION]
    if ambiguous:
        return ambiguous[0]
    if len(misses) > 1:
        names = [f"“{m.title or m.requested}”" for m in misses]
        listed = ", ".join(names[:-1]) + " or " + names[-1]
        return Lookup(
            requested=misses[0].requested,
            status=Status.MISSING,
            language=misses[0].language,
            message=f"Wikipedia has no article titled {listed}. If it has one "
            "under another title, set the term's Wikipedia title.",
        )
    return misses[0]


def term_fetch_wikipedia(
    *, term: Term, client: WikipediaClient | None = None, bulk: bool = False
) -> WikipediaArticle:
    """Look the term up on Wikipedia and record what was found, or why not.

    Never raises for Wikipedia's sake: every failure is a status with a
    message on the returned article. For a disambiguation page the article
    also carries `choices`, the titles the page lists (not stored). `bulk`
    picks the patient client (retries, backoff) when no `client` is given.
    """
    if client is None:
        with make_client(bulk=bulk) as own_client:
            lookup = wikipedia_lookup_term(term=term, client=own_client)
    else:
        lookup = wikipedia_lookup_term(term=term, client=client)
    article = _record(term, lookup)
    # Not stored: what a disambiguation page lists, for the editor to pick.
    article.choices = lookup.choices  # type: ignore[attr-defined]
    return article


def _record(term: Term, lookup: Lookup) -> WikipediaArticle:
    now = timezone.now()
    first = WikipediaArticle(term=term)
    _apply(first, lookup, now)
    defaults = {
        f.attname: getattr(first, f.attname)
        for f in WikipediaArticle._meta.concrete_fields
        if not f.primary_key and f.name != "term"
    }
    with transaction.atomic():
        article, created = WikipediaArticle.objects.select_for_update().get_or_create(
            term=term, defaults=defaults
        )
        if not created:
            _apply(article, lookup, now)
            article.save()
    return article


def _apply(article: WikipediaArticle, lookup: Lookup, now: datetime) -> None:
    article.status = lookup.status
    article.attempted_at = now
    if lookup.status == Status.FOUND:
        article.message = lookup.message
        article.language = lookup.language
        article.title = lookup.title[:300]
        article.page_id = lookup.page_id
        article.revision_id = lookup.revision_id
        # An over-long URL is rebuilt from the title when shown.
        article.url = lookup.url if len(lookup.url) <= 500 else ""
        article.previous_summary = article.summary
        article.summary = lookup.summary
        article.fetched_at = now
    else:
        article.message = _with_last_good(lookup.message, article)


def _with_last_good(message: str, article: WikipediaArticle) -> str:
    if article.summary and article.fetched_at:
        fetched = timezone.localtime(article.fetched_at).strftime("%Y-%m-%d %H:%M")
        return f"{message} The summary of “{article.title}” fetched {fetched} is kept."
    return message


def term_copy_wikipedia_summary(
    *, term: Term, replace: bool = False, expected_version: int | None = None
) -> Term:
    """Copy the stored Wikipedia summary into the term's definition.

    Only on an editor's request, and never over a definition they wrote
    unless `replace` says so. The copy carries its CC BY-SA attribution in
    Markdown, so the credit stays with the text wherever the definition is
    shown. `expected_version` refuses the copy if the term changed since
    the editor loaded it.
    """
    with transaction.atomic():
        locked = Term.objects.select_for_update().get(pk=term.pk)
        article = WikipediaArticle.objects.filter(term=locked).first()
        if article is None or not article.summary.strip():
            raise ValidationError(
                "There is no Wikipedia summary to copy: fetch it from Wikipedia first."
            )
        if expected_version is not None and locked.version != expected_version:
            raise ValidationError(
                "The term was changed by someone else meanwhile: reload it and try "
                "again."
            )
        if locked.definition.strip() and not replace:
            raise ValidationError(
                "The term already has a definition: choose to replace it, or edit "
                "it by hand."
            )
        locked.definition = (
            f"{article.summary.strip()}\n\n{attribution_markdown(article)}"
        )
        locked.version += 1
        locked.save(update_fields=["definition", "version", "updated_at"])
    term.definition = locked.definition
    term.version = locked.version
    return locked


@dataclass
class WikipediaTally:
    """Counts of outcomes over many terms, for a command's or an action's summary."""

    counts: Counter = field(default_factory=Counter)
    problems: list[tuple[Term, WikipediaArticle]] = field(default_factory=list)

    def add(self, term: Term, article: WikipediaArticle) -> None:
        self.counts[article.status] += 1
        if article.status != Status.FOUND:
            self.problems.append((term, article))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        counts = self.counts
        errors = counts[Status.ERROR]
        return (
            f"{counts[Status.FOUND]} found, {counts[Status.MISSING]} missing, "
            f"{counts[Status.DISAMBIGUATION]} disambiguation, "
            f"{errors} error{'' if errors == 1 else 's'}"
        )
