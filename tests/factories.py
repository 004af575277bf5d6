"""Small factory functions for test data, shared by every test module.

Plain functions with keyword arguments and sensible defaults, returning
saved rows (the HackSoft styleguide's shape). They write the way the
application does where it matters: a term gets its preferred label as an
`Alias` (the database's "one label names one term" rule depends on it); a
citation's time, quote and span come from the citation service's own
computation unless a test gives them; episodes come from the ingest service
(`seed_episode`) or, when a test needs many small ones, `make_episode`.

Signals bump the glossary version on commit, which a `TestCase` never
reaches: call `new_glossary_version()` after changing terms when the code
under test caches by version (the linker, the API's ETags).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from glossary.models import (
    Alias,
    Appearance,
    Citation,
    Episode,
    GlossaryVersion,
    Person,
    Segment,
    Show,
    Term,
    TermRedirect,
    WikipediaArticle,
)
from glossary.services.citations import citation_build_manual
from glossary.services.ingest import episode_ingest_transcript

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = FIXTURES / "retort-ep04-developing-llms.txt"
SEED_AUDIO_URL = "https://media.example.org/the-retort-4.mp3"

_versions = itertools.count(time.time_ns())
_numbers = itertools.count(1000)


def new_glossary_version() -> int:
    """Move the glossary version to a number no other test used, and return it."""
    version = next(_versions)
    GlossaryVersion.objects.update_or_create(pk=1, defaults={"version": version})
    return version


# --------------------------------------------------------------------------
# Episodes
# --------------------------------------------------------------------------


def seed_episode(*, audio_url: str | None = SEED_AUDIO_URL, **kwargs: Any) -> Episode:
    """The Retort, episode 4, ingested through the service (segments, people)."""
    return episode_ingest_transcript(
        data=SEED.read_bytes(), filename=SEED.name, audio_url=audio_url, **kwargs
    ).episode


def make_show(title: str = "The Retort", **fields: Any) -> Show:
    """The show with this title, made on first use."""
    show, _ = Show.objects.get_or_create(
        title=title, defaults={"slug": slugify(title), **fields}
    )
    return show


def make_episode(
    title: str = "",
    *,
    slug: str | None = None,
    show: str = "The Retort",
    number: int | None = None,
    published_on: date | None = None,
    audio_url: str = "",
    segments: Sequence[tuple[str, float, str]] = (),
    people: Sequence[tuple[str, str]] = (),
) -> Episode:
    """An episode with `segments` as (speaker label, start seconds, text) and
    `people` as (name, role); speakers named in `people` are linked."""
    number = next(_numbers) if number is None else number
    title = title or f"Episode {number}"
    episode = Episode.objects.create(
        show=make_show(show),
        number=number,
        title=title,
        slug=slug or slugify(f"ep-{number}-{title}")[:200],
        published_on=published_on,
        audio_url=audio_url,
    )
    persons = {}
    for name, role in people:
        person, _ = Person.objects.get_or_create(
            name=name, defaults={"slug": slugify(name)}
        )
        Appearance.objects.create(episode=episode, person=person, role=role)
        persons[name] = person
    Segment.objects.bulk_create(
        Segment(
            episode=episode,
            order=order,
            speaker=persons.get(label),
            speaker_label=label,
            start=start,
            text=text,
        )
        for order, (label, start, text) in enumerate(segments)
    )
    return episode


def segment_saying(episode: Episode, words: str, *, nth: int = 0) -> Segment:
    """The `nth` segment (0-based, in order) whose text contains `words`,
    case-insensitively."""
    matches = [
        segment
        for segment in episode.segments.order_by("order")
        if words.casefold() in segment.text.casefold()
    ]
    if len(matches) <= nth:
        raise LookupError(f"{episode.slug}: no segment number {nth} says {words!r}")
    return matches[nth]


# --------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------

AliasSpec = str | tuple[str, str] | tuple[str, str, bool]


def make_term(
    label: str,
    *,
    status: str = Term.Status.PUBLISHED,
    slug: str | None = None,
    kind: str = Term.Kind.CONCEPT,
    short_definition: str | None = None,
    definition: str = "",
    aliases: Iterable[AliasSpec] = (),
    related: Iterable[Term] = (),
    broader: Iterable[Term] = (),
    **fields: Any,
) -> Term:
    """A term with its preferred label, and its other labels.

    `aliases` are labels ("LLM": an alternative label), (label, kind) or
    (label, kind, case_sensitive) tuples; abbreviations are case-sensitive
    unless said otherwise. A published term needs a definition, so one is
    made up when neither definition is given.
    """
    if short_definition is None:
        short_definition = (
            f"{label}, in one sentence."
            if status == Term.Status.PUBLISHED and not definition
            else ""
        )
    published = status == Term.Status.PUBLISHED
    fields.setdefault("published_at", timezone.now() if published else None)
    term = Term.objects.create(
        label=label,
        slug=slug or slugify(label),
        status=status,
        kind=kind,
        short_definition=short_definition,
        definition=definition,
        **fields,
    )
    Alias.objects.create(term=term, label=label, kind=Alias.Kind.PREFERRED)
    for spec in aliases:
        make_alias(term, *((spec,) if isinstance(spec, str) else spec))
    if related:
        term.related.add(*related)
    if broader:
        term.broader.add(*broader)
    return term


def make_alias(
    term: Term,
    label: str,
    kind: str = Alias.Kind.ALTERNATIVE,
    case_sensitive: bool | None = None,
) -> Alias:
    if case_sensitive is None:
        case_sensitive = kind == Alias.Kind.ABBREVIATION
    return Alias.objects.create(
        term=term, label=label, kind=kind, case_sensitive=case_sensitive
    )


def make_redirect(term: Term, old_slug: str) -> TermRedirect:
    return TermRedirect.objects.create(term=term, old_slug=old_slug)


def make_wikipedia(
    term: Term,
    *,
    title: str | None = None,
    status: str = WikipediaArticle.Status.FOUND,
    summary: str = "",
    revision_id: int | None = 1234567,
    language: str = "en",
    url: str | None = None,
    **fields: Any,
) -> WikipediaArticle:
    """A stored Wikipedia lookup, as the enrichment service leaves it."""
    title = title or term.label
    found = status == WikipediaArticle.Status.FOUND
    now = timezone.now()
    fields.setdefault("fetched_at", now if found else None)
    fields.setdefault("attempted_at", now)
    return WikipediaArticle.objects.create(
        term=term,
        status=status,
        title=title,
        language=language,
        revision_id=revision_id,
        url=url
        if url is not None
        else f"https://{language}.wikipedia.org/wiki/{title.replace(' ', '_')}",
        summary=summary or (f"{title} is a subject of an encyclopedia article."),
        **fields,
    )


# --------------------------------------------------------------------------
# Citations
# --------------------------------------------------------------------------


def make_citation(
    term: Term,
    segment: Segment,
    *,
    surface: str | None = None,
    start_char: int | None = None,
    seconds: float | None = None,
    featured: bool = False,
    source: str = Citation.Source.AUTO,
    **fields: Any,
) -> Citation:
    """Cite `term` in `segment`.

    The span is `surface`'s first occurrence in the text (case-insensitive)
    at or after `start_char`, or the first mention of any of the term's
    labels; time, quote and span come from the citation service's
    computation unless given (`seconds`, `quote=`, `approximate=`).
    """
    start = end = None
    if surface is not None:
        at = segment.text.casefold().find(surface.casefold(), start_char or 0)
        if at < 0:
            raise LookupError(f"{surface!r} is not said in segment {segment.pk}")
        start, end = at, at + len(surface)
    elif start_char is not None:
        raise ValueError("start_char needs a surface")
    citation = citation_build_manual(
        term=term, segment=segment, start_char=start, end_char=end
    )
    citation.source = source
    citation.featured = featured
    if seconds is not None:
        citation.seconds = seconds
    for name, value in fields.items():
        setattr(citation, name, value)
    citation.save()
    return citation


def cite_everywhere(
    term: Term, episode: Episode, surface: str, *, limit: int | None = None
) -> list[Citation]:
    """A citation at every place the episode says `surface` (case-insensitive),
    in order, up to `limit`."""
    made: list[Citation] = []
    needle = surface.casefold()
    for segment in episode.segments.order_by("order"):
        text = segment.text.casefold()
        at = text.find(needle)
        while at >= 0:
            if limit is not None and len(made) >= limit:
                return made
            made.append(make_citation(term, segment, surface=surface, start_char=at))
            at = text.find(needle, at + len(needle))
    return made


# --------------------------------------------------------------------------
# People with accounts
# --------------------------------------------------------------------------


def make_user(username: str = "user", *, staff: bool = False, **fields: Any):
    return get_user_model().objects.create_user(
        username=username, password=None, is_staff=staff, **fields
    )


def make_token(user=None, *, staff: bool = False) -> str:
    """An API token's key, for `Authorization: Token <key>`."""
    if user is None:
        user = make_user(f"robot-{next(_numbers)}", staff=staff)
    return Token.objects.create(user=user).key
