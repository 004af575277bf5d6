"""Backups: `pg_dump`/`pg_restore` on PostgreSQL, `dumpdata`/`loaddata` on SQLite."""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction

# Everything but what Django rebuilds by itself.
DUMPDATA_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def database_backup(*, path: Path) -> Path:
    """Write the whole database to `path` (a custom-format dump, or JSON on SQLite)."""
    if connection.vendor == "postgresql":
        _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={path}")
    else:
        out = StringIO()
        call_command(
            "dumpdata",
            exclude=DUMPDATA_EXCLUDE,
            natural_foreign=True,
            natural_primary=True,
            indent=None,
            stdout=out,
        )
        path.write_text(out.getvalue(), encoding="utf-8")
    return path


def database_restore(*, path: Path) -> None:
    """Load a backup into this database, which must be migrated and empty of data."""
    if not path.is_file():
        raise ValidationError(f"{path}: no such backup file.")
    if connection.vendor == "postgresql":
        _run_pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(path),
            database_flag="--dbname",
        )
    else:
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)


def _run_pg(program: str, *args: str, database_flag: str = "--dbname") -> None:
    executable = shutil.which(program)
    if executable is None:
        raise ValidationError(f"{program} is not installed (PostgreSQL client tools).")
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    command = [executable, *args, f"{database_flag}={settings['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command.append(f"{flag}={settings[key]}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise ValidationError(f"{program} failed: {done.stderr.strip()}")
