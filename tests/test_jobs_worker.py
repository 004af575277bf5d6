"""Jobs run by a real worker process (`manage.py db_worker`) on the test database.

The feed is served by a real HTTP server on loopback in this process; the
worker fetches from it as it would from a show's host.
"""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from glossary.models import Episode, Job, Segment, Show
from glossary.services.jobs import job_enqueue, job_run
from glossary.wikipedia.recorded import RecordedMediaWiki
from tests.factories import make_term

from .feed_server import FeedServer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


def run_worker(**extra_env: str) -> subprocess.CompletedProcess:
    """One worker process that runs every queued task, then exits."""
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
        f"{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_imports_a_show_from_its_feed(server):
    show = Show.objects.create(
        title="Open Models Weekly", slug="omw", feed_url=server.feed_url
    )
    job = job_enqueue(kind=Job.Kind.IMPORT_FEED, show=show)
    assert job.state == Job.State.QUEUED and job.task_id
    process = run_worker()
    assert process.returncode == 0, process.stderr
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, (job.errors, process.stderr)
    assert (job.done, job.total) == (5, 5)
    assert job.changes["created"] == 5
    assert len(job.changes["changed_episodes"]) == 5
    assert Episode.objects.filter(show=show).count() == 5
    assert job.started_at and job.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_failed_item_makes_the_job_fail_with_its_guid(server):
    server.overrides["transcripts/ep3.srt"] = (500, "text/plain", b"oops")
    show = Show.objects.create(
        title="Open Models Weekly", slug="omw", feed_url=server.feed_url
    )
    job = job_enqueue(kind=Job.Kind.IMPORT_FEED, show=show)
    assert run_worker().returncode == 0
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    [error] = job.errors
    assert "GUID omw-0003 ('Licences for weights')" in error
    assert "answered 500" in error
    assert job.changes["created"] == 4


@pytest.mark.django_db(transaction=True)
def test_show_jobs_reextract_and_refresh_citations_in_the_worker(server):
    show = Show.objects.create(
        title="Open Models Weekly", slug="omw", feed_url=server.feed_url
    )
    job_run(job_id=job_enqueue(kind=Job.Kind.IMPORT_FEED, show=show).pk)
    make_term("open source", short_definition="Code anyone may use.")
    reextract = job_enqueue(kind=Job.Kind.REEXTRACT, show=show)
    refresh = job_enqueue(kind=Job.Kind.REFRESH_CITATIONS, show=show)
    assert run_worker().returncode == 0
    reextract.refresh_from_db()
    refresh.refresh_from_db()
    assert reextract.state == Job.State.SUCCEEDED, reextract.errors
    assert (reextract.done, reextract.total) == (5, 5)
    assert reextract.changes["created"]
    assert refresh.state == Job.State.SUCCEEDED, refresh.errors
    assert refresh.changes["created"] + refresh.changes["unchanged"] >= 1
    assert Segment.objects.filter(citations__term__slug="open-source").exists()


@pytest.mark.django_db
def test_a_show_job_without_a_show_is_refused():
    with pytest.raises(ValidationError, match="needs a show"):
        job_enqueue(kind=Job.Kind.REEXTRACT)


@pytest.mark.django_db
def test_a_wikipedia_enrichment_job_records_what_it_found():
    make_term("Meta", status="candidate")
    make_term("Democratic LLM", status="candidate")
    job = job_enqueue(kind=Job.Kind.ENRICH_WIKIPEDIA, params={"pause": 0})
    job = job_run(job_id=job.pk, transport=httpx.MockTransport(RecordedMediaWiki()))
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert (job.done, job.total) == (2, 2)
    assert job.changes == {"disambiguation": 1, "missing": 1}
    assert "Looked up 2 terms" in job.summary


@pytest.mark.django_db
def test_import_feed_in_the_background_queues_a_job_and_returns():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_feed", "https://feeds.example.org/x.xml", "--background", stdout=out
    )
    job = Job.objects.get()
    assert job.kind == Job.Kind.IMPORT_FEED and job.state == Job.State.QUEUED
    assert job.params["source"] == "https://feeds.example.org/x.xml"
    assert f"Queued job {job.pk}" in out.getvalue()
    assert not Episode.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_refreshes_the_citations_a_large_change_queued():
    from glossary.services.aliases import alias_add
    from glossary.services.citations.live import LIVE_TERMS
    from tests.factories import make_episode

    for i in range(LIVE_TERMS + 1):
        make_term(f"model {i}", slug=f"model-{i}")
    llm = make_term("large language model", slug="llm")
    make_episode(segments=[("Ann", 0.0, "An LLM is a large language model.")])
    alias_add(term=llm, label="LLM model", kind="alternative")
    alias_add(term=llm, label="LLM", kind="abbreviation")
    job = Job.objects.get()
    assert job.kind == Job.Kind.REFRESH_TERMS and not llm.citations.exists()

    process = run_worker()
    assert process.returncode == 0, process.stderr
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, (job.errors, process.stderr)
    assert job.changes["terms"] == LIVE_TERMS + 2 and job.changes["created"] == 2
    assert sorted(llm.citations.values_list("surface", flat=True)) == [
        "LLM",
        "large language model",
    ]
