"""Fetch a feed or a transcript over HTTP, carefully (httpx).

A show's host is the outside world: every request has a timeout, a bounded
number of redirects, a size limit counted while the body streams (a wrong or
missing Content-Length cannot get past it), a checked content type, a
descriptive User-Agent, and is conditional (ETag / Last-Modified) when kb
has fetched the URL before, so an unchanged file is not downloaded again.
Every request, the first and each redirect's, goes only to a public internet
address (`kb.net.internal_addresses`; `allowed_networks` lists exceptions):
a feed cannot point kb, directly or through a redirect, at its own private
network. Failures raise `FetchError` with a message naming the URL and the
problem.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import httpx

from kb.net import internal_addresses, parse_networks

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/xml",
        "text/xml",
        "application/atom+xml",
        "application/x-rss+xml",
        # Generic types some hosts serve feeds as; the reader still checks
        # that the body is RSS (an HTML page is refused by its type and body).
        "text/plain",
        "application/octet-stream",
    }
)
# What hosts send for each transcript type a feed lists; plain text and
# generic binary answers are accepted for any, as many hosts serve them so.
TRANSCRIPT_TYPES = {
    "application/json": {"application/json", "text/json"},
    "text/vtt": {"text/vtt"},
    "application/x-subrip": {"application/x-subrip", "application/srt", "text/srt"},
    "application/srt": {"application/x-subrip", "application/srt", "text/srt"},
    "text/srt": {"application/x-subrip", "application/srt", "text/srt"},
    "text/html": {"text/html", "application/xhtml+xml"},
    "text/plain": set(),
}
ANY_TRANSCRIPT = {"text/plain", "application/octet-stream", "binary/octet-stream"}


class FetchError(Exception):
    """A request that did not give a usable body; the message names the URL."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A body (None when the server said 304 Not Modified) and its validators."""

    url: str
    content: bytes | None
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.content is None


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout: float
    max_redirects: int
    user_agent: str
    # Internal networks kb may fetch from all the same (`KB_FETCH_ALLOWED_NETWORKS`).
    allowed_networks: tuple[str, ...] = ()


class _Refused(Exception):
    """A request to an address kb does not fetch from (raised before sending)."""

    def __init__(self, url: httpx.URL, reason: str) -> None:
        super().__init__(reason)
        self.url, self.reason = str(url), reason


class Fetcher:
    """One httpx client for a run: connection reuse, the same limits on all.

    `transport` is for tests (an `httpx.MockTransport` standing in for a
    host); a real run uses httpx's own. With a transport of a test's, host
    names are that test's fiction and are not looked up: only literal
    addresses are checked.
    """

    def __init__(
        self, limits: FetchLimits, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.allowed = parse_networks(
            limits.allowed_networks, "KB_FETCH_ALLOWED_NETWORKS"
        )
        self.resolve = transport is None
        self.client = httpx.Client(
            timeout=httpx.Timeout(limits.timeout),
            follow_redirects=True,
            max_redirects=limits.max_redirects,
            headers={"User-Agent": limits.user_agent},
            transport=transport,
            # httpx calls request hooks for every request it sends, each
            # redirect's included.
            event_hooks={"request": [self._refuse_internal]},
        )

    def _refuse_internal(self, request: httpx.Request) -> None:
        host = request.url.host
        try:
            internal = internal_addresses(
                host, allowed=self.allowed, resolve=self.resolve
            )
        except OSError as error:
            reason = f"the host {host!r} does not resolve ({error})"
            raise _Refused(request.url, reason) from None
        if internal:
            raise _Refused(
                request.url,
                f"{host} is an internal address ({', '.join(internal)}); kb "
                "fetches only from public addresses (KB_FETCH_ALLOWED_NETWORKS)",
            )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        accept: Collection[str],
        etag: str = "",
        last_modified: str = "",
    ) -> Fetched:
        """GET `url`; refuse what is not one of the `accept` content types."""
        headers = {"Accept": ", ".join(sorted(accept)) or "*/*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(url, None, etag=etag, last_modified=last_modified)
                if response.status_code >= 400:
                    raise FetchError(
                        f"{url}: the server answered {response.status_code} "
                        f"{response.reason_phrase}"
                    )
                if response.status_code != 200:
                    raise FetchError(
                        f"{url}: unexpected answer {response.status_code} "
                        f"{response.reason_phrase}"
                    )
                content_type = (
                    response.headers.get("content-type", "")
                    .split(";")[0]
                    .strip()
                    .lower()
                )
                if accept and content_type not in accept:
                    raise FetchError(
                        f"{url}: wrong content type {content_type or '(none)'!r}, "
                        f"expected one of {', '.join(sorted(accept))}"
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(
                        f"{url}: {declared} bytes, over the limit of {max_bytes}"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchError(
                            f"{url}: more than {max_bytes} bytes, over the limit"
                        )
                return Fetched(
                    url=url,
                    content=bytes(body),
                    content_type=content_type,
                    etag=response.headers.get("etag", "")[:300],
                    last_modified=response.headers.get("last-modified", "")[:100],
                )
        except _Refused as refused:
            hop = "" if refused.url == url else f"redirected to {refused.url}: "
            raise FetchError(f"{url}: {hop}{refused.reason}") from None
        except httpx.TooManyRedirects:
            raise FetchError(
                f"{url}: too many redirects (more than "
                f"{self.client.max_redirects}; a redirect loop?)"
            ) from None
        except httpx.TimeoutException:
            raise FetchError(f"{url}: timed out") from None
        except httpx.InvalidURL as error:
            raise FetchError(f"{url}: not a valid URL ({error})") from None
        except httpx.HTTPError as error:
            raise FetchError(f"{url}: {type(error).__name__}: {error}") from None


def transcript_types(listed: str) -> set[str]:
    """Content types a transcript listed as `listed` may come back as."""
    return {listed, *TRANSCRIPT_TYPES.get(listed, ()), *ANY_TRANSCRIPT}
