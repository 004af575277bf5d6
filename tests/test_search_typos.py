"""Forgiving search over the starter glossary, alike on every backend.

`tests/search_table.py` holds the queries; here they run on PostgreSQL and,
through the ORM, on the plain backend the SQLite demo uses (the demo itself
runs them in `test_demo_sqlite.py`). The rules are unit-tested on plain data.
"""

from django.test import TestCase

from glossary.search import search
from glossary.search.fallback import FallbackSearchBackend
from glossary.search.postgres import PostgresSearchBackend
from glossary.search.typos import LabelIndex, typo_budget, words_of
from glossary.services.citations import citations_refresh
from glossary.services.glossary_file import glossary_load_file

from .factories import FIXTURES, seed_episode
from .search_table import TABLE, misses

STARTER = FIXTURES / "retort-ep04-glossary.csv"


class StarterSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_episode()
        glossary_load_file(data=STARTER.read_bytes(), filename=STARTER.name)
        citations_refresh()

    def test_the_table_has_at_least_forty_queries(self):
        assert len(TABLE) >= 40

    def test_every_query_finds_its_concept_first_on_postgresql(self):
        assert misses(PostgresSearchBackend().search) == []

    def test_every_query_finds_its_concept_first_on_the_plain_backend(self):
        assert misses(FallbackSearchBackend().search) == []

    def test_a_misspelt_query_finds_quotes_for_what_it_meant(self):
        results = search("trasnparancy")
        assert results.concepts[0].slug == "transparency"
        assert results.quotes
        assert all("<mark>transparen" in q.snippet_html.lower() for q in results.quotes)

    def test_concepts_come_before_quotes_and_the_exact_label_first(self):
        results = search("infrastructure")
        assert [c.slug for c in results.concepts[:3]] == [
            "infrastructure",
            "private-infrastructure",
            "public-infrastructure",
        ]


def labels(index: LabelIndex, query: str) -> list[str]:
    return [match.label for match in index.find(query)]


INDEX = LabelIndex.build(
    [
        (1, "foundation model", 0),
        (2, "RLHF", 1),
        (3, "open source", 0),
        (4, "GPU", 1),
        (5, "model", 0),
        (6, "Meta", 0),
    ],
    texts=["A model trained at Stanford."],
)


def test_the_typo_budget_grows_with_the_word():
    assert [typo_budget("x" * n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


def test_dotted_and_spaced_acronyms_fold_to_one_word():
    assert words_of("G.P.U.") == words_of("g p u") == words_of("GPU") == ["gpu"]
    assert words_of("Apache 2.0") == words_of("Apache 2. 0") == ["apache", "20"]
    assert words_of("Twitter's a model") == ["twitter", "a", "model"]
    assert words_of("a.w.s") == words_of("A. W. S.") == ["aws"]


def test_a_four_letter_word_forgives_one_swap_but_not_a_wrong_letter():
    assert labels(INDEX, "rhlf") == ["RLHF"]
    assert labels(INDEX, "rlhg") == []


def test_a_short_word_forgives_nothing():
    assert labels(INDEX, "Mota") == []


def test_each_word_carries_its_own_typos():
    assert labels(INDEX, "fondation modle") == ["foundation model"]


def test_a_transposition_counts_as_one_typo():
    assert INDEX.find("foundatoin")[0].typos == 1


def test_an_exact_label_ranks_before_a_longer_one():
    assert labels(INDEX, "model") == ["model", "foundation model"]


def test_joined_words_find_a_label_written_apart():
    assert labels(INDEX, "opensource") == ["open source"]


def test_corrections_come_from_labels_and_definitions():
    assert INDEX.corrected("stanfrod modle") == "stanford model"
    assert INDEX.corrected("stanford model") == ""
