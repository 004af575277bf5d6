"""Enriching terms from Wikipedia: what is stored, what is kept, what is untouched."""

from datetime import timedelta

import httpx
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from glossary.models import Alias, Term, WikipediaArticle
from glossary.services.wikipedia import (
    WikipediaTally,
    term_copy_wikipedia_summary,
    term_fetch_wikipedia,
    term_wikipedia_candidates,
)
from glossary.wikipedia import WikipediaClient
from glossary.wikipedia.recorded import RecordedMediaWiki

RLHF = "Reinforcement learning from human feedback"
DEFINITION = "An editor's own words about the term."
SHORT = "The editor's tooltip."


def make_term(label, *, aliases=(), wikipedia_title="", **fields):
    term = Term.objects.create(
        label=label,
        slug=label.lower().replace(" ", "-"),
        wikipedia_title=wikipedia_title,
        **fields,
    )
    Alias.objects.create(term=term, label=label, kind=Alias.Kind.PREFERRED)
    for alias, kind in aliases:
        Alias.objects.create(term=term, label=alias, kind=kind)
    return term


def client_for(handler):
    return WikipediaClient(transport=httpx.MockTransport(handler))


def timeout(request):
    raise httpx.ReadTimeout("timed out", request=request)


def refused(request):
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def rate_limited(request):
    return httpx.Response(429, headers={"Retry-After": "30"})


def unavailable(request):
    return httpx.Response(503, text="Service Unavailable")


def not_json(request):
    return httpx.Response(200, text="<!DOCTYPE html><html></html>")


FAILURES = {
    "timeout": (timeout, "did not answer within 5 seconds"),
    "connection refused": (refused, "Could not connect to Wikipedia"),
    "429": (rate_limited, "HTTP 429"),
    "503": (unavailable, "HTTP 503"),
    "not JSON": (not_json, "not JSON"),
}


class WikipediaServiceTestCase(TestCase):
    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.wikipedia = RecordedMediaWiki()
        self.client_ = client_for(self.wikipedia)


