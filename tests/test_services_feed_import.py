"""Importing a show from its feed, served by a real HTTP server on loopback."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from glossary.models import Appearance, Episode, Person, Segment, Show
from glossary.services.feed_import import show_import_feed

from .feed_server import FEEDS, FeedServer


class ServedFeedTestCase(TestCase):
    """The fixture feed served on loopback for the whole class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FeedServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()


class FeedImportTests(ServedFeedTestCase):
    def setUp(self):
        self.server.overrides.clear()
        self.server.reset()

    def run_import(self, **kwargs):
        return show_import_feed(source=self.server.feed_url, **kwargs)

    def test_the_first_import_creates_the_show_and_every_episode(self):
        result = self.run_import()
        assert result.ok, result.summary()
        assert result.counts() == {"created": 5}
        show = Show.objects.get()
        assert show.title == "Open Models Weekly"
        assert show.feed_url == self.server.feed_url
        assert show.artwork_url == "https://openmodels.example.org/artwork.jpg"
        assert [h["name"] for h in show.default_hosts] == [
            "Ada Lovelace",
            "Alan Turing",
        ]
        assert sorted(Episode.objects.values_list("number", flat=True)) == [
            1,
            2,
            3,
            4,
            5,
        ]

    def test_the_feed_items_metadata_is_stored(self):
        self.run_import()
        episode = Episode.objects.get(guid="omw-0004")
        assert episode.title == "Who audits the auditors?"
        assert (episode.number, episode.season) == (4, 1)
        assert str(episode.published_on) == "2024-08-27"
        assert episode.audio_url == "https://media.example.org/omw/4.mp3"
        assert (episode.audio_type, episode.audio_length) == ("audio/mpeg", 38560000)
        assert episode.duration == 2410
        assert episode.page_url == "https://openmodels.example.org/4"

    def test_the_richest_transcript_listed_is_the_one_fetched(self):
        self.run_import()
        fetched = set(self.server.downloads())
        assert "/transcripts/ep1.json" in fetched
        assert "/transcripts/ep1.vtt" not in fetched
        assert "/transcripts/ep4.html" in fetched
        assert "/transcripts/ep4.txt" not in fetched
        assert Episode.objects.get(guid="omw-0001").transcript_format == "json"
        assert Episode.objects.get(guid="omw-0004").transcript_format == "html"

    def test_feed_credits_name_hosts_and_guests_with_roles(self):
        self.run_import()
        episode = Episode.objects.get(guid="omw-0002")
        roles = dict(
            Appearance.objects.filter(episode=episode).values_list(
                "person__name", "role"
            )
        )
        assert roles == {
            "Ada Lovelace": "host",
            "Alan Turing": "host",
            "Claude Shannon": "guest",
        }

    def test_diarized_plain_text_from_the_feed_becomes_placeholder_voices(self):
        result = self.run_import()
        episode = Episode.objects.get(guid="omw-0005")
        speakers = set(episode.segments.values_list("speaker__name", flat=True))
        assert speakers == {
            "Speaker 1 (ep-5-benchmarks-and-their-discontents)",
            "Speaker 2 (ep-5-benchmarks-and-their-discontents)",
        }
        five = next(o for o in result.outcomes if o.guid == "omw-0005")
        assert "overlapping speech" in five.message

    def test_a_second_import_downloads_nothing_and_changes_nothing(self):
        self.run_import()
        before = list(Segment.objects.order_by("pk").values_list("pk", "text"))
        self.server.reset()
        result = self.run_import()
        assert result.ok
        assert result.feed_unchanged
        assert result.counts() == {"unchanged": 5}
        assert "Nothing changed." in result.summary()
        assert self.server.downloads() == []
        assert len(self.server.requests) == 6  # the feed and 5 transcripts, all 304
        assert list(Segment.objects.order_by("pk").values_list("pk", "text")) == before

    def test_a_changed_transcript_updates_that_episode_alone(self):
        self.run_import()
        others = list(
            Segment.objects.exclude(episode__guid="omw-0002")
            .order_by("pk")
            .values_list("pk", "text")
        )
        changed = (
            (FEEDS / "transcripts" / "ep2.vtt")
            .read_bytes()
            .replace(b"do not, yet.", b"do not, not yet.")
        )
        self.server.overrides["transcripts/ep2.vtt"] = (200, "text/vtt", changed)
        self.server.reset()
        result = self.run_import()
        assert result.counts() == {"updated": 1, "unchanged": 4}
        assert self.server.downloads() == ["/transcripts/ep2.vtt"]
        assert Segment.objects.filter(text__contains="do not, not yet.").exists()
        assert (
            list(
                Segment.objects.exclude(episode__guid="omw-0002")
                .order_by("pk")
                .values_list("pk", "text")
            )
            == others
        )

    def test_one_failing_item_is_reported_and_the_others_import(self):
        self.server.overrides["transcripts/ep3.srt"] = (404, "text/html", b"gone")
        result = self.run_import()
        assert result.counts() == {"created": 4, "failed": 1}
        [failed] = result.failed
        assert failed.guid == "omw-0003" and failed.title == "Licences for weights"
        assert "answered 404" in failed.message
        assert not Episode.objects.filter(guid="omw-0003").exists()
        assert "Failed GUID omw-0003 ('Licences for weights')" in result.summary()

    def test_an_episode_gone_from_the_feed_is_kept_and_reported(self):
        self.run_import()
        feed = (FEEDS / "show.xml").read_text().replace("{{BASE}}", self.server.base)
        start = feed.index('    <item>\n      <guid isPermaLink="false">omw-0001')
        end = feed.index("</item>", start) + len("</item>")
        shorter = (feed[:start] + feed[end:]).encode()
        self.server.overrides["show.xml"] = (200, "application/rss+xml", shorter)
        result = self.run_import()
        assert result.ok
        assert result.gone == [Episode.objects.get(guid="omw-0001").slug]
        assert "No longer in the feed (kept)" in result.summary()
        assert Episode.objects.count() == 5

    def test_a_feed_file_imports_like_its_url(self):
        path = self.feed_file()
        result = show_import_feed(source=str(path))
        assert result.ok, result.summary()
        assert result.counts() == {"created": 5}

    def test_the_command_shows_progress_and_fails_when_an_item_fails(self):
        out = StringIO()
        call_command("import_feed", self.server.feed_url, stdout=out)
        assert "[1/5] created: GUID omw-0005" in out.getvalue()
        self.server.overrides["show.xml"] = (
            200,
            "application/rss+xml",
            (FEEDS / "show.xml")
            .read_bytes()
            .replace(b"{{BASE}}", self.server.base.encode())
            .replace(b"transcripts/ep2.vtt", b"transcripts/missing.vtt"),
        )
        out = StringIO()
        with pytest.raises(CommandError, match="1 of 5 items failed"):
            call_command("import_feed", self.server.feed_url, stdout=out)
        assert "[4/5] failed: GUID omw-0002" in out.getvalue()

    def test_the_command_refuses_an_unreadable_feed_with_a_non_zero_exit(self):
        self.server.overrides["show.xml"] = (200, "application/rss+xml", b"<rss")
        with pytest.raises(CommandError, match="not a readable XML feed"):
            call_command("import_feed", self.server.feed_url, stdout=StringIO())

    def test_a_placeholder_voice_is_named_when_the_credits_leave_no_doubt(self):
        text = (
            b"Ada Lovelace: [00:00:00] Welcome, Grace.\n"
            b"Alan Turing: [00:00:04] Hello.\n"
            b"Speaker 3: [00:00:08] Thanks for having me.\n"
        )
        self.server.overrides["transcripts/ep5.txt"] = (200, "text/plain", text)
        feed = (
            (FEEDS / "show.xml")
            .read_bytes()
            .replace(b"{{BASE}}", self.server.base.encode())
        )
        feed = feed.replace(
            b'<podcast:person role="guest">Grace Hopper</podcast:person>',
            b'<podcast:person role="host">Ada Lovelace</podcast:person>'
            b'<podcast:person role="host">Alan Turing</podcast:person>'
            b'<podcast:person role="guest">Grace Hopper</podcast:person>',
        )
        self.server.overrides["show.xml"] = (200, "application/rss+xml", feed)
        self.run_import()
        episode = Episode.objects.get(guid="omw-0005")
        grace = Person.objects.get(name="Grace Hopper")
        assert episode.segments.get(order=2).speaker == grace
        assert not Person.objects.filter(is_placeholder=True).exists()

    def feed_file(self):
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        path = folder / "show.xml"
        path.write_bytes(
            (FEEDS / "show.xml")
            .read_bytes()
            .replace(b"{{BASE}}", self.server.base.encode())
        )
        return path


