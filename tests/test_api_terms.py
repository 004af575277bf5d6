"""The term endpoints: list, filters, detail, citations, redirects, query counts.

Built on the seed episode (ingested by the service) with a handful of
published terms cited where the episode really says them, one draft term that
must never show, and a renamed term whose old slug still answers.
`build_api_glossary` is shared with the other API test modules.
"""

import re
from types import SimpleNamespace

from django.core.cache import cache
from django.test import TestCase

from glossary.models import Alias, Term, WikipediaArticle
from glossary.search import search
from tests.factories import (
    SEED_AUDIO_URL,
    cite_everywhere,
    make_citation,
    make_episode,
    make_redirect,
    make_term,
    make_wikipedia,
    new_glossary_version,
    seed_episode,
)

Kind = Alias.Kind


def build_api_glossary() -> SimpleNamespace:
    """The seed episode, seven published terms, a draft, citations, Wikipedia."""
    episode = seed_episode()
    language_model = make_term(
        "Language model",
        short_definition="A model of the probability of text.",
        definition=(
            "A **language model** assigns probabilities to text.\n\n"
            "<script>alert(1)</script> [click](javascript:alert(1)) "
            '<img src=x onerror="alert(1)">'
        ),
        aliases=[
            ("LLM", Kind.ABBREVIATION),
            ("large language model", Kind.ALTERNATIVE),
        ],
    )
    foundation = make_term(
        "Foundation model",
        short_definition="A large model adapted to many tasks.",
        broader=[language_model],
    )
    rlhf = make_term(
        "Reinforcement learning from human feedback",
        slug="rlhf",
        short_definition="Tuning a model with human preferences as the reward.",
        definition="A fine-tuning method; see [the paper](https://arxiv.org/abs/2203.02155).",
        aliases=[
            ("RLHF", Kind.ABBREVIATION),
            ("reinforcment learning from human feedback", Kind.HIDDEN),
        ],
        related=[language_model],
    )
    open_source = make_term(
        "Open source",
        short_definition="Software anyone can inspect, modify and share.",
        aliases=[("OSS", Kind.ABBREVIATION)],
        related=[language_model],
    )
    mistral = make_term("Mistral", kind=Term.Kind.ORGANIZATION)
    llama = make_term("Llama", kind=Term.Kind.PRODUCT)
    seven_b = make_term("7B model", short_definition="About seven billion parameters.")
    draft = make_term(
        "Democratic AI", status=Term.Status.DRAFT, short_definition="Not yet."
    )
    rlhf.related.add(draft)
    draft.broader.add(language_model)

    make_redirect(rlhf, "reinforcement-learning-from-human-feedback")
    make_wikipedia(
        rlhf,
        title="Reinforcement learning from human feedback",
        summary="In machine learning, RLHF is a technique to align an agent.",
        revision_id=1259532120,
    )
    make_wikipedia(
        mistral, status=WikipediaArticle.Status.DISAMBIGUATION, summary="Mistral may be"
    )

    citations = {
        "open_source": cite_everywhere(open_source, episode, "open source", limit=12),
        "rlhf": cite_everywhere(rlhf, episode, "RLHF"),
        "language_model": cite_everywhere(
            language_model, episode, "language model", limit=5
        ),
        "foundation": cite_everywhere(foundation, episode, "foundation model", limit=3),
        "mistral": cite_everywhere(mistral, episode, "Mistral"),
        "llama": cite_everywhere(llama, episode, "Llama"),
        "draft": cite_everywhere(draft, episode, "democratic", limit=2),
    }
    featured = citations["rlhf"][1]
    featured.featured = True
    featured.save(update_fields=["featured"])
    new_glossary_version()
    return SimpleNamespace(
        episode=episode,
        language_model=language_model,
        foundation=foundation,
        rlhf=rlhf,
        open_source=open_source,
        mistral=mistral,
        llama=llama,
        seven_b=seven_b,
        draft=draft,
        citations=citations,
        featured=featured,
    )


class ApiTestCase(TestCase):
    """Each test starts with an empty API body cache (bodies are cached by
    ETag, and rolled-back tests can repeat a state)."""

    def setUp(self):
        cache.clear()

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        assert response["Content-Type"].startswith("application/"), response
        return response


class TermListTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def labels(self, query=""):
        response = self.get(f"/api/v1/terms/{query}")
        assert response.status_code == 200, response.json()
        return [item["label"] for item in response.json()["results"]]

    def test_the_list_shows_published_terms_only_by_label(self):
        assert self.labels() == [
            "7B model",
            "Foundation model",
            "Language model",
            "Llama",
            "Mistral",
            "Open source",
            "Reinforcement learning from human feedback",
        ]

    def test_an_item_has_its_labels_urls_and_short_definition(self):
        data = self.get("/api/v1/terms/?q=rlhf").json()
        assert data["count"] == 1
        item = data["results"][0]
        assert item["slug"] == "rlhf"
        assert item["kind"] == "concept"
        assert item["short_definition"].startswith("Tuning a model")
        assert item["url"] == "http://testserver/api/v1/terms/rlhf/"
        assert item["page_url"] == "http://testserver/concepts/rlhf/"
        assert item["aliases"] == [
            {
                "label": "Reinforcement learning from human feedback",
                "kind": "preferred",
                "case_sensitive": False,
            },
            {"label": "RLHF", "kind": "abbreviation", "case_sensitive": True},
        ]
        assert "updated_at" in item

    def test_hidden_labels_are_searchable_but_not_listed(self):
        data = self.get("/api/v1/terms/?q=reinforcment").json()
        assert [item["slug"] for item in data["results"]] == ["rlhf"]
        labels = [alias["label"] for alias in data["results"][0]["aliases"]]
        assert "reinforcment learning from human feedback" not in labels

    def test_search_ignores_case_hyphens_and_finds_aliases(self):
        assert self.labels("?q=OPEN-SOURCE") == ["Open source"]
        assert self.labels("?q=llm") == ["Language model"]
        # The reader search: labels holding the word, then the definitions
        # that say it.
        assert self.labels("?q=model")[:3] == [
            "7B model",
            "Foundation model",
            "Language model",
        ]
        assert "Reinforcement learning from human feedback" in self.labels("?q=model")
        assert self.labels("?q=nothing+like+it") == []
        assert len(self.labels("?q=++")) == 7

    def test_the_episode_filter_keeps_terms_cited_in_it(self):
        other = make_episode("Another episode", segments=[("Tom", 0, "RLHF again.")])
        make_citation(self.g.rlhf, other.segments.get(), surface="RLHF")
        labels = self.labels(f"?episode={self.g.episode.slug}")
        assert "7B model" not in labels
        assert "Democratic AI" not in labels
        assert len(labels) == 6
        assert self.labels(f"?episode={other.slug}") == [
            "Reinforcement learning from human feedback"
        ]
        assert self.labels("?episode=no-such-episode") == []

    def test_updated_since_keeps_recently_changed_terms(self):
        assert len(self.labels("?updated_since=2000-01-01T00:00:00Z")) == 7
        assert self.labels("?updated_since=2999-01-01T00:00:00%2B02:00") == []

    def test_a_bad_updated_since_is_a_400_naming_the_parameter(self):
        response = self.get("/api/v1/terms/?updated_since=garbage")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["status"] == 400
        assert error["code"] == "invalid"
        assert "updated_since" in error["fields"]
        assert error["message"].startswith("updated_since: ")

    def test_letter_filters_by_first_letter_and_groups_digits(self):
        assert self.labels("?letter=l") == ["Language model", "Llama"]
        assert self.labels("?letter=L") == ["Language model", "Llama"]
        assert self.labels("?letter=%23") == ["7B model"]
        assert self.labels("?letter=0-9") == ["7B model"]
        assert self.labels("?letter=z") == []

    def test_a_bad_letter_is_a_400(self):
        response = self.get("/api/v1/terms/?letter=ab")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["letter"]

    def test_ordering_by_label_backwards_or_by_update(self):
        assert self.labels("?ordering=-label")[0] == (
            "Reinforcement learning from human feedback"
        )
        Term.objects.filter(pk=self.g.mistral.pk).update(updated_at="2001-01-01T00:00Z")
        assert self.labels("?ordering=updated_at")[0] == "Mistral"
        assert self.labels("?ordering=-updated_at")[-1] == "Mistral"

    def test_an_unknown_ordering_is_a_400(self):
        response = self.get("/api/v1/terms/?ordering=slug;drop")
        assert response.status_code == 400
        assert "ordering" in response.json()["error"]["fields"]

    def test_an_over_long_search_is_a_400(self):
        response = self.get("/api/v1/terms/?q=" + "x" * 201)
        assert response.status_code == 400
        assert "q" in response.json()["error"]["fields"]


class TermPaginationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        for n in range(120):
            make_term(f"Term {n:03d}")
        new_glossary_version()

    def test_pages_hold_fifty_by_default(self):
        data = self.get("/api/v1/terms/").json()
        assert data["count"] == 120
        assert len(data["results"]) == 50
        assert data["next"] == "http://testserver/api/v1/terms/?page=2"
        assert data["previous"] is None

    def test_asking_for_a_million_gets_the_cap_of_a_hundred(self):
        data = self.get("/api/v1/terms/?page_size=1000000").json()
        assert len(data["results"]) == 100
        assert data["next"].endswith("page=2&page_size=1000000")

    def test_a_smaller_page_size_is_honoured(self):
        data = self.get("/api/v1/terms/?page_size=7&page=3").json()
        assert [item["label"] for item in data["results"]][0] == "Term 014"
        assert len(data["results"]) == 7

    def test_a_page_past_the_end_is_a_json_404(self):
        response = self.get("/api/v1/terms/?page=99")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_a_page_or_size_that_is_not_a_positive_number_is_a_400(self):
        for query in ("page=abc", "page=0", "page=-1", "page=1.0", "page=last"):
            response = self.get(f"/api/v1/terms/?{query}")
            assert response.status_code == 400, query
            assert list(response.json()["error"]["fields"]) == ["page"]
        for query in ("page_size=abc", "page_size=0", "page_size=1.5"):
            response = self.get(f"/api/v1/terms/?{query}")
            assert response.status_code == 400, query
            assert list(response.json()["error"]["fields"]) == ["page_size"]


class TermDetailTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def detail(self, slug):
        response = self.get(f"/api/v1/terms/{slug}/")
        assert response.status_code == 200, response.content
        return response.json()

    def test_the_detail_has_labels_and_both_definitions(self):
        data = self.detail("language-model")
        assert data["label"] == "Language model"
        assert [a["label"] for a in data["aliases"]] == [
            "Language model",
            "LLM",
            "large language model",
        ]
        assert data["short_definition"] == "A model of the probability of text."
        assert data["definition"].startswith("A **language model**")
        assert data["definition_html"].startswith(
            "<p>A <strong>language model</strong> assigns"
        )

    def test_the_html_definition_cannot_run_anything(self):
        html = self.detail("language-model")["definition_html"].lower()
        tags = re.findall(r"<[^>]*>", html)
        assert tags == ["<p>", "<strong>", "</strong>", "</p>", "<p>", "</p>"]
        # The attack is shown as text, escaped; nothing of it is markup.
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_links_in_the_definition_are_kept_safely(self):
        html = self.detail("rlhf")["definition_html"]
        assert (
            '<a href="https://arxiv.org/abs/2203.02155" rel="noopener noreferrer">'
            in html
        )

    def test_wikipedia_comes_with_its_attribution(self):
        wikipedia = self.detail("rlhf")["wikipedia"]
        url = "https://en.wikipedia.org/wiki/Reinforcement_learning_from_human_feedback"
        assert wikipedia["title"] == "Reinforcement learning from human feedback"
        assert wikipedia["url"] == url
        assert wikipedia["summary"].startswith("In machine learning")
        attribution = wikipedia["attribution"]
        assert attribution["text"] == (
            'From Wikipedia, the free encyclopedia: "Reinforcement learning from '
            'human feedback" (revision 1259532120), CC BY-SA 4.0'
        )
        assert attribution["license"] == "CC BY-SA 4.0"
        assert attribution["license_url"] == (
            "https://creativecommons.org/licenses/by-sa/4.0/"
        )
        assert attribution["source_url"] == url
        assert "oldid=1259532120" in attribution["revision_url"]

    def test_a_disambiguation_page_or_no_lookup_shows_no_wikipedia(self):
        assert self.detail("mistral")["wikipedia"] is None
        assert self.detail("llama")["wikipedia"] is None

    def test_relations_show_published_terms_only(self):
        rlhf = self.detail("rlhf")
        assert rlhf["related"] == [
            {
                "slug": "language-model",
                "label": "Language model",
                "url": "http://testserver/api/v1/terms/language-model/",
            }
        ]
        language_model = self.detail("language-model")
        assert [t["slug"] for t in language_model["related"]] == ["open-source", "rlhf"]
        assert [t["slug"] for t in language_model["narrower"]] == ["foundation-model"]
        assert language_model["broader"] == []
        assert [t["slug"] for t in self.detail("foundation-model")["broader"]] == [
            "language-model"
        ]

    def test_citation_count_and_featured_citations(self):
        data = self.detail("rlhf")
        assert data["citation_count"] == len(self.g.citations["rlhf"]) == 2
        assert len(data["featured_citations"]) == 1
        featured = data["featured_citations"][0]
        assert featured["seconds"] == self.g.featured.seconds
        assert featured["featured"] is True
        assert data["citations_url"] == "http://testserver/api/v1/terms/rlhf/citations/"
        assert self.detail("7b-model")["citation_count"] == 0

    def test_a_draft_or_unknown_term_is_a_json_404(self):
        for slug in ("democratic-ai", "no-such-term"):
            response = self.get(f"/api/v1/terms/{slug}/")
            assert response.status_code == 404
            error = response.json()["error"]
            assert error == {
                "status": 404,
                "code": "not_found",
                "message": f"No published term with the slug '{slug}'.",
                "fields": {},
            }

    def test_an_old_slug_answers_301_to_the_current_api_url(self):
        response = self.client.get(
            "/api/v1/terms/reinforcement-learning-from-human-feedback/?x=1"
        )
        assert response.status_code == 301
        assert response["Location"] == "http://testserver/api/v1/terms/rlhf/?x=1"
        assert response["Cache-Control"].startswith("public")

    def test_an_old_slug_of_the_citations_answers_301_too(self):
        response = self.client.get(
            "/api/v1/terms/reinforcement-learning-from-human-feedback/citations/"
        )
        assert response.status_code == 301
        assert response["Location"] == (
            "http://testserver/api/v1/terms/rlhf/citations/"
        )


class TermCitationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def test_every_citation_with_episode_time_speaker_quote_and_links(self):
        data = self.get("/api/v1/terms/rlhf/citations/").json()
        expected = sorted(self.g.citations["rlhf"], key=lambda c: c.seconds)
        assert data["count"] == 2
        assert [item["seconds"] for item in data["results"]] == [
            c.seconds for c in expected
        ]
        first, citation = data["results"][0], expected[0]
        second = int(citation.seconds)
        assert first["episode"] == {
            "slug": self.g.episode.slug,
            "title": "Developing LLMs: Open, closed, or democratic?",
            "url": f"http://testserver/api/v1/episodes/{self.g.episode.slug}/",
            "page_url": f"http://testserver/episodes/{self.g.episode.slug}/",
        }
        assert first["approximate"] is citation.approximate
        assert first["speaker"] in {"Nathan Lambert", "Thomas Krendl Gilbert"}
        assert first["speaker"] == citation.segment.speaker.name
        assert "RLHF" in first["quote"]
        assert first["surface"] == "RLHF"
        assert first["play_url"] == f"{SEED_AUDIO_URL}#t={second}"
        assert first["page_url"] == (
            f"http://testserver/episodes/{self.g.episode.slug}/#t={second}"
        )
        mm, ss = divmod(second, 60)
        assert first["time"] == f"{mm}:{ss:02d}"

    def test_without_audio_there_is_no_play_url(self):
        self.g.episode.audio_url = ""
        self.g.episode.save()
        data = self.get("/api/v1/terms/rlhf/citations/").json()
        assert {item["play_url"] for item in data["results"]} == {None}
        assert data["results"][0]["page_url"].startswith("http://testserver/episodes/")

    def test_citations_are_paginated_and_capped(self):
        data = self.get("/api/v1/terms/open-source/citations/?page_size=5").json()
        assert data["count"] == 12
        assert len(data["results"]) == 5
        seconds = [item["seconds"] for item in data["results"]]
        assert seconds == sorted(seconds)

    def test_a_draft_terms_citations_are_a_404(self):
        response = self.get("/api/v1/terms/democratic-ai/citations/")
        assert response.status_code == 404


