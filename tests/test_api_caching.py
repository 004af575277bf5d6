"""An edit invalidates the cached API bodies that show it, and no others.

A term's detail and citations are keyed by what they show (the term, its
labels, its published neighbours, its citations and their episodes), not
by the glossary version: an edit to one term leaves every unrelated term's
cached body in place, here in one process and across two processes that
share a real Redis.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.cache import cache

from glossary.models import Alias, Episode
from glossary.services.terms import term_rename
from tests.factories import new_glossary_version
from tests.line_worker import LineWorker
from tests.redis_server import RedisServer
from tests.test_api_terms import ApiTestCase, build_api_glossary

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


class PerTermInvalidationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def setUp(self):
        cache.clear()

    def etag(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, url
        return response["ETag"]

    def edit_mistral(self):
        term_rename(term=self.g.mistral, label="Mistral AI", slug="mistral")
        new_glossary_version()  # what the signal does on commit

    def test_editing_one_term_keeps_an_unrelated_terms_body_cached(self):
        url = "/api/v1/terms/open-source/"
        etag = self.etag(url)
        self.edit_mistral()
        with self.assertNumQueries(1):  # its state; the body from the cache
            response = self.client.get(url)
        assert response["ETag"] == etag

    def test_editing_one_term_keeps_an_unrelated_terms_citations_cached(self):
        url = "/api/v1/terms/rlhf/citations/"
        etag = self.etag(url)
        self.edit_mistral()
        assert self.client.get(url, headers={"if-none-match": etag}).status_code == 304

    def test_editing_a_term_moves_its_own_etag(self):
        url = "/api/v1/terms/mistral/"
        etag = self.etag(url)
        self.edit_mistral()
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response.json()["label"] == "Mistral AI"

    def test_renaming_a_related_term_moves_the_etag_of_the_term_showing_it(self):
        url = "/api/v1/terms/rlhf/"
        etag = self.etag(url)
        term_rename(term=self.g.language_model, label="LM", slug="language-model")
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert [t["label"] for t in response.json()["related"]] == ["LM"]

    def test_renaming_a_narrower_term_moves_the_etag_of_its_broader_term(self):
        url = f"/api/v1/terms/{self.g.language_model.slug}/"
        etag = self.etag(url)
        term_rename(term=self.g.foundation, label="Base model", slug="base-model")
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert [t["slug"] for t in response.json()["narrower"]] == ["base-model"]

    def test_a_label_edited_in_place_moves_the_terms_etag(self):
        url = "/api/v1/terms/rlhf/"
        etag = self.etag(url)
        Alias.objects.filter(term=self.g.rlhf, label="RLHF").update(label="R.L.H.F.")
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert "R.L.H.F." in [a["label"] for a in response.json()["aliases"]]

    def test_retitling_an_episode_moves_the_etag_of_the_terms_cited_in_it(self):
        url = "/api/v1/terms/rlhf/citations/"
        etag = self.etag(url)
        episode = Episode.objects.get(pk=self.g.episode.pk)
        episode.title = "Open, closed, or democratic?"
        episode.save()
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        titles = {c["episode"]["title"] for c in response.json()["results"]}
        assert titles == {"Open, closed, or democratic?"}

    def test_editing_a_term_an_episode_does_not_cite_keeps_its_terms_cached(self):
        url = f"/api/v1/episodes/{self.g.episode.slug}/terms/"
        etag = self.etag(url)
        term_rename(term=self.g.seven_b, label="7B", slug="7b-model")
        new_glossary_version()
        assert self.client.get(url, headers={"if-none-match": etag}).status_code == 304

    def test_renaming_a_cited_term_moves_the_episode_terms_etag(self):
        url = f"/api/v1/episodes/{self.g.episode.slug}/terms/"
        etag = self.etag(url)
        self.edit_mistral()
        response = self.client.get(url, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert "Mistral AI" in [t["label"] for t in response.json()["results"]]


# Two "server processes" sharing PostgreSQL and one Redis: each answers one
# JSON line per command.
WORKER = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from glossary.models import Term
from glossary.services.terms import term_rename

client = Client(HTTP_HOST="127.0.0.1")
for line in sys.stdin:
    command, _, argument = line.strip().partition(" ")
    if command == "get":
        with CaptureQueriesContext(connection) as queries:
            response = client.get(argument)
        print(json.dumps({"status": response.status_code, "etag": response["ETag"],
                          "queries": len(queries), "body": response.json()}),
              flush=True)
    elif command == "rename":
        slug, _, label = argument.partition(" ")
        term_rename(term=Term.objects.get(slug=slug), label=label, slug=slug)
        print(json.dumps({"renamed": slug}), flush=True)
"""

SETUP = """
import django
django.setup()
from tests.factories import make_term
lm = make_term("Language model")
make_term("Open source", related=[lm])
make_term("Mistral")
"""


@pytest.fixture
def servers():
    """A fresh database with three terms, a private Redis, the environment."""
    name = f"kb_cacheproc_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    redis = RedisServer()
    redis.start()
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{name}",
        "REDIS_URL": redis.url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "KB_API_ANON_RATE": "",
    }
    try:
        for script in (["manage.py", "migrate", "--noinput"], ["-c", SETUP]):
            subprocess.run(
                [sys.executable, *script],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        yield env
    finally:
        redis.stop()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow  # two worker processes, a Redis server, a fresh database
def test_an_edit_in_one_process_invalidates_only_its_terms_bodies_in_another(
    servers,
):
    reader, editor = LineWorker(WORKER, servers), LineWorker(WORKER, servers)
    try:
        unrelated = editor.ask("get /api/v1/terms/mistral/")  # cached in Redis
        related = editor.ask("get /api/v1/terms/open-source/")
        assert reader.ask("get /api/v1/terms/mistral/")["queries"] == 1
        editor.ask("rename language-model Large language model")
        kept = reader.ask("get /api/v1/terms/mistral/")
        assert (kept["etag"], kept["queries"]) == (unrelated["etag"], 1)
        moved = reader.ask("get /api/v1/terms/open-source/")
        assert moved["etag"] != related["etag"]
        assert [t["label"] for t in moved["body"]["related"]] == [
            "Large language model"
        ]
    finally:
        reader.close()
        editor.close()
