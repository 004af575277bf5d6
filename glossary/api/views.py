"""The API's endpoints: each reads through `selectors`, renders with `serializers`.

Reads are anonymous, cacheable (ETag, Last-Modified, 304, Cache-Control,
bodies cached by ETag: see `caching`) and run a fixed number of queries
whatever the page size. The one write, a transcript upload, needs a staff
token and calls the same service as `manage.py ingest_transcript`.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from kb.upload_handlers import upload_found_no_room

from .. import jsonld
from ..addresses import slug_urls
from ..context_processors import site_name
from ..permissions import may_ingest_any
from ..selectors import episodes as episode_reads
from ..selectors import glossary as glossary_reads
from ..selectors import state
from ..selectors import terms as term_reads
from ..selectors.citations import term_citations
from ..services.ingest import episode_ingest_transcript
from ..services.uploads import (
    NO_ROOM_MESSAGE,
    NoRoomForUpload,
    ingest_changes,
    transcript_upload_enqueue,
    upload_in_background,
    upload_max_bytes,
    upload_too_large,
)
from ..transcripts import TranscriptError
from .caching import ConditionalReadMixin
from .errors import PayloadTooLarge
from .filters import TermFilter
from .jobs import JobSerializer, job_accepted
from .serializers import (
    CitationSerializer,
    EpisodeDetailSerializer,
    EpisodeSerializer,
    EpisodeTermsSerializer,
    ErrorSerializer,
    IngestResultSerializer,
    TermDetailSerializer,
    TermSerializer,
    TranscriptUploadSerializer,
)

MULTIPART_SLACK = 64 * 1024
"""Room for the form's boundaries and small fields around the file itself."""