class TermQueryCountTests(ApiTestCase):
    """The same number of queries for one item or thirty."""

    @classmethod
    def setUpTestData(cls):
        cls.episode = make_episode(
            "Counting",
            segments=[("Tom", n * 10.0, f"Term {n:02d} said.") for n in range(30)],
        )
        segments = list(cls.episode.segments.order_by("order"))
        cls.terms = []
        for n in range(30):
            term = make_term(
                f"Term {n:02d}",
                aliases=[f"T{n:02d}", (f"tee {n:02d}", Kind.HIDDEN)],
            )
            make_citation(term, segments[n], surface=f"Term {n:02d}", featured=True)
            cls.terms.append(term)
        hub = cls.terms[0]
        hub.related.add(*cls.terms[1:])
        hub.broader.add(*cls.terms[1:])
        for segment in segments:
            make_citation(hub, segment, surface="said")
        new_glossary_version()

    def assert_queries(self, number, url):
        cache.clear()
        with self.assertNumQueries(number):
            response = self.client.get(url)
        assert response.status_code == 200, response.content
        return response.json()

    def test_the_list_runs_four_queries_for_one_or_thirty_terms(self):
        assert len(self.assert_queries(4, "/api/v1/terms/?page_size=1")["results"]) == 1
        assert (
            len(self.assert_queries(4, "/api/v1/terms/?page_size=30")["results"]) == 30
        )

    def test_a_search_adds_a_fixed_number_of_queries(self):
        # The search's own: the glossary version, its planner setting and
        # concepts; the test's transaction adds a savepoint, its release and
        # the reset setting. (Building the label index, once per glossary
        # version, reads two more: done first.)
        url = f"/api/v1/terms/?page_size=30&episode={self.episode.slug}&letter=t"
        self.client.get(url + "&q=warm")
        assert len(self.assert_queries(10, url + "&q=term")["results"]) == 30
        found = self.assert_queries(10, url + "&q=term+00")["results"]
        assert found[0]["slug"] == "term-00"  # the exact label first

    def test_the_detail_runs_seven_queries_however_many_relations(self):
        hub = self.assert_queries(7, "/api/v1/terms/term-00/")
        assert len(hub["related"]) == 29
        assert len(hub["narrower"]) == 0
        assert len(hub["broader"]) == 29
        leaf = self.assert_queries(7, "/api/v1/terms/term-01/")
        assert len(leaf["related"]) == 1

    def test_citations_run_four_queries_for_one_or_thirty(self):
        url = "/api/v1/terms/term-00/citations/"
        assert len(self.assert_queries(4, f"{url}?page_size=1")["results"]) == 1
        assert len(self.assert_queries(4, f"{url}?page_size=30")["results"]) == 30

    def test_a_cached_answer_runs_one_query(self):
        self.assert_queries(4, "/api/v1/terms/?page_size=30")
        with self.assertNumQueries(1):
            response = self.client.get("/api/v1/terms/?page_size=30")
        assert len(response.json()["results"]) == 30


class TermSearchTests(ApiTestCase):
    """`q` is the pages' search: typos forgiven, best first."""

    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def test_a_misspelt_query_finds_the_term_as_the_pages_do(self):
        found = self.client.get("/api/v1/terms/?q=fondation").json()["results"]
        assert found[0]["label"] == "Foundation model"
        page = search("fondation")
        assert [item["slug"] for item in found] == [c.slug for c in page.concepts]
