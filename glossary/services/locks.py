"""One writer at a time for work that must not interleave.

Two ingestions of one new episode at once both find no episode and both
create it (the loser hit the unique slug: a traceback, a 500). The writer
first takes a PostgreSQL advisory lock named after what it writes, inside
its transaction, without waiting: the second gets `Busy` ("already being
ingested"), which every edge shows plainly (the API as a 409). The lock
ends with the transaction. SQLite (the demo) has one writer anyway.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import connection


class Busy(ValidationError):
    """Someone else is writing the same thing right now; try again shortly."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="busy")


def lock_key(name: str) -> int:
    """A signed 64-bit key for `pg_try_advisory_xact_lock`, stable across
    processes (Python's own hash is salted per process)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold_or_refuse(names: list[str], *, busy: str) -> None:
    """Take the locks for `names` in this transaction, or raise `Busy(busy)`."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in sorted(set(names)):
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(name)])
            if not cursor.fetchone()[0]:
                raise Busy(busy)
