"""Rough edges of an editor's day in the admin, each fixed and kept fixed."""

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from glossary import matchers
from glossary.models import Person, Term, WikipediaArticle
from glossary.services.extraction import terms_propose_candidates
from glossary.services.merge import terms_merge
from glossary.services.terms import term_update
from glossary.wikipedia.recorded import RecordedMediaWiki

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
from .factories import seed_episode
from .test_wikipedia_admin import wikipedia_serving

CHANGELIST = reverse("admin:glossary_term_changelist")


def change_url(term: Term) -> str:
    return reverse("admin:glossary_term_change", args=[term.pk])


class AdminHomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_term("RLHF", score=2.0)
        make_term("Open source", score=3.0)
        make_term("Published", status=Term.Status.PUBLISHED, short_definition="Yes.")

    def test_the_home_page_leads_to_the_review_queue_with_its_count(self):
        html = logged_in(self.editor).get(reverse("admin:index")).content.decode()
        assert 'id="review-queue"' in html
        assert "2 candidates waiting" in html
        assert f'href="{CHANGELIST}?status__exact=candidate"' in html

    def test_staff_who_cannot_curate_see_no_queue(self):
        visitor = make_user("visitor", editor=False)
        html = logged_in(visitor).get(reverse("admin:index")).content.decode()
        assert "review-queue" not in html

    def test_the_queue_shows_its_sort_arrow_on_the_score(self):
        html = logged_in(self.editor).get(CHANGELIST).content.decode()
        score = html.index('class="sortable column-score_shown sorted descending')
        assert "Sorting priority: 1" in html[score : score + 600]


class FaviconTests(TestCase):
    def test_the_favicon_answers_instead_of_a_404(self):
        response = self.client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"].endswith("glossary/favicon.svg")


class PeopleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.tom = Person.objects.create(
            name="Thomas Krendl Gilbert", slug="tom", short_names=["Tom", "Thomas"]
        )

    def test_short_names_read_as_a_list_not_json(self):
        client = logged_in(self.editor)
        listing = client.get(reverse("admin:glossary_person_changelist")).content
        assert "Tom, Thomas" in listing.decode()
        form = client.get(reverse("admin:glossary_person_change", args=[self.tom.pk]))
        assert 'value="Tom, Thomas"' in form.content.decode()

    def test_short_names_are_typed_comma_separated(self):
        client = logged_in(self.editor)
        response = client.post(
            reverse("admin:glossary_person_change", args=[self.tom.pk]),
            {"name": self.tom.name, "slug": "tom", "short_names": "Tom , TKG,Tom"},
        )
        assert response.status_code == 302
        self.tom.refresh_from_db()
        assert self.tom.short_names == ["Tom", "TKG"]


class QueueColumnsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_episode(slug="ep-1", number=1, title="Open models", audio_url="")
        make_episode(slug="ep-2", number=None, title="Open models")
        make_term(
            "RLHF",
            score=1.0,
            evidence={"frequency": 2, "first_seconds": 754, "first_episode": "ep-1"},
        )

    def test_episodes_of_the_same_title_are_told_apart_in_the_filter(self):
        html = logged_in(self.editor).get(CHANGELIST).content.decode()
        assert "#1 Open models (The Retort, ep-1)" in html
        assert "Open models (The Retort, ep-2)" in html

    def test_a_first_mention_without_audio_opens_the_transcript_there(self):
        html = logged_in(self.editor).get(CHANGELIST).content.decode()
        assert 'href="/episodes/ep-1/#t=754"' in html


