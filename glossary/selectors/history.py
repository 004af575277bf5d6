"""A term's versions as the admin's history pages describe them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Term

# Bookkeeping every save changes; not what an editor reverts.
UNSHOWN_FIELDS = frozenset({"version", "updated_at", "created_at", "published_at"})


@dataclass(frozen=True)
class TermVersion:
    """A stored version of a term and how it differs from the term now."""

    version: int
    saved_at: datetime
    saved_by: str
    differs: list[str]
    """Names of the fields that version has otherwise than the latest one."""


def term_version(term_id: int, history_id: int) -> TermVersion | None:
    """Version `history_id` of term `term_id`, beside the latest (2 queries)."""
    records = Term.history.filter(id=term_id).select_related("history_user")
    target = records.filter(history_id=history_id).first()
    latest = records.order_by("-history_id").first()
    if target is None or latest is None:
        return None
    delta = latest.diff_against(target)
    return TermVersion(
        version=target.version,
        saved_at=target.history_date,
        saved_by=str(target.history_user or "extraction or a command"),
        differs=[
            str(Term._meta.get_field(change.field).verbose_name)
            for change in delta.changes
            if change.field not in UNSHOWN_FIELDS
        ],
    )
