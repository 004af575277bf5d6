"""The shared cache (Redis), failing soft: a cache that is down is no cache.

Every use of Django's cache in kb (API bodies, throttle counts, the
Wikipedia answers, the import's waiting file) is an optimisation or a
limit, never the truth, so Redis being unreachable must not turn requests
into 500s. `FailSoftRedisCache` answers as an empty cache when Redis
errs: a miss for reads, nothing stored for writes, None for `incr`. The
failure is logged, and for `KB_CACHE_RETRY_SECONDS` the process does not
try Redis again, so a dead cache costs each request nothing rather than a
connection timeout. `cache_status` is the one honest check, for /healthz.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("kb.cache")

_lock = threading.Lock()
_down_until = 0.0


def _retry_seconds() -> float:
    return float(getattr(settings, "KB_CACHE_RETRY_SECONDS", 5))


def cache_is_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down(operation: str, error: Exception) -> None:
    global _down_until
    with _lock:
        first = not cache_is_down()
        _down_until = time.monotonic() + _retry_seconds()
    if first:
        logger.warning(
            "Cache unavailable (%s failed: %s); carrying on without it for %ss",
            operation,
            error,
            _retry_seconds(),
        )


def mark_up() -> None:
    """Try the cache again on the next call (tests; /healthz when it answers)."""
    global _down_until
    _down_until = 0.0


def _soft(name: str, default: Callable[[], Any]):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        if cache_is_down():
            return default()
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            _mark_down(name, error)
            return default()

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _none() -> None:
    return None


def _false() -> bool:
    return False


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache answering as an empty cache while Redis errs."""

    add = _soft("add", _false)
    set = _soft("set", _none)
    touch = _soft("touch", _false)
    delete = _soft("delete", _false)
    has_key = _soft("has_key", _false)
    incr = _soft("incr", _none)
    set_many = _soft("set_many", list)
    delete_many = _soft("delete_many", _none)
    clear = _soft("clear", _false)
    get_many = _soft("get_many", dict)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        if cache_is_down():
            return default
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _mark_down("get", error)
            return default


def cache_status() -> str:
    """ "ok", or "unavailable": a real round trip, whatever the backend."""
    backend = caches["default"]
    try:
        if isinstance(backend, RedisCache):
            backend._cache.get_client(write=True).ping()
        else:
            backend.get("kb:healthz")
    except RedisError:
        return "unavailable"
    mark_up()
    return "ok"