class HistoryReasonTests(TestCase):
    """Every version in a term's history says what happened."""

    @classmethod
    def setUpTestData(cls):
        seed_episode()
        terms_propose_candidates()

    def test_extraction_records_the_version_it_created(self):
        term = Term.objects.get(label="civil society")
        assert list(term.history.values_list("history_change_reason", flat=True)) == [
            "Proposed by extraction"
        ]

    def test_an_edit_names_the_fields_it_changed(self):
        term = Term.objects.get(label="civil society")
        term_update(
            term=term,
            expected_version=term.version,
            label=term.label,
            short_definition="Between state and market.",
            status=Term.Status.PUBLISHED,
        )
        assert term.history.first().history_change_reason == (
            "Edited short definition, status"
        )

    def test_a_merge_names_the_merged_terms(self):
        survivor, other = Term.objects.filter(status=Term.Status.CANDIDATE)[:2]
        terms_merge(survivor=survivor, others=[other])
        reason = survivor.history.first().history_change_reason
        assert reason == f"Merged “{other.label}” into it"


class CitationCountTests(TestCase):
    """The admin counts a term's citations, the number its concept page shows."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        episode = make_episode()
        cls.term = make_term(
            "Open source",
            status=Term.Status.PUBLISHED,
            short_definition="Code anyone may reuse.",
            score=1.0,
            # Extraction's own count when it proposed the term: not shown.
            evidence={"frequency": 70, "episodes": 4},
        )
        cite(cls.term, episode.segments.get(order=0))
        cite(cls.term, episode.segments.get(order=1))

    def test_the_queue_counts_the_citations_the_concept_page_shows(self):
        client = logged_in(self.editor)
        page = client.get(self.term.get_absolute_url()).content.decode()
        assert "2 mentions in 1 episode" in page
        response = client.get(CHANGELIST)
        html = response.content.decode()
        row = html[html.index(f">{self.term.label}</a>") :]
        assert f'?term__id__exact={self.term.pk}" title="List them">2</a>' in row
        assert "column-citations_shown" in html
        assert "mentions" not in html.casefold().replace("first mention", "")

    def test_the_terms_page_counts_its_citations_in_the_evidence(self):
        html = logged_in(self.editor).get(change_url(self.term)).content.decode()
        panel = html[html.index('class="kb-evidence"') :]
        assert "<th>Citations</th><td><a" in panel
        assert ">70<" not in panel

    def test_the_count_links_to_the_terms_citations(self):
        client = logged_in(self.editor)
        listing = client.get(
            reverse("admin:glossary_citation_changelist"),
            {"term__id__exact": self.term.pk},
        )
        assert listing.status_code == 200
        assert len(listing.context["cl"].result_list) == 2


class InlineRowTests(TestCase):
    """A term's citation and label rows say what they are, not the object's name."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        episode = make_episode()
        cls.term = make_term("RLHF", aliases=["reinforcement learning"])
        cls.citation = cite(cls.term, episode.segments.get(order=1))

    def group(self, name: str) -> str:
        html = logged_in(self.editor).get(change_url(self.term)).content.decode()
        start = html.index(f'id="{name}-group"')
        return html[start : html.index("</fieldset>", start)]

    def test_a_citation_row_shows_episode_time_speaker_and_quote(self):
        row = self.group("citations")
        assert str(self.citation) not in row
        assert "object (" not in row
        assert "#1 Open models" in row
        assert "#t=60" in row
        assert "1:00" in row
        assert "Bob" in row
        assert "Open source is a licence question. RLHF is a method." in row

    def test_a_label_row_shows_the_label_once(self):
        row = self.group("aliases")
        assert row.count("reinforcement learning") == 1