class FeedMetadataTests(ServedFeedTestCase):
    """An item whose metadata moved while its transcript stayed the same."""

    NEW_ITEM = (
        b"<title>Who audits the auditors, really?</title>",
        b"<pubDate>Wed, 28 Aug 2024 09:00:00 GMT</pubDate>",
        b'<enclosure url="https://cdn.example.org/omw/4-v2.mp3"',
    )

    def setUp(self):
        self.server.overrides.clear()
        show_import_feed(source=self.server.feed_url)
        self.server.reset()

    def import_moved_feed(self):
        feed = (
            (FEEDS / "show.xml")
            .read_bytes()
            .replace(b"{{BASE}}", self.server.base.encode())
        )
        old = (
            b"<title>Who audits the auditors?</title>",
            b"<pubDate>Tue, 27 Aug 2024 09:00:00 GMT</pubDate>",
            b'<enclosure url="https://media.example.org/omw/4.mp3"',
        )
        for before, after in zip(old, self.NEW_ITEM, strict=True):
            feed = feed.replace(before, after)
        self.server.overrides["show.xml"] = (200, "application/rss+xml", feed)
        return show_import_feed(source=self.server.feed_url)

    def test_new_title_date_and_audio_update_the_episode_without_a_download(self):
        segments = list(Segment.objects.order_by("pk").values_list("pk", "text"))
        result = self.import_moved_feed()
        assert result.counts() == {"updated": 1, "unchanged": 4}
        assert self.server.downloads() == ["/show.xml"]
        episode = Episode.objects.get(guid="omw-0004")
        assert episode.title == "Who audits the auditors, really?"
        assert str(episode.published_on) == "2024-08-28"
        assert episode.audio_url == "https://cdn.example.org/omw/4-v2.mp3"
        assert list(Segment.objects.order_by("pk").values_list("pk", "text")) == (
            segments
        )

    def test_the_summary_says_which_fields_moved(self):
        summary = self.import_moved_feed().summary()
        assert (
            "Metadata of GUID omw-0004 ('Who audits the auditors, really?'): "
            "updated title, published on, audio url"
        ) in summary
        assert "Nothing changed." not in summary

    def test_an_editors_title_stays_while_the_rest_moves(self):
        episode = Episode.objects.get(guid="omw-0004")
        episode.title = "Auditing, edited"
        episode.save()
        result = self.import_moved_feed()
        episode.refresh_from_db()
        assert episode.title == "Auditing, edited"
        assert episode.audio_url == "https://cdn.example.org/omw/4-v2.mp3"
        [moved] = [o for o in result.outcomes if o.guid == "omw-0004"]
        assert (moved.changed, moved.kept) == (["published_on", "audio_url"], ["title"])
        assert "editors' values kept: title" in result.summary()

    def test_the_same_metadata_again_changes_nothing(self):
        self.import_moved_feed()
        updated_at = Episode.objects.get(guid="omw-0004").updated_at
        self.server.reset()
        result = self.import_moved_feed()
        assert result.counts() == {"unchanged": 5}
        assert "Nothing changed." in result.summary()
        assert Episode.objects.get(guid="omw-0004").updated_at == updated_at
