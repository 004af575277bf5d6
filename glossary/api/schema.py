"""OpenAPI details drf-spectacular cannot infer, added by a postprocessing hook.

Every operation documents the JSON error shape (`Error`) for the statuses it
can answer with, reads document their 304 and caching headers, optional
query parameters may be empty, and request bodies are required, so the
schema says what the API really does (and schemathesis can hold it to that).

This is drf-spectacular's documented extension point for schema-wide
changes (`POSTPROCESSING_HOOKS`, see kb/settings.py); it runs before the
library's own enum hook, which then rebuilds the components as usual.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.settings import spectacular_settings
from rest_framework.views import APIView

from .serializers import ErrorSerializer

DESCRIPTIONS = {
    400: "Invalid parameters or form fields; `fields` names them.",
    401: "No valid token (writes need `Authorization: Token <key>`).",
    403: "The token's user may not do this (the episode permissions, as in the admin).",
    404: "No such resource, page or format.",
    409: "The same episode is being ingested by another request; try again.",
    413: "The request body is too large.",
    414: "The URL is over kb's limit (`KB_MAX_URL_BYTES`).",
    415: "Unsupported request body type.",
    429: "Too many requests; `Retry-After` says when to try again.",
    431: "Too many headers, or one over kb's limit (`KB_MAX_HEADER_BYTES`).",
    503: "The database is unavailable (`Retry-After` says when to try again), "
    "or the request took too long (`timeout`).",
}
READ_HEADERS = {
    "ETag": "Validator for `If-None-Match`.",
    "Last-Modified": "Validator for `If-Modified-Since`.",
    "Cache-Control": "`public, max-age=60, stale-while-revalidate=300` for "
    "anonymous reads.",
}
RETRY_AFTER = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
NOT_MODIFIED = {"description": "Not modified since the validators given."}


def document_errors_and_caching(
    result: dict[str, Any], generator: Any, **kwargs: Any
) -> dict[str, Any]:
    """The postprocessing hook: errors, caching headers, empty parameters."""
    error_ref = _register_error_component(generator)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            _document_operation(method.upper(), operation, error_ref)
    result["components"] = generator.registry.build(
        spectacular_settings.APPEND_COMPONENTS
    )
    return result


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer with.

    Every call can lack a valid token (401), be throttled (429) or be over
    kb's bounds on the URL (414) and the headers (431, kb/bounds.py). A read
    can name a missing page, slug or `?format=` (404), and one that takes
    parameters other than `format` can be given bad ones (400). A write can
    be invalid (400), too large (413) or of the wrong type (415), and one
    that refuses anonymous callers can refuse a token's user too (403) or be
    busy with the same episode (409). Any call can find the database down
    or take too long (503).
    """
    statuses = {401, 414, 429, 431, 503}
    if method == "GET":
        statuses.add(404)
        if any(
            parameter["in"] == "query" and parameter["name"] != "format"
            for parameter in operation.get("parameters", [])
        ):
            statuses.add(400)
    else:
        statuses |= {400, 413, 415}
        if {} not in operation.get("security", [{}]):
            statuses |= {403, 409}
    return sorted(statuses)


def _document_operation(method: str, operation: dict[str, Any], error_ref: str) -> None:
    for parameter in operation.get("parameters", []):
        # `?letter=` is the same as no `letter`, as in an HTML form.
        if parameter["in"] == "query" and not parameter.get("required"):
            parameter["allowEmptyValue"] = True
    body = operation.get("requestBody")
    if body is not None:
        # Every write kb offers needs its body (a raw schema gives no hint).
        body.setdefault("required", True)

    responses = operation["responses"]
    media_types = next(
        (list(r["content"]) for r in responses.values() if r.get("content")),
        ["application/json"],
    )
    if method == "GET":
        if "200" in responses:
            responses["200"] = _with_headers(
                responses["200"],
                {
                    name: {"schema": {"type": "string"}, "description": text}
                    for name, text in READ_HEADERS.items()
                },
            )
        responses.setdefault("304", dict(NOT_MODIFIED))
    for status in error_statuses(method, operation):
        response = {
            "content": {
                media_type: {"schema": {"$ref": error_ref}}
                for media_type in media_types
            },
            "description": DESCRIPTIONS[status],
        }
        if status in (429, 503):
            response = _with_headers(response, {"Retry-After": dict(RETRY_AFTER)})
        responses.setdefault(str(status), response)


def _with_headers(response: dict[str, Any], headers: dict[str, Any]) -> dict[str, Any]:
    """The response with `headers` first (where drf-spectacular puts them),
    keeping any it already documents."""
    rest = {key: value for key, value in response.items() if key != "headers"}
    return {"headers": {**headers, **response.get("headers", {})}, **rest}


def _register_error_component(generator: Any) -> str:
    """Put the `Error` serializer in the components; return its reference.

    Resolved by drf-spectacular itself, so the component is exactly what a
    view using `ErrorSerializer` would produce.
    """
    view = APIView()
    view.request = None  # no request: the component depends on none
    schema = AutoSchema()
    schema.view = view
    schema.registry = generator.registry
    schema.method = "GET"
    return schema.resolve_serializer(ErrorSerializer, "response").ref["$ref"]
