"""Pages for readers: the concept index and pages, episodes, search.

Views translate: read through `selectors` (or `search`), shape what the
template shows, render. The site's name reaches every template through
`context_processors.site`. Each page runs a fixed number of queries, whatever
the number of concepts, citations or segments (asserted in tests). Only
published terms are public. Nothing here calls Wikipedia: the summary shown
is the one the enrichment service stored.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.core.paginator import InvalidPage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from . import jsonld
from .addresses import slug_urls
from .context_processors import site_name
from .definitions import linked_definition
from .matchers import GlossaryLinker, current_glossary
from .models import Episode, Segment, WikipediaArticle
from .rendering import clock
from .search import search as run_search
from .selectors.citations import concept_citations
from .selectors.episodes import (
    EpisodeTerm,
    episode_for_page,
    episode_segments,
    episode_terms,
    episodes_for_list,
    latest_episodes,
)
from .selectors.terms import (
    concept_for_page,
    concept_index,
    recent_concepts,
    term_redirect,
)
from .wikipedia.attribution import article_url, attribution_html


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Where to start: a search box, the latest episodes and concepts (3 queries)."""
    return render(
        request,
        "glossary/home.html",
        {
            "episodes": latest_episodes(),
            "concepts": recent_concepts(),
        },
    )


# --------------------------------------------------------------------------
# Concepts
# --------------------------------------------------------------------------


