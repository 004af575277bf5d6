"""Citations that follow the glossary: refreshed by the change that moves them.

A service that changes what can be cited (labels, case flags, context rules,
status, a merge, an import) calls `citations_follow_change` inside its
transaction. The terms are collected and refreshed once when the outermost
transaction commits, still inside the request, so a CSV import of many rows
refreshes once and a rolled-back change refreshes nothing of its own. A small
change (at most `LIVE_TERMS` affected terms) is refreshed there and then; a
larger one is logged and left to `manage.py refresh_citations` until the
project has a job queue to hand it to. An ingest refreshes its episode itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.db import transaction

from ...models import Term
from .refresh import citations_refresh, terms_sharing_words

LIVE_TERMS = 50
logger = logging.getLogger(__name__)
_pending = threading.local()


def citations_follow_change(
    *, term_ids: Iterable[int], removed_labels: Iterable[str] = ()
) -> None:
    """Refresh, once the change commits, the citations it can affect.

    `removed_labels` are labels the change took away (their words still
    point at the terms that may now take those mentions).
    """
    if not _flush_pending():
        # No refresh waits on this transaction: what an earlier, rolled-back
        # one collected is not this change's to refresh.
        _pending.ids, _pending.labels = set(), set()
    pending: set[int] = getattr(_pending, "ids", set())
    pending.update(term_ids)
    _pending.ids = pending
    labels: set[str] = getattr(_pending, "labels", set())
    labels.update(removed_labels)
    _pending.labels = labels
    if not _flush_pending():
        _pending.waiting = True
        transaction.on_commit(_flush)


def _flush_pending() -> bool:
    """Whether a `_flush` registered by this thread waits on the current
    transaction (not run yet, and not discarded by a rollback)."""
    connection = transaction.get_connection()
    return (
        getattr(_pending, "waiting", False)
        and connection.in_atomic_block
        and any(callback is _flush for _, callback, _ in connection.run_on_commit)
    )


def _flush() -> None:
    _pending.waiting = False
    ids: set[int] = getattr(_pending, "ids", set())
    labels: set[str] = getattr(_pending, "labels", set())
    _pending.ids, _pending.labels = set(), set()
    if not ids and not labels:
        return
    affected = terms_sharing_words(ids, labels)
    if len(affected) > LIVE_TERMS:
        logger.warning(
            "%d terms affected by a change: run manage.py refresh_citations",
            len(affected),
        )
        return
    with transaction.atomic():
        citations_refresh(terms=list(Term.objects.filter(pk__in=affected)))
