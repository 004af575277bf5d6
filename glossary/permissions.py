"""Who may write what: Django's model permissions, the same on every path.

The admin, the API and the services ask these functions, so the Editor group
(migration 0003) decides what editors may do everywhere: an account that the
admin refuses is refused by the API too. A call without a user is the
operator at the shell (`manage.py`), who may do anything.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

ADD_EPISODE = "glossary.add_episode"
CHANGE_EPISODE = "glossary.change_episode"
CHANGE_TERM = "glossary.change_term"
# What each background job (`Job.Kind`) writes, so who may queue it: an
# import creates and replaces episodes as an upload does.
JOB_PERMISSIONS = {
    "import_feed": (ADD_EPISODE, CHANGE_EPISODE),
    "reextract": (CHANGE_TERM,),
    "refresh_citations": (CHANGE_TERM,),
    "enrich_wikipedia": (CHANGE_TERM,),
    "refresh_terms": (CHANGE_TERM,),
}
# An uploaded transcript ingested by the worker: queued by whoever may
# upload at all; the service asks for the add or the change permission when
# it runs, once the file names its episode, as for an upload in a request.
INGEST_JOB = "ingest_transcript"


def may_ingest(user: Any, *, creating: bool) -> bool:
    """Whether `user` may upload a transcript: a new episode needs the add
    permission, new text for an existing one the change permission, and
    either needs a staff account (the admin's own rule)."""
    if user is None:
        return True
    if not (user.is_active and user.is_staff):
        return False
    return user.has_perm(ADD_EPISODE if creating else CHANGE_EPISODE)


def may_ingest_any(user: Any) -> bool:
    """Whether `user` may upload at all (before the file says which episode)."""
    return may_ingest(user, creating=True) or may_ingest(user, creating=False)


def require_ingest(user: Any, *, creating: bool, episode: object) -> None:
    """Raise `PermissionDenied` naming what `user` may not do."""
    if not may_ingest(user, creating=creating):
        what = "create episodes" if creating else f"replace the transcript of {episode}"
        raise PermissionDenied(f"This account may not {what}.")


def may_run_job(user: Any, kind: str) -> bool:
    """Whether `user` may queue a job of `kind` (staff with its permissions)."""
    if user is None:
        return True
    if kind == INGEST_JOB:
        return may_ingest_any(user)
    if not (user.is_active and user.is_staff):
        return False
    return user.has_perms(JOB_PERMISSIONS[kind])


def require_job(user: Any, kind: str) -> None:
    """Raise `PermissionDenied` naming the job `user` may not queue."""
    if not may_run_job(user, kind):
        raise PermissionDenied(f"This account may not queue a {kind} job.")


def may_view_job(user: Any, job: Any) -> bool:
    """Whether `user` may see a job's state and errors: the account that
    queued it, or staff allowed to view jobs (editors, in the admin)."""
    if not (user.is_active and user.is_staff):
        return False
    return job.created_by_id == user.pk or user.has_perm("glossary.view_job")
