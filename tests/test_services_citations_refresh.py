"""The citation refresh: one matching scope, whatever is refreshed."""

import contextlib

from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from glossary.models import Citation, Term
from glossary.services.aliases import alias_add
from glossary.services.citations import citations_refresh
from glossary.services.terms import terms_publish, terms_set_status

from .factories import make_episode, make_term

WORDS = ["open", "source", "community", "machine", "learning", "model", "meta"]
STATUSES = [
    Term.Status.PUBLISHED,
    Term.Status.DRAFT,
    Term.Status.CANDIDATE,
    Term.Status.REJECTED,
]
labels = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
glossaries = st.lists(
    st.tuples(labels, st.sampled_from(STATUSES)),
    min_size=1,
    max_size=6,
    unique_by=lambda item: item[0],
)
texts = st.lists(
    st.lists(st.sampled_from([*WORDS, "the", "and", "."]), max_size=25).map(" ".join),
    min_size=1,
    max_size=4,
)


def rows(term: Term) -> set[tuple]:
    return set(
        Citation.objects.filter(term=term).values_list(
            "segment_id", "start_char", "end_char", "seconds", "approximate", "quote"
        )
    )


class RefreshScopeProperty(HypothesisTestCase):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(glossary=glossaries, turns=texts, pick=st.integers(min_value=0))
    def test_refreshing_one_term_yields_the_rows_the_full_refresh_yields(
        self, glossary, turns, pick
    ):
        terms = [
            make_term(label, status=status, slug=f"t{i}")
            for i, (label, status) in enumerate(glossary)
        ]
        make_episode(segments=[("Ann", 10.0 * i, t) for i, t in enumerate(turns)])
        term = terms[pick % len(terms)]

        citations_refresh(terms=[term])
        alone = rows(term)
        citations_refresh()
        assert rows(term) == alone
        again = citations_refresh(terms=[term])
        assert (again.created, again.updated, again.deleted) == (0, 0, 0)


class UnreviewedTermsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published = make_term("machine learning")
        cls.candidate = make_term(
            "machine learning community", status=Term.Status.CANDIDATE
        )
        cls.episode = make_episode(
            segments=[
                ("Ann", 0.0, "The machine learning community likes machine learning."),
                ("Bob", 9.0, "A machine learning community meets."),
            ]
        )

    def test_an_unreviewed_term_never_takes_a_mention_of_a_published_one(self):
        citations_refresh()
        assert Citation.objects.filter(term=self.published).count() == 3
        assert not Citation.objects.filter(term=self.candidate).exists()

    def test_refreshing_the_published_term_alone_gives_the_same_count(self):
        citations_refresh(terms=[self.published])
        assert Citation.objects.filter(term=self.published).count() == 3

    def test_among_unreviewed_terms_the_longest_label_wins(self):
        Term.objects.filter(pk=self.published.pk).update(status=Term.Status.DRAFT)
        citations_refresh()
        assert Citation.objects.filter(term=self.candidate).count() == 2
        assert Citation.objects.filter(term=self.published).count() == 1


class LiveRefreshTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("large language model", slug="llm")
        cls.episode = make_episode(
            segments=[("Ann", 0.0, "An LLM is a large language model. LLMs!")]
        )

    def cited(self):
        return sorted(
            Citation.objects.filter(term=self.term).values_list("surface", flat=True)
        )

    def test_a_new_label_is_cited_without_a_command(self):
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.term, label="LLM", kind="abbreviation")
        assert self.cited() == ["LLM", "LLMs", "large language model"]

    def test_a_rolled_back_change_does_not_stop_the_next_one_refreshing(self):
        with contextlib.suppress(RuntimeError), transaction.atomic():
            alias_add(term=self.term, label="LLM", kind="abbreviation")
            raise RuntimeError("the change is rolled back")
        with self.captureOnCommitCallbacks(execute=True):
            alias_add(term=self.term, label="LLM", kind="abbreviation")
        assert self.cited() == ["LLM", "LLMs", "large language model"]

    def test_a_rejected_term_loses_its_citations_without_a_command(self):
        citations_refresh()
        with self.captureOnCommitCallbacks(execute=True):
            terms_set_status(terms=[self.term], status=Term.Status.REJECTED)
        assert self.cited() == []

    def test_publishing_takes_the_words_from_an_unreviewed_term(self):
        model = make_term(
            "language model", status=Term.Status.CANDIDATE, short_definition="A model."
        )
        Term.objects.filter(pk=self.term.pk).update(status=Term.Status.DRAFT)
        citations_refresh()
        assert not Citation.objects.filter(term=model).exists()
        with self.captureOnCommitCallbacks(execute=True):
            terms_publish(terms=[model])
        assert Citation.objects.filter(term=model).count() == 1
        assert self.cited() == []
