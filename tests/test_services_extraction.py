"""Candidates stored for review, and automatic citations kept current."""

from pathlib import Path

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from glossary.extraction import extract_candidates
from glossary.linking.normalize import normalize_label
from glossary.models import (
    Alias,
    Citation,
    Episode,
    GlossaryVersion,
    Person,
    Segment,
    Term,
    TermRedirect,
)
from glossary.services.citations import citations_refresh
from glossary.services.extraction import terms_propose_candidates
from glossary.services.ingest import episode_ingest_transcript
from glossary.services.terms import term_create, term_rename

SEED = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "retort-ep04-developing-llms.txt"
)
FIXTURES = SEED.parent / "transcripts"


def ingest_seed():
    return episode_ingest_transcript(data=SEED.read_bytes(), filename=SEED.name).episode


class ProposalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = ingest_seed()
        cls.result = terms_propose_candidates()

    def test_candidates_are_stored_for_review_with_score_and_evidence(self):
        term = Term.objects.get(label="open source")
        assert term.status == Term.Status.CANDIDATE
        assert term.score > 0
        assert term.evidence["frequency"] >= 10
        assert term.evidence["first_episode"] == self.episode.slug
        assert set(term.evidence["speakers"]) <= {"Tom", "Nathan"}

    def test_the_seed_concepts_are_among_the_candidates(self):
        labels = {t.label.lower() for t in Term.objects.all()}
        assert {"open source", "rlhf", "foundation model", "civil society"} <= labels

    def test_every_candidate_has_its_preferred_label_as_an_alias(self):
        preferred = Alias.objects.filter(kind=Alias.Kind.PREFERRED).count()
        assert preferred == Term.objects.count() == len(self.result.created)

    def test_variants_are_folded_into_aliases(self):
        llm = Term.objects.get(label="large language model")
        assert llm.aliases.filter(label="LLM").exists()

    def test_proposing_again_creates_nothing(self):
        version = GlossaryVersion.objects.current()
        again = terms_propose_candidates()
        assert again.created == [] and again.updated == []
        assert again.unchanged == len(self.result.created)
        assert GlossaryVersion.objects.current() == version

    def test_a_term_two_candidates_name_is_not_rewritten_by_a_second_run(self):
        # "civil society" becomes a form of the "open source" candidate, so
        # both candidates of the ranking name that one term.
        Term.objects.filter(label="civil society").delete()
        source = Term.objects.get(label="open source")
        Alias.objects.create(term=source, label="civil society")
        terms_propose_candidates()

        again = terms_propose_candidates()

        assert again.updated == []
        both = [c for c in again.ranking if c.key in {"open source", "civil society"}]
        source.refresh_from_db()
        assert len(both) == 2 and source.evidence == both[0].evidence()

    def test_a_rejected_term_is_never_proposed_again(self):
        Term.objects.filter(label="open source").update(status=Term.Status.REJECTED)
        again = terms_propose_candidates()
        assert "open source" not in {normalize_label(t.label) for t in again.created}
        assert Term.objects.filter(label__iexact="open source").count() == 1

    def test_a_candidate_matching_an_alias_of_another_term_is_not_created(self):
        Term.objects.filter(label="civil society").delete()
        other = Term.objects.create(label="Civic sphere", slug="civic-sphere")
        Alias.objects.create(term=other, label="Civil Society")
        again = terms_propose_candidates()
        assert "civil society" not in {t.label for t in again.created}


def ranking_over_model_rows(episodes):
    """Extraction over the episodes' `Segment` rows, as the service once read
    them (every row with its speaker's `Person`): the reference its lighter
    reading must reproduce."""
    names = set()
    people = Person.objects.filter(is_placeholder=False)
    for name, short_names in people.values_list("name", "short_names"):
        names.update([name, *name.split(), *short_names])
    return extract_candidates(
        [
            (e.slug, list(e.segments.select_related("speaker").order_by("order")))
            for e in episodes
        ],
        speaker_names=names,
        shows={e.slug: e.show_id for e in episodes},
    )


class ShowReadingTests(TestCase):
    """A small show of three episodes: the seed, and one conversation in two
    formats (marks, cue ends, a placeholder voice)."""

    @classmethod
    def setUpTestData(cls):
        ingest_seed()
        for name, text in [
            ("conversation.vtt", None),
            (
                "conversation.txt",
                "Speaker 1: [00:00:30] A placeholder voice on "
                "open weights and the open source licence.\n",
            ),
        ]:
            data = (FIXTURES / name).read_bytes()
            if text:
                data += text.encode()
            episode_ingest_transcript(
                data=data, filename=name, show="The Retort", slug=name.replace(".", "-")
            )
        cls.episodes = list(Episode.objects.order_by("published_on", "number", "pk"))

    def test_ranks_the_show_as_extraction_over_its_model_rows_does(self):
        reference = ranking_over_model_rows(self.episodes)
        ranking = terms_propose_candidates().ranking
        assert len(ranking) > 50
        assert ranking == reference

    def test_ranks_one_episode_in_the_context_of_its_whole_show(self):
        reference = ranking_over_model_rows(self.episodes)
        ranking = terms_propose_candidates(episodes=self.episodes[:1]).ranking
        assert ranking == reference

    def test_reads_the_shows_segments_in_one_query_for_each_pass(self):
        with CaptureQueriesContext(connection) as captured:
            terms_propose_candidates()
        reads = [
            query["sql"]
            for query in captured
            if 'SELECT "glossary_segment"' in query["sql"]
        ]
        assert len(reads) == 2


class CandidateSlugTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = ingest_seed()

    def test_a_new_candidate_never_takes_a_renamed_terms_old_address(self):
        renamed = term_create(label="open source")
        term_rename(term=renamed, label="Open-source AI")
        assert TermRedirect.objects.get(old_slug="open-source").term == renamed

        terms_propose_candidates()

        candidate = Term.objects.get(label="open source")
        assert candidate.slug == "open-source-2"
        assert TermRedirect.objects.get(old_slug="open-source").term == renamed


class CitationRefreshTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = ingest_seed()
        terms_propose_candidates()
        cls.result = citations_refresh()

    def test_every_citation_span_reproduces_its_surface_form(self):
        for citation in Citation.objects.select_related("segment"):
            text = citation.segment.text[citation.start_char : citation.end_char]
            assert text == citation.surface

    def test_every_citation_says_one_of_its_terms_labels(self):
        labels = {}
        for term_id, normalized in Alias.objects.values_list("term_id", "normalized"):
            labels.setdefault(term_id, set()).add(normalized)
        for citation in Citation.objects.all():
            said = normalize_label(citation.surface)
            forms = labels[citation.term_id]
            assert (
                said in forms or said.rstrip("s") in forms or said[:-3] + "y" in forms
            )

    def test_citation_times_inside_a_segment_never_decrease(self):
        by_segment = {}
        for citation in Citation.objects.order_by("segment_id", "start_char"):
            by_segment.setdefault(citation.segment_id, []).append(citation.seconds)
        assert by_segment
        assert all(times == sorted(times) for times in by_segment.values())

    def test_citation_times_lie_between_the_segment_and_the_next(self):
        segments = list(Segment.objects.order_by("order"))
        following = {
            s.pk: n.start for s, n in zip(segments, segments[1:], strict=False)
        }
        for citation in Citation.objects.select_related("segment"):
            assert citation.segment.start <= citation.seconds
            if citation.segment_id in following:
                assert citation.seconds <= following[citation.segment_id]

    def test_citations_carry_a_readable_quote(self):
        citation = Citation.objects.filter(term__label="civil society").first()
        assert "civil society" in citation.quote.lower()
        assert len(citation.quote) <= 242

    def test_refreshing_twice_gives_the_same_rows(self):
        before = list(Citation.objects.order_by("pk").values())
        again = citations_refresh()
        assert again.created == again.updated == again.deleted == 0
        assert list(Citation.objects.order_by("pk").values()) == before

    def test_manual_citations_and_featured_flags_survive_a_refresh(self):
        term = Term.objects.get(label="civil society")
        segment = Segment.objects.get(order=0)
        manual = Citation.objects.create(
            term=term,
            episode=self.episode,
            segment=segment,
            seconds=1.0,
            source=Citation.Source.MANUAL,
            quote="chosen by an editor",
        )
        featured = Citation.objects.filter(term=term, source="auto").first()
        featured.featured = True
        featured.save()
        citations_refresh()
        assert Citation.objects.filter(pk=manual.pk).exists()
        featured.refresh_from_db()
        assert featured.featured

    def test_rejecting_a_term_removes_its_automatic_citations(self):
        Term.objects.filter(label="civil society").update(status=Term.Status.REJECTED)
        citations_refresh()
        assert not Citation.objects.filter(term__label="civil society").exists()

    def test_refreshing_one_term_leaves_the_others_alone(self):
        others = Citation.objects.exclude(term__label="RLHF").count()
        Citation.objects.filter(term__label="RLHF").delete()
        result = citations_refresh(terms=list(Term.objects.filter(label="RLHF")))
        assert result.created >= 1 and result.deleted == 0
        assert Citation.objects.exclude(term__label="RLHF").count() == others


class FirstMentionAgreesWithCitationTests(TestCase):
    """Extraction's evidence and stored citations are placed by one rule."""

    def assert_placements_agree(self, suffix: str) -> None:
        path = SEED.parent / "transcripts" / f"conversation.{suffix}"
        episode_ingest_transcript(data=path.read_bytes(), filename=path.name)
        ranking = terms_propose_candidates().ranking
        citations_refresh()
        orders = dict(Segment.objects.values_list("pk", "order"))
        cited = {
            (c.term.label, orders[c.segment_id], c.start_char): c
            for c in Citation.objects.select_related("term")
        }
        compared = 0
        for candidate in ranking:
            first = candidate.mentions[0]
            citation = cited.get((candidate.label, first.segment_index, first.start))
            if citation is None:
                continue
            compared += 1
            assert (citation.seconds, citation.approximate, citation.quote) == (
                candidate.evidence()["first_seconds"],
                candidate.evidence()["first_approximate"],
                candidate.evidence()["quote"],
            ), candidate.label
        assert compared >= 3

    def test_a_vtt_episodes_first_mentions_agree_with_their_citations(self):
        self.assert_placements_agree("vtt")

    def test_an_srt_episodes_first_mentions_agree_with_their_citations(self):
        self.assert_placements_agree("srt")

    def test_a_json_episodes_first_mentions_agree_with_their_citations(self):
        self.assert_placements_agree("json")
