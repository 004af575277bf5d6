"""Throttles count atomically in the shared cache: real Redis, parallel threads."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from rest_framework.request import Request

from glossary.api.throttling import AnonRateThrottle
from kb.cache import mark_up
from tests.redis_server import private_redis, redis_caches


@pytest.fixture
def redis_cache():
    with private_redis() as server, override_settings(CACHES=redis_caches(server.url)):
        caches["default"].clear()
        mark_up()
        yield server
    mark_up()


def rates(anon):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": None},
        }
    )


class FrozenClock(AnonRateThrottle):
    # One fixed instant: the window cannot roll over while the test runs.
    timer = staticmethod(lambda: 1_700_000_000.0)


def anonymous_call():
    request = Request(RequestFactory().post("/api/v1/link/", REMOTE_ADDR="192.0.2.1"))
    request._request.user = None
    request.user = None
    return FrozenClock().allow_request(request, None)


def test_parallel_clients_get_exactly_the_rate_from_a_shared_redis(redis_cache):
    with rates("1200/minute"), ThreadPoolExecutor(max_workers=8) as pool:
        allowed = list(pool.map(lambda _: anonymous_call(), range(1500)))
    assert allowed.count(True) == 1200


def test_the_count_is_shared_with_a_second_process_s_counter(redis_cache):
    # Two cache connections stand for two app processes.
    with rates("10/minute"):
        for _ in range(6):
            assert anonymous_call()
        caches["default"].close()
        del caches["default"]  # a fresh client, as another process has
        results = [anonymous_call() for _ in range(6)]
    assert results == [True] * 4 + [False] * 2


def test_with_redis_down_calls_are_let_through_not_refused(redis_cache):
    with rates("2/minute"):
        redis_cache.stop()
        assert all(anonymous_call() for _ in range(5))
