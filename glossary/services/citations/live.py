"""Citations that follow the glossary: refreshed by the change that moves them.

A service that changes what can be cited (labels, case flags, context rules,
status, a merge, an import, an ingest) calls `citations_follow_change` in its
own transaction, so pages are right without anyone running a command. A
small change (at most `LIVE_TERMS` affected terms) is refreshed there and
then; a larger one is left to `manage.py refresh_citations`, logged, until
the project has a job queue to hand it to.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ...models import Term
from .refresh import RefreshResult, citations_refresh, terms_sharing_words

LIVE_TERMS = 50
logger = logging.getLogger(__name__)


def citations_follow_change(*, term_ids: Iterable[int]) -> RefreshResult | None:
    """Refresh the citations of the terms a change to `term_ids` can affect.

    Returns what the refresh did, or None when the change was too large to
    refresh in the request.
    """
    affected = terms_sharing_words(term_ids)
    if not affected:
        return RefreshResult()
    if len(affected) > LIVE_TERMS:
        logger.warning(
            "%d terms affected: run manage.py refresh_citations", len(affected)
        )
        return None
    return citations_refresh(terms=list(Term.objects.filter(pk__in=affected)))
