"""POST /api/v1/link/: the concept links in a caller's text or HTML.

Input serializer, one call to the linker this process keeps for the current
glossary version (`glossary.matchers`), output as plain data. Anonymous and
throttled; bodies over the request size limit get a JSON 413.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.drainage import set_override
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..linking import DEFAULT_SKIP_ELEMENTS, link_html
from ..matchers import Glossary, current_glossary
from .parsers import BoundedJSONParser

MAX_SKIPPED = 1000
LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class StrictCharField(serializers.CharField):
    """A string and nothing else: numbers and lists are refused, not coerced;
    a lone surrogate (a JSON "\\ud800") cannot be sent back as UTF-8."""

    default_error_messages = {
        "invalid": "Must be a string.",
        "surrogate": "Must be valid Unicode (no lone surrogates).",
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if LONE_SURROGATE_RE.search(data):
            self.fail("surrogate")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "Must be a whole number."}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    default_error_messages = {"invalid": "Must be a slug (a string)."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class LinkRequestSerializer(serializers.Serializer):
    text = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Plain text."
    )
    html = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="An HTML fragment; links go into text nodes only.",
    )
    first_only = StrictBooleanField(
        default=True, help_text="Link only the first mention of each concept."
    )
    max_links = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="At most this many links.",
    )
    skip = serializers.ListField(
        child=StrictSlugField(),
        required=False,
        default=list,
        max_length=MAX_SKIPPED,
        help_text="Slugs of concepts never to link (e.g. the page's own).",
    )
    skip_elements = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z][A-Za-z0-9-]{0,31}$"),
        required=False,
        default=list,
        max_length=100,
        help_text="HTML elements never to link inside, besides "
        + ", ".join(sorted(DEFAULT_SKIP_ELEMENTS)[:12])
        + " and the like.",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("text", "html") if name in data]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"text": "Give exactly one of `text` or `html`."}
            )
        if data.get("skip_elements") and "html" not in data:
            raise serializers.ValidationError(
                {"skip_elements": "Only meaningful with `html`."}
            )
        return data


class LinkedTermSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    short_definition = serializers.CharField()
    url = serializers.URLField(help_text="The concept's page for readers.")


class LinkMatchSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset into the text or HTML sent.")
    end = serializers.IntegerField()
    text = serializers.CharField(help_text="The words as written.")
    term = LinkedTermSerializer()


class LinkResponseSerializer(serializers.Serializer):
    matches = LinkMatchSerializer(many=True)
    html = serializers.CharField(
        required=False,
        help_text="The HTML sent, with the links added (HTML input only).",
    )
    glossary_version = serializers.IntegerField()


OPTIONS_SCHEMA = {
    "first_only": {"type": "boolean", "default": True},
    "max_links": {"type": "integer", "minimum": 0, "nullable": True},
    "skip": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "maxItems": MAX_SKIPPED,
    },
}
# Exactly one of `text` and `html`: a serializer cannot say so, the schema can.
LINK_REQUEST_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "title": "Text",
            "required": ["text"],
            "not": {"required": ["html"]},
            "properties": {"text": {"type": "string"}, **OPTIONS_SCHEMA},
        },
        {
            "type": "object",
            "title": "HTML",
            "required": ["html"],
            "not": {"required": ["text"]},
            "properties": {
                "html": {"type": "string"},
                **OPTIONS_SCHEMA,
                "skip_elements": {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "pattern": "^[A-Za-z][A-Za-z0-9-]{0,31}$",
                    },
                    "maxItems": 100,
                },
            },
        },
    ]
}


class OptionalTokenAuthentication(TokenAuthentication):
    """A valid token names the caller (for its rate); a stale or malformed one
    makes the call anonymous instead of a 401, since the endpoint is open to
    all and one old token must not break linking on a site."""

    def authenticate(self, request: Request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            return None


# The same `Authorization: Token` scheme on the wire: one component.
set_override(OptionalTokenAuthentication, "suppress_collision_warning", True)


class LinkView(APIView):
    """Find the glossary's published concepts in a text or an HTML fragment."""

    authentication_classes = [OptionalTokenAuthentication]
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        summary="Concept links in a text or HTML",
        request={"application/json": LINK_REQUEST_SCHEMA},
        responses={200: LinkResponseSerializer},
        examples=[
            OpenApiExample(
                "Show notes",
                request_only=True,
                value={"html": "<p>We talk about <b>open source</b> and RLHF.</p>"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        given = LinkRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        options = given.validated_data
        glossary = current_glossary()
        skip = frozenset(
            glossary.ids_by_slug[s]
            for s in options["skip"]
            if s in glossary.ids_by_slug
        )
        urls = _Urls(request, glossary)
        common = {
            "first_only": options["first_only"],
            "max_links": options.get("max_links"),
            "skip_terms": skip,
        }
        body: dict[str, Any] = {}
        if "html" in options:
            body["html"], matches = link_html(
                glossary.matcher,
                options["html"],
                href_for=urls.page,
                title_for=lambda term_id: (
                    glossary.terms[term_id].short_definition or None
                ),
                skip_elements=DEFAULT_SKIP_ELEMENTS
                | {e.lower() for e in options["skip_elements"]},
                **common,
            )
        else:
            matches = glossary.matcher.find(options["text"], **common)
        body["matches"] = [
            {
                "start": match.start,
                "end": match.end,
                "text": match.text,
                "term": urls.term(match.term_id),
            }
            for match in matches
        ]
        body["glossary_version"] = glossary.version
        return Response(body)


class _Urls:
    """Absolute page URLs, worked out once per term per request."""

    def __init__(self, request: Request, glossary: Glossary) -> None:
        self.request = request
        self.glossary = glossary
        self.terms: dict[int, dict[str, str]] = {}

    def term(self, term_id: int) -> dict[str, str]:
        if term_id not in self.terms:
            term = self.glossary.terms[term_id]
            self.terms[term_id] = {
                "slug": term.slug,
                "label": term.label,
                "short_definition": term.short_definition,
                "url": self.request.build_absolute_uri(term.url),
            }
        return self.terms[term_id]

    def page(self, term_id: int) -> str:
        return self.term(term_id)["url"]
