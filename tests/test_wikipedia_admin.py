"""The admin's Wikipedia tools: the action on selected terms and the term's page.

glossary/admin/terms.py wires them into TermAdmin; these tests wire them into an
admin site of their own, so they hold whatever else TermAdmin does. Requests
to Wikipedia are answered at httpx's transport (the network's edge) from the
recordings, so the code under test runs unchanged.
"""

from contextlib import contextmanager
from unittest import mock

import httpx
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import path, reverse
from django.utils import timezone

from glossary.admin.actions import ACTION_LIMIT, fetch_from_wikipedia
from glossary.admin.wikipedia import wikipedia_admin_urls
from glossary.models import Alias, Term, WikipediaArticle
from glossary.wikipedia.recorded import RecordedMediaWiki

RLHF = "Reinforcement learning from human feedback"
SITE = "wikipedia_test_admin"


class WikipediaTermAdmin(admin.ModelAdmin):
    actions = [fetch_from_wikipedia]

    def get_urls(self):
        return wikipedia_admin_urls(self) + super().get_urls()


site = admin.AdminSite(name=SITE)
site.register(Term, WikipediaTermAdmin)
urlpatterns = [path("admin/", site.urls)]


@contextmanager
def wikipedia_serving(handler):
    """Answer every real httpx request with `handler` instead of the network."""
    with mock.patch.object(
        httpx.HTTPTransport,
        "handle_request",
        autospec=True,
        side_effect=lambda transport, request: handler(request),
    ):
        yield handler


def make_term(label, **fields):
    term = Term.objects.create(
        label=label, slug=label.lower().replace(" ", "-"), **fields
    )
    Alias.objects.create(term=term, label=label, kind=Alias.Kind.PREFERRED)
    return term


