"""Rate limits: per client address for anonymous calls, per user for token calls.

DRF's throttles read their rates once, at import; these read
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` on every request, so a rate set to
None (an empty `KB_API_ANON_RATE`) turns a throttle off and tests can change
rates with `override_settings`. DRF's user throttle also counts anonymous
calls by address; this one leaves them to the anonymous rate.

Counting: DRF keeps a list of timestamps that it reads, trims and writes
back, so parallel requests overwrite each other's entries and undercount
(1,500 of 1,500 accepted against 1,200/minute from 8 threads). These count
in fixed windows with the cache's atomic `add` and `incr` (one Redis INCR
when `REDIS_URL` is set, shared by every process; a locked counter in the
local-memory cache). A window allows at most the rate; a burst straddling
two windows can reach twice it, the usual price of fixed windows. When the
cache cannot count (Redis down), calls are let through: a missing rate
limit is better than refusing every reader.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from kb.net import client_ip


class _SharedCounter:
    """`allow_request` for DRF's `SimpleRateThrottle`, counted atomically."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        # The same reading of X-Forwarded-For as the login lockout's.
        return client_ip(request._request)

    def allow_request(self, request: Request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self._count(f"{key}_{window}")
        return count is None or count <= self.num_requests

    def _count(self, key: str) -> int | None:
        """This call's number in the window; None when the cache cannot say."""
        timeout = self.duration + 1
        self.cache.add(key, 0, timeout)
        try:
            return self.cache.incr(key)  # None when Redis is down (kb.cache)
        except ValueError:
            # Gone between add and incr (evicted): this call starts it again.
            return 1 if self.cache.add(key, 1, timeout) else None

    def wait(self) -> float:
        return max(self.window_ends - self.now, 1)


class AnonRateThrottle(_SharedCounter, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_SharedCounter, throttling.UserRateThrottle):
    def get_cache_key(self, request: Request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # the anonymous rate applies
        return super().get_cache_key(request, view)
