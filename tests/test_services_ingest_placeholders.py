"""Diarized transcripts: placeholder voices become people of their episode."""

from django.test import TestCase

from glossary.models import Person, Segment
from glossary.services.ingest import episode_ingest_transcript

DIARIZED = """Speaker 1: [00:00:00] Welcome back to the show.
Speaker 2: [00:00:04] Thanks for having me.
Speaker 1: [00:00:07] Let's talk about caching.
"""


def ingest(slug, data=DIARIZED):
    return episode_ingest_transcript(data=data, filename=f"{slug}.txt", slug=slug)


class PlaceholderSpeakerTests(TestCase):
    def test_diarized_plain_text_ingests_with_a_placeholder_person_per_voice(self):
        result = ingest("first")
        people = {s.speaker for s in result.episode.segments.all()}
        assert {p.name for p in people} == {"Speaker 1 (first)", "Speaker 2 (first)"}
        assert all(p.is_placeholder for p in people)

    def test_the_same_placeholder_in_two_episodes_is_two_people(self):
        ingest("first")
        ingest("second")
        assert Person.objects.filter(is_placeholder=True).count() == 4

    def test_a_named_placeholder_keeps_its_voice_on_reingest(self):
        episode = ingest("first").episode
        person = Person.objects.get(name="Speaker 2 (first)")
        person.name, person.is_placeholder = "Jane Doe", False
        person.save()
        changed = DIARIZED.replace("Thanks for having me.", "Thanks for asking me.")
        ingest("first", changed)
        assert Segment.objects.get(episode=episode, order=1).speaker == person
        assert not Person.objects.filter(name="Speaker 2 (first)").exists()

    def test_a_placeholder_never_matches_a_known_person_by_name(self):
        known = Person.objects.create(name="Speaker", slug="speaker")
        episode = ingest("first").episode
        assert not episode.segments.filter(speaker=known).exists()

    def test_warnings_of_the_parser_are_in_the_summary(self):
        result = ingest(
            "odd", "Ada: [00:00:10] one.\nAda (guest): two.\nBob: [00:00:09] three.\n"
        )
        summary = result.summary()
        assert "Warning: line 2: 'Ada (guest)' looks like a speaker label" in summary
        assert "Warning: line 3: time 00:00:09" in summary


class PlaceholderExtractionTests(TestCase):
    def test_placeholder_voices_are_never_proposed_and_hide_no_terms(self):
        from glossary.models import Term
        from glossary.services.extraction import terms_propose_candidates

        sentences = [
            "Quantum annealing is promising for optimisation.",
            "I am not sure quantum annealing scales.",
            "Why would quantum annealing beat classical solvers?",
            "The hardware for quantum annealing is cold.",
            "People misread quantum annealing results.",
            "So quantum annealing it is.",
        ]
        text = "".join(
            f"Speaker {1 + n % 2}: [00:0{n}:00] {sentence}\n"
            for n, sentence in enumerate(sentences)
        )
        ingest("quantum-annealing", text)
        terms_propose_candidates()
        labels = {
            label.casefold() for label in Term.objects.values_list("label", flat=True)
        }
        assert not any("speaker" in label for label in labels)
        assert "quantum annealing" in labels
