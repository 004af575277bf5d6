"""Episode pages: the list, and one episode with its concepts and linked transcript."""

import re

from django.test import TestCase

from glossary.models import Citation, Episode, Segment
from glossary.services.citations import citations_refresh
from glossary.services.ingest import episode_ingest_transcript

from .factories import new_glossary_version
from .test_pages_concepts import build_seed_glossary

SMALL = """Small talk
Episode 7_transcript
Ann: [00:00:00] Welcome. Today: open source <script>alert(1)</script> & RLHF.
Bob: Open source is a licence question. [00:01:00] And open source is a community.
Ann: Thanks, Bob.
"""


def turns(html):
    return re.findall(r'<div class="turn"([^>]*)>(.*?)</div>', html, flags=re.S)


class EpisodeListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()

    def test_lists_episodes_with_people_and_concept_counts(self):
        response = self.client.get("/episodes/")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'href="/episodes/{self.g.episode.slug}/"' in html
        assert "Developing LLMs: Open, closed, or democratic?" in html
        assert "Nathan Lambert" in html and "Thomas Krendl Gilbert" in html
        assert "4 concepts discussed" in html

    def test_runs_two_queries_however_many_episodes(self):
        self.client.get("/episodes/")  # the shows' names, read once and cached
        with self.assertNumQueries(2):
            self.client.get("/episodes/")
        for n in range(8, 14):
            episode_ingest_transcript(
                data=SMALL.replace("Episode 7", f"Episode {n}"), filename="small.txt"
            )
        with self.assertNumQueries(2):
            response = self.client.get("/episodes/")
        assert response.content.decode().count('class="card"') == 7


class EpisodePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.g = build_seed_glossary()
        cls.url = f"/episodes/{cls.g.episode.slug}/"

    def get(self, url=None):
        response = self.client.get(url or self.url)
        assert response.status_code == 200
        return response.content.decode()

    def test_shows_the_title_show_number_and_hosts(self):
        html = self.get()
        assert "<h1>Developing LLMs: Open, closed, or democratic?</h1>" in html
        assert "The Retort · Episode 4" in html
        assert "Nathan Lambert (host)" in html

    def test_lists_concepts_in_order_of_first_mention(self):
        html = self.get()
        timeline = html.split('class="concept-timeline"')[1].split("</ol>")[0]
        slugs = re.findall(r'href="/concepts/([^/]+)/"', timeline)
        firsts = {
            term.slug: min(
                Citation.objects.filter(term=term).values_list("seconds", flat=True)
            )
            for term in (
                self.g.language_model,
                self.g.rlhf,
                self.g.foundation,
                self.g.open_source,
            )
        }
        assert slugs == sorted(firsts, key=firsts.get)
        assert "mistral" not in timeline

    def test_has_the_whole_transcript_by_speaker(self):
        html = self.get()
        found = turns(html)
        assert len(found) == Segment.objects.filter(episode=self.g.episode).count()
        assert "Thomas Krendl Gilbert</span>" in found[0][1]
        assert "Nathan Lambert</span>" in found[1][1]

    def test_every_turn_has_its_start_and_an_anchor_on_its_second(self):
        html = self.get()
        anchors = re.findall(
            r'<div class="turn" id="t=(\d+)" data-start="([\d.]+)"', html
        )
        starts = list(
            Segment.objects.filter(episode=self.g.episode)
            .order_by("order")
            .values_list("start", flat=True)
        )
        assert len(anchors) == len({int(s) for s in starts})
        for second, start in anchors:
            assert int(float(start)) == int(second)
        assert len(re.findall(r'data-start="', html)) == len(starts)

    def test_links_the_first_mention_of_each_concept_in_each_turn(self):
        html = self.get()
        for _attrs, body in turns(html):
            links = re.findall(r'href="/concepts/([^/]+)/"', body)
            assert len(links) == len(set(links))
        linked_turns = [
            body for _a, body in turns(html) if 'href="/concepts/open-source/"' in body
        ]
        assert len(linked_turns) > 10
        assert 'class="kb-term"' in html

    def test_links_no_draft_concept(self):
        assert "/concepts/mistral/" not in self.get()

    def test_has_an_audio_player_and_the_seeking_script(self):
        html = self.get()
        assert (
            '<audio id="episode-audio" controls preload="metadata" '
            'src="https://media.example.org/the-retort-4.mp3" data-episode-audio>'
        ) in html
        assert '<script src="/static/glossary/episode.js" defer></script>' in html

    def test_has_no_player_without_audio(self):
        Episode.objects.filter(pk=self.g.episode.pk).update(audio_url="")
        assert "<audio" not in self.get()

    def test_each_turns_time_link_opens_that_turn_even_without_script(self):
        html = self.get()
        ids = set(re.findall(r'id="(t=\d+)"', html))
        targets = re.findall(
            r'<span class="turn__speaker">[^<]*</span> <a class="time" href="#(t=\d+)"',
            html,
        )
        assert len(targets) == len(turns(html))
        assert set(targets) == ids

    def test_the_seeking_script_is_served(self):
        response = self.client.get("/static/glossary/episode.js")
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode()
        assert "loadedmetadata" in body and "hashchange" in body

    def test_an_unknown_episode_is_a_friendly_404(self):
        response = self.client.get("/episodes/no-such-episode/")
        assert response.status_code == 404
        assert 'role="search"' in response.content.decode()

    def test_runs_five_queries_however_long_the_transcript(self):
        small = episode_ingest_transcript(data=SMALL, filename="small.txt").episode
        citations_refresh(episodes=[small])
        new_glossary_version()
        self.get(f"/episodes/{small.slug}/")
        with self.assertNumQueries(5):
            self.get(f"/episodes/{small.slug}/")
        with self.assertNumQueries(5):
            self.get()


class TranscriptEscapingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_seed_glossary()
        cls.episode = episode_ingest_transcript(data=SMALL, filename="s.txt").episode
        new_glossary_version()

    def test_markup_in_a_transcript_is_shown_as_text(self):
        html = self.client.get(f"/episodes/{self.episode.slug}/").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html

    def test_concepts_are_linked_next_to_escaped_text(self):
        html = self.client.get(f"/episodes/{self.episode.slug}/").content.decode()
        first = turns(html)[0][1]
        assert 'href="/concepts/open-source/"' in first
        assert 'href="/concepts/rlhf/"' in first
        second = turns(html)[1][1]
        assert second.count('href="/concepts/open-source/"') == 1
