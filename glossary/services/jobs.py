"""Background jobs: queue one, and run one (in the worker, or in the foreground).

`job_enqueue` writes a `Job` row and puts its id on the task queue
(django-tasks' database backend) in one transaction, so a job is never
queued without its row or the other way round. `job_run` is what the
worker calls: it marks the job running, calls the one service that does the
work with a progress callback that writes `done`/`total` as it goes (each
update commits on its own, so the admin sees it), and records the errors and
the changes. Nothing here runs inside a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Episode, Job, Show, Term
from ..permissions import require_job
from ..wikipedia import Status, make_client
from .citations import citations_refresh
from .extraction import terms_propose_candidates
from .feed_import import ItemOutcome, show_import_feed
from .wikipedia import WikipediaTally, term_fetch_wikipedia

SHOW_KINDS = {Job.Kind.IMPORT_FEED, Job.Kind.REEXTRACT, Job.Kind.REFRESH_CITATIONS}


def job_enqueue(
    *,
    kind: str,
    show: Show | None = None,
    params: dict[str, Any] | None = None,
    user: Any = None,
) -> Job:
    """Queue a job; `ValidationError` for a show job without its show or feed,
    `PermissionDenied` for a user who may not write what the job writes."""
    from ..tasks import run_job

    require_job(user, kind)

    if kind in SHOW_KINDS and kind != Job.Kind.IMPORT_FEED and show is None:
        raise ValidationError(f"A {kind} job needs a show.")
    if kind == Job.Kind.IMPORT_FEED and not (
        (params or {}).get("source") or (show and show.feed_url)
    ):
        raise ValidationError("An import needs the show's feed URL or a source.")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            show=show,
            params=params or {},
            created_by=user if getattr(user, "pk", None) else None,
        )
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job


def job_run(*, job_id: int, transport: httpx.BaseTransport | None = None) -> Job:
    """Run a queued job to its end and record how it went.

    `transport` stands in for Wikipedia in tests of enrichment jobs.
    """
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, started_at=timezone.now(), done=0
    )
    try:
        errors, changes, summary = RUNNERS[job.kind](job, _Progress(job), transport)
    except Exception as error:  # recorded for the admin, then re-raised
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            errors=[f"{type(error).__name__}: {error}"],
            summary=f"Stopped by an error: {error}",
        )
        raise
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED if errors else Job.State.SUCCEEDED,
        finished_at=timezone.now(),
        errors=errors[:500],
        changes=changes,
        summary=summary,
    )
    job.refresh_from_db()
    return job


class _Progress:
    """Writes `done` and `total` on the job row as work goes on."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def set(self, done: int, total: int | None) -> None:
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total)

    def over(self, items: Iterable) -> Iterator:
        items = list(items)
        self.set(0, len(items))
        for done, item in enumerate(items, start=1):
            yield item
            self.set(done, len(items))


Runner = Callable[[Job, _Progress, Any], tuple[list[str], dict[str, Any], str]]


def _import_feed(job: Job, progress: _Progress, transport: Any):
    def on_item(index: int, total: int, outcome: ItemOutcome) -> None:
        progress.set(index, total)

    result = show_import_feed(
        source=job.params.get("source") or (job.show.feed_url if job.show else ""),
        show=job.show,
        progress=on_item,
        replace=bool(job.params.get("replace")),
    )
    if result.show and not job.show_id:
        Job.objects.filter(pk=job.pk).update(show=result.show)
    errors = [result.error] if result.error else [o.line() for o in result.failed]
    changes: dict[str, Any] = dict(result.counts())
    changes["changed_episodes"] = [
        o.episode_slug for o in result.outcomes if o.status in ("created", "updated")
    ]
    if result.gone:
        changes["gone_from_feed"] = result.gone
    return errors, changes, result.summary()


def _show_episodes(job: Job) -> list[Episode]:
    return list(Episode.objects.filter(show=job.show).order_by("number", "pk"))


