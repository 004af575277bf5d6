"""The OpenAPI schema: committed, served, documented, and true to the API.

The committed `docs/openapi.yaml` must be what drf-spectacular generates
from the code; when it is not, refresh it with (on PostgreSQL: integer
bounds in the schema follow the database's columns)

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb \\
        .venv/bin/python manage.py spectacular --file docs/openapi.yaml \\
        --validate --fail-on-warn

Schemathesis then generates requests from that schema (valid and invalid
parameters, path slugs both random and real) and checks every answer: no
5xx, a status code, content type, headers and body the schema documents.
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.test_api_terms import build_api_glossary

OPENAPI = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
REFRESH = (
    "DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb "
    ".venv/bin/python manage.py spectacular --file docs/openapi.yaml "
    "--validate --fail-on-warn"
)


def test_the_committed_schema_is_the_generated_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command(
        "spectacular", "--file", str(generated), "--validate", "--fail-on-warn"
    )
    assert generated.read_text() == OPENAPI.read_text(), (
        f"docs/openapi.yaml is out of date; refresh it with: {REFRESH}"
    )


def test_the_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert b"/api/v1/episodes/{slug}/terms/" in response.content
    as_json = client.get("/api/schema/?format=json")
    assert as_json.json()["info"]["title"] == "kb API"


class _Assets(HTMLParser):
    """Every address a page makes the browser load (src, href, srcset)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("src", "href"):
                self.urls.append(value)
            elif value and name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",")]


def test_the_docs_page_loads_only_same_origin_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b'<div id="swagger-ui">' in response.content
    parser = _Assets()
    parser.feed(response.content.decode())
    assert any(url.endswith("swagger-ui-bundle.js") for url in parser.urls)
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is on another origin"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.getvalue(), f"{url} is empty"


def test_the_docs_page_has_the_same_csp_as_every_page(client):
    policy = client.get("/api/docs/")["Content-Security-Policy"]
    assert policy == client.get("/api/schema/")["Content-Security-Policy"]
    script_src = next(
        part for part in policy.split(";") if part.strip().startswith("script-src")
    )
    assert script_src.strip() == "script-src 'self'"


def test_the_docs_page_start_up_script_is_served_from_the_site(client):
    response = client.get("/api/docs/")
    assert b'src="/api/docs/?script=' in response.content
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


# --------------------------------------------------------------------------
# Schemathesis
# --------------------------------------------------------------------------

schema = schemathesis.openapi.from_path(OPENAPI)
schema.app = get_wsgi_application()


@pytest.fixture
def api_data(db, settings):
    """The API test glossary, no rate limits, and requests that keep the
    test's transaction (as Django's test client does, the WSGI calls must
    not close the connection between requests)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        glossary = build_api_glossary()
        yield {"terms": glossary.rlhf.slug, "episodes": glossary.episode.slug}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
LINK = "/api/v1/link/"


@pytest.mark.slow  # schemathesis fuzzing
@schema.exclude(path=LINK).parametrize()
@FUZZ
def test_the_api_keeps_to_its_schema(case, api_data):
    slug = (case.path_parameters or {}).get("slug")
    # Random slugs only ever find nothing: half the cases (those whose slug
    # has an even length) ask for a real term or episode instead.
    if slug is not None and len(slug) % 2 == 0:
        collection = case.path.split("/")[3]  # /api/v1/<collection>/{slug}/...
        case.path_parameters["slug"] = api_data[collection]
    case.call_and_validate()


@pytest.mark.slow  # schemathesis fuzzing
@schema.include(path=LINK).parametrize()
@FUZZ
def test_the_link_endpoint_keeps_to_its_schema(case, api_data):
    case.call_and_validate()


def test_the_fuzzing_covers_every_operation():
    operations = {
        f"{result.ok().method.upper()} {result.ok().path}"
        for result in schema.get_all_operations()
    }
    assert operations == {
        "GET /api/v1/episodes/",
        "GET /api/v1/episodes/{slug}/",
        "GET /api/v1/episodes/{slug}/terms/",
        "GET /api/v1/glossary.jsonld",
        "GET /api/v1/jobs/{id}/",
        "GET /api/v1/terms/",
        "GET /api/v1/terms/{slug}/",
        "GET /api/v1/terms/{slug}/citations/",
        "POST /api/v1/link/",
        "POST /api/v1/transcripts/",
    }
    assert settings.ROOT_URLCONF == "kb.urls"
