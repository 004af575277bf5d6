"""HTTP caching for the API's reads: validators, 304s and a body cache.

A view says what its answer depends on (`read_state`, one cheap query from
`selectors.state`); from that, the request's URL and the negotiated media type the
mixin makes an ETag and a Last-Modified. A matching `If-None-Match` (or
`If-Modified-Since`) gets a 304 without building anything; otherwise a body
rendered earlier for the same ETag is served from Django's cache (per
process, or Redis when `REDIS_URL` is set); only when both miss does the view
run its queries and serializers. An ETag covers everything its body shows,
so a cached body is never stale: a change makes a new ETag and a new key.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from ..selectors.state import State

READ_METHODS = frozenset({"GET", "HEAD"})
PUBLIC_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
"""For anonymous reads: a CDN or browser reuses an answer for a minute and may
serve it while revalidating for five more."""
PRIVATE_CACHE_CONTROL = "private, no-cache"
DEFAULT_BODY_CACHE_SECONDS = 300


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "The resource does not match the request's preconditions."
    default_code = "precondition_failed"


class _Answered(Exception):  # noqa: N818 (a control-flow signal, not an error)
    """Stops a request after authentication and throttling with a ready
    response (a 304, or a cached body)."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__()
        self.response = response


def body_cache_seconds() -> int:
    return int(getattr(settings, "KB_API_CACHE_SECONDS", DEFAULT_BODY_CACHE_SECONDS))


class ConditionalReadMixin:
    """ETag, Last-Modified, 304s, Cache-Control and cached bodies for GET/HEAD.

    Subclasses implement `read_state()`; returning None (an unknown slug, a
    redirect) opts a request out, and it is answered as usual.
    """

    _etag: str | None = None
    _last_modified: int | None = None
    _cache_key: str | None = None

    def read_state(self) -> State | None:
        return None

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication, throttles
        if request.method not in READ_METHODS:
            return
        state = self.read_state()
        if state is None:
            return
        fingerprint = repr(
            (
                type(self).__name__,
                getattr(self, "action", None),
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                request.accepted_media_type,
                state.parts,
            )
        )
        digest = hashlib.blake2b(fingerprint.encode(), digest_size=16).hexdigest()
        self._etag = f'"{digest}"'
        if state.modified is not None:
            self._last_modified = int(state.modified.timestamp())
        answer = get_conditional_response(
            request, etag=self._etag, last_modified=self._last_modified
        )
        if answer is not None:
            if answer.status_code == 412:
                raise PreconditionFailed()
            raise _Answered(answer)
        if body_cache_seconds() > 0:
            self._cache_key = f"kb:api:{digest}"
            cached = cache.get(self._cache_key)
            if cached is not None:
                content_type, body = cached
                self._cache_key = None  # nothing to store
                raise _Answered(HttpResponse(body, content_type=content_type))

    def handle_exception(self, exc: Exception) -> HttpResponseBase:
        if isinstance(exc, _Answered):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args, **kwargs
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in READ_METHODS:
            return response
        status = response.status_code
        if status in (200, 301, 304):
            # Reached only after authentication succeeded, so `user` is set.
            user = request.user
            response["Cache-Control"] = (
                PRIVATE_CACHE_CONTROL
                if user is not None and user.is_authenticated
                else PUBLIC_CACHE_CONTROL
            )
        if self._etag and status in (200, 304):
            response["ETag"] = self._etag
            if self._last_modified is not None:
                response["Last-Modified"] = http_date(self._last_modified)
        if self._cache_key and status == 200 and hasattr(response, "render"):
            response.render()
            cache.set(
                self._cache_key,
                (response["Content-Type"], response.content),
                body_cache_seconds(),
            )
        return response