def _reextract(job: Job, progress: _Progress, transport: Any):
    result = terms_propose_candidates(
        episodes=_show_episodes(job),
        limit=int(job.params.get("limit", 150)),
        progress=progress.over,
    )
    changes = {
        "created": [t.slug for t in result.created],
        "updated": len(result.updated),
        "unchanged": result.unchanged,
        "skipped": result.skipped,
    }
    summary = (
        f"{len(result.created)} new candidates, {len(result.updated)} updated, "
        f"{result.unchanged} unchanged, {result.skipped} already curated."
    )
    return [], changes, summary


def _refresh_citations(job: Job, progress: _Progress, transport: Any):
    episodes = _show_episodes(job)
    progress.set(0, len(episodes))
    result = citations_refresh(episodes=episodes)
    progress.set(len(episodes), len(episodes))
    changes = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deleted": result.deleted,
    }
    summary = (
        f"Citations: {result.created} added, {result.updated} updated, "
        f"{result.deleted} removed, {result.unchanged} unchanged."
    )
    return [], changes, summary


def _enrich_wikipedia(job: Job, progress: _Progress, transport: Any):
    terms = Term.objects.proposable()
    if job.params.get("only_missing"):
        terms = terms.exclude(wikipedia__status=Status.FOUND)
    chosen = list(terms.prefetch_related("aliases").order_by("label"))
    tally = WikipediaTally()
    pause = job.params.get("pause")
    with make_client(
        bulk=True, pause=None if pause is None else float(pause), transport=transport
    ) as client:
        for term in progress.over(chosen):
            tally.add(term, term_fetch_wikipedia(term=term, client=client))
    errors = [
        f"{term.slug}: {article.message}"
        for term, article in tally.problems
        if article.status == Status.ERROR
    ]
    changes = {str(status): count for status, count in tally.counts.items()}
    return errors, changes, f"Looked up {tally.total} terms: {tally.summary()}."


RUNNERS: dict[str, Runner] = {
    Job.Kind.IMPORT_FEED: _import_feed,
    Job.Kind.REEXTRACT: _reextract,
    Job.Kind.REFRESH_CITATIONS: _refresh_citations,
    Job.Kind.ENRICH_WIKIPEDIA: _enrich_wikipedia,
}


def job_enqueue_term_refresh(*, term_ids: Iterable[int]) -> Job:
    """Queue a refresh of these terms' citations, joining the one that waits.

    Large live refreshes (`citations.live`) come here: while a refresh job is
    still queued, later changes add their terms to it rather than queue one
    each. The row is locked while its terms grow; the worker marks it running
    under the same lock and reads the terms only then (`_refresh_terms`), so
    a term added is either in the running job or starts a new one.
    """
    wanted = set(term_ids)
    with transaction.atomic():
        waiting = (
            Job.objects.select_for_update()
            .filter(kind=Job.Kind.REFRESH_TERMS, state=Job.State.QUEUED)
            .order_by("pk")
            .first()
        )
        if waiting is None:
            return job_enqueue(
                kind=Job.Kind.REFRESH_TERMS, params={"terms": sorted(wanted)}
            )
        waiting.params["terms"] = sorted(wanted | set(waiting.params.get("terms", [])))
        waiting.save(update_fields=["params"])
    return waiting


def _refresh_terms(job: Job, progress: _Progress, transport: Any):
    # Read now that the job is running: changes queued meanwhile joined it.
    ids = Job.objects.values_list("params", flat=True).get(pk=job.pk)["terms"]
    terms = list(Term.objects.filter(pk__in=ids))
    result = citations_refresh(terms=terms, progress=progress.over)
    changes = {
        "terms": len(terms),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deleted": result.deleted,
    }
    summary = (
        f"Citations of {len(terms)} changed terms: {result.created} added, "
        f"{result.updated} updated, {result.deleted} removed, "
        f"{result.unchanged} unchanged."
    )
    return [], changes, summary


RUNNERS[Job.Kind.REFRESH_TERMS] = _refresh_terms


def _ingest_transcript(job: Job, progress: _Progress, transport: Any):
    from .uploads import upload_job_run

    progress.set(0, 1)
    outcome = upload_job_run(job)
    progress.set(1, 1)
    return outcome


RUNNERS[Job.Kind.INGEST_TRANSCRIPT] = _ingest_transcript
