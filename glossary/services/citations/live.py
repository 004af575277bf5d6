"""Citations that follow the glossary: refreshed by the change that moves them.

A service that changes what can be cited (labels, case flags, context rules,
status, a merge, an import) calls `citations_follow_change` inside its
transaction. The terms are collected and refreshed once when the outermost
transaction commits, so a CSV import of many rows refreshes once. A small
change (at most `LIVE_TERMS` affected terms) is refreshed there and then,
inside the request; a larger one is handed to the job queue as one
"refresh citations of changed terms" job (`jobs.job_enqueue_term_refresh`),
which later large changes join while it waits. A command whose operator waits
anyway (`load_demo`) can ask for the refresh in the foreground whatever its
size (`citations_in_foreground`). An ingest refreshes its episode itself.

Only public transaction API is used. Every call registers its own flush with
`transaction.on_commit`, and Django drops the registrations of a rolled-back
savepoint or transaction. Flushes run in the order they were registered, so
the first one that runs at a commit knows that the changes collected before
its own were rolled back (their flushes would have run first), and it
refreshes its change and every later one at once; the later flushes find
nothing left. A change rolled back to a savepoint after an earlier change of
the same transaction may be refreshed with it: a refresh is idempotent, so
that costs a little time, never a wrong citation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from django.db import DatabaseError, transaction

from kb.deadline import RequestTimedOut

from ...models import Term
from .refresh import citations_refresh, terms_sharing_words

LIVE_TERMS = 50
logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class _Change:
    ids: frozenset[int]
    labels: frozenset[str]
    foreground: bool


class _Pending(threading.local):
    def __init__(self) -> None:
        self.changes: list[_Change] = []  # in the order their flushes were registered
        self.foreground = 0  # depth of `citations_in_foreground` blocks


_pending = _Pending()


def citations_follow_change(
    *, term_ids: Iterable[int], removed_labels: Iterable[str] = ()
) -> None:
    """Refresh, once the change commits, the citations it can affect.

    `removed_labels` are labels the change took away (their words still
    point at the terms that may now take those mentions).
    """
    change = _Change(
        frozenset(term_ids), frozenset(removed_labels), bool(_pending.foreground)
    )
    _pending.changes.append(change)
    transaction.on_commit(partial(_flush, change))


@contextmanager
def citations_in_foreground() -> Iterator[None]:
    """Changes made inside the block are refreshed in this process, however
    many terms they affect (for commands: the operator waits anyway)."""
    _pending.foreground += 1
    try:
        yield
    finally:
        _pending.foreground -= 1


def _flush(change: _Change) -> None:
    changes = _pending.changes
    index = next((i for i, c in enumerate(changes) if c is change), None)
    if index is None:
        return  # an earlier flush of this commit took it
    # The changes before this one never flushed: they were rolled back.
    batch, _pending.changes = changes[index:], []
    ids = set().union(*(c.ids for c in batch))
    labels = set().union(*(c.labels for c in batch))
    foreground = any(c.foreground for c in batch)
    if not ids and not labels:
        return
    affected = terms_sharing_words(ids, labels)
    if len(affected) > LIVE_TERMS and not foreground:
        from ..jobs import job_enqueue_term_refresh  # jobs imports the services

        job = job_enqueue_term_refresh(term_ids=affected)
        logger.info(
            "%d terms affected by a change: their citations are refreshed by job %d",
            len(affected),
            job.pk,
        )
        return
    try:
        with transaction.atomic():
            citations_refresh(terms=list(Term.objects.filter(pk__in=affected)))
    except (RequestTimedOut, DatabaseError) as error:
        # The change itself is committed and its answer stands; the time ran
        # out (or a query was cancelled) in the refresh: the worker takes it.
        from ..jobs import job_enqueue_term_refresh

        job = job_enqueue_term_refresh(term_ids=affected)
        logger.warning(
            "Citation refresh of %d terms stopped (%s): job %d takes it over",
            len(affected),
            error,
            job.pk,
        )
