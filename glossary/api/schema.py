"""OpenAPI details drf-spectacular cannot infer: the errors each call can get.

Every operation documents the JSON error shape (`Error`) for the statuses it
can answer with, and reads document their 304 and caching headers, so the
schema says what the API really does (and schemathesis can hold it to that).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from .serializers import ErrorSerializer

DESCRIPTIONS = {
    400: "Invalid parameters or form fields; `fields` names them.",
    401: "No valid token (writes need `Authorization: Token <key>`).",
    403: "The token's user is not staff.",
    404: "No such resource, page or format.",
    413: "The request body is too large.",
    415: "Unsupported request body type.",
    429: "Too many requests; `Retry-After` says when to try again.",
}
READ_HEADERS = {
    "ETag": "Validator for `If-None-Match`.",
    "Last-Modified": "Validator for `If-Modified-Since`.",
    "Cache-Control": "`public, max-age=60, stale-while-revalidate=300` for "
    "anonymous reads.",
}


class AutoSchema(openapi.AutoSchema):
    def _error_statuses(self) -> list[int]:
        view = self.view
        statuses = {401, 429}
        if self.method == "GET":
            listed = self._is_list_view()
            if listed and (self._get_paginator() or self.get_filter_backends()):
                statuses.add(400)  # a bad page, page size or filter
            # A page past the end, an unknown slug, or an unknown `?format=`.
            statuses.add(404)
        else:
            statuses |= {400, 413, 415}
            if any(
                not isinstance(permission, AllowAny)
                for permission in view.get_permissions()
            ):
                statuses.add(403)
        return sorted(statuses)

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            # `?letter=` is the same as no `letter`, as in an HTML form.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if self.method == "GET":
            responses.setdefault(
                "304", {"description": "Not modified since the validators given."}
            )
        for status in self._error_statuses():
            responses.setdefault(
                str(status),
                self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[status]),
                    str(status),
                    direction=direction,
                ),
            )
        return responses

    def _get_response_headers_for_code(
        self, status_code: str, direction: str = "response"
    ) -> dict[str, Any]:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if self.method == "GET" and status_code in ("200", "304"):
            for name, description in READ_HEADERS.items():
                headers.setdefault(
                    name,
                    {"schema": {"type": "string"}, "description": description},
                )
        if status_code == "429":
            headers.setdefault(
                "Retry-After",
                {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait.",
                },
            )
        return headers