class LabelErrorTests(TestCase):
    """A refused label is named at the top of the page, with its owner."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.term = make_term("RLHF")
        cls.owner = make_term("Reinforcement learning", aliases=["RL"])

    def post(self, **changes):
        client = logged_in(self.editor)
        page = client.get(change_url(self.term))
        return client.post(change_url(self.term), form_data(page, **changes))

    def summary(self, response) -> str:
        html = response.content.decode()
        start = html.index('id="kb-label-errors"')
        assert start < html.index('id="aliases-group"')
        return html[start : html.index("</div>", start)]

    def test_a_label_another_term_owns_is_named_at_the_top_with_a_link(self):
        response = self.post(**{"aliases-0-label": "rl"})
        assert response.status_code == 200
        summary = self.summary(response)
        assert "“rl” already names the term “Reinforcement learning”" in summary
        assert f'href="{change_url(self.owner)}"' in summary

    def test_a_preferred_label_another_term_owns_is_named_at_the_top(self):
        response = self.post(label="Reinforcement learning")
        assert f'href="{change_url(self.owner)}"' in self.summary(response)

    def test_a_label_given_twice_is_named_at_the_top(self):
        response = self.post(
            **{
                "aliases-0-label": "feedback learning",
                "aliases-1-label": "Feedback learning",
                "aliases-TOTAL_FORMS": "2",
            }
        )
        assert "is already a label of “RLHF”" in self.summary(response)


class RelationAutocompleteTests(TestCase):
    """Picking a related or broader term: status shown, exact match first."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.term = make_term("Open model")
        cls.longer = make_term(
            "Open model weights", status=Term.Status.PUBLISHED, short_definition="W."
        )
        cls.exact = make_term("Model", aliases=["models"])
        cls.rejected = make_term("Model card", status=Term.Status.REJECTED)

    def choices(self, text: str) -> list[str]:
        client = logged_in(self.editor)
        page = client.get(change_url(self.term)).content.decode()
        url = reverse("admin:glossary_term_relation_autocomplete")
        assert f'data-ajax--url="{url}?exclude={self.term.pk}"' in page
        response = client.get(
            url,
            {
                "term": text,
                "app_label": "glossary",
                "model_name": "term",
                "field_name": "related",
                "exclude": self.term.pk,
            },
        )
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    def test_the_exact_match_comes_first_with_its_status(self):
        assert self.choices("model")[0] == "Model (candidate)"

    def test_the_status_of_each_choice_is_shown(self):
        assert "Open model weights (published)" in self.choices("open model")

    def test_the_term_itself_is_never_offered(self):
        assert self.choices("open model") == ["Open model weights (published)"]

    def test_rejected_terms_are_not_offered(self):
        assert not any(text.startswith("Model card") for text in self.choices("mod"))