def _moved(
    request: Request, view_name: str, slug: str
) -> HttpResponsePermanentRedirect:
    """A 301 to the same endpoint under a term's current slug, query kept."""
    new = term_reads.term_redirect(slug)
    if new is None:
        raise exceptions.NotFound(f"No published term with the slug {slug!r}.")
    url = reverse(f"api:{view_name}", kwargs={"slug": new})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(
        request.build_absolute_uri(f"{url}?{query}" if query else url)
    )


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@extend_schema_view(
    list=extend_schema(
        summary="Published terms",
        description="Paginated (50 a page, `page_size` up to 100), sorted by "
        "label. Filter with `q`, `episode`, `updated_since` and `letter`.",
    ),
    retrieve=extend_schema(
        summary="One published term",
        description="Labels, definition (Markdown and safe HTML), Wikipedia "
        "summary with attribution, related, broader and narrower terms, the "
        "number of citations and the featured ones. An old slug of a renamed "
        "or merged term answers 301 to the current one.",
        responses={
            200: TermDetailSerializer,
            301: OpenApiResponse(description="Moved"),
        },
    ),
)
class TermViewSet(ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    serializer_class = TermSerializer
    filterset_class = TermFilter

    def get_queryset(self):
        return term_reads.terms()

    def read_state(self) -> state.State | None:
        if self.action == "list":
            episode = self.request.query_params.get("episode")
            if episode and not SLUG.fullmatch(episode):
                return None  # the list answers 400
            return state.terms_state(episode=episode or None)
        if self.action in ("retrieve", "citations"):
            return state.term_state(self.kwargs["slug"])
        return None

    def list(self, request: Request) -> Response:
        # Always paginated (DEFAULT_PAGINATION_CLASS): `or ()` only for typing.
        page = list(
            self.paginate_queryset(self.filter_queryset(self.get_queryset())) or ()
        )
        term_reads.attach_visible_aliases(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, slug: str) -> Response:
        term = term_reads.term_detail(slug)
        if term is None:
            return _moved(request, "term-detail", slug)
        return Response(
            TermDetailSerializer(term, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Every citation of a term",
        description="Where the term was said: episode, time, speaker, quote, "
        "and `play_url`, the episode's audio from that second. Newest episode "
        "first, then in time order; paginated.",
        responses={
            200: CitationSerializer(many=True),
            301: OpenApiResponse(description="Moved"),
        },
    )
    @action(detail=True, filter_backends=[])
    def citations(self, request: Request, slug: str) -> Response:
        term_id = term_reads.published_term_id(slug)
        if term_id is None:
            return _moved(request, "term-citations", slug)
        page = self.paginate_queryset(term_citations(term_id))
        data = CitationSerializer(
            page, many=True, context=self.get_serializer_context()
        ).data
        return self.get_paginated_response(data)


@extend_schema_view(
    list=extend_schema(summary="Episodes", description="Newest first; paginated."),
    retrieve=extend_schema(
        summary="One episode",
        description="With its people and their roles, and how many segments "
        "and published concepts it has.",
        responses={200: EpisodeDetailSerializer},
    ),
)
class EpisodeViewSet(ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    serializer_class = EpisodeSerializer
    filter_backends: list[Any] = []

    def get_queryset(self):
        return episode_reads.episodes_with_people()

    def read_state(self) -> state.State | None:
        if self.action == "list":
            return state.episodes_state()
        if self.action in ("retrieve", "terms"):
            return state.episode_state(self.kwargs["slug"])
        return None

    def retrieve(self, request: Request, slug: str) -> Response:
        episode = episode_reads.episode_detail(slug)
        if episode is None:
            raise exceptions.NotFound(f"No episode with the slug {slug!r}.")
        context = self.get_serializer_context()
        return Response(EpisodeDetailSerializer(episode, context=context).data)

    @extend_schema(
        summary="The concepts an episode cites",
        description="Every published term cited in the episode, with its first "
        "mention's time and the number of mentions, in order of first mention. "
        "Not paginated. The call the show-notes site makes most.",
        responses={200: EpisodeTermsSerializer},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def terms(self, request: Request, slug: str) -> Response:
        episode = episode_reads.episode_brief(slug)
        if episode is None:
            raise exceptions.NotFound(f"No episode with the slug {slug!r}.")
        items = episode_reads.episode_terms(episode)
        context = {**self.get_serializer_context(), "episode": episode}
        data = {"episode": episode, "count": len(items), "results": items}
        return Response(EpisodeTermsSerializer(data, context=context).data)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class GlossaryJsonLdView(ConditionalReadMixin, APIView):
    """The whole published glossary as schema.org + SKOS JSON-LD."""

    renderer_classes = [JSONLDRenderer, JSONRenderer]

    def read_state(self) -> state.State:
        return state.glossary_state()

    @extend_schema(
        summary="The glossary as JSON-LD",
        description="Every published term as a schema.org `DefinedTerm` and "
        "SKOS `Concept` (prefLabel, altLabel, hiddenLabel, definition, broader, "
        "narrower, related) in a `DefinedTermSet`/`ConceptScheme`. "
        "`application/ld+json`.",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="JSON-LD document")
        },
    )
    def get(self, request: Request) -> Response:
        document = jsonld.glossary_document(
            glossary_reads.published_glossary(),
            name=site_name(),
            set_url=request.build_absolute_uri(reverse("concept-list")),
            term_url=slug_urls("concept-detail", absolute=request.build_absolute_uri),
        )
        return Response(document)


class InvalidTranscript(exceptions.ValidationError):
    default_code = "invalid_transcript"


class InsufficientStorage(exceptions.APIException):
    status_code = 507
    default_detail = NO_ROOM_MESSAGE
    default_code = "insufficient_storage"


class MayIngest(BasePermission):
    """A staff account with the add or the change permission on episodes;
    the service then checks the one the file needs."""

    message = "This account may not upload transcripts."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and may_ingest_any(user))


class TranscriptUploadView(APIView):
    """Create or update an episode from a transcript file (staff token only)."""

    permission_classes = [MayIngest]
    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A wrong method is a 405 whoever asks, before any 401 or 403.
        if request.method not in ("POST", "OPTIONS"):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a transcript",
        description="Creates the episode, or updates it in place (editors' "
        "citations kept), as `manage.py ingest_transcript` does. Needs "
        "`Authorization: Token <key>` of a staff user with the permission to add "
        "episodes (a new one) or change them (an existing one), as in the admin: "
        "editors may create and update episodes. 201 when the episode is "
        "new, 200 otherwise; a file that cannot be parsed is a 400 naming the "
        "line, and nothing is written; a full disk is a 507, nothing written. "
        "A file over `KB_UPLOAD_INLINE_MAX_BYTES` "
        "is stored and ingested by the job worker: 202 with the job "
        "(`Location`: `/api/v1/jobs/<id>/`), whose `errors` name the line "
        "as the 400 would.",
        # A file travels only in multipart (the form parser is there for the
        # JSON 413 of an oversized form body, not for uploads).
        request={"multipart/form-data": TranscriptUploadSerializer},
        responses={
            201: IngestResultSerializer,
            200: IngestResultSerializer,
            202: JobSerializer,
            507: OpenApiResponse(
                ErrorSerializer, description="No room on the server's disk."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        limit = upload_max_bytes()
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        if length > limit + MULTIPART_SLACK:
            raise PayloadTooLarge(upload_too_large())
        data = request.data
        if upload_found_no_room(request._request):
            raise InsufficientStorage()
        form = TranscriptUploadSerializer(data=data)
        form.is_valid(raise_exception=True)
        fields = form.validated_data
        upload = fields["file"]
        if upload.size > limit:
            raise PayloadTooLarge(upload_too_large(upload.size))
        options = {
            "filename": upload.name,
            "format": fields.get("format"),
            "show": fields.get("show"),
            "slug": fields.get("slug"),
            "audio_url": fields.get("audio_url"),
            "by": request.user,
        }
        if upload_in_background(upload.size):
            try:
                job = transcript_upload_enqueue(file=upload, **options)
            except NoRoomForUpload:
                raise InsufficientStorage() from None
            return job_accepted(request, job)
        try:
            result = episode_ingest_transcript(data=upload.read(), **options)
        except TranscriptError as error:
            raise InvalidTranscript({"file": [f"{upload.name}: {error}"]}) from None
        context = {"request": request, "view": self, "format": self.format_kwarg}
        episode = episode_reads.episode_detail(result.episode.slug)
        body = {**ingest_changes(result), "episode": episode}
        body["summary"] = result.summary()
        location = api_reverse(
            "api:episode-detail", kwargs={"slug": episode.slug}, request=request
        )
        return Response(
            IngestResultSerializer(body, context=context).data,
            status=201 if result.created else 200,
            headers={"Location": location, "Cache-Control": "no-store"},
        )


class ApiRootView(APIView):
    """Where everything is."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        def url(name: str) -> str:
            return api_reverse(name, request=request)

        return Response(
            {
                "terms": url("api:term-list"),
                "episodes": url("api:episode-list"),
                "glossary": url("api:glossary-jsonld"),
                "transcripts": url("api:transcript-upload"),
                "link": url("api:link"),
                "schema": url("api-schema"),
                "docs": url("api-docs"),
            }
        )
