"""kb's own bounds on a request, answered in kb's shape instead of gunicorn's.

gunicorn refuses a long request line (414) or large headers (431) with an
HTML page of its own, before kb sees the request. kb/gunicorn.py raises those
limits, and this middleware, first in the chain, applies kb's smaller ones:
under /api/ the answer is the API's JSON error (`glossary/api/errors.py`),
elsewhere a short text. It also runs every request within
`KB_REQUEST_TIMEOUT_SECONDS` (kb/deadline.py), so a slow request is stopped
and answered (503) before gunicorn's worker timeout kills it unanswered.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from glossary.api.errors import error_body

from .deadline import RequestTimedOut, within


def refusal(request: HttpRequest, status: int, code: str, message: str):
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(status, code, message), status=status)
    return HttpResponse(message, status=status, content_type="text/plain")


def _headers(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key, value in request.META.items()
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
    ]


class RequestBoundsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.check(request)
        if refused is not None:
            return refused
        try:
            with within(settings.KB_REQUEST_TIMEOUT_SECONDS) as deadline:
                response = self.get_response(request)
        except RequestTimedOut as error:  # between middlewares, outside any view
            response = refusal(request, 503, "timeout", str(error))
        if deadline.fired:
            # The timer may have fired inside a database call: start afresh.
            connections.close_all()
            if response.status_code == 500:  # raised where Django made it a 500
                response = refusal(request, 503, "timeout", deadline.message())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RequestTimedOut):  # a page's view (the API
            return refusal(request, 503, "timeout", str(exception))  # has its own)
        return None

    def check(self, request: HttpRequest) -> HttpResponse | None:
        url = request.get_full_path()
        if len(url) > settings.KB_MAX_URL_BYTES:
            return refusal(
                request,
                414,
                "uri_too_long",
                f"The URL is {len(url)} bytes, over kb's limit of "
                f"{settings.KB_MAX_URL_BYTES}.",
            )
        headers = _headers(request)
        if len(headers) > settings.KB_MAX_HEADERS:
            return refusal(
                request,
                431,
                "headers_too_large",
                f"The request has {len(headers)} headers, over kb's limit of "
                f"{settings.KB_MAX_HEADERS}.",
            )
        for key, value in headers:
            if len(value) > settings.KB_MAX_HEADER_BYTES:
                name = key.removeprefix("HTTP_").replace("_", "-").title()
                return refusal(
                    request,
                    431,
                    "headers_too_large",
                    f"The {name} header is {len(value)} bytes, over kb's limit "
                    f"of {settings.KB_MAX_HEADER_BYTES}.",
                )
        return None