class RevertTests(TestCase):
    """A revert lands on the term's page, saying what it restored."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.term = make_term("RLHF", short_definition="Learning from people.")

    def revert_to_the_first_version(self):
        """Edit once, then revert to version 1 from its history page."""
        client = logged_in(self.editor)
        page = client.get(change_url(self.term))
        client.post(change_url(self.term), form_data(page, short_definition="Oops."))
        first = self.term.history.get(version=1)
        url = reverse(
            "admin:glossary_term_simple_history", args=[self.term.pk, first.history_id]
        )
        return client.post(url, form_data_without_inlines(client.get(url)), follow=True)

    def test_a_revert_opens_the_term_and_names_the_version_and_fields(self):
        response = self.revert_to_the_first_version()
        assert response.redirect_chain[-1][0] == change_url(self.term)
        (message,) = [str(m) for m in response.context["messages"]]
        assert message.startswith("Reverted “RLHF” to version 1, saved ")
        assert "Restored: short definition. It is now version 3" in message
        self.term.refresh_from_db()
        assert self.term.short_definition == "Learning from people."

    def test_the_history_records_the_revert_as_one(self):
        self.revert_to_the_first_version()
        latest = self.term.history.first()
        assert latest.history_change_reason == "Reverted to version 1"


class ConflictChoiceTests(TestCase):
    """A stale save: one message, and a choice between mine and theirs."""

    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("alice")
        cls.bob = make_user("bob")
        cls.term = make_term("RLHF")

    def conflict(self):
        alice, bob = logged_in(self.alice), logged_in(self.bob)
        bob_page = bob.get(change_url(self.term))
        alice.post(
            change_url(self.term),
            form_data(alice.get(change_url(self.term)), definition="Alice's."),
        )
        mine = form_data(bob_page, definition="Bob's.")
        return bob, mine, bob.post(change_url(self.term), mine)

    def test_the_conflict_is_said_once(self):
        _, _, response = self.conflict()
        html = response.content.decode()
        assert html.count("saved this term while you were editing it") == 1
        assert "Please correct the error" not in html

    def test_take_theirs_opens_the_stored_version(self):
        _, _, response = self.conflict()
        html = response.content.decode()
        assert f'id="kb-take-theirs" href="{change_url(self.term)}"' in html

    def test_keep_mine_saves_over_the_version_shown(self):
        bob, mine, response = self.conflict()
        assert 'name="_keep_mine" value="2"' in response.content.decode()
        saved = bob.post(change_url(self.term), {**mine, "_keep_mine": "2"})
        assert saved.status_code == 302
        self.term.refresh_from_db()
        assert (self.term.definition, self.term.version) == ("Bob's.", 3)

    def test_keep_mine_is_refused_again_after_another_save(self):
        bob, mine, _ = self.conflict()
        term = Term.objects.get(pk=self.term.pk)
        term_update(term=term, expected_version=2, definition="Carol's.")
        again = bob.post(change_url(self.term), {**mine, "_keep_mine": "2"})
        assert again.status_code == 200
        assert 'name="_keep_mine" value="3"' in again.content.decode()
        assert Term.objects.get(pk=self.term.pk).definition == "Carol's."


class PreviewTests(TestCase):
    """The preview is the concept page's own rendering of the definition."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_term("RLHF", status=Term.Status.PUBLISHED, short_definition="R.")
        cls.term = make_term(
            "Open source",
            status=Term.Status.PUBLISHED,
            short_definition="Code anyone may reuse.",
            definition="Open source, *not* RLHF:\n\n- read\n- share",
        )

    def setUp(self):
        # Links as a fresh process would: a glossary version another test
        # reached (and rolled back) may have left its matcher behind.
        matchers._built.clear()

    def test_the_preview_renders_as_the_concept_page_does(self):
        client = logged_in(self.editor)
        page = client.get(self.term.get_absolute_url()).content.decode()
        start = page.index('<div class="prose definition">') + len(
            '<div class="prose definition">'
        )
        shown = page[start : page.index("</div>", start)]
        preview = client.post(
            reverse("admin:glossary_term_preview"),
            {"text": self.term.definition, "term": self.term.pk},
        ).content.decode()
        assert 'href="/concepts/rlhf/"' in preview
        assert preview == shown


