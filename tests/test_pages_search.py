"""Search for readers: concepts by label, alias and definition, misspellings
forgiven, then quotes from the transcripts; any input answers a page."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from glossary.models import Alias, Citation, Term
from glossary.search import clean_query, get_search_backend, search
from glossary.search.fallback import FallbackSearchBackend
from glossary.search.postgres import PostgresSearchBackend
from glossary.search.text import letter_swaps, lexeme_spans, needle_spans, snippet
from glossary.services.ingest import episode_ingest_transcript

from .factories import make_alias, make_term, new_glossary_version
from .test_pages_concepts import build_seed_glossary

ROOT = Path(__file__).resolve().parent.parent


def labels(results):
    return [hit.label for hit in results.concepts]


class SearchFunctionTests(TestCase):
    """The PostgreSQL backend (the test database's)."""

    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()

    def test_uses_the_postgresql_backend_on_postgresql(self):
        assert isinstance(get_search_backend(), PostgresSearchBackend)

    def test_finds_a_concept_by_its_preferred_label(self):
        assert labels(search("foundation model"))[0] == "Foundation model"

    def test_finds_a_misspelt_label_by_trigrams(self):
        assert labels(search("fondation model"))[0] == "Foundation model"
        assert labels(search("fondation"))[0] == "Foundation model"
        assert labels(search("langauge modle"))[0] == "Language model"

    def test_finds_an_acronym_with_two_letters_swapped(self):
        results = search("RHLF")
        assert labels(results)[0] == "Reinforcement learning from human feedback"
        assert results.concepts[0].other_label == "RLHF"

    def test_finds_a_concept_by_an_abbreviation_in_any_case(self):
        for query in ("RLHF", "rlhf", "llm", "LLMs"):
            assert labels(search(query)), query
        assert labels(search("llm"))[0] == "Language model"

    def test_finds_a_concept_by_a_hidden_label(self):
        hit = search("reinforcement learning with human feedback").concepts[0]
        assert hit.slug == "rlhf"

    def test_finds_concepts_by_words_of_their_definitions(self):
        assert "Foundation model" in labels(search("Stanford"))
        assert labels(search("licences")) == ["Open source"]

    def test_ranks_a_label_match_above_a_definition_match(self):
        found = labels(search("language model"))
        assert found[0] == "Language model"
        assert "Reinforcement learning from human feedback" in found

    def test_ranks_an_exact_label_above_longer_labels_containing_it(self):
        make_term(
            "Open source community", short_definition="The people around open source."
        )
        assert labels(search("open source"))[:2] == [
            "Open source",
            "Open source community",
        ]

    def test_leaves_out_drafts(self):
        assert "Mistral" not in labels(search("mistral"))

    def test_finds_quotes_from_the_transcript_with_a_time(self):
        results = search("open source")
        assert results.quotes
        quote = results.quotes[0]
        assert quote.episode_slug == self.g.episode.slug
        assert "<mark>" in quote.snippet_html
        assert quote.speaker in {"Nathan Lambert", "Thomas Krendl Gilbert"}
        assert quote.second >= 0

    def test_a_quote_links_to_when_its_words_were_said_not_to_the_turn(self):
        cited = Citation.objects.filter(term=self.g.rlhf).order_by("seconds")[0]
        quote = search("RLHF").quotes[0]
        assert quote.segment_id == cited.segment_id
        assert quote.seconds == cited.seconds
        assert quote.seconds > cited.segment.start + 10

    def test_finds_quotes_for_the_label_a_misspelling_was_taken_to_mean(self):
        results = search("RHLF")
        assert results.quote_terms == ("RHLF", "RLHF")
        assert results.quotes
        assert "<mark>RLHF</mark>" in results.quotes[0].snippet_html

    def test_an_empty_query_searches_nothing(self):
        with self.assertNumQueries(0):
            results = search("   ")
        assert results.query.empty
        assert results.concepts == [] and results.quotes == []

    def test_runs_a_fixed_number_of_queries(self):
        # The glossary version (the label index is reused while it holds),
        # SET LOCAL enable_seqscan, concepts, quotes; inside the test's own
        # transaction also a savepoint, its release and the reset setting.
        # Building the index, once per glossary version, reads two more.
        search("warm the label index")
        with self.assertNumQueries(7):
            search("fondation model")
        with self.assertNumQueries(7):
            search("open source")

    def test_leaves_the_planner_setting_as_it_was(self):
        search("open source")
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone() == ("on",)

    def test_a_very_long_query_is_cut_and_answered(self):
        results = search("open source " * 1000)
        assert results.query.truncated
        assert len(results.query.text) <= 200

    def test_operators_quotes_and_odd_characters_are_searched_as_text(self):
        for query in (
            '"open source"',
            "open -source",
            "open OR source",
            "a & b | !c",
            "foundation:*",
            "(((",
            "'",
            "\\",
            "%_",
            "the",
            "a\x00b",
            "😀",
            "<script>alert(1)</script>",
        ):
            search(query)
        assert labels(search('"open source"'))[0] == "Open source"


class SearchIndexTests(TestCase):
    """The queries use migration 0005's indexes: their expressions must match
    the indexed ones character for character, or PostgreSQL scans."""

    @classmethod
    def setUpTestData(cls):
        build_seed_glossary()
        terms = Term.objects.bulk_create(
            Term(
                label=f"Filler concept {n}",
                slug=f"filler-{n}",
                status=Term.Status.PUBLISHED,
                short_definition=f"Filler number {n}.",
                definition=f"A filler definition about topic {n} and nothing else.",
            )
            for n in range(600)
        )
        Alias.objects.bulk_create(
            Alias(term=term, label=term.label, normalized=term.label.lower())
            for term in terms
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE glossary_term, glossary_alias, glossary_segment")

    def explain(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def test_concept_search_uses_the_full_text_and_trigram_indexes(self):
        plan = self.explain(
            PostgresSearchBackend.concepts_sql(fuzzy=True),
            {
                "text": "fondation model",
                "normalized": "fondation model",
                "swaps": letter_swaps("fondation model"),
                "fuzzy": "fondation model",
                "label_candidates": 200,
                "definition_candidates": 60,
                "limit": 20,
            },
        )
        assert "glossary_term_search_document" in plan
        assert "glossary_alias_search_label" in plan
        assert "glossary_alias_normalized_trgm" in plan

    def test_quote_search_uses_the_segment_text_index(self):
        plan = self.explain(
            PostgresSearchBackend.QUOTES_SQL.format(
                tsquery=PostgresSearchBackend.quotes_tsquery(1)
            ),
            {"term0": "open source", "words": "open source", "candidates": 30},
        )
        assert "glossary_segment_search_text" in plan


class FallbackSearchTests(TestCase):
    """The plain backend the SQLite demo uses, run here through the ORM."""

    @classmethod
    def setUpTestData(cls):
        build_seed_glossary()
        cls.backend = FallbackSearchBackend()

    def test_finds_labels_by_substring_exact_first(self):
        assert labels(self.backend.search("open source"))[0] == "Open source"
        assert labels(self.backend.search("model"))[:2] == [
            "Foundation model",
            "Language model",
        ]

    def test_finds_a_swapped_acronym_and_its_quotes(self):
        results = self.backend.search("RHLF")
        # The label first; then the definition that says RLHF, searched for
        # the query's correction.
        assert labels(results) == [
            "Reinforcement learning from human feedback",
            "Language model",
        ]
        assert results.quote_terms == ("RHLF", "RLHF")
        assert "<mark>RLHF</mark>" in results.quotes[0].snippet_html

    def test_a_quote_links_to_when_its_words_were_said(self):
        cited = Citation.objects.filter(term__slug="rlhf").order_by("seconds")[0]
        assert self.backend.search("RLHF").quotes[0].seconds == cited.seconds

    def test_finds_definitions_by_substring(self):
        assert labels(self.backend.search("stanford")) == ["Foundation model"]

    def test_runs_three_queries(self):
        # The glossary version (for the label index), concepts, quotes.
        self.backend.search("warm the label index")
        with self.assertNumQueries(3):
            self.backend.search("open source")


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()

    def get(self, **params):
        response = self.client.get("/search/", params)
        assert response.status_code == 200
        return response.content.decode()

    def test_lists_concepts_then_quotes(self):
        html = self.get(q="fondation model")
        concepts = html.index('id="concept-results"')
        quotes = html.index('id="quote-results"')
        assert concepts < html.index('href="/concepts/foundation-model/"') < quotes
        assert f'href="/episodes/{self.g.episode.slug}/#t=' in html[quotes:]
        assert "<mark>foundation</mark>" in html[quotes:].lower()

    def test_says_which_label_a_misspelling_matched(self):
        html = self.get(q="RHLF")
        assert 'href="/concepts/rlhf/"' in html
        assert "(RLHF)" in html
        assert "Quotes with “RHLF” or “RLHF”." in html

    def test_an_empty_query_prompts_for_one(self):
        self.get()  # the shows' names, read once and cached
        for params in ({}, {"q": ""}, {"q": "   "}):
            with self.assertNumQueries(0):
                html = self.get(**params)
            assert "Type a word or a phrase" in html

    def test_a_ten_thousand_character_query_answers_with_a_note(self):
        html = self.get(q="x" * 10_000)
        assert "only its first 200 characters were used" in html
        assert "No concept matches" in html

    def test_markup_in_the_query_is_escaped(self):
        html = self.get(q="<script>alert(1)</script>")
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_snippets_escape_the_transcript_text(self):
        episode_ingest_transcript(
            data="T\nEpisode 9_transcript\nAnn: [00:00:00] open source <b>bold</b>\n",
            filename="x.txt",
        )
        html = self.get(q="bold")
        quotes = html.split('id="quote-results"')[1]
        assert "<b>" not in quotes
        assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt;" in quotes

    def test_runs_a_fixed_number_of_queries(self):
        # Four in production; the test's transaction adds three.
        self.get(q="warm the label index")
        with self.assertNumQueries(7):
            self.get(q="open source")
        with self.assertNumQueries(7):
            self.get(q="RHLF")

    def test_is_not_indexed_by_search_engines(self):
        assert '<meta name="robots" content="noindex">' in self.get(q="x")


class SearchNeverFailsTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        make_term("Open source", short_definition="Software anyone can share.")
        make_alias(make_term("RLHF", short_definition="Tuning."), "R.L.H.F.")
        new_glossary_version()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.text(max_size=300))
    def test_any_query_answers_a_page(self, query):
        response = self.client.get("/search/", {"q": query})
        assert response.status_code == 200


def test_clean_query_strips_control_characters_and_spaces():
    query = clean_query("  open\x00\tsource \x1f ")
    assert query.text == "open source"
    assert query.normalized == "open source"
    assert not query.truncated


def test_letter_swaps_swap_each_adjacent_pair_once():
    assert letter_swaps("rhlf") == ["hrlf", "rlhf", "rhfl"]
    assert letter_swaps("aa") == []
    assert letter_swaps("x" * 100) == []


def test_snippets_mark_matches_and_escape_everything_else():
    text = "a <b> Open & sources"
    assert (
        snippet(text, lexeme_spans(text, ["open", "sourc"]))
        == "a &lt;b&gt; <mark>Open</mark> &amp; <mark>sources</mark>"
    )


def test_stems_match_the_words_they_stand_for():
    text = "Happy tuning of open-source models, not sour grapes."
    found = [text[a:b] for a, b, _ in lexeme_spans(text, ["happi", "tune", "model"])]
    assert found == ["Happy", "tuning", "models"]


def test_snippets_show_the_window_with_the_most_matches_with_ellipses():
    text = ("filler " * 60) + "open here and source there " + ("filler " * 60)
    html = snippet(text, needle_spans(text, ["open", "source"]))
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>open</mark> here and <mark>source</mark>" in html
    assert len(html) < 300


def test_search_works_on_the_sqlite_demo(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kb.settings",
    }
    script = (
        "from glossary.search import search, get_search_backend;"
        "from glossary.models import Term, Alias;"
        "t = Term.objects.create(label='Open source', slug='open-source',"
        " status='published', short_definition='Shared code.');"
        "Alias.objects.create(term=t, label='Open source', kind='preferred');"
        "r = search('open source');"
        "print(type(get_search_backend()).__name__, [c.slug for c in r.concepts],"
        " len(r.quotes))"
    )
    for args in (
        ["migrate", "--noinput"],
        ["ingest_transcript", "fixtures/retort-ep04-developing-llms.txt"],
        ["shell", "-c", script],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert "FallbackSearchBackend ['open-source'] 10" in done.stdout
