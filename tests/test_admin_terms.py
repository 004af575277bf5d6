"""The curation admin for terms: review queue, actions, the term's page, roles."""

from django.contrib import admin
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glossary.models import (
    Alias,
    Citation,
    GlossaryVersion,
    Segment,
    Term,
    TermRedirect,
    WikipediaArticle,
)

from .admin_helpers import (
    cite,
    form_data,
    form_data_without_inlines,
    labels_of,
    logged_in,
    make_episode,
    make_term,
    make_user,
)

CHANGELIST = reverse("admin:glossary_term_changelist")


def change_url(term):
    return reverse("admin:glossary_term_change", args=[term.pk])


def evidence(**overrides):
    return {
        "frequency": 12,
        "episodes": 1,
        "first_seconds": 754.4,
        "first_episode": "ep-1",
        "speakers": ["Nathan Lambert", "Thomas Krendl Gilbert"],
        "quote": "RLHF is how the model learns what people prefer.",
        **overrides,
    }


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


class ReviewQueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.episode = make_episode()
        cls.other_episode = make_episode(slug="ep-2", number=2, title="Safety")
        cls.rlhf = make_term(
            "RLHF",
            aliases=["reinforcement learning from human feedback"],
            score=0.9,
            evidence=evidence(),
        )
        cls.open_source = make_term(
            "Open source", score=0.5, evidence={"frequency": 4}, kind="organization"
        )
        cls.draft = make_term(
            "AI safety", status="draft", score=0.99, definition="Keeping AI safe."
        )
        cls.unscored = make_term("Weights")
        cite(cls.open_source, cls.episode.segments.get(order=0))
        cite(cls.draft, cls.other_episode.segments.get(order=0), 0, 7)

    def setUp(self):
        self.client = logged_in(self.editor)

    def labels_listed(self, response):
        return [term.label for term in response.context["cl"].result_list]

    def test_lists_candidates_first_by_score(self):
        response = self.client.get(CHANGELIST)
        assert response.status_code == 200
        assert self.labels_listed(response) == [
            "RLHF",
            "Open source",
            "Weights",
            "AI safety",
        ]

    def test_shows_the_evidence_with_a_link_that_plays_the_first_mention(self):
        content = self.client.get(CHANGELIST).content.decode()
        assert 'href="https://media.example.com/ep1.mp3#t=754"' in content
        assert "12:34" in content
        assert "Nathan Lambert, Thomas Krendl Gilbert" in content
        assert "RLHF is how the model learns what people prefer." in content
        assert "reinforcement learning from human feedback" in content

    def test_marks_a_first_mention_placed_inside_a_turn_as_approximate(self):
        Term.objects.filter(pk=self.rlhf.pk).update(
            evidence=evidence(first_approximate=True)
        )
        assert "▶ ~12:34" in self.client.get(CHANGELIST).content.decode()
        Term.objects.filter(pk=self.rlhf.pk).update(
            evidence=evidence(first_approximate=False)
        )
        assert "▶ 12:34" in self.client.get(CHANGELIST).content.decode()

    def test_tolerates_evidence_with_missing_keys(self):
        Term.objects.filter(pk=self.unscored.pk).update(
            evidence={"first_seconds": "soon", "speakers": "Ann"}
        )
        assert self.client.get(CHANGELIST).status_code == 200

    def test_can_sort_by_citations(self):
        response = self.client.get(CHANGELIST, {"o": "-5"})
        assert response.status_code == 200
        assert set(self.labels_listed(response)[:2]) == {"Open source", "AI safety"}

    def test_filters_by_status_and_kind(self):
        assert self.labels_listed(
            self.client.get(CHANGELIST, {"status__exact": "draft"})
        ) == ["AI safety"]
        assert self.labels_listed(
            self.client.get(CHANGELIST, {"kind__exact": "organization"})
        ) == ["Open source"]

    def test_filters_by_the_episode_terms_are_cited_in(self):
        response = self.client.get(CHANGELIST, {"episode": "ep-2"})
        assert self.labels_listed(response) == ["AI safety"]

    def test_searches_labels_aliases_and_definitions(self):
        by_alias = self.client.get(CHANGELIST, {"q": "human feedback"})
        assert self.labels_listed(by_alias) == ["RLHF"]
        by_definition = self.client.get(CHANGELIST, {"q": "keeping"})
        assert self.labels_listed(by_definition) == ["AI safety"]

    def test_the_changelist_reads_a_fixed_number_of_queries(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(CHANGELIST)
        for n in range(12):
            make_term(
                f"Extra {n}",
                aliases=[f"extra alias {n}"],
                score=0.1,
                evidence=evidence(first_episode="ep-2"),
            )
        with self.assertNumQueries(len(few)):
            response = self.client.get(CHANGELIST)
        assert len(response.context["cl"].result_list) == 16
        assert len(few) <= 12

    def test_each_row_has_the_checkbox_django_draws(self):
        term_admin = admin.site._registry[Term]
        html = self.client.get(reverse("admin:glossary_term_changelist")).content
        for term in (self.rlhf, self.open_source):
            drawn = admin.ModelAdmin.action_checkbox(term_admin, term)
            assert term_admin.action_checkbox(term) == drawn
            assert drawn.encode() in html


class BulkActionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.defined = make_term(
            "Open source", short_definition="Code anyone may reuse."
        )
        cls.bare = make_term("RLHF")
        cls.other = make_term("Open-source AI")

    def setUp(self):
        self.client = logged_in(self.editor)

    def act(self, action, terms, **extra):
        return self.client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [t.pk for t in terms], **extra},
            follow=True,
        )

    def test_publish_publishes_defined_terms_and_names_the_refused(self):
        response = self.act("publish_terms", [self.defined, self.bare])
        assert Term.objects.get(pk=self.defined.pk).status == "published"
        assert Term.objects.get(pk=self.bare.pk).status == "candidate"
        shown = " ".join(messages_of(response))
        assert "Published 1 term: Open source." in shown
        assert "no definition or short definition" in shown
        assert "RLHF" in shown

    def test_send_to_draft_and_reject(self):
        self.act("set_draft", [self.defined])
        self.act("set_rejected", [self.bare])
        assert Term.objects.get(pk=self.defined.pk).status == "draft"
        assert Term.objects.get(pk=self.bare.pk).status == "rejected"

    def test_merge_asks_which_term_survives(self):
        response = self.act("merge_terms", [self.defined, self.other])
        assert response.status_code == 200
        assert response.templates[0].name == "admin/glossary/merge.html"
        content = response.content.decode()
        assert 'name="survivor"' in content
        assert Term.objects.count() == 3

    def test_merge_moves_everything_and_redirects_the_merged_slug(self):
        response = self.act(
            "merge_terms",
            [self.defined, self.other],
            survivor=self.defined.pk,
            post="yes",
        )
        assert response.redirect_chain[-1][0] == change_url(self.defined)
        assert not Term.objects.filter(pk=self.other.pk).exists()
        redirect = TermRedirect.objects.get(old_slug="open-source-ai")
        assert redirect.term == self.defined
        assert labels_of(self.defined)["Open-source AI"] == "alternative"
        assert "now redirect to it" in " ".join(messages_of(response))

    def test_merge_needs_two_terms(self):
        response = self.act("merge_terms", [self.defined])
        assert "at least two" in " ".join(messages_of(response))


