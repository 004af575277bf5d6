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

from ..addresses import slug_urls
from ..linking import DEFAULT_SKIP_ELEMENTS, link_html
from ..linking.offsets import UNITS, convert
from ..matchers import GlossaryLinker, current_glossary, link_report
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


class StrictChoiceField(serializers.ChoiceField):
    """One of the listed strings; another type is refused, not coerced."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
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
    explain = StrictBooleanField(
        default=False,
        help_text="Also report every mention found, linked or not, and why not.",
    )
    offsets = StrictChoiceField(
        choices=UNITS,
        default="codepoint",
        help_text="The unit of `start` and `end`: Unicode code points (Python's "
        "str indices, the default), UTF-16 code units (JavaScript's String.slice) "
        "or UTF-8 bytes.",
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
    start = serializers.IntegerField(
        help_text="Offset into the text or HTML sent, in the unit `offsets` asked "
        "for (code points by default)."
    )
    end = serializers.IntegerField()
    text = serializers.CharField(help_text="The words as written.")
    term = LinkedTermSerializer()


class ExplainedTermSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label = serializers.CharField()
    status = serializers.CharField()


class ExplainedMentionSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="In the unit `offsets` asked for.")
    end = serializers.IntegerField()
    text = serializers.CharField()
    term = ExplainedTermSerializer()
    label = serializers.CharField(help_text="The label that matched.")
    linked = serializers.BooleanField()
    reason = serializers.CharField(
        allow_null=True,
        help_text="Why it was not linked: first mention only, max_links, skip, "
        "inside a skipped element, case, context rule, not published...",
    )


class LinkResponseSerializer(serializers.Serializer):
    matches = LinkMatchSerializer(many=True)
    mentions = ExplainedMentionSerializer(
        many=True, required=False, help_text='With `"explain": true` only.'
    )
    html = serializers.CharField(
        required=False,
        help_text="The HTML sent, with the links added (HTML input only).",
    )
    offsets = serializers.ChoiceField(
        choices=UNITS, help_text="The unit `start` and `end` are in."
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
    "explain": {"type": "boolean", "default": False},
    "offsets": {
        "type": "string",
        "enum": list(UNITS),
        "default": "codepoint",
        "description": "Unit of the offsets returned: code points (default), "
        "UTF-16 code units (JavaScript) or UTF-8 bytes.",
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
        source = options.get("html", options.get("text", ""))
        report = []
        if options["explain"]:
            report = link_report(
                text=options.get("text"),
                html=options.get("html"),
                skip_elements=DEFAULT_SKIP_ELEMENTS
                | {e.lower() for e in options["skip_elements"]},
                **common,
            )
        at = convert(
            source,
            [
                p
                for m in [*matches, *report]  # type: ignore[list-item]
                for p in (m.start, m.end)
            ],
            options["offsets"],
        )
        if options["explain"]:
            body["mentions"] = [
                {
                    "start": at[line.start],
                    "end": at[line.end],
                    "text": line.text,
                    "term": {
                        "slug": line.term.slug,
                        "label": line.term.label,
                        "status": line.term.status,
                    },
                    "label": line.label,
                    "linked": line.linked,
                    "reason": line.reason,
                }
                for line in report
            ]
        body["matches"] = [
            {
                "start": at[match.start],
                "end": at[match.end],
                "text": match.text,
                "term": urls.term(match.term_id),
            }
            for match in matches
        ]
        body["offsets"] = options["offsets"]
        body["glossary_version"] = glossary.version
        return Response(body)


class _Urls:
    """Each matched term's output, built once per term per request.

    The absolute page URL is one reverse and one `build_absolute_uri` per
    request (`addresses.slug_urls`), then a string join per term: reversing
    for every match cost more than the linking itself.
    """

    def __init__(self, request: Request, glossary: GlossaryLinker) -> None:
        self.glossary = glossary
        self.url_for = slug_urls("concept-detail", absolute=request.build_absolute_uri)
        self.terms: dict[int, dict[str, str]] = {}

    def term(self, term_id: int) -> dict[str, str]:
        found = self.terms.get(term_id)
        if found is None:
            term = self.glossary.terms[term_id]
            found = self.terms[term_id] = {
                "slug": term.slug,
                "label": term.label,
                "short_definition": term.short_definition,
                "url": self.url_for(term.slug),
            }
        return found

    def page(self, term_id: int) -> str:
        return self.term(term_id)["url"]
