"""Live citations: small changes refreshed in the request, large ones queued.

A change is "large" when it can move the citations of more than `LIVE_TERMS`
terms; those go to the job queue as one waiting refresh job, which later
large changes join. (The worker running that job is tested with a real
worker process in `test_jobs_worker.py`.)
"""

import contextlib
from io import StringIO

import psycopg
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase

from glossary.models import Citation, Job, Term
from glossary.services.aliases import alias_add
from glossary.services.citations.live import LIVE_TERMS, citations_in_foreground
from glossary.services.jobs import job_enqueue_term_refresh

from .factories import make_episode, make_term


class LargeChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # One more than LIVE_TERMS terms share the word "model", so a label
        # with that word can move the citations of all of them.
        cls.terms = [
            make_term(f"model {i}", slug=f"model-{i}") for i in range(LIVE_TERMS + 1)
        ]
        cls.llm = make_term("large language model", slug="llm")
        cls.episode = make_episode(
            segments=[("Ann", 0.0, "An LLM is a large language model, like model 3.")]
        )

    def test_a_change_affecting_many_terms_queues_one_refresh_job(self):
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.llm, label="LLM model", kind="alternative")
        job = Job.objects.get()
        assert (job.kind, job.state) == (Job.Kind.REFRESH_TERMS, Job.State.QUEUED)
        assert set(job.params["terms"]) == {t.pk for t in [*self.terms, self.llm]}

    def test_a_queued_refresh_leaves_the_citations_to_the_worker(self):
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.llm, label="LLM model", kind="alternative")
        assert not Citation.objects.exists()

    def test_later_large_changes_join_the_waiting_job(self):
        other = make_term("model zoo", slug="zoo")
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.llm, label="LLM model", kind="alternative")
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=other, label="zoo model", kind="alternative")
        job = Job.objects.get()
        assert other.pk in job.params["terms"] and self.llm.pk in job.params["terms"]

    def test_a_change_while_the_refresh_runs_queues_a_new_job(self):
        running = job_enqueue_term_refresh(term_ids=[self.llm.pk])
        Job.objects.filter(pk=running.pk).update(state=Job.State.RUNNING)
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.llm, label="LLM model", kind="alternative")
        waiting = Job.objects.get(state=Job.State.QUEUED)
        assert waiting.pk != running.pk
        assert Job.objects.get(pk=running.pk).params["terms"] == [self.llm.pk]

    def test_in_the_foreground_a_large_change_is_refreshed_in_the_process(self):
        with citations_in_foreground(), self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.llm, label="LLM model", kind="alternative")
        assert not Job.objects.exists()
        assert set(Citation.objects.values_list("surface", flat=True)) == {
            "large language model",
            "model 3",
        }

    def test_a_large_change_rolled_back_does_not_join_the_next_small_one(self):
        with contextlib.suppress(RuntimeError), transaction.atomic():
            alias_add(term=self.llm, label="LLM model", kind="alternative")
            raise RuntimeError("the change is rolled back")
        self.assert_a_small_change_is_refreshed_in_the_request()

    def test_a_small_change_is_refreshed_in_the_request_and_queues_nothing(self):
        self.assert_a_small_change_is_refreshed_in_the_request()

    def assert_a_small_change_is_refreshed_in_the_request(self):
        transformer = make_term("transformer", slug="transformer")
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=transformer, label="LLM", kind="abbreviation")
        assert not Job.objects.exists()
        assert list(Citation.objects.values_list("surface", flat=True)) == ["LLM"]


class RollbackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("large language model", slug="llm")
        make_episode(segments=[("Ann", 0.0, "An LLM, a large language model: LM.")])

    def cited(self):
        return sorted(
            Citation.objects.filter(term=self.term).values_list("surface", flat=True)
        )

    def test_a_rolled_back_savepoint_leaves_the_committed_change_refreshed(self):
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            alias_add(term=self.term, label="LLM", kind="abbreviation")
            with contextlib.suppress(RuntimeError), transaction.atomic():
                alias_add(term=self.term, label="LM", kind="abbreviation")
                raise RuntimeError("this label is rolled back")
        assert self.cited() == ["LLM", "large language model"]

    def test_a_change_rolled_back_whole_refreshes_nothing(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with contextlib.suppress(RuntimeError), transaction.atomic():
                alias_add(term=self.term, label="LLM", kind="abbreviation")
                raise RuntimeError("the change is rolled back")
        assert callbacks == [] and self.cited() == []


class DemoTests(TestCase):
    def test_loading_the_demo_queues_no_job_and_warns_of_nothing(self):
        out = StringIO()
        with self.assertNoLogs("glossary", level="WARNING"):
            with self.captureOnCommitCallbacks(execute=True):
                call_command("load_demo", stdout=out)
        assert not Job.objects.exists()
        assert Citation.objects.filter(term__status=Term.Status.PUBLISHED).exists()


class RefreshStoppedTests(TestCase):
    """A change commits, then its refresh is stopped (a query cancelled by
    `statement_timeout`, or the request's time bound): the worker takes the
    refresh over and the change stands."""

    @classmethod
    def setUpTestData(cls):
        cls.llm = make_term("large language model", slug="llm")
        make_episode(segments=[("Ann", 0.0, "An LLM is a large language model.")])

    def test_a_cancelled_refresh_is_queued_as_a_job(self):
        settings = connection.settings_dict
        with (
            psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
            ) as other,
            other.transaction(),
        ):
            other.execute("LOCK TABLE glossary_citation IN ACCESS EXCLUSIVE MODE")
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = '300ms'")
            try:
                with self.captureOnCommitCallbacks(execute=True):
                    alias_add(term=self.llm, label="LLM", kind="abbreviation")
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SET statement_timeout = 0")
        job = Job.objects.get()
        assert (job.kind, job.params["terms"]) == (
            Job.Kind.REFRESH_TERMS,
            [self.llm.pk],
        )
        assert self.llm.aliases.filter(label="LLM").exists()
