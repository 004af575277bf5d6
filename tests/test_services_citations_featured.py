"""Featured citations keep a current quote when the refresh moves their mention.

An editor featured a passage; the flag (and the row) follows its words, and
its time, `approximate` flag and quote are those `place_mention` gives the
mention's current place.
"""

from django.test import TestCase

from glossary.models import Citation
from glossary.services.citations import citations_refresh
from glossary.services.citations.refresh import placed_citation
from glossary.services.ingest import episode_ingest_transcript

from .factories import make_alias, make_citation, make_episode, make_term

TEXT = "Intro words here. We trained a large language model on open data today."


def placed(segment, start, end) -> Citation:
    """The citation `place_mention` (through the refresh's own helper) gives."""
    return placed_citation(
        term_id=0, segment=segment, start=start, end=end, next_start=None
    )


class FeaturedCitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("language model", slug="lm")
        cls.episode = make_episode(segments=[("Ann", 30.0, TEXT)])
        cls.segment = cls.episode.segments.get()

    def setUp(self):
        citations_refresh()
        self.featured = Citation.objects.get(term=self.term)
        Citation.objects.filter(pk=self.featured.pk).update(featured=True)

    def test_a_longer_label_moves_the_featured_citation_onto_the_longer_mention(self):
        make_alias(self.term, "large language model")
        citations_refresh()
        [citation] = Citation.objects.filter(term=self.term)
        assert (citation.pk, citation.featured) == (self.featured.pk, True)
        assert citation.surface == "large language model"

    def test_the_moved_featured_citation_is_placed_by_the_one_rule(self):
        make_alias(self.term, "large language model")
        citations_refresh()
        citation = Citation.objects.get(pk=self.featured.pk)
        start = TEXT.index("large language model")
        place = placed(self.segment, start, start + len("large language model"))
        assert (citation.start_char, citation.end_char) == (
            place.start_char,
            place.end_char,
        )
        assert (citation.seconds, citation.approximate, citation.quote) == (
            place.seconds,
            place.approximate,
            place.quote,
        )

    def test_a_featured_citation_whose_words_another_term_took_keeps_them_requoted(
        self,
    ):
        make_term("large language model", slug="llm")
        Citation.objects.filter(pk=self.featured.pk).update(quote="an old quote")
        citations_refresh()
        citation = Citation.objects.get(pk=self.featured.pk)
        place = placed(self.segment, self.featured.start_char, self.featured.end_char)
        assert citation.featured and citation.quote == place.quote

    def test_a_featured_citation_left_without_a_span_takes_the_nearest_mention(self):
        Citation.objects.filter(pk=self.featured.pk).update(
            start_char=None, end_char=None, quote="words said before the re-ingest"
        )
        citations_refresh()
        [citation] = Citation.objects.filter(term=self.term)
        assert citation.pk == self.featured.pk and citation.featured
        assert citation.start_char == TEXT.index("language model")
        assert "large language model" in citation.quote

    def test_a_featured_citation_whose_words_are_gone_cites_its_turn_as_it_reads_now(
        self,
    ):
        other = make_term("open data", slug="open-data")
        citation = make_citation(other, self.segment, featured=True)
        Citation.objects.filter(pk=citation.pk).update(
            start_char=None, end_char=None, quote="words the transcript lost"
        )
        Citation.objects.filter(term=other).exclude(pk=citation.pk).delete()
        other.aliases.update(label="closed data", normalized="closed data")
        citations_refresh(terms=[other])
        citation.refresh_from_db()
        place = placed(self.segment, None, None)
        assert citation.featured and citation.start_char is None
        assert (citation.seconds, citation.quote) == (place.seconds, place.quote)


SMALL = """Small talk
Episode 7_transcript
Ann: [00:00:00] Welcome. Today we talk about open source.
Bob: Licences first. [00:01:00] And a community.
"""


class ReingestTests(TestCase):
    def test_a_featured_citation_whose_words_a_reingest_lost_takes_another_label(
        self,
    ):
        episode = episode_ingest_transcript(
            data=SMALL, filename="small.txt", show="The Retort"
        ).episode
        term = make_term("open source", slug="open-source", aliases=["OSS"])
        citations_refresh()
        featured = Citation.objects.get(term=term)
        Citation.objects.filter(pk=featured.pk).update(featured=True)

        changed = SMALL.replace("talk about open source.", "talk about OSS, at last.")
        episode_ingest_transcript(data=changed, filename="small.txt", show="The Retort")
        [citation] = Citation.objects.filter(term=term)
        first = episode.segments.get(order=0)
        assert (citation.pk, citation.featured, citation.surface) == (
            featured.pk,
            True,
            "OSS",
        )
        assert citation.segment == first
        assert citation.start_char == first.text.index("OSS")
        start = citation.start_char
        assert citation.quote == placed(first, start, start + 3).quote