def url(name, *args):
    return reverse(f"{SITE}:glossary_term_{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@override_settings(ROOT_URLCONF=__name__)
class WikipediaAdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser(
            "editor", "editor@example.org", "pw"
        )
        cls.rlhf = make_term(RLHF, definition="Editor's words.")
        cls.meta = make_term("Meta")
        cls.missing = make_term("Democratic LLM")

    def setUp(self):
        cache.clear()
        self.addCleanup(cache.clear)
        self.client.force_login(self.editor)


class FetchActionTests(WikipediaAdminTestCase):
    def run_action(self, *terms):
        return self.client.post(
            url("changelist"),
            {
                "action": "fetch_from_wikipedia",
                "_selected_action": [t.pk for t in terms],
                "index": 0,
            },
            follow=True,
        )

    def test_fetches_the_selected_terms_and_reports_the_outcome(self):
        with wikipedia_serving(RecordedMediaWiki()) as wikipedia:
            response = self.run_action(self.rlhf, self.meta, self.missing)
        assert response.status_code == 200
        assert len(wikipedia.requests) == 3
        reported = messages_of(response)
        assert reported[0] == (
            "Wikipedia: 1 found, 1 missing, 1 disambiguation, 0 errors."
        )
        assert any(m.startswith("Meta: “Meta” is a disambiguation") for m in reported)
        assert WikipediaArticle.objects.get(term=self.rlhf).status == "found"

    def test_leaves_definitions_untouched(self):
        with wikipedia_serving(RecordedMediaWiki()):
            self.run_action(self.rlhf)
        self.rlhf.refresh_from_db()
        assert self.rlhf.definition == "Editor's words."

    def test_stops_at_the_first_failed_request(self):
        requests = []

        def timeout(request):
            requests.append(request)
            raise httpx.ReadTimeout("timed out", request=request)

        with wikipedia_serving(timeout):
            response = self.run_action(self.rlhf, self.meta, self.missing)
        assert len(requests) == 1
        assert "Stopped after 1 of 3 terms" in messages_of(response)[0]
        assert any(
            "did not answer within 5 seconds" in m for m in messages_of(response)
        )

    def test_refuses_more_terms_than_an_editor_should_wait_for(self):
        terms = [make_term(f"Term {n}") for n in range(ACTION_LIMIT + 1)]
        with wikipedia_serving(RecordedMediaWiki()) as wikipedia:
            response = self.run_action(*terms)
        assert wikipedia.requests == []
        assert "manage.py enrich_wikipedia" in messages_of(response)[0]


class TermWikipediaPageTests(WikipediaAdminTestCase):
    def test_the_change_page_has_a_fetch_from_wikipedia_button(self):
        response = self.client.get(url("change", self.rlhf.pk))
        assert response.status_code == 200
        self.assertContains(response, f'href="{url("wikipedia", self.rlhf.pk)}"')
        self.assertContains(response, "Fetch from Wikipedia")

    def test_showing_the_page_never_calls_wikipedia(self):
        WikipediaArticle.objects.create(
            term=self.rlhf, status="error", message="Wikipedia did not answer."
        )

        def no_network(request):
            raise AssertionError("the page called Wikipedia")

        with wikipedia_serving(no_network):
            response = self.client.get(url("wikipedia", self.rlhf.pk))
        assert response.status_code == 200
        self.assertContains(response, "Lookup failed")
        self.assertContains(response, "Wikipedia did not answer.")

    def test_the_button_fetches_and_shows_the_article_with_its_attribution(self):
        with wikipedia_serving(RecordedMediaWiki()):
            response = self.client.post(
                url("wikipedia", self.rlhf.pk), {"action": "fetch"}, follow=True
            )
        assert response.redirect_chain == [(url("wikipedia", self.rlhf.pk), 302)]
        assert messages_of(response) == [f"Fetched “{RLHF}” (revision 1259532120)."]
        self.assertContains(response, "In machine learning, reinforcement learning")
        self.assertContains(response, "oldid=1259532120")
        self.assertContains(response, "CC BY-SA 4.0")

    def test_fetching_again_shows_what_changed(self):
        recorded = RecordedMediaWiki()
        current = recorded.recordings[RLHF]["response"]["body"]["query"]["pages"][0]
        WikipediaArticle.objects.create(
            term=self.rlhf,
            status="found",
            title=RLHF,
            revision_id=1200000000,
            summary=current["extract"].replace("a technique to", "a way to"),
            fetched_at=timezone.now(),
        )
        with wikipedia_serving(recorded):
            response = self.client.post(
                url("wikipedia", self.rlhf.pk), {"action": "fetch"}, follow=True
            )
        self.assertContains(response, "What changed since the previous fetch")
        self.assertContains(response, "is a <del>way</del><ins>technique</ins> to")

    def test_fetching_an_unchanged_article_says_so(self):
        with wikipedia_serving(RecordedMediaWiki()):
            self.client.post(url("wikipedia", self.rlhf.pk), {"action": "fetch"})
            response = self.client.post(
                url("wikipedia", self.rlhf.pk), {"action": "fetch"}, follow=True
            )
        self.assertContains(response, "has not changed since the previous fetch")

    def test_a_failed_fetch_is_a_message_not_an_error_page(self):
        def unavailable(request):
            return httpx.Response(503)

        with wikipedia_serving(unavailable):
            response = self.client.post(
                url("wikipedia", self.rlhf.pk), {"action": "fetch"}, follow=True
            )
        assert response.status_code == 200
        assert "server error (HTTP 503)" in messages_of(response)[0]
        self.rlhf.refresh_from_db()
        assert self.rlhf.definition == "Editor's words."

    def test_copy_puts_the_summary_into_an_empty_definition(self):
        WikipediaArticle.objects.create(
            term=self.meta,
            status="found",
            title="Meta Platforms",
            revision_id=1259771560,
            summary="Meta Platforms, Inc. is a company.",
            fetched_at=timezone.now(),
        )
        response = self.client.post(
            url("wikipedia", self.meta.pk),
            {"action": "copy", "version": self.meta.version},
            follow=True,
        )
        assert response.redirect_chain[-1] == (url("change", self.meta.pk), 302)
        self.meta.refresh_from_db()
        assert self.meta.definition.startswith("Meta Platforms, Inc. is a company.")

    def test_copy_refuses_to_overwrite_unless_asked(self):
        WikipediaArticle.objects.create(
            term=self.rlhf, status="found", title=RLHF, summary="From Wikipedia."
        )
        response = self.client.post(
            url("wikipedia", self.rlhf.pk), {"action": "copy"}, follow=True
        )
        assert "already has a definition" in messages_of(response)[0]
        self.rlhf.refresh_from_db()
        assert self.rlhf.definition == "Editor's words."

        self.client.post(
            url("wikipedia", self.rlhf.pk), {"action": "copy", "replace": "1"}
        )
        self.rlhf.refresh_from_db()
        assert self.rlhf.definition.startswith("From Wikipedia.")

    def test_an_unknown_action_is_a_bad_request(self):
        response = self.client.post(url("wikipedia", self.rlhf.pk), {"action": "x"})
        assert response.status_code == 400

    def test_an_unknown_term_is_not_found(self):
        response = self.client.get(url("wikipedia", 999999))
        assert response.status_code == 404

    def test_a_visitor_is_sent_to_the_login_page(self):
        self.client.logout()
        response = self.client.get(url("wikipedia", self.rlhf.pk))
        assert response.status_code == 302
        assert "/login/" in response["Location"]

    def test_a_viewer_may_look_but_not_fetch(self):
        viewer = get_user_model().objects.create_user("viewer", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_term"))
        self.client.force_login(viewer)
        assert self.client.get(url("wikipedia", self.rlhf.pk)).status_code == 200
        with wikipedia_serving(RecordedMediaWiki()) as wikipedia:
            response = self.client.post(
                url("wikipedia", self.rlhf.pk), {"action": "fetch"}
            )
        assert response.status_code == 403
        assert wikipedia.requests == []
