"""Manual citations: an editor picks a segment, the time and quote are computed."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from glossary.models import Citation, Segment
from glossary.services.citations import (
    citation_add_manual,
    citation_delete,
    citation_update,
)

from .admin_helpers import make_episode, make_term


class ManualCitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = make_episode(
            turns=[
                ("Ann", 0.0, "Welcome to the show."),
                # 100 characters, marked at offset 50 = 80 s, next turn at 100 s.
                ("Bob", 60.0, "x" * 40 + " about RLHF and " + "y" * 44),
                ("Ann", 100.0, "We never name it here, but we discuss it."),
            ]
        )
        cls.segments = list(cls.episode.segments.all())
        Segment.objects.filter(pk=cls.segments[1].pk).update(marks=[[50, 80.0]])
        cls.segments[1].refresh_from_db()
        cls.term = make_term("RLHF", aliases=["reinforcement learning"])

    def test_finds_the_mention_and_interpolates_its_time(self):
        citation = citation_add_manual(term=self.term, segment=self.segments[1])
        assert (citation.start_char, citation.end_char) == (47, 51)
        assert citation.surface == "RLHF"
        # Offset 47 lies between 0 (60 s) and the mark at 50 (80 s).
        assert citation.seconds == pytest.approx(60 + 20 * 47 / 50, abs=0.01)
        assert citation.approximate
        assert citation.source == Citation.Source.MANUAL
        assert citation.episode == self.episode
        assert "RLHF" in citation.quote

    def test_takes_an_explicit_span(self):
        citation = citation_add_manual(
            term=self.term, segment=self.segments[1], start_char=50, end_char=56
        )
        assert citation.seconds == 80.0
        assert not citation.approximate

    def test_cites_a_segment_that_never_names_the_term_at_its_start(self):
        citation = citation_add_manual(term=self.term, segment=self.segments[2])
        assert citation.start_char is None
        assert citation.seconds == 100.0
        assert citation.quote.startswith("We never name it here")

    def test_refuses_a_span_outside_the_text(self):
        with pytest.raises(ValidationError, match="not inside"):
            citation_add_manual(
                term=self.term, segment=self.segments[0], start_char=5, end_char=500
            )
        assert not Citation.objects.exists()

    def test_refuses_half_a_span(self):
        with pytest.raises(ValidationError, match="both"):
            citation_add_manual(term=self.term, segment=self.segments[0], start_char=1)

    def test_refuses_citing_the_same_place_twice(self):
        citation_add_manual(term=self.term, segment=self.segments[1])
        with pytest.raises(ValidationError, match="already cited"):
            citation_add_manual(term=self.term, segment=self.segments[1])
        citation_add_manual(term=self.term, segment=self.segments[2])
        with pytest.raises(ValidationError, match="already cited"):
            citation_add_manual(term=self.term, segment=self.segments[2])
        assert Citation.objects.count() == 2

    def test_features_and_deletes_a_citation(self):
        citation = citation_add_manual(term=self.term, segment=self.segments[1])
        citation_update(citation=citation, featured=True)
        assert Citation.objects.get(pk=citation.pk).featured
        citation_delete(citation=citation)
        assert not Citation.objects.exists()
