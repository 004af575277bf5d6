"""What the API returns, field by field; and the transcript upload's input.

Read serializers only translate rows the `selectors` already loaded
(published terms, visible labels, prefetched relations): none of them runs a
query. The ones rendered once per row of a list (`FAST_SERIALIZERS`) build
their dict directly instead of going field by field: DRF's generic
`to_representation` cost more than the queries of a 50-term page. Their
fields stay declared, for the schema and for
`tests/test_api_serializers.py`, which checks that each fast path gives
exactly what the generic one would.

Every resource carries `url` (itself in the API) and `page_url` (the reader's
page on this site); an episode's own page on the show's site is
`website_url`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..addresses import slug_urls
from ..models import Alias, Appearance, Citation, Episode, Term, WikipediaArticle
from ..rendering import clock, play_url, render_markdown
from ..selectors.episodes import EpisodeTerm
from ..transcripts import FORMATS
from ..wikipedia.attribution import (
    LICENSE_NAME,
    LICENSE_URL,
    article_url,
    attribution_text,
    revision_url,
)


def _absolute(context: dict[str, Any], path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field(OpenApiTypes.URI)
class SlugUrlField(serializers.Field):
    """An absolute URL to the object by its slug.

    Built once per request and view name (`addresses.slug_urls`) and filled
    in for each object: reversing for every item of a long list costs more
    than the rest of its serialization.
    """

    def __init__(self, view_name: str, **kwargs: Any) -> None:
        self.view_name = view_name
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def _url_for(self) -> Callable[[str], str]:
        builders = self.context.setdefault("url_templates", {})
        url_for = builders.get(self.view_name)
        if url_for is None:
            url_for = builders[self.view_name] = slug_urls(
                self.view_name, absolute=lambda path: _absolute(self.context, path)
            )
        return url_for

    def to_representation(self, value: Any) -> str:
        return self._url_for()(value.slug)


def ApiUrlField(view_name: str, **kwargs: Any) -> SlugUrlField:  # noqa: N802
    """The object's URL in the API."""
    return SlugUrlField(f"api:{view_name}", **kwargs)


def PageUrlField(view_name: str, **kwargs: Any) -> SlugUrlField:  # noqa: N802
    """The reader's page for the object on this site."""
    return SlugUrlField(view_name, **kwargs)


# --------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------


class AliasSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=Alias.Kind.choices)
    case_sensitive = serializers.BooleanField(
        help_text="Matched only in this exact case (acronyms such as EA)."
    )

    def to_representation(self, alias: Alias) -> dict[str, Any]:
        return {
            "label": alias.label,
            "kind": alias.kind,
            "case_sensitive": alias.case_sensitive,
        }


class TermLinkSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    url = ApiUrlField("term-detail")

    def to_representation(self, term: Term) -> dict[str, Any]:
        return {
            "slug": term.slug,
            "label": term.label,
            "url": self.fields["url"].to_representation(term),
        }


class EpisodeLinkSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = ApiUrlField("episode-detail")
    page_url = PageUrlField("episode-detail")

    def to_representation(self, episode: Episode) -> dict[str, Any]:
        fields = self.fields
        return {
            "slug": episode.slug,
            "title": episode.title,
            "url": fields["url"].to_representation(episode),
            "page_url": fields["page_url"].to_representation(episode),
        }


class CitationSerializer(serializers.Serializer):
    episode = EpisodeLinkSerializer()
    seconds = serializers.FloatField(help_text="When the term was said.")
    time = serializers.SerializerMethodField(help_text='The same, as "12:34".')
    approximate = serializers.BooleanField(
        help_text="The time was interpolated between known times."
    )
    speaker = serializers.SerializerMethodField()
    quote = serializers.CharField(help_text="The sentence around the mention.")
    surface = serializers.CharField(help_text="The words as said.")
    featured = serializers.BooleanField(help_text="Picked by an editor.")
    play_url = serializers.SerializerMethodField(
        help_text="The episode's audio from that second (`#t=` media fragment); "
        "null when the episode has no audio."
    )
    page_url = serializers.SerializerMethodField(
        help_text="The episode's page on this site, at that second."
    )

    def get_time(self, citation: Citation) -> str:
        return clock(citation.seconds)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_speaker(self, citation: Citation) -> str | None:
        segment = citation.segment
        if segment.speaker_id:
            return segment.speaker.name
        return segment.speaker_label or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_play_url(self, citation: Citation) -> str | None:
        return play_url(citation.episode.audio_url, citation.seconds)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, citation: Citation) -> str:
        page = (
            self.fields["episode"]
            .fields["page_url"]
            .to_representation(citation.episode)
        )
        return f"{page}#t={int(citation.seconds)}"

    def to_representation(self, citation: Citation) -> dict[str, Any]:
        episode = self.fields["episode"].to_representation(citation.episode)
        return {
            "episode": episode,
            "seconds": float(citation.seconds),
            "time": self.get_time(citation),
            "approximate": citation.approximate,
            "speaker": self.get_speaker(citation),
            "quote": citation.quote,
            "surface": citation.surface,
            "featured": citation.featured,
            "play_url": self.get_play_url(citation),
            "page_url": f"{episode['page_url']}#t={int(citation.seconds)}",
        }


class WikipediaAttributionSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="The credit to show next to the summary (CC BY-SA 4.0)."
    )
    license = serializers.CharField()
    license_url = serializers.URLField()
    source_url = serializers.URLField(help_text="The article.")
    revision_url = serializers.URLField(
        allow_null=True, help_text="The exact revision the summary was taken from."
    )


class WikipediaSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    language = serializers.CharField()
    summary = serializers.CharField(help_text="The article's introduction, plain text.")
    fetched_at = serializers.DateTimeField(allow_null=True)
    attribution = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article: WikipediaArticle) -> str:
        return article_url(article)

    @extend_schema_field(WikipediaAttributionSerializer)
    def get_attribution(self, article: WikipediaArticle) -> dict[str, Any]:
        return {
            "text": attribution_text(article),
            "license": LICENSE_NAME,
            "license_url": LICENSE_URL,
            "source_url": article_url(article),
            "revision_url": revision_url(article) or None,
        }


class TermSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField(help_text="The preferred label.")
    kind = serializers.ChoiceField(choices=Term.Kind.choices)
    short_definition = serializers.CharField(help_text="One sentence, for tooltips.")
    aliases = AliasSerializer(
        many=True,
        source="visible_aliases",
        help_text="Every shown label, the preferred one first (misspellings kept "
        "for matching are not listed; they are `hiddenLabel`s in the JSON-LD).",
    )
    updated_at = serializers.DateTimeField()
    url = ApiUrlField("term-detail")
    page_url = PageUrlField("concept-detail")

    def to_representation(self, term: Term) -> dict[str, Any]:
        fields = self.fields
        return {
            "slug": term.slug,
            "label": term.label,
            "kind": term.kind,
            "short_definition": term.short_definition,
            "aliases": fields["aliases"].to_representation(term.visible_aliases),
            "updated_at": fields["updated_at"].to_representation(term.updated_at),
            "url": fields["url"].to_representation(term),
            "page_url": fields["page_url"].to_representation(term),
        }


class TermDetailSerializer(TermSerializer):
    definition = serializers.CharField(help_text="Markdown, as the editors wrote it.")
    definition_html = serializers.SerializerMethodField(
        help_text="The definition as HTML that is safe to insert: no raw HTML, "
        "scripts, event attributes or javascript:/data: URLs."
    )
    published_at = serializers.DateTimeField(allow_null=True)
    wikipedia = serializers.SerializerMethodField(
        help_text="Wikipedia's summary and link, with the attribution to show "
        "alongside; null when there is none to show."
    )
    related = TermLinkSerializer(many=True, source="related_terms")
    broader = TermLinkSerializer(many=True, source="broader_terms")
    narrower = TermLinkSerializer(many=True, source="narrower_terms")
    citation_count = serializers.IntegerField()
    featured_citations = CitationSerializer(
        many=True, help_text="The citations editors picked (at most 10)."
    )
    citations_url = ApiUrlField("term-citations")

    def to_representation(self, term: Term) -> dict[str, Any]:
        # The list's fields the fast way, then the detail's own one by one
        # (once a request, so DRF's way costs nothing that matters).
        data = super().to_representation(term)
        for field in self._readable_fields:
            if field.field_name not in data:
                value = field.get_attribute(term)
                data[field.field_name] = (
                    None if value is None else field.to_representation(value)
                )
        return data

    def get_definition_html(self, term: Term) -> str:
        return render_markdown(term.definition)

    @extend_schema_field(WikipediaSerializer(allow_null=True))
    def get_wikipedia(self, term: Term) -> dict[str, Any] | None:
        article = WikipediaArticle.shown_for(term)
        if article is None:
            return None
        return WikipediaSerializer(article, context=self.context).data


