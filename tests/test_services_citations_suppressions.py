""" "Not this mention": a removed automatic citation stays removed."""

from django.test import TestCase

from glossary.models import Citation, CitationSuppression
from glossary.services.citations import citation_delete, citations_refresh
from glossary.services.ingest import episode_ingest_transcript

from .factories import make_term

SMALL = b"""Small talk
Episode 7_transcript
Ann: [00:00:00] Welcome. Today we talk about open source.
Bob: Open source is a licence question. [00:01:00] And a community.
Ann: Thanks, Bob.
"""


class SuppressionTests(TestCase):
    def setUp(self):
        self.term = make_term("open source")
        self.episode = episode_ingest_transcript(
            data=SMALL, filename="small.txt"
        ).episode
        self.wrong = Citation.objects.get(term=self.term, segment__order=1)

    def test_a_deleted_automatic_citation_is_not_brought_back_by_any_refresh(self):
        citation_delete(citation=self.wrong)
        citations_refresh()
        citations_refresh(terms=[self.term])
        assert list(
            Citation.objects.filter(term=self.term).values_list(
                "segment__order", flat=True
            )
        ) == [0]
        assert CitationSuppression.objects.filter(term=self.term).count() == 1

    def test_the_suppression_moves_with_its_words_on_a_reingest(self):
        citation_delete(citation=self.wrong)
        changed = SMALL.replace(b"Bob: Open source", b"Bob: Well. Open source")
        episode_ingest_transcript(data=changed, filename="small.txt", show="The Retort")
        suppression = CitationSuppression.objects.get(term=self.term)
        text = suppression.segment.text
        assert text[suppression.start_char : suppression.end_char] == "Open source"
        assert suppression.start_char == text.index("Open source")
        assert not Citation.objects.filter(term=self.term, segment__order=1).exists()

    def test_a_suppression_whose_words_are_gone_is_dropped(self):
        citation_delete(citation=self.wrong)
        changed = SMALL.replace(b"Bob: Open source is", b"Bob: Licensing is")
        episode_ingest_transcript(data=changed, filename="small.txt", show="The Retort")
        assert not CitationSuppression.objects.exists()

    def test_deleting_a_manual_citation_records_no_suppression(self):
        Citation.objects.filter(pk=self.wrong.pk).update(source=Citation.Source.MANUAL)
        citation_delete(citation=self.wrong)
        assert not CitationSuppression.objects.exists()
        citations_refresh()
        assert Citation.objects.filter(term=self.term, segment__order=1).exists()

    def test_a_featured_citation_moved_by_a_reingest_gets_its_new_quote(self):
        Citation.objects.filter(pk=self.wrong.pk).update(featured=True)
        changed = SMALL.replace(
            b"Bob: Open source is a licence question.",
            b"Bob: Hm. Open source is a licence matter.",
        )
        episode_ingest_transcript(data=changed, filename="small.txt", show="The Retort")
        featured = Citation.objects.get(term=self.term, featured=True)
        assert featured.quote == "Open source is a licence matter."
