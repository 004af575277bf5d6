"""The one place kb talks to Wikipedia, through the `wikipedia-api` package.

The package supplies the HTTP client (httpx, so tests pass
`transport=httpx.MockTransport(...)`), the User-Agent header and typed
errors; kb adds the rest. Retries are kb's, not the package's (which are
built with `max_retries=0`): the package sleeps with `time.sleep` inside
tenacity, while kb's loop takes an injectable `sleep`, caps a `Retry-After`
it will wait for, and shares its clock with the pause between requests.

Every failure ends as a `Lookup` with `Status.ERROR` and a message an editor
can act on; nothing here raises for a network problem.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

import httpx
import wikipediaapi
from django.conf import settings
from django.core.cache import cache as default_cache

from .mediawiki import Lookup, Status, UnexpectedResponse, parse_query, query_params

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "kb/0.1 (https://github.com/kb-glossary/kb; kb@example.org)"
DEFAULT_CACHE_SECONDS = 24 * 60 * 60
DEFAULT_MISS_CACHE_SECONDS = 60 * 60

# An editor is waiting: one attempt, a short timeout.
INTERACTIVE_TIMEOUT = 5.0
# A bulk run can afford patience: three retries with exponential backoff
# (1, 2, 4 s) and Retry-After honoured up to two minutes.
BULK_TIMEOUT = 15.0
BULK_ATTEMPTS = 4
BULK_BACKOFF = 1.0
MAX_RETRY_AFTER = 120.0
DEFAULT_BULK_PAUSE = 1.0

CACHE_PREFIX = "kb:wikipedia:v1"


def configured_user_agent() -> str:
    return getattr(settings, "KB_WIKIPEDIA_USER_AGENT", "") or DEFAULT_USER_AGENT


def configured_cache_seconds() -> int:
    return int(getattr(settings, "KB_WIKIPEDIA_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def configured_miss_cache_seconds() -> int:
    return int(
        getattr(settings, "KB_WIKIPEDIA_MISS_CACHE_SECONDS", DEFAULT_MISS_CACHE_SECONDS)
    )


class WikipediaClient:
    """Looks titles up, one request at a time, behind a cache.

    `attempts` is the number of tries for a transient failure (timeout,
    refused connection, 429, 5xx); `pause` the least time between two
    requests (cached answers make none). `sleep` and `clock` are injectable
    so tests run instantly.
    """

    def __init__(
        self,
        *,
        language: str = "en",
        user_agent: str | None = None,
        timeout: float = INTERACTIVE_TIMEOUT,
        attempts: int = 1,
        backoff: float = BULK_BACKOFF,
        max_retry_after: float = MAX_RETRY_AFTER,
        pause: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cache: Any = None,
        cache_seconds: int | None = None,
        miss_cache_seconds: int | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        client_kwargs: dict[str, Any] = {"timeout": httpx.Timeout(timeout)}
        if transport is not None:
            client_kwargs["transport"] = transport
        self._wiki = wikipediaapi.Wikipedia(
            user_agent=user_agent or configured_user_agent(),
            language=language,
            extract_format=wikipediaapi.ExtractFormat.WIKI,
            max_retries=0,
            **client_kwargs,
        )
        self.language = self._wiki.language
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.pause = max(0.0, pause)
        self._sleep = sleep
        self._clock = clock
        self._cache = default_cache if cache is None else cache
        if cache_seconds is None:
            cache_seconds = configured_cache_seconds()
        if miss_cache_seconds is None:
            miss_cache_seconds = configured_miss_cache_seconds()
        self._cache_seconds = cache_seconds
        self._miss_cache_seconds = miss_cache_seconds
        self._last_request: float | None = None
        self.requests_made = 0

    def __enter__(self) -> WikipediaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the package's httpx client (it offers no close of its own)."""
        client = getattr(self._wiki, "_client", None)
        if client is not None:
            client.close()

    def lookup(self, title: str) -> Lookup:
        """What Wikipedia has under `title`, from the cache when it can."""
        title = " ".join(title.replace("_", " ").split())
        if not title:
            return Lookup(
                requested=title,
                status=Status.MISSING,
                language=self.language,
                message="There is no title to look up.",
            )
        key = self._cache_key(title)
        cached = self._cache_get(key)
        if cached is not None:
            return cached
        result = self._fetch(title)
        if result.status == Status.FOUND:
            self._cache_set(key, result, self._cache_seconds)
        elif result.status in (Status.MISSING, Status.DISAMBIGUATION):
            self._cache_set(key, result, self._miss_cache_seconds)
        return result

    def _fetch(self, title: str) -> Lookup:
        for attempt in range(1, self.attempts + 1):
            self._wait_for_turn()
            try:
                # The package's own request method (what its public
                # `search()` uses): its headers, timeouts and typed errors,
                # with kb's combined query.
                data = self._wiki._get(self.language, query_params(title))
            except wikipediaapi.WikipediaException as error:
                message, wait = self._describe(error, attempt)
                if wait is None or attempt == self.attempts:
                    if attempt > 1:
                        message = f"{message} (after {attempt} attempts)"
                    log.warning("Wikipedia lookup of %r failed: %s", title, message)
                    return self._error(title, message)
                log.info(
                    "Wikipedia lookup of %r: %s; retrying in %.1fs",
                    title,
                    message,
                    wait,
                )
                self._sleep(wait)
                continue
            except (httpx.HTTPError, OSError) as error:
                log.warning("Wikipedia lookup of %r failed", title, exc_info=True)
                return self._error(title, f"The request to Wikipedia failed: {error}.")
            try:
                return parse_query(data, requested=title, language=self.language)
            except UnexpectedResponse as error:
                log.warning("Wikipedia answered %r oddly: %s", title, error)
                return self._error(
                    title, f"Wikipedia's answer had an unexpected shape ({error})."
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def _describe(
        self, error: wikipediaapi.WikipediaException, attempt: int
    ) -> tuple[str, float | None]:
        """An editor's message for `error`, and how long to wait before a retry.

        The wait is None when retrying would not help (or is not wanted).
        """
        backoff = self.backoff * 2 ** (attempt - 1)
        if isinstance(error, wikipediaapi.WikiRateLimitError):
            after = error.retry_after
            when = f"in {after} seconds" if after is not None else "later"
            message = (
                f"Wikipedia is limiting kb's requests (HTTP 429); try again {when}."
            )
            if after is None:
                return message, backoff
            if after > self.max_retry_after:
                return message, None
            return message, float(after)
        if isinstance(error, wikipediaapi.WikiHttpError):
            if error.status_code >= 500:
                return (
                    f"Wikipedia had a server error (HTTP {error.status_code}); "
                    "try again later.",
                    backoff,
                )
            return (
                f"Wikipedia refused the request (HTTP {error.status_code}).",
                None,
            )
        if isinstance(error, wikipediaapi.WikiHttpTimeoutError):
            return (
                f"Wikipedia did not answer within {self.timeout:g} seconds; "
                "try again later.",
                backoff,
            )
        if isinstance(error, wikipediaapi.WikiConnectionError):
            return (
                f"Could not connect to Wikipedia ({self.language}.wikipedia.org); "
                "check the network and try again.",
                backoff,
            )
        if isinstance(error, wikipediaapi.WikiInvalidJsonError):
            return "Wikipedia sent an answer that is not JSON; try again later.", None
        return f"The Wikipedia lookup failed: {error!r}.", None

    def _wait_for_turn(self) -> None:
        """Keep `pause` seconds between requests: one at a time, unhurried."""
        if self._last_request is not None and self.pause:
            remaining = self.pause - (self._clock() - self._last_request)
            if remaining > 0:
                self._sleep(remaining)
        self._last_request = self._clock()
        self.requests_made += 1

    def _error(self, title: str, message: str) -> Lookup:
        return Lookup(
            requested=title,
            status=Status.ERROR,
            language=self.language,
            message=message,
        )

    def _cache_key(self, title: str) -> str:
        # MediaWiki ignores the case of a title's first letter; hashing keeps
        # spaces and non-ASCII out of the key (memcached refuses them).
        canonical = title[:1].upper() + title[1:]
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return f"{CACHE_PREFIX}:{self.language}:{digest}"

    def _cache_get(self, key: str) -> Lookup | None:
        try:
            value = self._cache.get(key)
        except Exception:  # a cache outage must not stop a lookup
            log.warning("Wikipedia cache unavailable", exc_info=True)
            return None
        if not isinstance(value, dict):
            return None
        try:
            value["status"] = Status(value["status"])
            return replace(Lookup(**value), from_cache=True)
        except (KeyError, TypeError, ValueError):
            return None

    def _cache_set(self, key: str, result: Lookup, seconds: int) -> None:
        if seconds <= 0:
            return
        value = asdict(result)
        value["status"] = str(result.status)
        try:
            self._cache.set(key, value, timeout=seconds)
        except Exception:  # a cache outage must not stop a lookup
            log.warning("Wikipedia cache unavailable", exc_info=True)


def make_client(
    *,
    bulk: bool = False,
    pause: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> WikipediaClient:
    """A client tuned for who is waiting: an editor (default) or a bulk run."""
    if bulk:
        return WikipediaClient(
            timeout=BULK_TIMEOUT,
            attempts=BULK_ATTEMPTS,
            pause=DEFAULT_BULK_PAUSE if pause is None else pause,
            sleep=sleep,
            transport=transport,
        )
    return WikipediaClient(
        timeout=INTERACTIVE_TIMEOUT,
        attempts=1,
        pause=pause or 0.0,
        sleep=sleep,
        transport=transport,
    )
