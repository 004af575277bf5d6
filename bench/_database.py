"""A fresh PostgreSQL database for a benchmark, with Django set up on it."""

from __future__ import annotations

import os


def fresh_database(default_url: str) -> None:
    """Drop and create `KB_BENCH_DATABASE_URL` (or `default_url`), then migrate.

    The database is the benchmark's own: it never touches the one `make run`
    or the tests use.
    """
    url = os.environ.get("KB_BENCH_DATABASE_URL", default_url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    os.environ.setdefault("DEBUG", "1")

    import django
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