# --------------------------------------------------------------------------
# Episodes
# --------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(source="person.name")
    slug = serializers.SlugField(source="person.slug")
    role = serializers.ChoiceField(choices=Appearance.Role.choices)


class EpisodeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    show = serializers.CharField(source="show_id", help_text="The show's title.")
    number = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    duration = serializers.FloatField(allow_null=True, help_text="Seconds.")
    audio_url = serializers.URLField(allow_blank=True)
    website_url = serializers.URLField(
        source="page_url", allow_blank=True, help_text="The episode on the show's site."
    )
    people = PersonSerializer(many=True, source="appearances")
    updated_at = serializers.DateTimeField()
    url = ApiUrlField("episode-detail")
    page_url = PageUrlField("episode-detail")
    terms_url = ApiUrlField("episode-terms")


class EpisodeDetailSerializer(EpisodeSerializer):
    transcript_format = serializers.ChoiceField(
        choices=Episode.TranscriptFormat.choices, allow_blank=True
    )
    segment_count = serializers.IntegerField(help_text="Speaker turns or cues.")
    concept_count = serializers.IntegerField(help_text="Published terms cited.")


class EpisodeTermSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    short_definition = serializers.CharField()
    first_seconds = serializers.FloatField(help_text="The first mention's time.")
    first_time = serializers.SerializerMethodField(help_text='The same, as "12:34".')
    mentions = serializers.IntegerField(help_text="How many times it was said.")
    url = ApiUrlField("term-detail")
    page_url = PageUrlField("concept-detail")
    play_url = serializers.SerializerMethodField(
        help_text="The episode's audio from the first mention; null without audio."
    )

    def get_first_time(self, item: EpisodeTerm) -> str:
        return clock(item.first_seconds)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_play_url(self, item: EpisodeTerm) -> str | None:
        episode = self.context.get("episode")
        return play_url(episode.audio_url if episode else "", item.first_seconds)

    def to_representation(self, item: EpisodeTerm) -> dict[str, Any]:
        fields = self.fields
        return {
            "slug": item.slug,
            "label": item.label,
            "short_definition": item.short_definition,
            "first_seconds": float(item.first_seconds),
            "first_time": clock(item.first_seconds),
            "mentions": int(item.mentions),
            "url": fields["url"].to_representation(item),
            "page_url": fields["page_url"].to_representation(item),
            "play_url": self.get_play_url(item),
        }


class EpisodeTermsSerializer(serializers.Serializer):
    episode = EpisodeLinkSerializer()
    count = serializers.IntegerField()
    results = EpisodeTermSerializer(many=True)


FAST_SERIALIZERS = (
    AliasSerializer,
    TermLinkSerializer,
    EpisodeLinkSerializer,
    CitationSerializer,
    TermSerializer,
    EpisodeTermSerializer,
)
"""Serializers with a hand-written `to_representation`; see the module's doc."""


# --------------------------------------------------------------------------
# Transcript upload
# --------------------------------------------------------------------------


class TranscriptUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The transcript: plain text with [HH:MM:SS] markers, WebVTT, "
        "SRT, Podcasting 2.0 JSON or HTML."
    )
    format = serializers.ChoiceField(
        choices=sorted(FORMATS),
        required=False,
        help_text="The file's format (default: detected from its name and content).",
    )
    show = serializers.CharField(
        required=False,
        max_length=200,
        help_text="The show's title (default: kb's only show, when it has one).",
    )
    slug = serializers.SlugField(
        required=False,
        max_length=200,
        help_text="The episode's slug, when the file names no title.",
    )
    audio_url = serializers.URLField(
        required=False, max_length=500, help_text="The episode's audio file."
    )


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    deleted = serializers.IntegerField()


class MovedSerializer(serializers.Serializer):
    moved = serializers.IntegerField()
    dropped = serializers.IntegerField()


class IngestResultSerializer(serializers.Serializer):
    episode = EpisodeDetailSerializer()
    created = serializers.BooleanField()
    unchanged = serializers.BooleanField(
        help_text="The same file was ingested before; nothing changed."
    )
    segments = CountsSerializer()
    citations = MovedSerializer()
    people_created = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(
        help_text="Stable: not_found, invalid, method_not_allowed, "
        "not_authenticated, permission_denied, throttled, payload_too_large, "
        "invalid_transcript, server_error..."
    )
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="The parameters or form fields at fault, each with its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
