"""Every API error is the same JSON object, whatever raised it.

```json
{"error": {"status": 400, "code": "invalid", "message": "updated_since: Enter
 a valid date/time.", "fields": {"updated_since": ["Enter a valid date/time."]}}}
```

`code` is stable (DRF's codes: `not_found`, `method_not_allowed`,
`not_authenticated`, `permission_denied`, `throttled`, `invalid`... plus
`payload_too_large`, `invalid_transcript`, `conflict`,
`database_unavailable` (503 with `Retry-After`), `timeout` (503: kb's time
bound on a request), `uri_too_long` (414), `headers_too_large` (431, both
from kb/bounds.py), `insufficient_storage` (507, an upload on a full disk)
and `server_error`); `message` is
for people; `fields` names the parameters or form fields at fault (empty when
none is). DRF's headers are kept (`Allow`, `WWW-Authenticate`, `Retry-After`).
An unexpected exception is logged and answered with a JSON 500, never an HTML
page; `api_not_found` does the same for URLs under /api/ that match nothing,
and `bad_request` and `server_error` (kb/urls.py's handler400 and
handler500) for errors raised before or around a view.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from kb.deadline import RequestTimedOut

from ..services.locks import Busy

logger = logging.getLogger("glossary.api")

DOCS = "/api/docs/"


DATABASE_RETRY_SECONDS = 30


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "The database is unavailable; try again shortly."
    default_code = "database_unavailable"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Another change to this is in progress; try again shortly."
    default_code = "conflict"


class RequestTooSlow(exceptions.APIException):
    """Stopped by kb's own time bound (kb/deadline.py) or PostgreSQL's
    `statement_timeout`, before gunicorn's worker timeout."""

    status_code = 503
    default_detail = "The request took too long and was stopped; nothing was written."
    default_code = "timeout"


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for statement_timeout


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def error_body(
    status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message,
            "fields": fields or {},
        }
    }


def _as_api_exception(exc: Exception) -> Exception:
    """Django's own exceptions as the DRF ones that mean the same."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(str(exc))
    if isinstance(exc, Busy):
        return Conflict(exc.messages[0])
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, RequestTimedOut):
        return RequestTooSlow(str(exc))
    if getattr(exc.__cause__, "sqlstate", None) == QUERY_CANCELED:
        return RequestTooSlow()
    if isinstance(exc, OperationalError | InterfaceError):
        # The server down or unreachable (not a bad query: that is a
        # ProgrammingError or a constraint's IntegrityError, a bug).
        logger.warning("Database unavailable: %s", exc)
        return DatabaseUnavailable()
    return exc


def _plain(detail: Any) -> Any:
    """ErrorDetail strings as plain strings, recursively."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _first_message(detail: Any) -> str:
    while isinstance(detail, list | dict) and detail:
        detail = detail[0] if isinstance(detail, list) else next(iter(detail.values()))
    return str(detail)


def describe(exc: exceptions.APIException) -> dict[str, Any]:
    """The error object for a DRF exception."""
    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        fields = _plain(fields)
        message = "; ".join(
            f"{name}: {_first_message(errors)}"
            if name != "non_field_errors"
            else _first_message(errors)
            for name, errors in fields.items()
        )
        return error_body(status, exc.default_code, message or "Invalid input.", fields)
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return error_body(status, str(code), _first_message(_plain(detail)))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: the one JSON shape for every error."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.error(
            "Unhandled exception in %s",
            type(view).__name__ if view else "the API",
            exc_info=exc,
        )
        set_rollback()
        response = Response(status=500)
        response.data = error_body(500, "server_error", "Internal server error.")
        return response
    response.data = describe(exc)
    if isinstance(exc, DatabaseUnavailable):
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response


def _slash_target(request: HttpRequest) -> str | None:
    """The same URL with a trailing slash, if that names an endpoint."""
    path = request.path_info
    if path.endswith("/"):
        return None
    try:
        match = resolve(path + "/", urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.func is api_not_found:
        return None
    target = request.path + "/"
    query = request.META.get("QUERY_STRING", "")
    return f"{target}?{query}" if query else target


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The last route under /api/: a JSON 404 (or the slash Django would add)."""
    target = _slash_target(request)
    if target is not None and request.method in ("GET", "HEAD", "OPTIONS"):
        return HttpResponsePermanentRedirect(target)
    hint = f" Did you mean {target}?" if target else f" The endpoints are at {DOCS}."
    return JsonResponse(
        error_body(404, "not_found", f"Nothing at {request.path}.{hint}"),
        status=404,
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: JSON under /api/ (a bad Host header, a malformed body
    refused before any view ran), Django's page elsewhere."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    return JsonResponse(error_body(400, "bad_request", "Bad request."), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/ for failures outside the API's views
    (middleware), Django's page elsewhere."""
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse(
        error_body(500, "server_error", "Internal server error."), status=500
    )