class WikipediaPageTests(TestCase):
    """The term's Wikipedia page and panel: styled, and a way out of ambiguity."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.meta = make_term("Meta", kind=Term.Kind.ORGANIZATION)

    def setUp(self):
        cache.clear()  # the client keeps lookups in the cache
        self.client = logged_in(self.editor)
        self.url = reverse("admin:glossary_term_wikipedia", args=[self.meta.pk])

    def fetch(self):
        with wikipedia_serving(RecordedMediaWiki()):
            return self.client.post(self.url, {"action": "fetch"})

    def test_a_disambiguation_lists_the_articles_it_offers(self):
        response = self.fetch()
        assert response.status_code == 200
        html = response.content.decode()
        choices = html[html.index('id="wikipedia-choices"') :]
        assert 'name="title" value="Meta (prefix)"' in choices
        assert 'name="title" value="Meta Platforms"' in choices

    def test_choosing_an_article_sets_the_title_and_fetches_it(self):
        self.fetch()
        self.meta.refresh_from_db()
        with wikipedia_serving(RecordedMediaWiki()):
            response = self.client.post(
                self.url,
                {
                    "action": "choose",
                    "title": "Meta Platforms",
                    "version": self.meta.version,
                },
            )
        assert response.status_code == 302
        self.meta.refresh_from_db()
        assert self.meta.wikipedia_title == "Meta Platforms"
        article = WikipediaArticle.objects.get(term=self.meta)
        assert (article.status, article.title) == ("found", "Meta Platforms")

    def test_the_last_lookup_is_a_table(self):
        self.fetch()
        html = self.client.get(self.url).content.decode()
        lookup = html[html.index('class="module kb-wikipedia-lookup"') :]
        assert '<th scope="row">Status</th>' in lookup
        assert "glossary/admin/term.css" in html

    def test_the_terms_page_shows_a_found_article_with_its_date(self):
        with wikipedia_serving(RecordedMediaWiki()):
            self.client.post(
                self.url, {"action": "choose", "title": "Meta Platforms", "version": 1}
            )
        html = self.client.get(change_url(self.meta)).content.decode()
        panel = html[html.index('class="kb-wikipedia"') :]
        assert ">Meta Platforms</a> (fetched 20" in panel


class FoldRowTests(TestCase):
    """A queue row folds its candidate into another term, not only the action."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.target = make_term(
            "Llama 2", status=Term.Status.PUBLISHED, short_definition="Meta's model."
        )
        cls.variant = make_term(
            "Lama 2",
            score=1.0,
            evidence={
                "variant_of": {"key": "llama 2", "label": "Llama 2", "reason": "typo"}
            },
        )

    def fold_url(self) -> str:
        return reverse("admin:glossary_term_fold", args=[self.variant.pk])

    def test_each_candidate_row_has_a_fold_button(self):
        html = logged_in(self.editor).get(CHANGELIST).content.decode()
        assert f'href="{self.fold_url()}"' in html
        assert html.count(">Fold into…</a>") == 1  # the published term has none

    def test_the_fold_page_proposes_the_term_extraction_found(self):
        page = logged_in(self.editor).get(self.fold_url())
        assert page.status_code == 200
        assert page.context["form"].initial["into"] == self.target
        assert "Extraction proposed “Llama 2” (typo)" in page.content.decode()

    def test_folding_makes_the_variant_a_hidden_label_and_returns_to_the_queue(self):
        response = logged_in(self.editor).post(
            self.fold_url(), {"into": self.target.pk}, follow=True
        )
        assert response.redirect_chain[-1][0] == f"{CHANGELIST}?status__exact=candidate"
        assert not Term.objects.filter(pk=self.variant.pk).exists()
        assert labels_of(self.target)["Lama 2"] == "hidden"
        (message,) = [str(m) for m in response.context["messages"]]
        assert message.startswith("Folded “Lama 2” into “Llama 2”")

    def test_a_term_cannot_be_folded_into_itself(self):
        response = logged_in(self.editor).post(
            self.fold_url(), {"into": self.variant.pk}
        )
        assert response.status_code == 200
        assert Term.objects.filter(pk=self.variant.pk).exists()


class MergePageTests(TestCase):
    """Terms and people are merged through one page, each with its own columns."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.tom = Person.objects.create(name="Tom", slug="tom")
        cls.thomas = Person.objects.create(name="Thomas", slug="thomas")

    def test_the_people_merge_page_asks_who_stays(self):
        response = logged_in(self.editor).post(
            reverse("admin:glossary_person_changelist"),
            {
                "action": "merge_people",
                "_selected_action": [self.tom.pk, self.thomas.pk],
            },
        )
        assert response.templates[0].name == "admin/glossary/merge.html"
        html = response.content.decode()
        assert "<th>Segments</th>" in html
        assert 'value="Merge into the chosen person"' in html
        assert html.count('name="survivor"') == 2


class CitationPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.citation = cite(make_term("RLHF"), make_episode().segments.get(order=1))

    def test_a_citations_page_names_its_speaker_not_the_segment_object(self):
        url = reverse("admin:glossary_citation_change", args=[self.citation.pk])
        html = logged_in(self.editor).get(url).content.decode()
        fields = html[html.index('id="citation_form"') :]
        assert str(self.citation.segment) not in fields
        assert '<div class="readonly">Bob</div>' in fields
