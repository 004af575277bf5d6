"""The episode endpoints, the glossary as JSON-LD, and the transcript upload."""

import json
from datetime import date

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from glossary.models import Alias, Appearance, Episode, Segment
from glossary.selectors.shows import show_titles
from tests.factories import (
    FIXTURES,
    SEED,
    SEED_AUDIO_URL,
    make_citation,
    make_episode,
    make_term,
    make_token,
    make_user,
    new_glossary_version,
)
from tests.test_api_terms import ApiTestCase, build_api_glossary

CONVERSATION = FIXTURES / "transcripts" / "conversation.vtt"


class EpisodeTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()
        cls.slug = cls.g.episode.slug
        cls.older = make_episode(
            "An older one",
            published_on=date(2023, 1, 1),
            segments=[("Guest", 0, "Hello.")],
            people=[("Ada Guest", Appearance.Role.GUEST)],
        )

    def test_the_list_has_every_episode_with_its_people(self):
        data = self.get("/api/v1/episodes/").json()
        assert data["count"] == 2
        # Newest first, undated last: the seed episode has no date.
        older, seed = data["results"]
        assert seed["slug"] == self.slug
        assert seed["title"] == "Developing LLMs: Open, closed, or democratic?"
        assert seed["number"] == 4
        assert seed["audio_url"] == SEED_AUDIO_URL
        assert seed["people"] == [
            {"name": "Nathan Lambert", "slug": "nathan-lambert", "role": "host"},
            {
                "name": "Thomas Krendl Gilbert",
                "slug": "thomas-krendl-gilbert",
                "role": "host",
            },
        ]
        assert seed["url"] == f"http://testserver/api/v1/episodes/{self.slug}/"
        assert seed["page_url"] == f"http://testserver/episodes/{self.slug}/"
        assert (
            seed["terms_url"] == f"http://testserver/api/v1/episodes/{self.slug}/terms/"
        )
        assert older["people"] == [
            {"name": "Ada Guest", "slug": "ada-guest", "role": "guest"}
        ]
        assert older["published_on"] == "2023-01-01"

    def test_the_detail_counts_segments_and_published_concepts(self):
        data = self.get(f"/api/v1/episodes/{self.slug}/").json()
        assert (
            data["segment_count"]
            == Segment.objects.filter(episode=self.g.episode).count()
        )
        assert data["concept_count"] == 6  # the draft term is not counted
        assert data["transcript_format"] == "text"
        assert "transcript" not in data

    def test_an_unknown_episode_is_a_json_404(self):
        for url in ("/api/v1/episodes/nope/", "/api/v1/episodes/nope/terms/"):
            response = self.get(url)
            assert response.status_code == 404
            assert response.json()["error"]["message"] == (
                "No episode with the slug 'nope'."
            )

    def test_terms_are_the_published_concepts_in_order_of_first_mention(self):
        data = self.get(f"/api/v1/episodes/{self.slug}/terms/").json()
        assert data["episode"]["slug"] == self.slug
        results = data["results"]
        assert data["count"] == len(results) == 6
        expected = []
        for name in ("open_source", "rlhf", "language_model", "foundation", "mistral"):
            cited = self.g.citations[name]
            expected.append((min(c.seconds for c in cited), len(cited), cited[0].term))
        for seconds, mentions, term in expected:
            item = next(r for r in results if r["slug"] == term.slug)
            assert item["first_seconds"] == seconds
            assert item["mentions"] == mentions
            assert item["play_url"] == f"{SEED_AUDIO_URL}#t={int(seconds)}"
            assert item["url"] == f"http://testserver/api/v1/terms/{term.slug}/"
            assert item["page_url"] == f"http://testserver/concepts/{term.slug}/"
        times = [item["first_seconds"] for item in results]
        assert times == sorted(times)
        assert "democratic-ai" not in [item["slug"] for item in results]

    def test_an_episode_without_citations_has_no_terms(self):
        data = self.get(f"/api/v1/episodes/{self.older.slug}/terms/").json()
        assert data == {
            "episode": {
                "slug": self.older.slug,
                "title": "An older one",
                "url": f"http://testserver/api/v1/episodes/{self.older.slug}/",
                "page_url": f"http://testserver/episodes/{self.older.slug}/",
            },
            "count": 0,
            "results": [],
        }


class EpisodeQueryCountTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episodes = [
            make_episode(
                segments=[("Tom", 1.0, "Nothing.")],
                people=[("Tom Host", "host"), (f"Guest {n}", "guest")],
            )
            for n in range(30)
        ]
        text = " ".join(f"Word{n:02d}" for n in range(30))
        cls.busy = make_episode("Busy", segments=[("Tom", 0, text), ("Nate", 60, text)])
        first, second = cls.busy.segments.order_by("order")
        for n in range(30):
            term = make_term(f"Word{n:02d}")
            make_citation(term, first, surface=f"Word{n:02d}")
            make_citation(term, second, surface=f"Word{n:02d}")
        new_glossary_version()

    def assert_queries(self, number, url):
        cache.clear()
        with self.assertNumQueries(number):
            response = self.client.get(url)
        assert response.status_code == 200, response.content
        return response.json()

    def test_the_list_runs_four_queries_for_one_or_thirty_episodes(self):
        assert (
            len(self.assert_queries(4, "/api/v1/episodes/?page_size=1")["results"]) == 1
        )
        data = self.assert_queries(4, "/api/v1/episodes/?page_size=30")
        assert len(data["results"]) == 30

    def test_the_detail_runs_three_queries(self):
        self.assert_queries(3, f"/api/v1/episodes/{self.episodes[0].slug}/")

    def test_the_terms_run_three_queries_for_none_or_thirty_terms(self):
        assert (
            self.assert_queries(3, f"/api/v1/episodes/{self.episodes[0].slug}/terms/")[
                "results"
            ]
            == []
        )
        data = self.assert_queries(3, f"/api/v1/episodes/{self.busy.slug}/terms/")
        assert data["count"] == 30
        assert {item["mentions"] for item in data["results"]} == {2}

    def test_a_cached_answer_runs_one_query(self):
        url = f"/api/v1/episodes/{self.busy.slug}/terms/"
        self.assert_queries(3, url)
        with self.assertNumQueries(1):
            assert self.client.get(url).json()["count"] == 30


class GlossaryJsonLdTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_api_glossary()

    def document(self):
        response = self.client.get("/api/v1/glossary.jsonld")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        return json.loads(response.content)

    def concept(self, slug):
        concepts = self.document()["schema:hasDefinedTerm"]
        return next(c for c in concepts if c["schema:termCode"] == slug)

    def test_the_set_maps_schema_org_and_skos(self):
        document = self.document()
        assert document["@context"]["schema"] == "https://schema.org/"
        assert document["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
        assert document["@type"] == ["schema:DefinedTermSet", "skos:ConceptScheme"]
        assert document["@id"] == "http://testserver/concepts/"
        assert document["schema:name"] == "The Retort glossary"
        slugs = [c["schema:termCode"] for c in document["schema:hasDefinedTerm"]]
        assert len(slugs) == 7
        assert "democratic-ai" not in slugs

    def test_a_concept_carries_its_labels_definition_and_links(self):
        rlhf = self.concept("rlhf")
        assert rlhf["@id"] == "http://testserver/concepts/rlhf/"
        assert rlhf["@type"] == ["schema:DefinedTerm", "skos:Concept"]
        assert (
            rlhf["schema:name"]
            == rlhf["skos:prefLabel"]
            == ("Reinforcement learning from human feedback")
        )
        assert rlhf["skos:altLabel"] == ["RLHF"]
        assert rlhf["skos:hiddenLabel"] == ["reinforcment learning from human feedback"]
        assert rlhf["skos:definition"].startswith("A fine-tuning method")
        assert rlhf["schema:description"].startswith("Tuning a model")
        assert rlhf["skos:related"] == ["http://testserver/concepts/language-model/"]
        assert rlhf["schema:sameAs"] == (
            "https://en.wikipedia.org/wiki/Reinforcement_learning_from_human_feedback"
        )
        assert (
            rlhf["skos:inScheme"]
            == rlhf["schema:inDefinedTermSet"]
            == ("http://testserver/concepts/")
        )

    def test_broader_and_narrower_point_both_ways_among_published_terms(self):
        model = self.concept("language-model")
        assert model["skos:narrower"] == [
            "http://testserver/concepts/foundation-model/"
        ]
        assert "skos:broader" not in model
        assert sorted(model["skos:altLabel"]) == ["LLM", "large language model"]
        assert self.concept("foundation-model")["skos:broader"] == [
            "http://testserver/concepts/language-model/"
        ]

    def test_plain_json_is_offered_too(self):
        response = self.client.get(
            "/api/v1/glossary.jsonld", headers={"accept": "application/json"}
        )
        assert response["Content-Type"] == "application/json"

    def test_the_document_takes_five_queries_whatever_its_size(self):
        show_titles()  # the site's name: read once, then cached
        with self.assertNumQueries(5):
            self.client.get("/api/v1/glossary.jsonld")
        for n in range(20):
            make_term(f"More {n}", aliases=[(f"M{n}", Alias.Kind.ABBREVIATION)])
        new_glossary_version()
        with self.assertNumQueries(5):
            assert len(self.document()["schema:hasDefinedTerm"]) == 27


@override_settings(KB_TRANSCRIPT_MAX_BYTES=200_000)
class TranscriptUploadTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        # Uploads need the episode permissions a superuser has (test_permissions).
        cls.staff_token = make_token(
            make_user("uploader", staff=True, is_superuser=True)
        )
        cls.user_token = make_token(make_user("reader"))

    def upload(self, token=None, **fields):
        fields.setdefault("file", SEED.open("rb"))
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
        try:
            return self.client.post("/api/v1/transcripts/", fields, **headers)
        finally:
            fields["file"].close()

    def test_anonymous_uploads_are_refused_with_401(self):
        response = self.upload()
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["error"]["code"] == "not_authenticated"
        assert not Episode.objects.exists()

    def test_a_bad_token_is_a_401(self):
        response = self.upload("not-a-token")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"

    def test_a_non_staff_user_is_refused_with_403(self):
        response = self.upload(self.user_token)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert not Episode.objects.exists()

    def test_staff_create_an_episode_then_update_it(self):
        response = self.upload(self.staff_token, audio_url=SEED_AUDIO_URL)
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["created"] is True
        episode = Episode.objects.get()
        assert data["episode"]["slug"] == episode.slug
        assert data["episode"]["audio_url"] == SEED_AUDIO_URL
        assert data["episode"]["segment_count"] == episode.segments.count() > 50
        assert data["segments"]["created"] == data["episode"]["segment_count"]
        assert response["Location"] == (
            f"http://testserver/api/v1/episodes/{episode.slug}/"
        )
        assert "Nathan Lambert" in data["people_created"]

        again = self.upload(self.staff_token)
        assert again.status_code == 200
        assert again.json()["unchanged"] is True
        assert Episode.objects.count() == 1

    def test_the_format_show_and_slug_can_be_given(self):
        response = self.upload(
            self.staff_token,
            file=CONVERSATION.open("rb"),
            format="vtt",
            show="Another show",
            slug="a-conversation",
        )
        assert response.status_code == 201, response.content
        episode = Episode.objects.get(slug="a-conversation")
        assert episode.show.title == "Another show"
        assert episode.transcript_format == "vtt"

    def test_a_broken_transcript_is_a_400_naming_the_line(self):
        bad = SimpleUploadedFile(
            "bad.txt",
            b"Title\n\nEpisode 1_transcript\nTom: [00:02:00] a\nNate: [00:01:00] b\n",
        )
        response = self.upload(self.staff_token, file=bad)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_transcript"
        assert error["message"].startswith("file: bad.txt: line 5: ")
        assert "backwards" in error["message"]
        assert not Episode.objects.exists()

    def test_bad_fields_are_a_400_naming_them(self):
        response = self.upload(
            self.staff_token, format="docx", slug="not a slug", audio_url="nope"
        )
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == {
            "format",
            "slug",
            "audio_url",
        }
        response = self.client.post(
            "/api/v1/transcripts/",
            {},
            headers={"authorization": f"Token {self.staff_token}"},
        )
        assert response.json()["error"]["fields"] == {
            "file": ["No file was submitted."]
        }

    def test_a_json_body_is_a_415(self):
        response = self.client.post(
            "/api/v1/transcripts/",
            {"file": "x"},
            content_type="application/json",
            headers={"authorization": f"Token {self.staff_token}"},
        )
        assert response.status_code == 415
        assert response.json()["error"]["code"] == "unsupported_media_type"

    def test_a_file_over_the_limit_is_a_413(self):
        with override_settings(KB_TRANSCRIPT_MAX_BYTES=1000):
            response = self.upload(self.staff_token)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert not Episode.objects.exists()

    def test_uploads_are_not_cached(self):
        response = self.upload(self.staff_token)
        assert response["Cache-Control"] == "no-store"
