"""Episode identity: a transcript never replaces another episode's text.

The first three tests are the data-loss cases of issue 13, as a new user met
them.
"""

import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase

from glossary.models import Episode, Segment
from glossary.services.ingest import episode_ingest_transcript

RETORT = """The Retort talks open models
Episode 1_transcript
Nathan: [00:00:00] Welcome to the Retort. Open models today.
Tom: [00:00:30] Open weights are not open source.
"""
OTHER_SHOW = """Cooking with Code
Episode 1_transcript
Alice: [00:00:00] Welcome to Cooking with Code. Today, sourdough.
Bob: [00:00:40] Sourdough needs patience.
"""
VTT_A = """WEBVTT

00:00:00.000 --> 00:00:05.000
<v Natalie>Go runtime internals, part two.

00:00:05.000 --> 00:00:10.000
<v Jesus>The memory allocator.
"""
VTT_B = """WEBVTT

00:00:00.000 --> 00:00:05.000
<v Mireille>Caffeine and energy drinks.

00:00:05.000 --> 00:00:10.000
<v Danielle>Caffeine is a stimulant.
"""


def texts(episode):
    return list(episode.segments.values_list("text", flat=True))


class IdentityTests(TestCase):
    def test_another_shows_episode_1_without_show_is_refused_not_merged(self):
        first = episode_ingest_transcript(data=RETORT, filename="a.txt").episode
        before = texts(first)
        with pytest.raises(ValidationError) as caught:
            episode_ingest_transcript(data=OTHER_SHOW, filename="b.txt")
        assert "has that number: pass --show" in caught.value.messages[0]
        assert texts(first) == before
        assert Episode.objects.count() == 1

    def test_another_shows_episode_1_with_its_show_is_a_new_episode(self):
        first = episode_ingest_transcript(data=RETORT, filename="a.txt").episode
        second = episode_ingest_transcript(
            data=OTHER_SHOW, filename="b.txt", show="Cooking with Code"
        ).episode
        assert second.pk != first.pk and second.number == 1
        assert second.show.title == "Cooking with Code"
        assert texts(first)[0].startswith("Welcome to the Retort")

    def test_a_vtt_file_name_never_matches_another_shows_episode(self):
        first = episode_ingest_transcript(
            data=VTT_A, filename="episode-324.vtt", show="Go Time"
        ).episode
        result = episode_ingest_transcript(
            data=VTT_B, filename="episode-324.vtt", show="Brain Science"
        )
        assert result.created and result.episode.pk != first.pk
        assert result.episode.slug != first.slug
        assert texts(first) == [
            "Go runtime internals, part two.",
            "The memory allocator.",
        ]

    def test_the_same_file_again_is_unchanged_without_any_identity(self):
        episode_ingest_transcript(data=VTT_A, filename="episode-324.vtt")
        again = episode_ingest_transcript(data=VTT_A, filename="episode-324.vtt")
        assert again.unchanged
        assert Episode.objects.count() == 1

    def test_replacing_an_episode_with_other_speakers_is_refused_naming_both(self):
        first = episode_ingest_transcript(
            data=RETORT, filename="a.txt", show="The Retort"
        ).episode
        with pytest.raises(ValidationError) as caught:
            episode_ingest_transcript(data=OTHER_SHOW, filename="b.txt", episode=first)
        message = caught.value.messages[0]
        assert "Cooking with Code" in message
        assert "The Retort #1: The Retort talks open models" in message
        assert "none of its speakers speaks in the episode" in message
        assert "--replace" in message
        assert Segment.objects.filter(episode=first, text__contains="Retort").exists()

    def test_replace_replaces_an_episode_that_looks_like_another(self):
        first = episode_ingest_transcript(
            data=RETORT, filename="a.txt", show="The Retort"
        ).episode
        result = episode_ingest_transcript(
            data=OTHER_SHOW, filename="b.txt", episode=first, replace=True
        )
        assert result.episode.pk == first.pk
        assert texts(first)[1] == "Sourdough needs patience."

    def test_a_changed_transcript_of_the_same_episode_updates_it(self):
        episode_ingest_transcript(data=RETORT, filename="a.txt", show="The Retort")
        changed = RETORT.replace("Open models today.", "Open models, today.")
        result = episode_ingest_transcript(
            data=changed, filename="a.txt", show="The Retort"
        )
        assert not result.created and result.segments_updated == 1

    def test_an_editors_title_survives_a_reingest(self):
        episode = episode_ingest_transcript(
            data=VTT_A, filename="gotime-324.vtt", show="Go Time"
        ).episode
        episode.title = "Go runtime internals, part 2"
        episode.save()
        changed = VTT_A.replace("The memory allocator.", "The memory allocator!")
        result = episode_ingest_transcript(
            data=changed, filename="gotime-324.vtt", episode=episode
        )
        episode.refresh_from_db()
        assert episode.title == "Go runtime internals, part 2"
        assert result.edits_kept == ["title"]
        assert "Kept editors' values of: title." in result.summary()

    def test_a_field_no_editor_touched_follows_the_file(self):
        episode = episode_ingest_transcript(
            data=RETORT, filename="a.txt", show="The Retort"
        ).episode
        retitled = RETORT.replace("talks open models", "on open models")
        episode_ingest_transcript(data=retitled, filename="a.txt", show="The Retort")
        episode.refresh_from_db()
        assert episode.title == "The Retort on open models"


class CommandIdentityTests(TestCase):
    def test_episode_names_an_existing_episode_or_fails(self):
        with pytest.raises(CommandError, match="--episode nope: no episode"):
            call_command("ingest_transcript", __file__, episode="nope")

    def test_the_command_refuses_a_lookalike_and_replace_overrides(self):
        path_a = self.write("a.txt", RETORT)
        path_b = self.write("b.txt", OTHER_SHOW)
        call_command("ingest_transcript", path_a, show="The Retort", stdout=None)
        slug = Episode.objects.get().slug
        with pytest.raises(CommandError, match="Refused: this transcript"):
            call_command("ingest_transcript", path_b, episode=slug)
        call_command("ingest_transcript", path_b, episode=slug, replace=True)
        assert texts(Episode.objects.get())[0].startswith("Welcome to Cooking")

    def write(self, name, text):
        folder = Path(tempfile.mkdtemp())
        path = folder / name
        path.write_text(text)
        return str(path)
