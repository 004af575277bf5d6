"""Backups restore into an empty database with every row (PostgreSQL and SQLite)."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
TABLES = [
    "glossary_episode",
    "glossary_person",
    "glossary_appearance",
    "glossary_segment",
    "auth_group",
    "auth_group_permissions",
    "auth_user",
]


def manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def postgres_databases():
    names = [f"kb_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield [f"{SERVER}/{name}" for name in names]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_counts(url):
    with psycopg.connect(url) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES
        }


def test_a_postgresql_backup_restores_every_row_into_an_empty_database(
    postgres_databases, tmp_path
):
    source, target = postgres_databases
    manage(source, "migrate", "--noinput")
    manage(source, "load_demo")
    manage(source, "create_editor", "alice", "--generate-password")
    backup = tmp_path / "kb.dump"
    assert "Backed up" in manage(source, "backup", str(backup))

    manage(target, "restore", str(backup))

    counts = postgres_counts(target)
    assert counts == postgres_counts(source)
    assert counts["glossary_segment"] == 77
    assert counts["auth_user"] == 1


def sqlite_counts(path):
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES
        }


def test_an_sqlite_backup_restores_every_row_into_an_empty_database(tmp_path):
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    manage(f"sqlite:///{source}", "migrate", "--noinput")
    manage(f"sqlite:///{source}", "load_demo")
    manage(f"sqlite:///{source}", "create_editor", "alice", "--generate-password")
    backup = tmp_path / "kb.json"
    manage(f"sqlite:///{source}", "backup", str(backup))

    manage(f"sqlite:///{target}", "migrate", "--noinput")
    manage(f"sqlite:///{target}", "restore", str(backup))

    counts = sqlite_counts(target)
    assert counts == sqlite_counts(source)
    assert counts["glossary_segment"] == 77


def test_restoring_a_missing_file_fails_clearly(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "DEBUG": "1",
    }
    env["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    done = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "nope.dump")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no such backup file" in done.stderr


def run_manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_restore_refuses_a_database_with_data_and_says_what_it_holds(
    postgres_databases, tmp_path
):
    source, target = postgres_databases
    manage(source, "migrate", "--noinput")
    backup = tmp_path / "empty.dump"
    manage(source, "backup", str(backup))
    manage(target, "migrate", "--noinput")
    manage(target, "load_demo")
    before = postgres_counts(target)

    done = run_manage(target, "restore", str(backup))

    assert done.returncode == 1
    assert "not empty: it holds 1 episodes, 77 segments" in done.stderr
    assert "--replace" in done.stderr
    assert postgres_counts(target) == before


def test_restore_with_replace_says_what_it_replaced(postgres_databases, tmp_path):
    source, target = postgres_databases
    manage(source, "migrate", "--noinput")
    backup = tmp_path / "empty.dump"
    manage(source, "backup", str(backup))
    manage(target, "migrate", "--noinput")
    manage(target, "load_demo")

    out = manage(target, "restore", str(backup), "--replace")

    assert "Replaced 1 episodes, 77 segments" in out
    assert postgres_counts(target)["glossary_segment"] == 0


def test_a_failed_backup_leaves_the_previous_one_whole(postgres_databases, tmp_path):
    source, _ = postgres_databases
    manage(source, "migrate", "--noinput")
    backup = tmp_path / "kb.dump"
    manage(source, "backup", str(backup))
    previous = backup.read_bytes()
    # The server goes away: pg_dump fails (it truncates its --file first).
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{source.rsplit("/", 1)[1]}" WITH (FORCE)')

    done = run_manage(source, "backup", str(backup))

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert backup.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir()] == ["kb.dump"]
