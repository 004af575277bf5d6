"""Graceful faults: the cache down is no cache; the database down is a 503.

Real parts: a private redis-server the tests start and stop, and a process
whose database is a port nothing listens on.
"""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from kb.cache import mark_up
from tests.factories import make_citation, make_term, seed_episode, segment_saying
from tests.redis_server import free_port, private_redis, redis_caches

ROOT = Path(__file__).resolve().parent.parent
READS = ["/api/v1/terms/", "/api/v1/episodes/", "/api/v1/glossary.jsonld"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache():
    with private_redis() as server, override_settings(CACHES=redis_caches(server.url)):
        caches["default"].clear()
        mark_up()
        yield server
    mark_up()


@pytest.fixture
def glossary():
    episode = seed_episode()
    term = make_term("open source")
    make_citation(term, segment_saying(episode, "open source"))
    return episode


def link(client):
    return client.post(
        "/api/v1/link/",
        {"text": "We like open source."},
        content_type="application/json",
    )


def test_with_redis_down_every_endpoint_answers_without_the_cache(
    redis_cache, glossary, caplog
):
    client = Client()
    assert all(client.get(url).status_code == 200 for url in READS)
    redis_cache.stop()
    with caplog.at_level("WARNING", logger="kb.cache"):
        for url in READS:
            assert client.get(url).status_code == 200, url
        response = link(client)
    assert response.status_code == 200
    assert [m["text"] for m in response.json()["matches"]] == ["open source"]
    assert "Cache unavailable" in caplog.text


def test_healthz_names_a_dead_cache_but_keeps_serving(redis_cache):
    client = Client()
    assert client.get("/healthz").json()["cache"] == "ok"
    redis_cache.stop()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
    }


def test_stopping_redis_while_requests_run_loses_none_of_them(redis_cache, glossary):
    statuses: list[int] = []
    stopped = threading.Event()

    def stop_soon():
        while len(statuses) < 20:
            stopped.wait(0.01)
        redis_cache.stop()
        stopped.set()

    stopper = threading.Thread(target=stop_soon)
    stopper.start()
    client = Client()
    while not stopped.is_set() or len(statuses) < 80:
        statuses.append(client.get(READS[len(statuses) % 3]).status_code)
        statuses.append(link(client).status_code)
    stopper.join()
    assert set(statuses) == {200}


OUTAGE = """
import json, django
django.setup()
from django.test import Client
client = Client()
out = {}
for url in ("/api/v1/terms/", "/healthz"):
    response = client.get(url)
    out[url] = [response.status_code, response.get("Retry-After"), response.json()]
response = client.post(
    "/api/v1/link/", {"text": "x"}, content_type="application/json"
)
out["link"] = [response.status_code, response.get("Retry-After"), response.json()]
print(json.dumps(out))
"""


def test_a_database_outage_is_a_503_with_retry_after_in_the_api_s_shape():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/kb",
    }
    done = subprocess.run(
        [sys.executable, "-c", OUTAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("/api/v1/terms/", "link"):
        status, retry_after, body = out[key]
        assert status == 503, body
        assert retry_after == "30"
        assert body["error"]["code"] == "database_unavailable"
        assert set(body["error"]) == {"status", "code", "message", "fields"}
    status, retry_after, body = out["/healthz"]
    assert status == 503
    assert body["database"] == "unavailable"
    assert retry_after == "30"


CSV = (
    "label,slug,status,kind,short_definition,definition,aliases\n"
    "Open weights,open-weights,draft,concept,,Weights you can download.,\n"
)


def csv_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("glossary.csv", CSV.encode(), content_type="text/csv")


@pytest.fixture
def editor_client():
    from .admin_helpers import logged_in, make_user

    return logged_in(make_user("editor"))


STORAGE = override_settings(
    IMPORT_EXPORT_TMP_STORAGE_CLASS="glossary.import_export.SharedTmpStorage"
)


@STORAGE
def test_a_csv_import_with_redis_down_says_so_instead_of_a_500(
    redis_cache, editor_client
):
    from django.urls import reverse

    from glossary.models import Term

    redis_cache.stop()
    response = editor_client.post(
        reverse("admin:glossary_term_import"),
        {"import_file": csv_upload(), "format": "0"},
    )
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()
    assert not Term.objects.exists()


@STORAGE
def test_redis_lost_between_preview_and_confirm_sends_the_editor_back(
    redis_cache, editor_client
):
    from django.urls import reverse

    from glossary.models import Term

    preview = editor_client.post(
        reverse("admin:glossary_term_import"),
        {"import_file": csv_upload(), "format": "0"},
    )
    confirm = preview.context["confirm_form"]
    redis_cache.stop()
    response = editor_client.post(
        reverse("admin:glossary_term_process_import"),
        {**confirm.initial, "confirm": "Confirm import"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:glossary_term_import")
    assert not Term.objects.exists()
