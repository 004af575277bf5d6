"""Backups: `pg_dump`/`pg_restore` on PostgreSQL, `dumpdata`/`loaddata` on SQLite."""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404
import tempfile
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

# Everything but what Django rebuilds by itself.
DUMPDATA_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


# What `restore` counts before it replaces anything: the rows people made.
# (Migrations make the Editor group and the permissions; those do not count.)
CONTENTS = {
    "episodes": "glossary.Episode",
    "segments": "glossary.Segment",
    "people": "glossary.Person",
    "terms": "glossary.Term",
    "citations": "glossary.Citation",
    "user accounts": "auth.User",
}


def database_backup(*, path: Path) -> Path:
    """Write the whole database to `path` (a custom-format dump, or JSON on SQLite).

    The dump goes to a temporary file beside `path`, renamed over it only
    once complete, so a failed backup (a full disk, a dead server) leaves
    the previous one at `path` whole.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ValidationError(f"{path.parent}: no such directory.")
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".part", dir=path.parent
    )
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            if connection.vendor == "postgresql":
                _run_pg("pg_dump", "--format=custom", "--no-owner", f"--file={partial}")
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
                file.write(out.getvalue().encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        # pg_dump wrote through its own descriptor: make that durable too.
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ValidationError(
            f"{path}: the backup could not be written ({error.strerror}); "
            "any previous backup there is unchanged."
        ) from None
    except DatabaseError as error:
        partial.unlink(missing_ok=True)
        raise ValidationError(
            f"{path}: the database could not be read ({error}); "
            "any previous backup there is unchanged."
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def database_contents() -> dict[str, int]:
    """How many rows people made this database holds, by kind (none counted
    for tables that do not exist yet, as in a database never migrated)."""
    tables = set(connection.introspection.table_names())
    counts = {}
    for label, model_name in CONTENTS.items():
        model = apps.get_model(model_name)
        if model._meta.db_table in tables:
            counts[label] = model._default_manager.count()
    return {label: n for label, n in counts.items() if n}


def describe_contents(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def database_restore(*, path: Path, replace: bool = False) -> dict[str, int]:
    """Load a backup into this database; return what it replaced.

    A database holding episodes, terms, people or accounts is refused unless
    `replace` is given, so a restore aimed at the wrong database cannot wipe
    it silently.
    """
    if not path.is_file():
        raise ValidationError(f"{path}: no such backup file.")
    replaced = database_contents()
    if replaced and not replace:
        raise ValidationError(
            f"This database is not empty: it holds {describe_contents(replaced)}. "
            "Restore into an empty database, or pass --replace to replace all of "
            "it with the backup."
        )
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
            if replaced:
                call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(path), verbosity=0)
    return replaced


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