@require_safe
def concept_list(request: HttpRequest) -> HttpResponse:
    """The A–Z index of published concepts (2 queries)."""
    sections = concept_index()
    url = request.build_absolute_uri(reverse("concept-list"))
    concept_url = slug_urls("concept-detail")
    present = {section.letter for section in sections}
    letters = [(letter, letter in present) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ#"]
    return render(
        request,
        "glossary/concept_list.html",
        {
            "sections": [
                (
                    section.letter,
                    [(entry, concept_url(entry.slug)) for entry in section.entries],
                )
                for section in sections
            ],
            "letters": letters,
            "count": sum(1 for s in sections for e in s.entries if not e.see),
            "canonical_url": url,
        },
    )


@require_safe
def concept_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A concept's page (8 queries); an old slug answers with a 301.

    Its mentions come `EPISODES_PER_PAGE` episodes at a time (`?page=2`); a
    page that is not there is a 404.
    """
    term = concept_for_page(slug)
    if term is None:
        current = term_redirect(slug)
        if current is not None:
            return HttpResponsePermanentRedirect(
                reverse("concept-detail", kwargs={"slug": current})
            )
        return _concept_not_found(request, slug)

    try:
        mentions = concept_citations(term, page=request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page of mentions.") from None
    glossary = current_glossary()
    definition_html = linked_definition(term, glossary)
    wikipedia = WikipediaArticle.shown_for(term)
    episode_url = slug_urls("episode-detail")
    url = request.build_absolute_uri(term.get_absolute_url())
    page = mentions.page
    page_url = f"{url}?page={page.number}" if page.number > 1 else url
    plain = html.unescape(strip_tags(definition_html))
    description = term.short_definition or Truncator(" ".join(plain.split())).chars(200)
    return render(
        request,
        "glossary/concept_detail.html",
        {
            "term": term,
            "definition_html": definition_html,
            "wikipedia": wikipedia,
            "attribution": attribution_html(wikipedia) if wikipedia else "",
            "wikipedia_url": article_url(wikipedia) if wikipedia else "",
            "mentions": [
                (group, episode_url(group.episode.slug)) for group in mentions.groups
            ],
            "mention_count": mentions.mentions,
            "episode_count": mentions.episodes,
            "page": page,
            "canonical_url": page_url,
            "description": description,
            "json_ld": jsonld.script_json(
                jsonld.defined_term(
                    term,
                    url=url,
                    description=description,
                    set_url=request.build_absolute_uri(reverse("concept-list")),
                    set_name=site_name(),
                    wikipedia=wikipedia,
                )
            ),
        },
    )


def _concept_not_found(request: HttpRequest, slug: str) -> HttpResponse:
    """The 404 page, with concepts whose names look like the slug asked for."""
    words = slug.replace("-", " ").replace("_", " ")[:100]
    suggestions = run_search(words).concepts[:5] if words.strip() else []
    return render(
        request,
        "404.html",
        {"suggestions": suggestions, "query": words},
        status=404,
    )


# --------------------------------------------------------------------------
# Episodes
# --------------------------------------------------------------------------


@require_safe
def episode_list(request: HttpRequest) -> HttpResponse:
    """Every episode, newest first (2 queries)."""
    return render(
        request,
        "glossary/episode_list.html",
        {"episodes": episodes_for_list()},
    )


@dataclass(frozen=True, slots=True)
class TranscriptTurn:
    """A segment as the page shows it: `anchor` is `t=754` on the first turn
    starting in that second, so `#t=754` lands on it."""

    second: int
    start: float
    clock: str
    estimated: bool
    speaker: str
    anchor: str
    paragraphs: list[SafeString]


@require_safe
def episode_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An episode: its concepts by first mention, the linked transcript (5 queries)."""
    episode = episode_for_page(slug)
    if episode is None:
        raise Http404("No such episode.")
    concepts = episode_terms(episode)
    turns = _transcript(episode_segments(episode), current_glossary())
    url = request.build_absolute_uri(episode.get_absolute_url())
    return render(
        request,
        "glossary/episode_detail.html",
        {
            "episode": episode,
            "concepts": concepts,
            "turns": turns,
            "canonical_url": url,
            "description": _episode_description(episode, concepts),
        },
    )


def _episode_description(episode: Episode, concepts: list[EpisodeTerm]) -> str:
    named = ", ".join(concept.label for concept in concepts[:6])
    text = f"Transcript of {episode}."
    return f"{text} Concepts discussed: {named}." if named else text


def _transcript(
    segments: list[Segment], glossary: GlossaryLinker
) -> list[TranscriptTurn]:
    urls: dict[int, str] = {}
    turns: list[TranscriptTurn] = []
    anchored: set[int] = set()
    for segment in segments:
        second = int(segment.start)
        anchor = "" if second in anchored else f"t={second}"
        anchored.add(second)
        speaker = segment.speaker.name if segment.speaker else segment.speaker_label
        turns.append(
            TranscriptTurn(
                second=second,
                start=segment.start,
                clock=clock(segment.start),
                estimated=segment.start_estimated,
                speaker=speaker or "Unknown speaker",
                anchor=anchor,
                paragraphs=linked_paragraphs(segment.text, glossary, urls),
            )
        )
    return turns


def linked_paragraphs(
    text: str, glossary: GlossaryLinker, urls: dict[int, str] | None = None
) -> list[SafeString]:
    """Plain text as escaped paragraphs, the first mention of each concept linked.

    Built from the matcher's offsets: every piece of text is escaped on its
    own and links are the only markup added, so nothing in a transcript can
    become HTML.
    """
    urls = {} if urls is None else urls
    terms = glossary.terms
    paragraphs: list[list[str]] = [[]]
    position = 0

    def add_text(piece: str) -> None:
        lines = piece.split("\n")
        paragraphs[-1].append(escape(lines[0]))
        for line in lines[1:]:
            paragraphs.append([escape(line)])

    for match in glossary.matcher.find(text, first_only=True):
        term = terms.get(match.term_id)
        if term is None:
            continue
        add_text(text[position : match.start])
        url = urls.get(term.id)
        if url is None:
            url = urls[term.id] = term.url
        title = (
            f' title="{escape(term.short_definition)}"' if term.short_definition else ""
        )
        paragraphs[-1].append(
            f'<a class="kb-term" href="{escape(url)}"{title}>'
            f"{escape(' '.join(match.text.split()))}</a>"
        )
        position = match.end
    add_text(text[position:])
    return [
        mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)
        for parts in paragraphs
        if any(part.strip() for part in parts)
    ]


# --------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Concepts, then transcript quotes (see `glossary.search` for the queries).

    Any query answers 200: an empty one with a prompt, an over-long one cut
    to its first 200 characters with a note.
    """
    results = run_search(request.GET.get("q", ""))
    concept_url = slug_urls("concept-detail")
    episode_url = slug_urls("episode-detail")
    return render(
        request,
        "glossary/search.html",
        {
            "results": results,
            "concepts": [(hit, concept_url(hit.slug)) for hit in results.concepts],
            "quotes": [
                (quote, episode_url(quote.episode_slug)) for quote in results.quotes
            ],
            "query": results.query,
            "other_terms": results.quote_terms[1:],
        },
    )
