"""Where a term was said: grouped by turn for its page, one by one for the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from ..models import Citation, Episode, Term
from ..rendering import clock
from .episodes import EPISODE_FIELDS, count_of

#: Episodes a concept page lists at once, newest first; older ones follow on
#: the next pages, so a concept said in every episode of a long show costs
#: no more to show than one said in twenty.
EPISODES_PER_PAGE = 20


def newest_episodes() -> tuple:
    """A citation's episode, newest first (undated last)."""
    return (
        F("episode__published_on").desc(nulls_last=True),
        F("episode__number").desc(nulls_last=True),
        "episode_id",
    )


def newest_episode_first() -> tuple:
    """Citations by episode, newest first (undated last), then in time order."""
    return (*newest_episodes(), "seconds", "pk")


def citations() -> QuerySet[Citation]:
    """Citations with what a reader needs: episode, time, speaker, quote."""
    return (
        Citation.objects.select_related("episode", "segment__speaker")
        .only(
            "id",
            "term_id",
            "episode_id",
            "segment_id",
            "seconds",
            "approximate",
            "quote",
            "surface",
            "featured",
            "episode__slug",
            "episode__title",
            "episode__audio_url",
            "segment__speaker_label",
            "segment__speaker__name",
        )
        .order_by(*newest_episode_first())
    )


def citation_count() -> Coalesce:
    """A term's number of citations, as a column (`Term` querysets).

    The count of where a term was said for the API's `citation_count` and
    the admin's "citations"; the concept page sums its per-episode counts
    (`concept_citations`), which are the same rows.
    """
    return count_of(Citation.objects.filter(term=OuterRef("pk")), "term")


def cited_episode_count() -> Coalesce:
    """The number of episodes that cite a term, as a column."""
    return count_of(Citation.objects.filter(term=OuterRef("pk")), "term", "episode")


def term_citations(term_id: int) -> QuerySet[Citation]:
    """Every citation of a term, newest episode first, in time order (count +
    1 query per page)."""
    return citations().filter(term_id=term_id)


@dataclass(frozen=True, slots=True)
class CitedTurn:
    """One turn in which a concept was said: its first mention, or the
    featured one, standing for the others in the same turn."""

    seconds: float
    approximate: bool
    speaker: str
    quote: str
    surface: str
    featured: bool
    count: int

    @property
    def second(self) -> int:
        """The whole second a time link opens at (`#t=754`)."""
        return int(self.seconds)

    @property
    def quote_html(self) -> SafeString:
        """The quote, escaped, with the words said in `<mark>`."""
        at = self.quote.casefold().find(self.surface.casefold()) if self.surface else -1
        if at < 0:
            return escape(self.quote)
        end = at + len(self.surface)
        return format_html(
            "{}<mark>{}</mark>{}", self.quote[:at], self.quote[at:end], self.quote[end:]
        )

    @property
    def clock(self) -> str:
        return clock(self.seconds)


@dataclass(slots=True)
class EpisodeMentions:
    episode: Episode
    mentions: list[CitedTurn] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(mention.count for mention in self.mentions)


@dataclass(slots=True)
class ConceptMentions:
    """One page of the episodes a term was said in, and how often in all."""

    groups: list[EpisodeMentions]
    page: Page
    mentions: int  # citations, in every episode

    @property
    def episodes(self) -> int:
        return self.page.paginator.count


def concept_citations(
    term: Term, *, page: int | str = 1, per_page: int = EPISODES_PER_PAGE
) -> ConceptMentions:
    """Where a term was said, by episode (newest first), one entry per turn.

    `page` counts `per_page` episodes (an invalid or missing page raises
    `django.core.paginator.InvalidPage`; the first always exists). Two
    queries: the number of citations per episode (the totals and the page's
    episodes, from the term's citation index), then the citations of the
    page's episodes; none of the second when the term is cited nowhere.

    Several mentions in one turn make one entry (the featured citation, or
    the first), so a turn that says "open source" six times is one quote.
    """
    per_episode = list(
        Citation.objects.filter(term=term)
        .values_list("episode_id")
        .annotate(n=Count("id"))
        .order_by(*newest_episodes())
    )
    shown = Paginator(per_episode, per_page).page(page)
    result = ConceptMentions(
        groups=[], page=shown, mentions=sum(n for _, n in per_episode)
    )
    episode_ids = [episode_id for episode_id, _ in shown.object_list]
    if not episode_ids:
        return result
    citations = (
        Citation.objects.filter(term=term, episode_id__in=episode_ids)
        .select_related("episode", "segment__speaker")
        .only(
            "seconds",
            "approximate",
            "quote",
            "surface",
            "featured",
            "segment_id",
            "segment__speaker_label",
            "segment__speaker__name",
            *(f"episode__{name}" for name in EPISODE_FIELDS),
        )
        .order_by(*newest_episode_first())
    )
    for _episode_id, in_episode in groupby(citations, key=lambda c: c.episode_id):
        in_episode = list(in_episode)
        group = EpisodeMentions(episode=in_episode[0].episode)
        by_segment: dict[int, list[Citation]] = {}
        for citation in in_episode:
            by_segment.setdefault(citation.segment_id, []).append(citation)
        for in_turn in by_segment.values():
            shown_citation = next((c for c in in_turn if c.featured), in_turn[0])
            segment = shown_citation.segment
            group.mentions.append(
                CitedTurn(
                    seconds=shown_citation.seconds,
                    approximate=shown_citation.approximate,
                    speaker=segment.speaker.name
                    if segment.speaker
                    else segment.speaker_label,
                    quote=shown_citation.quote,
                    surface=shown_citation.surface,
                    featured=shown_citation.featured,
                    count=len(in_turn),
                )
            )
        group.mentions.sort(key=lambda m: (not m.featured, m.seconds))
        result.groups.append(group)
    return result
