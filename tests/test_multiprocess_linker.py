"""Two server processes on one database agree on the glossary without a restart.

Each process keeps its own matcher; an edit made through one process (or any
other) moves the glossary version in the database, and the other process
rebuilds on its next request.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.line_worker import LineWorker

pytestmark = pytest.mark.slow  # several worker processes

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"

# A long-running "server process": reads commands, answers one JSON line each.
WORKER = """
import json, sys
import django
django.setup()
from glossary.matchers import current_glossary
from glossary.services.terms import term_create, terms_publish

for line in sys.stdin:
    command, _, argument = line.strip().partition(" ")
    if command == "link":
        glossary = current_glossary()
        matches = glossary.matcher.find(argument)
        found = [glossary.terms[m.term_id].slug for m in matches]
        print(json.dumps({"version": glossary.version, "slugs": found}), flush=True)
    elif command == "publish":
        term = term_create(label=argument, short_definition="A test definition.")
        terms_publish(terms=[term])
        print(json.dumps({"published": term.slug}), flush=True)
"""


@pytest.fixture
def database():
    name = f"kb_twoproc_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kb.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    yield env
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_term_published_in_one_process_is_linked_by_another(database):
    reader, editor = LineWorker(WORKER, database), LineWorker(WORKER, database)
    try:
        before = reader.ask("link We discussed civil society today.")
        assert before["slugs"] == []
        editor.ask("publish civil society")
        after = reader.ask("link We discussed civil society today.")
        assert after["slugs"] == ["civil-society"]
        assert after["version"] > before["version"]
    finally:
        reader.close()
        editor.close()


def test_a_large_glossary_is_rebuilt_off_the_request_that_finds_it_changed(database):
    # Every glossary counts as large here, so the reader builds in a thread.
    background = {**database, "KB_LINKER_BACKGROUND_TERMS": "1"}
    reader = LineWorker(WORKER, background)
    editor = LineWorker(WORKER, database)
    text = "open source and civil society"
    try:
        editor.ask("publish open source")
        first = reader.ask(f"link {text}")  # no matcher yet: built in the request
        editor.ask("publish civil society")
        during = reader.ask(f"link {text}")
        assert (during["version"], during["slugs"]) == (
            first["version"],
            ["open-source"],
        )
        deadline = time.monotonic() + 30
        after = during
        while after["version"] == first["version"] and time.monotonic() < deadline:
            time.sleep(0.05)
            after = reader.ask(f"link {text}")
        assert after["slugs"] == ["open-source", "civil-society"]
    finally:
        reader.close()
        editor.close()