class FetchFoundTests(WikipediaServiceTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term(
            RLHF,
            aliases=[("RLHF", Alias.Kind.ABBREVIATION)],
            definition=DEFINITION,
            short_definition=SHORT,
        )

    def test_stores_the_article_with_its_provenance(self):
        before = timezone.now()
        article = term_fetch_wikipedia(term=self.term, client=self.client_)
        article.refresh_from_db()
        assert article.status == WikipediaArticle.Status.FOUND
        assert article.title == RLHF
        assert article.page_id == 73200355
        assert article.revision_id == 1259532120
        assert article.language == "en"
        assert article.url == (
            "https://en.wikipedia.org/wiki/Reinforcement_learning_from_human_feedback"
        )
        assert article.summary.startswith("In machine learning, reinforcement")
        assert article.fetched_at >= before
        assert article.attempted_at == article.fetched_at

    def test_leaves_the_editors_definition_untouched(self):
        term_fetch_wikipedia(term=self.term, client=self.client_)
        self.term.refresh_from_db()
        assert self.term.definition == DEFINITION
        assert self.term.short_definition == SHORT

    def test_keeps_the_previous_summary_when_fetching_again(self):
        WikipediaArticle.objects.create(
            term=self.term, status="found", title=RLHF, summary="An older summary."
        )
        article = term_fetch_wikipedia(term=self.term, client=self.client_)
        assert article.previous_summary == "An older summary."
        assert article.summary.startswith("In machine learning")

    def test_a_second_fetch_within_the_cache_time_makes_no_request(self):
        term_fetch_wikipedia(term=self.term, client=self.client_)
        term_fetch_wikipedia(term=self.term, client=client_for(self.wikipedia))
        assert len(self.wikipedia.requests) == 1

    def test_writes_in_few_queries(self):
        term = Term.objects.prefetch_related("aliases").get(pk=self.term.pk)
        # The transaction's savepoint, SELECT ... FOR UPDATE, then an insert
        # in its own savepoint (get_or_create); an update when it exists.
        with self.assertNumQueries(6):
            term_fetch_wikipedia(term=term, client=self.client_)
        with self.assertNumQueries(4):
            term_fetch_wikipedia(term=term, client=self.client_)

    def test_asks_wikipedia_outside_the_services_transaction(self):
        depths = []
        outside = len(connection.atomic_blocks)

        def handler(request):
            depths.append(len(connection.atomic_blocks))
            return self.wikipedia(request)

        term_fetch_wikipedia(term=self.term, client=client_for(handler))
        assert depths == [outside]


class FetchFailureTests(WikipediaServiceTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term(RLHF, definition=DEFINITION, short_definition=SHORT)
        cls.fetched_at = timezone.now() - timedelta(days=3)
        cls.article = WikipediaArticle.objects.create(
            term=cls.term,
            status="found",
            title=RLHF,
            page_id=73200355,
            revision_id=1200000000,
            url="https://en.wikipedia.org/wiki/Reinforcement_learning_from_human_feedback",
            summary="The last good summary.",
            fetched_at=cls.fetched_at,
        )

    def test_each_transport_failure_is_an_error_status_with_a_message(self):
        for name, (handler, words) in FAILURES.items():
            with self.subTest(name):
                cache.clear()
                article = term_fetch_wikipedia(
                    term=self.term, client=client_for(handler)
                )
                article.refresh_from_db()
                assert article.status == WikipediaArticle.Status.ERROR
                assert words in article.message

    def test_each_transport_failure_keeps_the_last_good_summary(self):
        for name, (handler, _) in FAILURES.items():
            with self.subTest(name):
                cache.clear()
                article = term_fetch_wikipedia(
                    term=self.term, client=client_for(handler)
                )
                article.refresh_from_db()
                assert article.summary == "The last good summary."
                assert article.revision_id == 1200000000
                assert article.fetched_at == self.fetched_at
                assert "is kept" in article.message

    def test_each_transport_failure_leaves_the_definition_untouched(self):
        for name, (handler, _) in FAILURES.items():
            with self.subTest(name):
                cache.clear()
                term_fetch_wikipedia(term=self.term, client=client_for(handler))
                self.term.refresh_from_db()
                assert self.term.definition == DEFINITION
                assert self.term.short_definition == SHORT

    def test_a_failure_records_when_it_was_attempted(self):
        article = term_fetch_wikipedia(term=self.term, client=client_for(timeout))
        assert article.attempted_at > self.fetched_at

    def test_a_failed_request_is_not_retried_with_the_next_label(self):
        Alias.objects.create(term=self.term, label="RLHF", kind=Alias.Kind.ABBREVIATION)
        requests = []

        def handler(request):
            requests.append(request)
            return timeout(request)

        term = Term.objects.get(pk=self.term.pk)
        term_fetch_wikipedia(term=term, client=client_for(handler))
        assert len(requests) == 1


class FetchMissTests(WikipediaServiceTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meta = make_term("Meta", kind="organization", definition=DEFINITION)
        cls.missing = make_term(
            "Democratic LLM",
            aliases=[("Democratic LLMs", Alias.Kind.ALTERNATIVE)],
            definition=DEFINITION,
        )

    def test_a_disambiguation_page_is_a_status_asking_for_the_exact_title(self):
        article = term_fetch_wikipedia(term=self.meta, client=self.client_)
        assert article.status == WikipediaArticle.Status.DISAMBIGUATION
        assert "set the term's Wikipedia title" in article.message
        assert article.summary == ""
        self.meta.refresh_from_db()
        assert self.meta.definition == DEFINITION

    def test_a_missing_page_names_every_title_tried(self):
        article = term_fetch_wikipedia(term=self.missing, client=self.client_)
        assert article.status == WikipediaArticle.Status.MISSING
        assert "“Democratic LLM” or “Democratic LLMs”" in article.message
        self.missing.refresh_from_db()
        assert self.missing.definition == DEFINITION

    def test_the_editors_wikipedia_title_picks_the_article(self):
        self.meta.wikipedia_title = "Meta Platforms"
        self.meta.save()
        article = term_fetch_wikipedia(term=self.meta, client=self.client_)
        assert article.status == WikipediaArticle.Status.FOUND
        assert article.title == "Meta Platforms"
        assert [r.url.params["titles"] for r in self.wikipedia.requests] == [
            "Meta Platforms"
        ]

    def test_a_miss_keeps_a_summary_found_before(self):
        WikipediaArticle.objects.create(
            term=self.meta,
            status="found",
            title="Meta Platforms",
            summary="Meta Platforms, Inc. …",
            fetched_at=timezone.now(),
        )
        article = term_fetch_wikipedia(term=self.meta, client=self.client_)
        assert article.status == WikipediaArticle.Status.DISAMBIGUATION
        assert article.summary == "Meta Platforms, Inc. …"
        assert article.title == "Meta Platforms"


class CandidateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term(
            "Reinforcement learning from human feedback",
            aliases=[
                ("RLHF", Alias.Kind.ABBREVIATION),
                ("Reinforcement learning from human preferences", "alternative"),
                ("reinforcment learning", Alias.Kind.HIDDEN),
            ],
        )

    def test_the_preferred_label_comes_first_then_alternatives_then_abbreviations(self):
        assert term_wikipedia_candidates(self.term) == [
            "Reinforcement learning from human feedback",
            "Reinforcement learning from human preferences",
            "RLHF",
        ]

    def test_misspellings_are_never_tried(self):
        assert "reinforcment learning" not in term_wikipedia_candidates(self.term)

    def test_an_exact_title_is_the_only_candidate(self):
        self.term.wikipedia_title = "  Reinforcement learning  "
        assert term_wikipedia_candidates(self.term) == ["Reinforcement learning"]


class AliasFallbackTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("RLHF training", aliases=[("RLHF", "abbreviation")])

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)

    def test_a_found_alias_is_used_when_the_label_is_missing(self):
        wikipedia = RecordedMediaWiki()
        article = term_fetch_wikipedia(term=self.term, client=client_for(wikipedia))
        assert article.status == WikipediaArticle.Status.FOUND
        assert article.title == RLHF
        assert [r.url.params["titles"] for r in wikipedia.requests] == [
            "RLHF training",
            "RLHF",
        ]


class CopySummaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.empty = make_term("Foundation model")
        cls.written = make_term("Open source", definition=DEFINITION)
        for term in (cls.empty, cls.written):
            WikipediaArticle.objects.create(
                term=term,
                status="found",
                title=term.label,
                revision_id=1259810342,
                url=f"https://en.wikipedia.org/wiki/{term.label.replace(' ', '_')}",
                summary="A summary from Wikipedia.",
                fetched_at=timezone.now(),
            )
        cls.unfetched = make_term("Democratic LLM")

    def test_copies_the_summary_with_its_attribution_into_an_empty_definition(self):
        term = term_copy_wikipedia_summary(term=self.empty)
        term.refresh_from_db()
        assert term.definition.startswith("A summary from Wikipedia.\n\n")
        assert 'From Wikipedia, the free encyclopedia: "[Foundation model]' in (
            term.definition
        )
        assert "CC BY-SA 4.0" in term.definition

    def test_raises_the_terms_version(self):
        version = self.empty.version
        term = term_copy_wikipedia_summary(term=self.empty)
        assert term.version == version + 1

    def test_refuses_to_overwrite_the_editors_definition(self):
        with self.assertRaisesMessage(ValidationError, "already has a definition"):
            term_copy_wikipedia_summary(term=self.written)
        self.written.refresh_from_db()
        assert self.written.definition == DEFINITION

    def test_replaces_the_definition_when_asked_to(self):
        term = term_copy_wikipedia_summary(term=self.written, replace=True)
        assert term.definition.startswith("A summary from Wikipedia.")

    def test_refuses_when_there_is_no_summary(self):
        with self.assertRaisesMessage(ValidationError, "fetch it from Wikipedia first"):
            term_copy_wikipedia_summary(term=self.unfetched)

    def test_refuses_a_stale_edit(self):
        with self.assertRaisesMessage(ValidationError, "changed by someone else"):
            term_copy_wikipedia_summary(
                term=self.empty, expected_version=self.empty.version - 1
            )

    def test_fetching_never_copies_by_itself(self):
        cache.clear()
        term_fetch_wikipedia(term=self.empty, client=client_for(RecordedMediaWiki()))
        self.empty.refresh_from_db()
        assert self.empty.definition == ""


class TallyTests(TestCase):
    def test_summarises_outcomes_and_keeps_the_problems(self):
        term = Term(label="X", slug="x")
        tally = WikipediaTally()
        for status in ["found", "found", "missing", "error"]:
            tally.add(term, WikipediaArticle(term=term, status=status))
        assert tally.summary() == "2 found, 1 missing, 0 disambiguation, 1 error"
        assert [a.status for _, a in tally.problems] == ["missing", "error"]
