"""The starter glossary and the glossary-file loader behind `load_demo`.

The starter glossary (`fixtures/retort-ep04-glossary.csv`) is loaded into the
seed episode through the real services, as `make run` does; the loader's
refusals are checked on small files written by the tests.
"""

import csv
import io

from django.core.exceptions import ValidationError
from django.test import TestCase

from glossary.import_export import TermResource
from glossary.linking import Entry, Matcher
from glossary.models import Alias, Citation, Term, TermRedirect
from glossary.services.citations import citations_refresh
from glossary.services.extraction import terms_propose_candidates
from glossary.services.glossary_file import glossary_load_file

from .demo_walk import walk
from .factories import FIXTURES, make_term, seed_episode

STARTER = FIXTURES / "retort-ep04-glossary.csv"
EPISODE = "ep-4-developing-llms-open-closed-or-democratic"
HEADER = "label,slug,status,kind,short_definition,definition,related,featured\n"


def load_starter():
    return glossary_load_file(data=STARTER.read_bytes(), filename=STARTER.name)


def snapshot():
    return (
        sorted(Term.objects.values_list("slug", "status", "version", "definition")),
        sorted(Alias.objects.values_list("label", "kind", "case_sensitive", "term")),
        sorted(
            Citation.objects.values_list("term", "segment", "start_char", "featured")
        ),
        sorted(Term.related.through.objects.values_list("from_term", "to_term")),
        sorted(Term.broader.through.objects.values_list("from_term", "to_term")),
    )


class StarterGlossaryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_episode()
        cls.result = load_starter()
        terms_propose_candidates()
        citations_refresh()

    def test_at_least_forty_concepts_are_published_with_both_definitions(self):
        published = Term.objects.published()
        assert published.count() >= 40
        assert not published.filter(short_definition="").exists()
        assert not published.filter(definition="").exists()
        assert len(self.result.created) == published.count()

    def test_every_published_concept_has_one_or_two_featured_citations(self):
        for term in Term.objects.published():
            featured = term.citations.filter(featured=True)
            assert 1 <= featured.count() <= 2, term.label

    def test_a_featured_citation_is_the_mention_its_quote_was_chosen_for(self):
        civil_society = Term.objects.get(slug="civil-society")
        quotes = [c.quote for c in civil_society.citations.filter(featured=True)]
        assert any(quote.startswith("Civil society is a kind of") for quote in quotes)

    def test_concepts_organisations_products_and_people_are_all_there(self):
        kinds = set(Term.objects.published().values_list("kind", flat=True))
        assert {"concept", "organization", "product", "person"} <= kinds
        assert Term.objects.get(slug="lina-khan").kind == Term.Kind.PERSON
        assert Term.objects.get(slug="mistral-7b").kind == Term.Kind.PRODUCT

    def test_acronyms_that_are_ordinary_words_link_only_in_capitals(self):
        ea = Alias.objects.get(label="EA")
        assert (ea.kind, ea.case_sensitive) == ("abbreviation", True)
        matcher = Matcher(
            [
                Entry(label=a.label, term_id=a.term_id, case_sensitive=a.case_sensitive)
                for a in Alias.objects.filter(label__in=["EA", "PR", "Mosaic"])
            ]
        )
        text = "Tea, a pr stunt, a mosaic: EA and PR at Mosaic."
        assert [m.text for m in matcher.find(text, first_only=False)] == [
            "EA",
            "PR",
            "Mosaic",
        ]

    def test_misspellings_in_the_transcript_are_hidden_labels_of_the_right_term(self):
        hidden = dict(
            Alias.objects.filter(kind=Alias.Kind.HIDDEN).values_list(
                "label", "term__slug"
            )
        )
        assert hidden["LendLama2"] == "llama-2"
        assert hidden["GVT4"] == "gpt-4"
        assert hidden["chat to BT"] == "chatgpt"

    def test_related_and_broader_concepts_are_set_both_ways(self):
        foundation = Term.objects.get(slug="foundation-model")
        frontier = Term.objects.get(slug="frontier-model")
        assert frontier in foundation.related.all()
        assert foundation in frontier.related.all()
        llm = Term.objects.get(slug="large-language-model")
        assert llm.broader.get().slug == "language-model"

    def test_the_other_candidates_wait_in_the_review_queue(self):
        candidates = Term.objects.filter(status=Term.Status.CANDIDATE)
        assert candidates.count() >= 50
        published_labels = set(
            Alias.objects.filter(term__status="published").values_list(
                "normalized", flat=True
            )
        )
        assert not published_labels & set(
            Alias.objects.filter(term__in=candidates).values_list(
                "normalized", flat=True
            )
        )

    def test_every_page_and_api_answer_shows_real_content(self):
        assert walk(self.client) == []

    def test_loading_it_again_changes_nothing(self):
        before = snapshot()
        again = load_starter()
        assert snapshot() == before
        assert (again.created, again.updated, again.skipped) == ([], [], [])
        assert len(again.unchanged) == Term.objects.published().count()

    def test_an_export_loads_back_into_the_same_glossary(self):
        exported = TermResource().export(Term.objects.published()).csv
        before = snapshot()[1:3]
        Term.objects.published().delete()
        glossary_load_file(data=exported.encode(), filename="export.csv")
        again = TermResource().export(Term.objects.published()).csv
        assert again == exported
        labels, citations = snapshot()[1:3]
        assert len(labels) == len(before[0])
        assert [c[-1] for c in citations].count(True) == [
            c[-1] for c in before[1]
        ].count(True)


class CuratedTermsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_episode()
        cls.open_source = make_term(
            "Open source", definition="The editor's own words.", slug="oss"
        )
        cls.rlhf = make_term("RLHF", status=Term.Status.DRAFT)

    def test_terms_an_editor_curated_are_left_as_they_are_and_named(self):
        before = [
            (t.label, t.slug, t.status, t.definition, t.version)
            for t in (self.open_source, self.rlhf)
        ]
        result = load_starter()
        after = [
            Term.objects.values_list(
                "label", "slug", "status", "definition", "version"
            ).get(pk=t.pk)
            for t in (self.open_source, self.rlhf)
        ]
        assert after == before
        assert not self.open_source.related.exists()  # not even the other end
        skipped = {row.label: row for row in result.skipped}
        assert set(skipped) == {
            "open source",
            "reinforcement learning from human feedback",
        }
        assert (
            "already curated as “RLHF” (draft"
            in skipped["reinforcement learning from human feedback"].reason
        )
        assert skipped["open source"].line > 1
        assert f"skipped line {skipped['open source'].line}" in result.summary()
        assert Term.objects.published().count() == len(result.created) + 1


class CandidatesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_episode()
        terms_propose_candidates()
        cls.gpu = Term.objects.get(label="GPU")
        cls.result = load_starter()

    def test_a_candidate_the_file_curates_becomes_its_term_keeping_its_evidence(self):
        gpu = Term.objects.get(pk=self.gpu.pk)
        assert (gpu.label, gpu.status) == ("graphics processing unit", "published")
        assert gpu.evidence == self.gpu.evidence
        assert TermRedirect.objects.get(old_slug="gpu").term == gpu

    def test_candidates_holding_labels_of_one_row_are_merged_into_it(self):
        llama = Term.objects.get(slug="llama-2")
        labels = set(llama.aliases.values_list("label", flat=True))
        assert {"Llama2", "LendLama2"} <= labels
        assert not Term.objects.filter(label__in=["LLAMA2", "LendLama2"]).exists()
        assert {"LLAMA2", "LendLama2"} & set(self.result.merged)


class MalformedFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed_episode()

    def refused(self, text: str) -> str:
        with self.assertRaises(ValidationError) as raised:
            glossary_load_file(data=text.encode(), filename="bad.csv")
        assert not Term.objects.exists()
        return " ".join(raised.exception.messages)

    def row(self, label, *, status="published", related="", featured=""):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(
            [label, "", status, "concept", f"{label}, briefly.", "", related, featured]
        )
        return out.getvalue()

    def test_a_row_with_too_many_fields_is_refused_by_its_line(self):
        text = HEADER + self.row("Alpha") + "Beta,,draft,concept,,,,,extra\n"
        assert "bad.csv: line 3: 9 fields, but the header has 8" in self.refused(text)

    def test_a_line_count_includes_multi_line_definitions(self):
        text = (
            HEADER
            + 'Alpha,,published,concept,Short.,"One\n\nTwo",,\n'
            + self.row("Beta", status="finished")
        )
        assert "line 5: status “finished” is not one of" in self.refused(text)

    def test_a_relation_to_no_term_is_refused_by_its_line(self):
        text = HEADER + self.row("Alpha") + self.row("Beta", related="Gamma")
        assert "line 3: related: No term has the label “Gamma”" in self.refused(text)

    def test_a_featured_passage_the_episode_never_says_is_refused_by_its_line(self):
        text = HEADER + self.row("Alpha", featured=f"{EPISODE}: words nobody said")
        message = self.refused(text)
        assert "line 2: featured:" in message
        assert "are not in " + EPISODE in message

    def test_a_passage_without_its_episode_is_refused_by_its_line(self):
        text = HEADER + self.row("Alpha") + self.row("Beta", featured="open source")
        assert "line 3: “open source” does not name a passage" in self.refused(text)

    def test_a_bad_context_rule_is_refused_by_its_line_and_column(self):
        text = (
            "label,slug,status,kind,short_definition,not_followed_by\n"
            "Alpha,,draft,concept,,\nMeta,,draft,concept,,Meta:\n"
        )
        message = self.refused(text)
        assert "line 3: not_followed_by: “Meta:”: A context rule cannot be empty" in (
            message
        )

    def test_an_unknown_column_is_refused_naming_the_header_line(self):
        text = "label,slug,colour\nAlpha,,red\n"
        assert "bad.csv: line 1: unknown column(s) colour" in self.refused(text)

    def test_a_file_that_is_not_utf8_is_refused(self):
        with self.assertRaises(ValidationError) as raised:
            glossary_load_file(data=b"label,slug\n\xff\xfe,\n", filename="bad.csv")
        assert "bad.csv: not UTF-8 text" in raised.exception.messages[0]
