"""Naming a placeholder voice and merging people: segments and citations follow."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from glossary.models import Appearance, Citation, Person, Segment
from glossary.services.ingest import episode_ingest_transcript
from glossary.services.people import person_merge, person_name
from tests.factories import cite_everywhere, make_term

DIARIZED = """Speaker 1: [00:00:00] Welcome. Today, open source.
Speaker 2: [00:00:05] Open source is about licences.
"""


def ingest(slug):
    return episode_ingest_transcript(
        data=DIARIZED, filename=f"{slug}.txt", slug=slug
    ).episode


class PersonMergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = ingest("first")
        cls.second = ingest("second")
        cls.term = make_term("open source", short_definition="Code anyone may use.")
        cite_everywhere(cls.term, cls.first, "open source")
        cite_everywhere(cls.term, cls.second, "Open source")
        cls.jane = Person.objects.create(name="Jane Doe", slug="jane-doe")

    def test_merging_moves_every_segment_and_its_citations(self):
        voice = Person.objects.get(name="Speaker 2 (first)")
        cited = Citation.objects.filter(segment__speaker=voice).count()
        assert cited == 1
        result = person_merge(source=voice, target=self.jane)
        assert result.segments_moved == 1 and result.citations_moved == 1
        assert Citation.objects.filter(segment__speaker=self.jane).count() == 1
        assert not Person.objects.filter(pk=voice.pk).exists()
        assert Appearance.objects.filter(person=self.jane, episode=self.first).exists()

    def test_merging_voices_of_two_episodes_makes_one_person_in_both(self):
        for slug in ("first", "second"):
            person_merge(
                source=Person.objects.get(name=f"Speaker 1 ({slug})"), target=self.jane
            )
        episodes = set(
            Segment.objects.filter(speaker=self.jane).values_list(
                "episode__slug", flat=True
            )
        )
        assert episodes == {"first", "second"}

    def test_a_placeholder_label_never_becomes_a_short_name(self):
        person_merge(
            source=Person.objects.get(name="Speaker 1 (first)"), target=self.jane
        )
        self.jane.refresh_from_db()
        assert self.jane.short_names == []

    def test_naming_a_placeholder_renames_it_and_clears_the_flag(self):
        voice = Person.objects.get(name="Speaker 1 (second)")
        person_name(person=voice, name="Grace Hopper")
        voice.refresh_from_db()
        assert (voice.name, voice.slug, voice.is_placeholder) == (
            "Grace Hopper",
            "grace-hopper",
            False,
        )

    def test_naming_a_placeholder_after_someone_known_merges_them(self):
        voice = Person.objects.get(name="Speaker 2 (second)")
        person_name(person=voice, name="Jane Doe")
        assert Segment.objects.filter(episode=self.second, speaker=self.jane).exists()
        assert not Person.objects.filter(pk=voice.pk).exists()

    def test_a_person_cannot_be_merged_into_themselves(self):
        with pytest.raises(ValidationError):
            person_merge(source=self.jane, target=self.jane)
