"""Concept pages for readers: the A–Z index and one page per concept.

Built on the seed episode with a handful of published terms whose
citations come from the real citation service. `build_seed_glossary` is
shared with the episode and search page tests.
"""

import itertools
import json
import re
from datetime import date, timedelta
from types import SimpleNamespace

from django.test import TestCase

from glossary.models import Alias, Citation, Term, TermRedirect, WikipediaArticle
from glossary.selectors.citations import EPISODES_PER_PAGE
from glossary.services.citations import citations_refresh

from .factories import (
    cite_everywhere,
    make_episode,
    make_redirect,
    make_term,
    make_wikipedia,
    new_glossary_version,
    seed_episode,
)


def build_seed_glossary(**episode):
    """The seed episode, four published terms, one draft, their citations
    (made by the citation service from the transcript)."""
    episode = seed_episode(**episode)
    language_model = make_term(
        "Language model",
        short_definition="A model of the probability of text.",
        definition=(
            "A **language model** assigns probabilities to text. Large ones "
            "are the base of every foundation model and are tuned with RLHF."
        ),
        aliases=[
            ("LLM", Alias.Kind.ABBREVIATION),
            ("large language model", Alias.Kind.ALTERNATIVE),
        ],
    )
    rlhf = make_term(
        "Reinforcement learning from human feedback",
        slug="rlhf",
        short_definition="Tuning a model with human preferences as the reward.",
        definition=(
            "A fine-tuning method: a reward model learnt from human preferences "
            "steers a language model. RLHF is hard to document."
        ),
        aliases=[
            ("RLHF", Alias.Kind.ABBREVIATION),
            ("reinforcement learning with human feedback", Alias.Kind.HIDDEN),
        ],
    )
    foundation = make_term(
        "Foundation model",
        short_definition="A large model trained on broad data, adapted to many tasks.",
        definition="Coined at Stanford in 2021; often an open source release.",
    )
    open_source = make_term(
        "Open source",
        short_definition="Software anyone can inspect, modify and share.",
        definition=(
            "## Licences\n\nOpen source is defined by the Open Source "
            "Initiative's licences. A foundation model can be open source."
        ),
    )
    mistral = make_term(
        "Mistral", short_definition="A French AI company.", status="draft"
    )
    foundation.broader.add(language_model)
    rlhf.related.add(language_model)
    open_source.related.add(foundation)
    make_wikipedia(
        rlhf,
        revision_id=1188561250,
        summary=(
            "In machine learning, reinforcement learning from human feedback "
            "(RLHF) is a technique to align an intelligent agent with human "
            "preferences."
        ),
    )
    make_redirect(rlhf, "reinforcement-learning")
    citations_refresh()
    new_glossary_version()
    return SimpleNamespace(
        episode=episode,
        language_model=language_model,
        rlhf=rlhf,
        foundation=foundation,
        open_source=open_source,
        mistral=mistral,
    )


def scripts(html):
    return re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)


def json_ld(html):
    found = [
        body for attrs, body in scripts(html) if 'type="application/ld+json"' in attrs
    ]
    assert len(found) == 1
    return json.loads(found[0])


class ConceptIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()

    def test_lists_published_concepts_a_to_z_with_short_definitions(self):
        response = self.client.get("/concepts/")
        assert response.status_code == 200
        html = response.content.decode()
        labels = [
            "Foundation model",
            "Language model",
            "Open source",
            "Reinforcement learning from human feedback",
        ]
        positions = [html.index(f">{label}</a></dt>") for label in labels]
        assert positions == sorted(positions)
        assert "Software anyone can inspect, modify and share." in html

    def test_leaves_out_drafts(self):
        html = self.client.get("/concepts/").content.decode()
        assert "Mistral" not in html

    def test_lists_abbreviations_as_pointers_to_their_concept(self):
        html = self.client.get("/concepts/").content.decode()
        assert '<dt class="see"><a href="/concepts/rlhf/">RLHF</a></dt>' in html
        assert 'see <a href="/concepts/rlhf/">Reinforcement learning' in html

    def test_never_lists_hidden_labels(self):
        html = self.client.get("/concepts/").content.decode()
        assert "reinforcement learning with human feedback" not in html

    def test_links_the_letters_that_have_concepts_only(self):
        html = self.client.get("/concepts/").content.decode()
        assert '<a href="#letter-F">F</a>' in html
        assert 'id="letter-F"' in html
        assert '<a href="#letter-B">' not in html
        assert 'aria-hidden="true">B</span>' in html

    def test_has_a_search_box(self):
        html = self.client.get("/concepts/").content.decode()
        assert 'role="search"' in html
        assert 'action="/search/"' in html

    def test_runs_two_queries_however_many_concepts(self):
        self.client.get("/concepts/")
        with self.assertNumQueries(2):
            self.client.get("/concepts/")
        for n in range(30):
            make_term(
                f"Extra concept {n}",
                short_definition="More.",
                aliases=[(f"EC{n}", "abbreviation")],
            )
        with self.assertNumQueries(2):
            response = self.client.get("/concepts/")
        assert response.content.decode().count('class="see"') > 30


class ConceptPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()

    def get(self, slug="rlhf"):
        response = self.client.get(f"/concepts/{slug}/")
        assert response.status_code == 200
        return response.content.decode()

    def test_shows_the_preferred_label_as_the_only_h1(self):
        html = self.get()
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == [
            "Reinforcement learning from human feedback"
        ]

    def test_shows_aliases_but_not_hidden_ones(self):
        html = self.get()
        assert '<span class="alias">RLHF</span>' in html
        assert "with human feedback" not in html

    def test_renders_the_definition_as_html(self):
        html = self.get("language-model")
        assert "<strong>language model</strong>" in html

    def test_links_other_concepts_named_in_the_definition(self):
        html = self.get("language-model")
        definition = html.split('class="prose definition">')[1].split("</div>")[0]
        assert 'href="/concepts/foundation-model/"' in definition
        assert 'href="/concepts/rlhf/"' in definition

    def test_does_not_link_a_concept_to_itself(self):
        html = self.get("open-source")
        definition = html.split('class="prose definition">')[1].split("</div>")[0]
        assert "/concepts/open-source/" not in definition
        assert 'href="/concepts/foundation-model/"' in definition

    def test_keeps_headings_in_order_below_the_label(self):
        html = self.get("open-source")
        levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels))

    def test_shows_the_wikipedia_summary_with_link_and_licence(self):
        html = self.get()
        assert "align an intelligent agent with human preferences" in html
        assert (
            'href="https://en.wikipedia.org/wiki/'
            'Reinforcement_learning_from_human_feedback"' in html
        )
        assert "oldid=1188561250" in html
        assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in html
        assert "CC BY-SA 4.0" in html

    def test_shows_no_wikipedia_box_when_the_article_was_not_found(self):
        WikipediaArticle.objects.filter(term=self.g.rlhf).update(
            status=WikipediaArticle.Status.MISSING
        )
        html = self.get()
        assert "From Wikipedia</h2>" not in html
        assert "align an intelligent agent" not in html

    def test_keeps_the_last_good_summary_when_a_refresh_failed(self):
        WikipediaArticle.objects.filter(term=self.g.rlhf).update(
            status=WikipediaArticle.Status.ERROR, message="Timed out."
        )
        assert "align an intelligent agent" in self.get()

    def test_lists_where_it_was_discussed_with_time_speaker_and_quote(self):
        html = self.get()
        first = Citation.objects.filter(term=self.g.rlhf).order_by("seconds").first()
        second = int(first.seconds)
        link = f"/episodes/{self.g.episode.slug}/#t={second}"
        assert f'href="{link}"' in html
        minutes, seconds = divmod(second, 60)
        assert f"{minutes}:{seconds:02d}</time>" in html
        assert "Nathan Lambert" in html
        assert "<mark>RLHF</mark>" in html
        assert "Developing LLMs: Open, closed, or democratic?" in html

    def test_groups_several_mentions_in_one_turn_into_one_quote(self):
        html = self.get()
        mentions = Citation.objects.filter(term=self.g.rlhf)
        assert mentions.count() == 2
        assert mentions.values("segment").distinct().count() == 1
        assert len(re.findall(r'<li class="mention[ "]', html)) == 1
        assert "said 2 times in this turn" in html

    def test_puts_mentions_beyond_the_third_in_a_disclosure(self):
        html = self.get("open-source")
        assert '<details class="more-mentions">' in html

    def test_lists_broader_narrower_and_related_concepts(self):
        html = self.get("language-model")
        relations = html.split('id="relations-heading"')[1]
        assert "Narrower</h3>" in relations
        assert 'href="/concepts/foundation-model/"' in relations
        assert "See also</h3>" in relations
        assert 'href="/concepts/rlhf/"' in relations
        foundation = self.get("foundation-model").split('id="relations-heading"')[1]
        assert "Broader</h3>" in foundation

    def test_does_not_list_unpublished_related_concepts(self):
        self.g.rlhf.related.add(self.g.mistral)
        assert "/concepts/mistral/" not in self.get()

    def test_carries_defined_term_json_ld(self):
        data = json_ld(self.get())
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "DefinedTerm"
        assert data["name"] == "Reinforcement learning from human feedback"
        assert data["alternateName"] == ["RLHF"]
        assert data["description"].startswith("Tuning a model")
        assert data["url"] == "http://testserver/concepts/rlhf/"
        assert data["inDefinedTermSet"]["@type"] == "DefinedTermSet"
        assert data["inDefinedTermSet"]["url"] == "http://testserver/concepts/"
        assert data["sameAs"] == [
            "https://en.wikipedia.org/wiki/Reinforcement_learning_from_human_feedback"
        ]

    def test_json_ld_cannot_close_its_script_element(self):
        Term.objects.filter(pk=self.g.foundation.pk).update(
            short_definition='Not </script><script>alert("x")</script> & more'
        )
        html = self.get("foundation-model")
        data = json_ld(html)
        assert data["description"] == 'Not </script><script>alert("x")</script> & more'
        assert "<script>alert" not in html

    def test_has_a_canonical_url_and_open_graph_tags(self):
        html = self.get()
        assert '<link rel="canonical" href="http://testserver/concepts/rlhf/">' in html
        assert '<meta property="og:title" content="Reinforcement learning' in html
        assert (
            '<meta property="og:url" content="http://testserver/concepts/rlhf/">'
            in (html)
        )
        assert '<meta property="og:type" content="article">' in html
        assert 'property="og:description" content="Tuning a model' in html

    def test_describes_a_concept_by_its_definition_when_it_has_no_short_one(self):
        Term.objects.filter(pk=self.g.foundation.pk).update(
            short_definition="", definition="Big *models* & their\n\nuses."
        )
        html = self.get("foundation-model")
        assert '<meta name="description" content="Big models &amp; their uses.">' in (
            html
        )
        assert json_ld(html)["description"] == "Big models & their uses."

    def test_uses_no_inline_script_so_the_content_security_policy_holds(self):
        response = self.client.get("/concepts/rlhf/")
        assert "script-src 'self'" in response["Content-Security-Policy"]
        for attrs, body in scripts(response.content.decode()):
            assert 'type="application/ld+json"' in attrs or (
                "src=" in attrs and not body.strip()
            )
        assert not re.search(r"\son[a-z]+=", response.content.decode())

    def test_an_old_slug_redirects_permanently(self):
        response = self.client.get("/concepts/reinforcement-learning/")
        assert response.status_code == 301
        assert response["Location"] == "/concepts/rlhf/"

    def test_a_draft_is_not_found(self):
        response = self.client.get("/concepts/mistral/")
        assert response.status_code == 404
        assert "A French AI company" not in response.content.decode()

    def test_a_redirect_to_a_draft_is_not_found(self):
        TermRedirect.objects.create(old_slug="mistral-ai", term=self.g.mistral)
        assert self.client.get("/concepts/mistral-ai/").status_code == 404

    def test_an_unknown_slug_is_a_friendly_404_with_suggestions_and_search(self):
        response = self.client.get("/concepts/rlfh/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "<h1>Nothing here</h1>" in html
        assert 'role="search"' in html
        assert 'href="/concepts/rlhf/"' in html

    def test_runs_a_fixed_number_of_queries(self):
        self.client.get("/concepts/language-model/")
        with self.assertNumQueries(8):
            self.client.get("/concepts/foundation-model/")
        with self.assertNumQueries(8):
            self.client.get("/concepts/open-source/")
        for n in range(5):
            other = make_term(f"Neighbour {n}", short_definition="Near.")
            self.g.open_source.related.add(other)
            self.g.open_source.broader.add(other)
            Alias.objects.create(term=self.g.open_source, label=f"OS{n}")
        new_glossary_version()
        self.client.get("/concepts/open-source/")
        with self.assertNumQueries(8):
            response = self.client.get("/concepts/open-source/")
        assert response.content.decode().count("Neighbour 4") == 2


class ConceptPageAcrossManyEpisodesTests(TestCase):
    """A concept said in more episodes than one page lists."""

    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("Supply chain", short_definition="Where code comes from.")
        cls.episodes = []
        for n in range(1, EPISODES_PER_PAGE + 6):
            episode = make_episode(
                f"Week {n}",
                number=n,
                published_on=date(2024, 1, 1) + timedelta(days=7 * n),
                segments=[
                    ("Host", 0.0, "Hello."),
                    ("Host", 60.0, "The supply chain again, and the supply chain."),
                ],
            )
            cite_everywhere(cls.term, episode, "supply chain")
            cls.episodes.append(episode)
        new_glossary_version()

    def get(self, query=""):
        response = self.client.get(f"/concepts/supply-chain/{query}")
        assert response.status_code == 200
        return response.content.decode()

    def titles(self, html):
        return re.findall(r'<h3 id="episode-\d+"><a href="[^"]*">([^<]*)</a>', html)

    def test_lists_the_newest_episodes_first_one_page_at_a_time(self):
        newest = [f"Week {n}" for n in range(EPISODES_PER_PAGE + 5, 5, -1)]
        assert self.titles(self.get()) == newest

    def test_lists_the_older_episodes_on_the_next_page(self):
        assert self.titles(self.get("?page=2")) == [
            f"Week {n}" for n in range(5, 0, -1)
        ]

    def test_counts_every_mention_and_episode_on_every_page(self):
        episodes = EPISODES_PER_PAGE + 5
        for html in (self.get(), self.get("?page=2")):
            assert f"{2 * episodes} mentions in {episodes} episodes" in html

    def test_links_the_pages_to_each_other(self):
        first, second = self.get(), self.get("?page=2")
        assert 'rel="next" href="/concepts/supply-chain/?page=2"' in first
        assert 'rel="prev"' not in first
        assert 'rel="prev" href="/concepts/supply-chain/"' in second
        assert 'rel="next"' not in second

    def test_gives_each_page_its_own_canonical_url(self):
        assert (
            '<link rel="canonical" href="http://testserver/concepts/supply-chain/?page=2">'
            in self.get("?page=2")
        )

    def test_a_page_past_the_last_or_not_a_number_is_not_found(self):
        for page in ("3", "0", "two", ""):
            response = self.client.get(f"/concepts/supply-chain/?page={page}")
            assert response.status_code == 404, page

    def test_runs_the_same_queries_on_a_later_page(self):
        self.get()
        with self.assertNumQueries(8):
            self.get("?page=2")


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()

    def test_lists_published_concepts_and_episodes(self):
        response = self.client.get("/sitemap.xml")
        assert response.status_code == 200
        xml = response.content.decode()
        assert "<loc>http://testserver/concepts/rlhf/</loc>" in xml
        assert "<loc>http://testserver/concepts/open-source/</loc>" in xml
        assert f"<loc>http://testserver/episodes/{self.g.episode.slug}/</loc>" in xml
        assert "/concepts/mistral/" not in xml
        assert "<lastmod>" in xml
