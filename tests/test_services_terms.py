"""Curating terms: creation, stale edits, renames, publishing, merging, labels."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from glossary.models import (
    Alias,
    Citation,
    GlossaryVersion,
    Term,
    TermRedirect,
    WikipediaArticle,
)
from glossary.services.aliases import (
    AliasSpec,
    alias_add,
    alias_delete,
    alias_update,
    aliases_delete,
    term_set_aliases,
)
from glossary.services.merge import terms_merge
from glossary.services.terms import (
    TermConflict,
    term_create,
    term_rename,
    term_update,
    terms_delete,
    terms_publish,
    terms_set_status,
)

from .admin_helpers import cite, labels_of, make_episode, make_term


class TermCreateTests(TestCase):
    def test_creates_the_preferred_label_as_an_alias(self):
        term = term_create(label="Open source", aliases=["open-source software"])
        assert labels_of(term) == {
            "Open source": "preferred",
            "open-source software": "alternative",
        }

    def test_gives_a_unique_slug(self):
        first = term_create(label="Open source")
        Alias.objects.filter(term=first).delete()  # free the label, keep the slug
        second = term_create(label="Open Source")
        assert (first.slug, second.slug) == ("open-source", "open-source-2")

    def test_avoids_a_slug_that_redirects_to_another_term(self):
        other = term_create(label="Other")
        TermRedirect.objects.create(old_slug="alignment", term=other)
        assert term_create(label="Alignment").slug == "alignment-2"

    def test_refuses_a_label_that_names_another_term(self):
        term_create(label="Large language model", aliases=["LLM"])
        with pytest.raises(ValidationError, match="Large language model"):
            term_create(label="llm")
        assert Term.objects.count() == 1

    def test_refuses_to_publish_without_a_definition(self):
        with pytest.raises(ValidationError, match="definition"):
            term_create(label="RLHF", status=Term.Status.PUBLISHED)
        assert not Term.objects.exists()

    def test_stamps_a_published_term(self):
        term = term_create(
            label="RLHF", status=Term.Status.PUBLISHED, short_definition="A method."
        )
        assert term.published_at is not None

    def test_records_the_creation_in_the_history(self):
        term = term_create(label="RLHF", aliases=["rlhf training"])
        assert term.history.count() == 1
        assert Alias.history.filter(term_id=term.pk).count() == 2


class TermUpdateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term("Open source", aliases=["open-source software"])

    def test_saves_and_raises_the_version(self):
        term = term_update(
            term=self.term,
            expected_version=1,
            short_definition="Source anyone can read.",
        )
        stored = Term.objects.get(pk=self.term.pk)
        assert stored.version == 2
        assert stored.short_definition == "Source anyone can read."
        assert term.version == 2

    def test_refuses_a_stale_version_and_writes_nothing(self):
        term_update(term=self.term, expected_version=1, definition="First editor.")
        with pytest.raises(TermConflict) as raised:
            term_update(term=self.term, expected_version=1, definition="Second editor.")
        assert raised.value.current_version == 2
        assert "changed by someone else" in raised.value.messages[0]
        assert Term.objects.get(pk=self.term.pk).definition == "First editor."

    def test_keeps_one_history_row_per_save(self):
        term_update(term=self.term, expected_version=1, definition="Text.")
        versions = list(self.term.history.values_list("version", flat=True))
        assert versions == [2, 1]

    def test_refuses_publishing_without_a_definition(self):
        with pytest.raises(ValidationError, match="definition"):
            term_update(
                term=self.term, expected_version=1, status=Term.Status.PUBLISHED
            )
        assert Term.objects.get(pk=self.term.pk).version == 1

    def test_publishing_sets_published_at_and_drafting_clears_it(self):
        term_update(
            term=self.term,
            expected_version=1,
            status=Term.Status.PUBLISHED,
            short_definition="Code anyone may reuse.",
        )
        assert Term.objects.get(pk=self.term.pk).published_at is not None
        term_update(term=self.term, expected_version=2, status=Term.Status.DRAFT)
        assert Term.objects.get(pk=self.term.pk).published_at is None

    def test_replaces_relations(self):
        broader = make_term("Software licensing")
        related = make_term("Open weights")
        term_update(
            term=self.term, expected_version=1, related=[related], broader=[broader]
        )
        assert list(self.term.related.all()) == [related]
        assert list(self.term.broader.all()) == [broader]
        assert list(related.related.all()) == [self.term]

    def test_rejects_unknown_fields(self):
        with pytest.raises(TypeError):
            term_update(term=self.term, expected_version=1, score=3)

    def test_moves_the_glossary_version_on_commit(self):
        before = GlossaryVersion.objects.current()
        with self.captureOnCommitCallbacks(execute=True):
            term_update(term=self.term, expected_version=1, kind=Term.Kind.OTHER)
        assert GlossaryVersion.objects.current() > before


class TermRenameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.term = make_term(
            "RLHF", aliases=["reinforcement learning from human feedback"]
        )

    def test_keeps_the_preferred_alias_in_sync(self):
        term_rename(term=self.term, label="Preference tuning")
        assert labels_of(self.term)["Preference tuning"] == "preferred"
        assert "RLHF" not in labels_of(self.term)
        assert Term.objects.get(pk=self.term.pk).label == "Preference tuning"

    def test_old_slug_redirects_to_the_term(self):
        term_rename(term=self.term, label="Preference tuning")
        assert self.term.slug == "preference-tuning"
        assert TermRedirect.objects.get(old_slug="rlhf").term == self.term

    def test_renaming_to_an_own_alias_swaps_the_roles(self):
        term_rename(term=self.term, label="Reinforcement learning from human feedback")
        assert labels_of(self.term) == {
            "Reinforcement learning from human feedback": "preferred",
            "RLHF": "alternative",
        }

    def test_renaming_back_takes_the_old_address_back(self):
        term_rename(term=self.term, label="Preference tuning")
        term_rename(term=self.term, label="RLHF")
        assert self.term.slug == "rlhf"
        assert list(TermRedirect.objects.values_list("old_slug", flat=True)) == [
            "preference-tuning"
        ]

    def test_a_case_change_keeps_the_slug(self):
        term_rename(term=self.term, label="Rlhf")
        assert self.term.slug == "rlhf"
        assert not TermRedirect.objects.exists()

    def test_refuses_a_label_of_another_term(self):
        make_term("Fine-tuning")
        with pytest.raises(ValidationError, match="Fine-tuning"):
            term_rename(term=self.term, label="fine tuning")


class PublishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.defined = make_term(
            "Open source", short_definition="Code anyone may reuse."
        )
        cls.long = make_term("Open weights", definition="Weights you can download.")
        cls.bare = make_term("RLHF")
        cls.done = make_term(
            "AI safety", status=Term.Status.PUBLISHED, short_definition="Safety."
        )

    def test_publishes_only_terms_with_a_definition_and_names_the_others(self):
        result = terms_publish(terms=Term.objects.all())
        assert {t.label for t in result.published} == {"Open source", "Open weights"}
        assert [t.label for t in result.refused] == ["RLHF"]
        assert [t.label for t in result.already] == ["AI safety"]
        assert set(Term.objects.published().values_list("label", flat=True)) == {
            "Open source",
            "Open weights",
            "AI safety",
        }

    def test_stamps_versions_history_and_the_glossary_version(self):
        before = GlossaryVersion.objects.current()
        terms_publish(terms=[self.defined])
        stored = Term.objects.get(pk=self.defined.pk)
        assert stored.published_at is not None
        assert stored.version == 2
        assert stored.history.first().status == "published"
        assert GlossaryVersion.objects.current() == before + 1

    def test_the_database_refuses_a_published_term_without_definition(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Term.objects.filter(pk=self.bare.pk).update(status="published")


class SetStatusTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = make_term("Open source")
        cls.b = make_term("AI safety", status="published", short_definition="Safety.")

    def test_rejects_terms_and_clears_publication(self):
        changed = terms_set_status(terms=[self.a, self.b], status="rejected")
        assert len(changed) == 2
        assert set(Term.objects.values_list("status", flat=True)) == {"rejected"}
        assert Term.objects.get(pk=self.b.pk).published_at is None

    def test_refuses_publishing_through_the_back_door(self):
        with pytest.raises(ValidationError, match="terms_publish"):
            terms_set_status(terms=[self.a], status="published")

    def test_leaves_terms_already_there_alone(self):
        assert terms_set_status(terms=[self.a], status="candidate") == []
        assert Term.objects.get(pk=self.a.pk).version == 1


class MergeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.episode = make_episode()
        cls.segments = list(cls.episode.segments.all())
        cls.survivor = make_term("RLHF", aliases=["rlhf training"])
        cls.other = make_term(
            "Reinforcement learning from human feedback",
            aliases=[AliasSpec("RLfHF", kind="abbreviation", case_sensitive=True)],
            definition="Training a model on human preferences.",
        )
        cls.third = make_term("Human feedback")
        cls.broad = make_term("Machine learning")
        cls.narrow = make_term("DPO")
        cls.friend = make_term("Preference data")
        cls.other.broader.add(cls.broad)
        cls.narrow.broader.add(cls.other)
        cls.other.related.add(cls.friend)
        cls.survivor.related.add(cls.other)
        # Both cite the same span of segment 1; the other's is featured.
        segment = cls.segments[1]
        cls.shared = cite(cls.survivor, segment, 35, 39)
        cite(cls.other, segment, 35, 39, featured=True)
        cls.moved = cite(cls.other, cls.segments[2], 12, 55)
        TermRedirect.objects.create(old_slug="old-rlhf-name", term=cls.other)

    def merge(self):
        return terms_merge(survivor=self.survivor, others=[self.other, self.third])

    def test_moves_every_label_the_preferred_ones_as_alternatives(self):
        self.merge()
        assert labels_of(self.survivor) == {
            "RLHF": "preferred",
            "rlhf training": "alternative",
            "Reinforcement learning from human feedback": "alternative",
            "RLfHF": "abbreviation",
            "Human feedback": "alternative",
        }

    def test_moves_citations_and_drops_duplicate_spans_keeping_featured(self):
        self.merge()
        citations = Citation.objects.filter(term=self.survivor)
        assert citations.count() == 2
        assert Citation.objects.get(pk=self.shared.pk).featured
        assert Citation.objects.get(pk=self.moved.pk).term == self.survivor

    def test_moves_relations(self):
        self.merge()
        assert set(self.survivor.broader.all()) == {self.broad}
        assert set(self.survivor.narrower.all()) == {self.narrow}
        assert set(self.survivor.related.all()) == {self.friend}

    def test_old_slugs_and_their_redirects_point_at_the_survivor(self):
        self.merge()
        redirects = dict(TermRedirect.objects.values_list("old_slug", "term_id"))
        assert redirects == {
            "reinforcement-learning-from-human-feedback": self.survivor.pk,
            "human-feedback": self.survivor.pk,
            "old-rlhf-name": self.survivor.pk,
        }

    def test_deletes_the_others_and_fills_the_survivors_blank_definition(self):
        self.merge()
        assert not Term.objects.filter(pk__in=[self.other.pk, self.third.pk]).exists()
        survivor = Term.objects.get(pk=self.survivor.pk)
        assert survivor.definition == "Training a model on human preferences."
        assert survivor.version == 2
        assert Term.history.filter(id=self.other.pk, history_type="-").exists()

    def test_keeps_a_wikipedia_summary_of_a_merged_term(self):
        WikipediaArticle.objects.create(
            term=self.other, status="found", title="RLHF", summary="From Wikipedia."
        )
        self.merge()
        assert WikipediaArticle.objects.get().term == self.survivor

    def test_bumps_the_glossary_version(self):
        before = GlossaryVersion.objects.current()
        self.merge()
        assert GlossaryVersion.objects.current() > before

    def test_refuses_merging_a_term_into_itself_only(self):
        with pytest.raises(ValidationError):
            terms_merge(survivor=self.survivor, others=[self.survivor])


class AliasTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.llm = make_term("Large language model", aliases=["LLM"])
        cls.ea = make_term("Effective altruism")

    def test_adds_a_label(self):
        alias = alias_add(
            term=self.ea, label="EA", kind="abbreviation", case_sensitive=True
        )
        assert alias.normalized == "ea"
        assert labels_of(self.ea)["EA"] == "abbreviation"

    def test_refuses_a_label_naming_another_term_and_names_it(self):
        with pytest.raises(ValidationError) as raised:
            alias_add(term=self.ea, label="llm", kind="abbreviation")
        assert "“Large language model”" in raised.value.messages[0]

    def test_refuses_a_second_preferred_label(self):
        with pytest.raises(ValidationError, match="preferred"):
            alias_add(term=self.ea, label="EA movement", kind="preferred")

    def test_updates_and_deletes_other_labels_but_not_the_preferred_one(self):
        alias = Alias.objects.get(label="LLM")
        alias_update(
            alias=alias, label="LLMs", kind="alternative", case_sensitive=False
        )
        assert labels_of(self.llm)["LLMs"] == "alternative"
        alias_delete(alias=alias)
        assert "LLMs" not in labels_of(self.llm)
        preferred = Alias.objects.get(term=self.llm, kind="preferred")
        with pytest.raises(ValidationError):
            alias_delete(alias=preferred)

    def test_removing_labels_with_a_preferred_one_among_them_removes_none(self):
        others = list(Alias.objects.filter(term=self.llm).exclude(kind="preferred"))
        preferred = Alias.objects.get(term=self.llm, kind="preferred")
        with pytest.raises(ValidationError, match="preferred label cannot be"):
            aliases_delete(aliases=[*others, preferred])
        assert set(labels_of(self.llm)) == {"Large language model", "LLM"}

    def test_set_aliases_replaces_the_other_labels(self):
        changed = term_set_aliases(term=self.llm, aliases=["LLM", "foundation model"])
        assert changed
        assert labels_of(self.llm) == {
            "Large language model": "preferred",
            "LLM": "alternative",
            "foundation model": "alternative",
        }
        assert not term_set_aliases(term=self.llm, aliases=["foundation model", "LLM"])


class TermDeleteTests(TestCase):
    def test_deletes_terms_with_their_labels_and_old_addresses(self):
        kept = make_term("Open source")
        gone = make_term("RLHF", aliases=["rlhf training"])
        term_rename(term=gone, label="Preference tuning")
        with self.captureOnCommitCallbacks(execute=True):
            assert terms_delete(terms=[gone]) == 1
        assert list(Term.objects.all()) == [kept]
        assert not Alias.objects.filter(term_id=gone.pk).exists()
        assert not TermRedirect.objects.exists()
        assert gone.history.filter(history_type="-").exists()
