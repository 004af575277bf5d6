"""Ingesting transcripts: creation, idempotence, updates that keep editors' work."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import TestCase

from glossary.models import Appearance, Citation, Episode, Person, Segment, Term
from glossary.services.ingest import episode_ingest_transcript
from glossary.transcripts import TranscriptError

SEED = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "retort-ep04-developing-llms.txt"
)

SMALL = """Small talk
Episode 7_transcript
Ann: [00:00:00] Welcome. Today we talk about open source.
Bob: Open source is a licence question. [00:01:00] And a community.
Ann: Thanks, Bob.
"""


def ingest_seed(**kwargs):
    kwargs.setdefault("show", "The Retort")
    return episode_ingest_transcript(
        data=SEED.read_bytes(), filename=SEED.name, **kwargs
    )


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Episode, Person, Segment, Appearance, Citation)
    }


class SeedIngestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = ingest_seed(audio_url="https://example.com/ep4.mp3")
        cls.episode = cls.result.episode

    def test_creates_the_episode_from_the_header(self):
        assert self.result.created
        assert self.episode.number == 4
        assert self.episode.title == "Developing LLMs: Open, closed, or democratic?"
        assert self.episode.show.title == "The Retort"
        assert self.episode.transcript_format == "text"
        assert len(self.episode.transcript_sha256) == 64

    def test_stores_every_turn_in_order(self):
        segments = list(self.episode.segments.all())
        assert len(segments) == 77
        assert [s.order for s in segments] == list(range(77))

    def test_links_every_turn_to_a_host_from_the_credits(self):
        names = set(self.episode.segments.values_list("speaker__name", flat=True))
        assert names == {"Nathan Lambert", "Thomas Krendl Gilbert"}

    def test_records_the_short_names_speakers_go_by(self):
        assert Person.objects.get(name="Thomas Krendl Gilbert").short_names == ["Tom"]
        assert Person.objects.get(name="Nathan Lambert").short_names == ["Nathan"]

    def test_records_both_hosts_as_hosts(self):
        roles = set(
            Appearance.objects.filter(episode=self.episode).values_list(
                "role", flat=True
            )
        )
        assert roles == {"host"}
        assert self.episode.people.count() == 2

    def test_ingesting_the_same_file_again_changes_nothing(self):
        before = table_counts()
        ids = list(Segment.objects.order_by("order").values_list("id", "text", "start"))
        updated_at = Episode.objects.get().updated_at
        again = ingest_seed()
        assert again.unchanged
        assert table_counts() == before
        assert (
            list(Segment.objects.order_by("order").values_list("id", "text", "start"))
            == ids
        )
        assert Episode.objects.get().updated_at == updated_at


class ChangedFileTests(TestCase):
    def setUp(self):
        self.episode = episode_ingest_transcript(
            data=SMALL, filename="small.txt", show="The Retort"
        ).episode
        self.term = Term.objects.create(label="open source", slug="open-source")
        second = self.episode.segments.get(order=1)
        self.manual = Citation.objects.create(
            term=self.term,
            episode=self.episode,
            segment=second,
            seconds=31.0,
            start_char=0,
            end_char=11,
            surface="Open source",
            quote="Open source is a licence question.",
            source=Citation.Source.MANUAL,
        )
        first = self.episode.segments.get(order=0)
        start = first.text.index("open source")
        self.featured = Citation.objects.create(
            term=self.term,
            episode=self.episode,
            segment=first,
            seconds=2.0,
            start_char=start,
            end_char=start + 11,
            surface="open source",
            featured=True,
        )

    def test_a_changed_turn_is_updated_in_place(self):
        changed = SMALL.replace("Thanks, Bob.", "Thanks, Bob. See you.")
        result = episode_ingest_transcript(
            data=changed, filename="small.txt", show="The Retort"
        )
        assert not result.created and not result.unchanged
        assert result.segments_updated == 1
        assert Segment.objects.get(order=2).text == "Thanks, Bob. See you."
        assert Segment.objects.count() == 3

    def test_manual_and_featured_citations_move_with_their_words(self):
        changed = SMALL.replace("Welcome. Today", "Hello and welcome. Today").replace(
            "Bob: Open source", "Bob: Well, open source is hard. Open source"
        )
        episode_ingest_transcript(data=changed, filename="small.txt", show="The Retort")
        self.manual.refresh_from_db()
        self.featured.refresh_from_db()
        for citation in (self.manual, self.featured):
            text = citation.segment.text
            assert text[citation.start_char : citation.end_char] == citation.surface
        assert self.featured.featured
        assert self.manual.source == Citation.Source.MANUAL

    def test_a_moved_manual_citation_gets_the_quote_and_time_of_its_new_place(self):
        changed = SMALL.replace(
            "Bob: Open source is a licence question.",
            "Bob: Licences first. Open source is a licence question!",
        )
        episode_ingest_transcript(data=changed, filename="small.txt", show="The Retort")
        self.manual.refresh_from_db()
        segment = self.manual.segment
        assert self.manual.start_char == segment.text.index("Open source")
        assert self.manual.quote == "Open source is a licence question!"
        # No longer at the start of a timed turn: the time is interpolated.
        assert self.manual.approximate
        assert self.manual.seconds > segment.start

    def test_a_manual_citation_whose_words_are_gone_is_kept_without_a_span(self):
        changed = SMALL.replace(
            "Open source is a licence question.", "Licences matter."
        )
        changed = changed.replace("talk about open source", "talk about licences")
        result = episode_ingest_transcript(
            data=changed, filename="small.txt", show="The Retort"
        )
        self.manual.refresh_from_db()
        assert self.manual.start_char is None and self.manual.end_char is None
        assert Citation.objects.filter(pk=self.featured.pk).exists()
        assert result.citations_dropped == 0

    def test_removed_turns_are_deleted(self):
        shorter = SMALL.replace("Ann: Thanks, Bob.\n", "")
        result = episode_ingest_transcript(
            data=shorter, filename="small.txt", show="The Retort"
        )
        assert result.segments_deleted == 1
        assert Segment.objects.count() == 2


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest_seed()

    def assert_refused(self, data, message):
        before = table_counts()
        with pytest.raises(TranscriptError, match=message):
            episode_ingest_transcript(data=data, filename="bad.txt")
        assert table_counts() == before

    def test_an_empty_file_is_refused(self):
        self.assert_refused(b"", "empty")

    def test_a_binary_file_is_refused(self):
        self.assert_refused(bytes(range(256)), "binary")

    def test_a_file_without_speaker_turns_is_refused(self):
        self.assert_refused(
            b"Just a paragraph of prose.\nAnd another.\n", "no speaker turns"
        )

    def test_times_going_backwards_are_refused_with_the_line(self):
        self.assert_refused(
            b"A: [00:05:00] x\nB: [00:04:00] y\n",
            "line 2: time 00:04:00 goes backwards",
        )

    def test_a_changed_seed_with_a_bad_marker_leaves_the_episode_as_it_was(self):
        broken = SEED.read_text().replace("[00:30:00]", "[00:03:00]")
        before = list(Segment.objects.values_list("id", "text"))
        with pytest.raises(TranscriptError, match="goes backwards"):
            episode_ingest_transcript(data=broken, filename=SEED.name)
        assert list(Segment.objects.values_list("id", "text")) == before

    def test_a_file_over_the_size_limit_is_refused(self):
        with self.settings(KB_TRANSCRIPT_MAX_BYTES=100):
            self.assert_refused(SEED.read_bytes(), "over the limit of 100 bytes")


class IngestCommandTests(TestCase):
    def test_the_command_ingests_and_reports(self):
        from io import StringIO

        out = StringIO()
        call_command("ingest_transcript", str(SEED), stdout=out)
        assert "Created The Retort #4" in out.getvalue()
        assert Segment.objects.count() == 77

    def test_the_command_names_the_file_and_line_of_a_bad_input(self):
        with pytest.raises(
            CommandError, match=r"bad\.txt: line 2: time 00:04:00 goes backwards"
        ):
            path = Path(self._tmp()) / "bad.txt"
            path.write_text("A: [00:05:00] x\nB: [00:04:00] y\n")
            call_command("ingest_transcript", str(path))
        assert Episode.objects.count() == 0

    def test_the_command_reports_a_missing_file(self):
        with pytest.raises(CommandError, match="cannot read the file"):
            call_command("ingest_transcript", "/nonexistent/file.txt")

    def _tmp(self):
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory


class DatabaseConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = episode_ingest_transcript(
            data=SMALL, filename="small.txt", show="The Retort"
        ).episode
        cls.term = Term.objects.create(label="licence", slug="licence")

    def test_a_citation_span_past_its_segment_is_refused(self):
        segment = self.episode.segments.get(order=2)
        with pytest.raises(IntegrityError), transaction.atomic():
            Citation.objects.create(
                term=self.term,
                episode=self.episode,
                segment=segment,
                seconds=1,
                start_char=5,
                end_char=len(segment.text) + 1,
            )

    def test_shortening_a_segment_under_a_citation_is_refused(self):
        segment = self.episode.segments.get(order=1)
        Citation.objects.create(
            term=self.term,
            episode=self.episode,
            segment=segment,
            seconds=1,
            start_char=20,
            end_char=27,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Segment.objects.filter(pk=segment.pk).update(text="short")

    def test_an_empty_span_is_refused(self):
        segment = self.episode.segments.get(order=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Citation.objects.create(
                term=self.term,
                episode=self.episode,
                segment=segment,
                seconds=1,
                start_char=4,
                end_char=4,
            )

    def test_a_term_cannot_be_published_without_a_definition(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Term.objects.create(label="RLHF", slug="rlhf", status=Term.Status.PUBLISHED)

    def test_the_triggers_exist_on_postgresql(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'glossary_%%'"
            )
            names = {row[0] for row in cursor.fetchall()}
        assert names == {
            "glossary_citation_span_inside_segment",
            "glossary_segment_text_covers_citations",
        }


FORMATS = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts"


class OtherFormatTests(TestCase):
    def ingest(self, name, **kwargs):
        path = FORMATS / name
        return episode_ingest_transcript(
            data=path.read_bytes(), filename=path.name, slug="conversation", **kwargs
        )

    def test_every_format_ingests_to_the_same_turns(self):
        seen = {}
        for name in sorted(p.name for p in FORMATS.glob("conversation.*")):
            episode = self.ingest(name).episode
            seen[name] = list(
                episode.segments.values_list("speaker__name", "text", "start")
            )
            episode.delete()
        first = next(iter(seen.values()))
        assert len(first) >= 3
        assert all(turns == first for turns in seen.values()), seen

    def test_speakers_named_in_full_are_matched_to_known_people(self):
        nathan = Person.objects.create(name="Nathan Lambert", slug="nathan-lambert")
        episode = self.ingest("conversation.vtt").episode
        assert episode.segments.filter(speaker=nathan).exists()
        assert Person.objects.filter(name="Nathan Lambert").count() == 1

    def test_unknown_speakers_become_people_an_editor_can_merge(self):
        result = self.ingest("conversation.srt")
        labels = set(result.episode.segments.values_list("speaker_label", flat=True))
        assert set(result.people_created) == labels
        assert set(Person.objects.values_list("name", flat=True)) == labels
        assert all(s.speaker_id for s in result.episode.segments.all())

    def test_the_format_is_recorded(self):
        assert self.ingest("conversation.json").episode.transcript_format == "json"
