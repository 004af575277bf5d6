"""What the reader pages read: one function per need, each a fixed number of queries.

Pages show published terms only. Querysets name the columns they need, so
an episode's source transcript (megabytes) or a segment's text is never
loaded where a title or a time will do.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from .models import Alias, Appearance, Citation, Episode, Segment, Term, TermRedirect
from .rendering import clock

# Columns of an episode a page shows; the transcript file is left out.
EPISODE_FIELDS = (
    "id",
    "show",
    "number",
    "title",
    "slug",
    "published_on",
    "audio_url",
    "page_url",
    "duration",
    "updated_at",
)


def published_terms() -> QuerySet[Term]:
    return Term.objects.published()


def episodes() -> QuerySet[Episode]:
    """Newest first (undated last), the source transcript left unread."""
    return Episode.objects.only(*EPISODE_FIELDS).order_by(
        F("published_on").desc(nulls_last=True), F("number").desc(nulls_last=True), "pk"
    )


def _people() -> Prefetch:
    return Prefetch(
        "appearance_set",
        queryset=Appearance.objects.select_related("person").order_by(
            "role", "person__name"
        ),
        to_attr="appearances",
    )


# --------------------------------------------------------------------------
# The A–Z index
# --------------------------------------------------------------------------


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
        for label, slug, preferred in Alias.objects.filter(
            term__status=Term.Status.PUBLISHED
        )
        .exclude(kind__in=[Alias.Kind.PREFERRED, Alias.Kind.HIDDEN])
        .exclude(label=F("term__label"))
        .values_list("label", "term__slug", "term__label")
    ]
    entries.sort(key=lambda entry: sort_key(entry.label))
    sections = [
        IndexSection(letter=letter, entries=list(group))
        for letter, group in groupby(entries, key=lambda entry: entry.letter)
    ]
    # "#" (digits, symbols) sorts first by label but reads best last.
    return sorted(sections, key=lambda section: (section.letter == "#", section.letter))


# --------------------------------------------------------------------------
# A concept
# --------------------------------------------------------------------------


def concept_for_page(slug: str) -> Term | None:
    """A published term with everything its page shows but citations (5 queries)."""
    shown_aliases = Alias.objects.exclude(
        kind__in=[Alias.Kind.PREFERRED, Alias.Kind.HIDDEN]
    ).order_by("kind", "label")
    neighbours = published_terms().only("id", "slug", "label", "short_definition")
    return (
        published_terms()
        .select_related("wikipedia")
        .prefetch_related(
            Prefetch("aliases", queryset=shown_aliases, to_attr="shown_aliases"),
            Prefetch("related", queryset=neighbours, to_attr="related_terms"),
            Prefetch("broader", queryset=neighbours, to_attr="broader_terms"),
            Prefetch("narrower", queryset=neighbours, to_attr="narrower_terms"),
        )
        .filter(slug=slug)
        .first()
    )


def concept_redirect(slug: str) -> str | None:
    """The current slug of a published term once called `slug` (1 query)."""
    return (
        TermRedirect.objects.filter(old_slug=slug, term__status=Term.Status.PUBLISHED)
        .values_list("term__slug", flat=True)
        .first()
    )


@dataclass(frozen=True, slots=True)
class Mention:
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
    mentions: list[Mention] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(mention.count for mention in self.mentions)


def concept_citations(term: Term) -> list[EpisodeMentions]:
    """Where a term was said, by episode (newest first), one entry per turn (1 query).

    Several mentions in one turn make one entry (the featured citation, or
    the first), so a turn that says "open source" six times is one quote.
    """
    citations = (
        Citation.objects.filter(term=term)
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
        .order_by(
            F("episode__published_on").desc(nulls_last=True),
            F("episode__number").desc(nulls_last=True),
            "episode_id",
            "seconds",
            "pk",
        )
    )
    result: list[EpisodeMentions] = []
    for _episode_id, in_episode in groupby(citations, key=lambda c: c.episode_id):
        in_episode = list(in_episode)
        group = EpisodeMentions(episode=in_episode[0].episode)
        by_segment: dict[int, list[Citation]] = {}
        for citation in in_episode:
            by_segment.setdefault(citation.segment_id, []).append(citation)
        for in_turn in by_segment.values():
            shown = next((c for c in in_turn if c.featured), in_turn[0])
            segment = shown.segment
            group.mentions.append(
                Mention(
                    seconds=shown.seconds,
                    approximate=shown.approximate,
                    speaker=segment.speaker.name
                    if segment.speaker
                    else segment.speaker_label,
                    quote=shown.quote,
                    surface=shown.surface,
                    featured=shown.featured,
                    count=len(in_turn),
                )
            )
        group.mentions.sort(key=lambda m: (not m.featured, m.seconds))
        result.append(group)
    return result


# --------------------------------------------------------------------------
# Episodes
# --------------------------------------------------------------------------


def episodes_for_list() -> list[Episode]:
    """Every episode with its people and number of published concepts (2 queries)."""
    published = Q(citations__term__status=Term.Status.PUBLISHED)
    return list(
        episodes()
        .annotate(
            concept_count=Count("citations__term", filter=published, distinct=True)
        )
        .prefetch_related(_people())
    )


def latest_episodes(limit: int = 5) -> list[Episode]:
    return list(episodes().prefetch_related(_people())[:limit])


def episode_for_page(slug: str) -> Episode | None:
    """An episode with its people (2 queries when found)."""
    return episodes().prefetch_related(_people()).filter(slug=slug).first()


def episode_segments(episode: Episode) -> list[Segment]:
    return list(
        Segment.objects.filter(episode=episode)
        .select_related("speaker")
        .only(
            "id",
            "order",
            "start",
            "start_estimated",
            "text",
            "speaker_label",
            "speaker__name",
        )
        .order_by("order")
    )


@dataclass(frozen=True, slots=True)
class EpisodeConcept:
    slug: str
    label: str
    short_definition: str
    first_seconds: float
    mentions: int

    @property
    def second(self) -> int:
        return int(self.first_seconds)

    @property
    def clock(self) -> str:
        return clock(self.first_seconds)


def episode_concepts(episode: Episode) -> list[EpisodeConcept]:
    """Published concepts cited in an episode, in order of first mention (1 query)."""
    rows = (
        Citation.objects.filter(episode=episode, term__status=Term.Status.PUBLISHED)
        .values("term_id", "term__slug", "term__label", "term__short_definition")
        .annotate(first_seconds=Min("seconds"), mentions=Count("id"))
        .order_by("first_seconds", "term__label")
    )
    return [
        EpisodeConcept(
            slug=row["term__slug"],
            label=row["term__label"],
            short_definition=row["term__short_definition"],
            first_seconds=row["first_seconds"],
            mentions=row["mentions"],
        )
        for row in rows
    ]


def recent_concepts(limit: int = 8) -> list[Term]:
    """The latest published concepts, for the home page (1 query)."""
    return list(
        published_terms()
        .only("slug", "label", "short_definition")
        .order_by(F("published_at").desc(nulls_last=True), "label")[:limit]
    )


# --------------------------------------------------------------------------
# Sitemap
# --------------------------------------------------------------------------


def sitemap_concepts() -> QuerySet[Term]:
    return published_terms().only("slug", "updated_at").order_by("slug")


def sitemap_episodes() -> QuerySet[Episode]:
    return Episode.objects.only("slug", "updated_at").order_by("slug")
