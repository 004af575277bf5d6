"""`manage.py enrich_wikipedia`: progress, summary, selection, pauses, retries."""

from io import StringIO

import httpx
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import TestCase

from glossary.models import Alias, Term, WikipediaArticle
from glossary.wikipedia.recorded import RecordedMediaWiki

RLHF = "Reinforcement learning from human feedback"


def make_term(label, *, status="candidate", **fields):
    term = Term.objects.create(
        label=label, slug=label.lower().replace(" ", "-"), status=status, **fields
    )
    Alias.objects.create(term=term, label=label, kind=Alias.Kind.PREFERRED)
    return term


class Sleeps:
    """A fake `sleep`: records the pauses instead of waiting."""

    def __init__(self):
        self.calls = []

    def __call__(self, seconds):
        self.calls.append(seconds)


class EnrichCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rlhf = make_term(RLHF, status="draft", definition="Editor's words.")
        cls.meta = make_term("Meta", status="candidate")
        cls.missing = make_term("Democratic LLM", status="candidate")
        cls.rejected = make_term("Meta Platforms", status="rejected")

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.wikipedia = RecordedMediaWiki()
        self.sleeps = Sleeps()

    def run_command(self, *args, handler=None, **options):
        out, err = StringIO(), StringIO()
        call_command(
            "enrich_wikipedia",
            *args,
            stdout=out,
            stderr=err,
            sleep=self.sleeps,
            transport=httpx.MockTransport(handler or self.wikipedia),
            **options,
        )
        return out.getvalue(), err.getvalue()

    def titles_requested(self):
        return [r.url.params["titles"] for r in self.wikipedia.requests]

    def test_looks_up_every_term_but_rejected_ones(self):
        self.run_command()
        assert sorted(self.titles_requested()) == ["Democratic LLM", "Meta", RLHF]
        statuses = dict(WikipediaArticle.objects.values_list("term__slug", "status"))
        assert statuses == {
            self.rlhf.slug: "found",
            self.meta.slug: "disambiguation",
            self.missing.slug: "missing",
        }

    def test_prints_a_summary_and_the_terms_needing_attention(self):
        out, _ = self.run_command()
        assert (
            "Looked up 3 terms: 1 found, 1 missing, 1 disambiguation, 0 errors." in out
        )
        assert "disambiguation: meta: “Meta” is a disambiguation page" in out
        assert "missing: democratic-llm: Wikipedia has no article" in out

    def test_shows_progress(self):
        _, err = self.run_command()
        assert "Wikipedia" in err
        assert "3/3" in err

    def test_shows_no_progress_when_quiet(self):
        _, err = self.run_command(verbosity=0)
        assert err == ""

    def test_leaves_definitions_untouched(self):
        self.run_command()
        self.rlhf.refresh_from_db()
        assert self.rlhf.definition == "Editor's words."

    def test_only_missing_skips_terms_already_found(self):
        WikipediaArticle.objects.create(term=self.rlhf, status="found", title=RLHF)
        WikipediaArticle.objects.create(term=self.meta, status="error")
        self.run_command("--only-missing")
        assert sorted(self.titles_requested()) == ["Democratic LLM", "Meta"]

    def test_term_looks_up_one_term_whatever_its_status(self):
        out, _ = self.run_command("--term", self.rejected.slug)
        assert self.titles_requested() == ["Meta Platforms"]
        assert "Looked up 1 term: 1 found" in out

    def test_an_unknown_slug_is_refused(self):
        with pytest.raises(CommandError, match="No term has the slug 'nope'"):
            self.run_command("--term", "nope")

    def test_pauses_between_requests(self):
        self.run_command("--pause", "2.5")
        # Three requests, two pauses; the clock is real, the sleep is not.
        assert len(self.sleeps.calls) == 2
        assert all(2.0 < s <= 2.5 for s in self.sleeps.calls)

    def test_pauses_a_second_by_default(self):
        self.run_command()
        assert len(self.sleeps.calls) == 2
        assert all(0.5 < s <= 1.0 for s in self.sleeps.calls)

    def test_a_zero_pause_never_sleeps(self):
        self.run_command("--pause", "0")
        assert self.sleeps.calls == []

    def test_a_negative_pause_is_refused(self):
        with pytest.raises(CommandError, match="cannot be negative"):
            self.run_command("--pause", "-1")

    def test_a_second_run_is_answered_from_the_cache(self):
        self.run_command()
        self.run_command()
        assert len(self.wikipedia.requests) == 3

    def test_honours_retry_after_then_goes_on(self):
        answers = iter([httpx.Response(429, headers={"Retry-After": "7"})])

        def handler(request):
            response = next(answers, None)
            return response or self.wikipedia(request)

        self.run_command("--term", self.rlhf.slug, "--pause", "0", handler=handler)
        assert self.sleeps.calls == [7.0]
        assert WikipediaArticle.objects.get(term=self.rlhf).status == "found"

    def test_a_failure_is_reported_in_the_summary_not_raised(self):
        def unavailable(request):
            return httpx.Response(503)

        out, _ = self.run_command(
            "--term", self.rlhf.slug, "--pause", "0", handler=unavailable
        )
        assert "Looked up 1 term: 0 found, 0 missing, 0 disambiguation, 1 error." in out
        assert "HTTP 503" in out
        # Retried with backoff before giving up.
        assert self.sleeps.calls == [1.0, 2.0, 4.0]

    def test_stops_when_wikipedia_seems_down(self):
        for n in range(6):
            make_term(f"Term {n}")

        def refused(request):
            raise httpx.ConnectError("Connection refused", request=request)

        with pytest.raises(CommandError, match="5 failed lookups in a row"):
            self.run_command("--pause", "0", handler=refused)
        assert WikipediaArticle.objects.filter(status="error").count() == 5