class DeleteTests(TestCase):
    """Every way the admin deletes goes through a service, and keeps the rules."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")  # the Editor group: it has delete_alias
        cls.term = make_term("Large language model", aliases=["LLM", "LLMs"])
        cls.preferred = Alias.objects.get(term=cls.term, kind="preferred")
        cls.other = Alias.objects.get(term=cls.term, label="LLM")
        episode = make_episode()
        cls.citations = [
            cite(cls.term, segment, 0, 3) for segment in episode.segments.all()
        ]

    def setUp(self):
        self.client = logged_in(self.editor)

    def delete_url(self, model, obj):
        return reverse(f"admin:glossary_{model}_delete", args=[obj.pk])

    def delete_selected(self, model, objs):
        return self.client.post(
            reverse(f"admin:glossary_{model}_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [obj.pk for obj in objs],
                "post": "yes",
            },
        )

    def test_an_editor_cannot_open_the_delete_page_of_a_preferred_label(self):
        assert self.editor.has_perm("glossary.delete_alias")
        url = self.delete_url("alias", self.preferred)
        assert self.client.get(url).status_code == 403
        assert self.client.post(url, {"post": "yes"}).status_code == 403
        assert labels_of(self.term)["Large language model"] == "preferred"

    def test_delete_selected_refuses_labels_that_include_a_preferred_one(self):
        response = self.delete_selected("alias", [self.preferred, self.other])
        assert response.status_code == 403
        assert set(labels_of(self.term)) == {"Large language model", "LLM", "LLMs"}

    def test_another_label_is_deleted_from_its_own_page(self):
        response = self.client.post(
            self.delete_url("alias", self.other), {"post": "yes"}
        )
        assert response.status_code == 302
        assert set(labels_of(self.term)) == {"Large language model", "LLMs"}

    def test_deleting_a_term_takes_its_labels_and_moves_the_glossary_version(self):
        version = GlossaryVersion.objects.current()
        url = self.delete_url("term", self.term)
        page = self.client.get(url)
        assert page.status_code == 200
        assert not page.context["perms_lacking"]
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Term.objects.filter(pk=self.term.pk).exists()
        assert not Alias.objects.filter(term_id=self.term.pk).exists()
        assert GlossaryVersion.objects.current() > version

    def test_delete_selected_deletes_the_selected_terms(self):
        kept = make_term("Open source")
        response = self.delete_selected("term", [self.term])
        assert response.status_code == 302
        assert list(Term.objects.all()) == [kept]

    def test_delete_selected_deletes_exactly_the_selected_citations(self):
        first, *rest = self.citations
        response = self.delete_selected("citation", rest)
        assert response.status_code == 302
        assert list(Citation.objects.all()) == [first]


class TermPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.episode = make_episode()
        cls.segments = list(cls.episode.segments.all())
        cls.term = make_term(
            "RLHF",
            aliases=["reinforcement learning from human feedback"],
            definition="**Bold** claim <script>alert(1)</script>",
        )
        cls.llm = make_term("Large language model", aliases=["LLM"])
        cls.citation = cite(cls.term, cls.segments[1], 35, 39)

    def setUp(self):
        self.client = logged_in(self.editor)

    def load(self, term=None):
        return self.client.get(change_url(term or self.term))

    def save(self, response, **changes):
        return self.client.post(change_url(self.term), form_data(response, **changes))

    def test_shows_other_labels_but_not_the_preferred_one(self):
        response = self.load()
        formset = response.context["inline_admin_formsets"][0].formset
        assert [f.instance.label for f in formset.forms if f.instance.pk] == [
            "reinforcement learning from human feedback"
        ]

    def test_renders_the_definition_safely(self):
        content = self.load().content.decode()
        assert "<strong>Bold</strong>" in content
        assert "<script>alert(1)</script>" not in content

    def test_shows_the_stored_wikipedia_summary_and_link(self):
        WikipediaArticle.objects.create(
            term=self.term,
            status="found",
            title="Reinforcement learning from human feedback",
            url="https://en.wikipedia.org/wiki/RLHF",
            summary="In machine learning, RLHF is a technique.",
        )
        content = self.load().content.decode()
        assert "In machine learning, RLHF is a technique." in content
        assert 'href="https://en.wikipedia.org/wiki/RLHF"' in content
        assert reverse("admin:glossary_term_wikipedia", args=[self.term.pk]) in content

    def test_shows_citations_with_time_and_quote(self):
        content = self.load().content.decode()
        assert "https://media.example.com/ep1.mp3#t=60" in content
        assert self.citation.quote in content

    def test_saves_through_the_service_and_raises_the_version(self):
        response = self.save(self.load(), short_definition="Training on preferences.")
        assert response.status_code == 302
        term = Term.objects.get(pk=self.term.pk)
        assert term.short_definition == "Training on preferences."
        assert term.version == 2
        assert term.history.first().history_user == self.editor

    def test_a_new_label_moves_the_address_and_keeps_the_old_one(self):
        self.save(self.load(), label="Preference tuning")
        term = Term.objects.get(pk=self.term.pk)
        assert term.slug == "preference-tuning"
        assert TermRedirect.objects.get(old_slug="rlhf").term == term
        assert labels_of(term)["Preference tuning"] == "preferred"

    def test_refuses_a_label_naming_another_term_with_its_name(self):
        response = self.save(
            self.load(), **{"aliases-1-label": "llm", "aliases-1-kind": "abbreviation"}
        )
        assert response.status_code == 200
        assert (
            "already names the term “Large language model”" in response.content.decode()
        )
        assert "llm" not in labels_of(self.term)
        assert Term.objects.get(pk=self.term.pk).version == 1

    def test_refuses_a_preferred_label_naming_another_term(self):
        response = self.save(self.load(), label="LLM")
        assert response.status_code == 200
        assert "Large language model" in str(response.context["adminform"].form.errors)

    def test_adds_edits_and_deletes_other_labels(self):
        response = self.save(
            self.load(),
            **{
                "aliases-0-DELETE": "on",
                "aliases-1-label": "RLHF training",
                "aliases-1-kind": "alternative",
            },
        )
        assert response.status_code == 302
        assert labels_of(self.term) == {
            "RLHF": "preferred",
            "RLHF training": "alternative",
        }

    def test_refuses_publishing_without_a_definition(self):
        response = self.client.post(
            change_url(self.llm), form_data(self.load(self.llm), status="published")
        )
        assert response.status_code == 200
        assert "needs a definition" in response.content.decode()
        assert Term.objects.get(pk=self.llm.pk).status == "candidate"

    def test_features_a_citation(self):
        self.save(self.load(), **{"citations-0-featured": "on"})
        assert Citation.objects.get(pk=self.citation.pk).featured

    def test_shows_at_most_a_hundred_citations_featured_first(self):
        long = Segment.objects.create(
            episode=self.episode, order=99, start=900.0, text="RLHF " * 120
        )
        Citation.objects.bulk_create(
            Citation(
                term=self.term,
                episode=self.episode,
                segment=long,
                seconds=900.0,
                start_char=5 * n,
                end_char=5 * n + 4,
                featured=n == 110,
            )
            for n in range(115)
        )
        formset = self.load().context["inline_admin_formsets"][1].formset
        shown = [form.instance for form in formset.forms]
        assert len(shown) == 100
        assert shown[0].featured

    def test_the_term_page_reads_a_fixed_number_of_queries(self):
        with CaptureQueriesContext(connection) as few:
            self.load()
        long = Segment.objects.create(
            episode=self.episode, order=98, start=800.0, text="RLHF " * 40
        )
        for n in range(30):
            cite(self.term, long, 5 * n, 5 * n + 4)
        for n in range(5):
            Alias.objects.create(term=self.term, label=f"rlhf variant {n}")
        with self.assertNumQueries(len(few)):
            self.load()

    def test_adds_a_manual_citation_by_picking_a_segment(self):
        self.save(self.load(), **{"citations-2-0-segment": str(self.segments[2].pk)})
        citation = Citation.objects.get(term=self.term, source="manual")
        assert citation.segment == self.segments[2]
        assert citation.seconds == 120.0
        assert citation.start_char == 13  # "Reinforcement learning from human feedback"

    def test_refuses_a_manual_citation_already_there(self):
        response = self.save(
            self.load(),
            **{
                "citations-2-0-segment": str(self.segments[1].pk),
                "citations-2-0-start_char": "35",
                "citations-2-0-end_char": "39",
            },
        )
        assert response.status_code == 200
        assert "already cited" in response.content.decode()

    def test_segment_autocomplete_shows_time_speaker_and_words(self):
        response = self.client.get(
            reverse("admin:glossary_segment_autocomplete"),
            {
                "term": "licence",
                "app_label": "glossary",
                "model_name": "citation",
                "field_name": "segment",
            },
        )
        results = response.json()["results"]
        assert [r["id"] for r in results] == [str(self.segments[1].pk)]
        assert results[0]["text"].startswith("#1 1:00 Bob: Open source is a licence")

    def test_previews_markdown_safely(self):
        response = self.client.post(
            reverse("admin:glossary_term_preview"),
            {"text": "*hi* [x](javascript:alert(1)) <img src=x onerror=alert(1)>"},
        )
        html = response.content.decode()
        assert "<em>hi</em>" in html
        assert 'href="javascript' not in html
        assert "<img" not in html

    def test_adds_a_term(self):
        response = self.client.get(reverse("admin:glossary_term_add"))
        data = form_data(
            response,
            label="Open weights",
            kind="concept",
            status="draft",
            **{
                "aliases-0-label": "open-weight models",
                "aliases-0-kind": "alternative",
            },
        )
        response = self.client.post(reverse("admin:glossary_term_add"), data)
        assert response.status_code == 302
        term = Term.objects.get(label="Open weights")
        assert term.slug == "open-weights"
        assert labels_of(term) == {
            "Open weights": "preferred",
            "open-weight models": "alternative",
        }


class ReviewFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.first = make_term("RLHF", score=0.9)
        cls.second = make_term("Open source", score=0.5)
        cls.third = make_term("Weights")
        cls.related = make_term("Reinforcement learning", aliases=["RL"])

    def setUp(self):
        self.client = logged_in(self.editor)

    def test_save_and_review_next_opens_the_next_candidate_by_score(self):
        page = self.client.get(change_url(self.first))
        assert 'name="_savenext"' in page.content.decode()
        response = self.client.post(
            change_url(self.first),
            form_data(page, short_definition="Training on preferences.", _savenext="1"),
        )
        assert response.status_code == 302
        assert response["Location"] == change_url(self.second)

    def test_related_terms_autocomplete_finds_terms_by_alias(self):
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "term": "RL",
                "app_label": "glossary",
                "model_name": "term",
                "field_name": "related",
            },
        )
        assert response.status_code == 200
        texts = [r["text"] for r in response.json()["results"]]
        assert "Reinforcement learning" in texts

    def test_related_and_broader_terms_are_saved(self):
        page = self.client.get(change_url(self.first))
        self.client.post(
            change_url(self.first),
            form_data(
                page, related=[str(self.related.pk)], broader=[str(self.third.pk)]
            ),
        )
        assert list(self.first.related.all()) == [self.related]
        assert list(self.first.broader.all()) == [self.third]


class ConflictTests(TestCase):
    """Two editors, two tabs, one term: the second save is refused, never lost."""

    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("alice")
        cls.bob = make_user("bob")
        cls.term = make_term("RLHF", aliases=["rlhf training"])

    def test_the_second_save_is_refused_with_a_way_to_see_the_change(self):
        alice, bob = logged_in(self.alice), logged_in(self.bob)
        alice_page = alice.get(change_url(self.term))
        bob_page = bob.get(change_url(self.term))

        first = alice.post(
            change_url(self.term),
            form_data(alice_page, definition="Alice's careful definition."),
        )
        assert first.status_code == 302
        second = bob.post(
            change_url(self.term),
            form_data(bob_page, definition="Bob's different definition."),
        )

        assert second.status_code == 200
        content = second.content.decode()
        assert "alice saved this term while you were editing it" in content
        assert "Your changes were NOT saved" in content
        assert reverse("admin:glossary_term_history", args=[self.term.pk]) in content
        # What is stored now beside what Bob typed, which is still in his form.
        assert "Alice&#x27;s careful definition." in content
        assert "Bob&#x27;s different definition." in content
        stored = Term.objects.get(pk=self.term.pk)
        assert stored.definition == "Alice's careful definition."
        assert stored.version == 2

    def test_a_label_change_from_a_stale_tab_is_refused_too(self):
        alice, bob = logged_in(self.alice), logged_in(self.bob)
        alice_page = alice.get(change_url(self.term))
        bob_page = bob.get(change_url(self.term))
        alice.post(change_url(self.term), form_data(alice_page, kind="other"))
        response = bob.post(
            change_url(self.term),
            form_data(bob_page, **{"aliases-0-label": "RLHF fine-tuning"}),
        )
        assert response.status_code == 200
        assert "rlhf training" in labels_of(self.term)

    def test_a_bulk_action_meanwhile_makes_the_open_form_stale(self):
        alice, bob = logged_in(self.alice), logged_in(self.bob)
        page = alice.get(change_url(self.term))
        bob.post(
            CHANGELIST, {"action": "set_rejected", "_selected_action": [self.term.pk]}
        )
        response = alice.post(change_url(self.term), form_data(page, kind="other"))
        assert response.status_code == 200
        assert Term.objects.get(pk=self.term.pk).status == "rejected"


class HistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.term = make_term("RLHF", aliases=["rlhf training"])

    def setUp(self):
        self.client = logged_in(self.editor)

    def test_history_lists_versions_and_label_changes(self):
        page = self.client.get(change_url(self.term))
        self.client.post(change_url(self.term), form_data(page, definition="v2"))
        response = self.client.get(
            reverse("admin:glossary_term_history", args=[self.term.pk])
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "v2" in content
        assert 'id="label-history"' in content
        assert "rlhf training" in content

    def test_reverts_to_an_earlier_version(self):
        page = self.client.get(change_url(self.term))
        self.client.post(
            change_url(self.term), form_data(page, label="Preference tuning")
        )
        first = self.term.history.get(version=1)
        url = reverse(
            "admin:glossary_term_simple_history", args=[self.term.pk, first.history_id]
        )
        revert_page = self.client.get(url)
        assert revert_page.status_code == 200
        response = self.client.post(url, form_data_without_inlines(revert_page))
        assert response.status_code == 302
        term = Term.objects.get(pk=self.term.pk)
        assert (term.label, term.slug, term.version) == ("RLHF", "rlhf", 3)
        assert labels_of(term)["RLHF"] == "preferred"
        assert TermRedirect.objects.get(old_slug="preference-tuning").term == term

    def test_a_revert_to_a_version_that_is_not_a_number_is_not_found(self):
        url = reverse("admin:glossary_term_history", args=[self.term.pk]) + "abc/"
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, {}).status_code == 404
        assert Term.objects.get(pk=self.term.pk).version == self.term.version

    def test_restores_a_deleted_label_from_its_history(self):
        alias = Alias.objects.get(label="rlhf training")
        page = self.client.get(change_url(self.term))
        self.client.post(
            change_url(self.term), form_data(page, **{"aliases-0-DELETE": "on"})
        )
        record = Alias.history.filter(id=alias.pk, history_type="+").get()
        url = reverse(
            "admin:glossary_alias_simple_history", args=[alias.pk, record.history_id]
        )
        response = self.client.post(
            url, form_data_without_inlines(self.client.get(url))
        )
        assert response.status_code == 302
        assert labels_of(self.term)["rlhf training"] == "alternative"


class RoleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = make_user("visitor", editor=False)
        cls.term = make_term("RLHF")

    def setUp(self):
        self.client = logged_in(self.staff)

    def test_staff_without_the_editor_group_see_nothing_to_change(self):
        index = self.client.get(reverse("admin:index"))
        assert index.status_code == 200
        assert index.context["available_apps"] == []

    def test_staff_without_the_editor_group_cannot_open_or_change_terms(self):
        assert self.client.get(CHANGELIST).status_code == 403
        assert self.client.get(change_url(self.term)).status_code == 403
        assert (
            self.client.post(change_url(self.term), {"label": "x"}).status_code == 403
        )
        response = self.client.post(
            CHANGELIST, {"action": "publish_terms", "_selected_action": [self.term.pk]}
        )
        assert response.status_code == 403
        assert self.client.get(reverse("admin:glossary_term_import")).status_code == 403
        assert self.client.get(reverse("admin:glossary_term_export")).status_code == 403
        preview = self.client.post(
            reverse("admin:glossary_term_preview"), {"text": "x"}
        )
        assert preview.status_code == 403

    def test_editors_see_the_glossary(self):
        editor = logged_in(make_user("editor"))
        index = editor.get(reverse("admin:index"))
        names = {
            m["object_name"]
            for app in index.context["available_apps"]
            for m in app["models"]
        }
        assert {"Term", "Episode", "Citation", "Person", "Segment"} <= names
        assert "Alias" not in names
