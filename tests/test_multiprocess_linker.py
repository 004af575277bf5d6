"""Two server processes on one database agree on the glossary without a restart.

Each process keeps its own matcher; an edit made through one process (or any
other) moves the glossary version in the database, and the other process
picks up the new version on its next request: built by the first process
that needs it and stored in the host's linker directory, loaded from there
by the others.
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
import logging
import django
django.setup()
from glossary.matchers import current_glossary

# What the linker says it did (built or loaded), for the test to read.
said = []
class Said(logging.Handler):
    def emit(self, record):
        said.append(record.getMessage())
log = logging.getLogger("glossary.matchers")
log.setLevel(logging.INFO)
log.addHandler(Said())
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
    elif command == "said":
        print(json.dumps(said), flush=True)
        said.clear()
"""


@pytest.fixture
def database(tmp_path):
    name = f"kb_twoproc_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "KB_LINKER_CACHE_DIR": str(tmp_path / "linkers"),
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


def _linker_files(env) -> list[Path]:
    return sorted(Path(env["KB_LINKER_CACHE_DIR"]).glob("linker-*-published-*.pickle"))


def _building(said: list[str]) -> list[str]:
    return [line for line in said if line.startswith("Building")]


@pytest.fixture
def start(database):
    """Starts worker processes on the test database; all stop at the end."""
    started: list[LineWorker] = []

    def start_one() -> LineWorker:
        started.append(LineWorker(WORKER, database))
        return started[-1]

    yield start_one
    for worker in started:
        if worker.process.poll() is None:
            worker.close()


def test_a_second_process_loads_the_linker_the_first_one_stored(start):
    first, second = start(), start()
    first.ask("publish open source")
    first.ask("said")
    built = first.ask("link open source")
    assert _building(first.ask("said")) != []
    loaded = second.ask("link open source")
    said = second.ask("said")
    assert loaded == built
    assert _building(said) == []
    assert any("loaded from" in line for line in said)


def _store_a_corrupt_file(worker: LineWorker, env) -> None:
    worker.ask("publish open source")
    worker.ask("link open source")
    (stored,) = _linker_files(env)
    stored.write_bytes(b"not a pickle")


def test_a_corrupt_linker_file_is_built_again_in_the_process(start, database):
    _store_a_corrupt_file(start(), database)
    second = start()
    answer = second.ask("link open source")
    said = second.ask("said")
    assert answer["slugs"] == ["open-source"]
    assert any("unreadable" in line for line in said)
    assert _building(said) != []


def test_a_process_that_rebuilt_a_corrupt_file_stores_a_good_one(start, database):
    _store_a_corrupt_file(start(), database)
    start().ask("link open source")  # reads the corrupt file, rebuilds it
    third = start()
    third.ask("link open source")
    assert _building(third.ask("said")) == []


def test_a_new_glossary_version_removes_the_older_file(start, database):
    reader, editor = start(), start()
    editor.ask("publish open source")
    reader.ask("link open source")
    (older,) = _linker_files(database)
    editor.ask("publish civil society")
    reader.ask("link open source")
    (newer,) = _linker_files(database)
    assert newer != older
    assert not older.exists()


def test_a_linker_directory_others_can_write_to_is_not_used(start, database):
    shared = Path(database["KB_LINKER_CACHE_DIR"])
    shared.mkdir(mode=0o700)
    shared.chmod(0o777)
    worker = start()
    worker.ask("publish open source")
    answer = worker.ask("link open source")
    said = worker.ask("said")
    assert answer["slugs"] == ["open-source"]
    assert any("refused" in line for line in said)
    assert list(shared.iterdir()) == []
