"""Rate limits: per client address for anonymous calls, per user for token calls.

DRF's throttles read their rates once, at import; these read
`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` on every request, so a rate set to
None (an empty `KB_API_ANON_RATE`) turns a throttle off and tests can change
rates with `override_settings`. DRF's user throttle also counts anonymous
calls by address; this one leaves them to the anonymous rate. Counts live in
Django's cache: per process with the default local-memory cache, shared when
`REDIS_URL` is set.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from kb.net import client_ip


class _RatesFromSettings:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        # The same reading of X-Forwarded-For as the login lockout's.
        return client_ip(request._request)


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    def get_cache_key(self, request: Request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # the anonymous rate applies
        return super().get_cache_key(request, view)
