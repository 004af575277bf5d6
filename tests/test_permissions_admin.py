"""The admin's permission matrix: every admin URL of kb's models, every role.

One model decides (Django's permissions; the Editor group for editors), as
for the API (`test_permissions.py`). Each URL is fetched by anonymous, a
user who is not staff, staff without a group, an editor and a superuser;
the table below says what each gets, and no one ever gets a 500.
"""

from django.contrib import admin
from django.test import TestCase
from django.urls import URLPattern, URLResolver, reverse

from glossary.models import Episode, Job, Person, Segment, Show
from tests.test_permissions import ROLES, make_role

from .admin_helpers import cite, logged_in
from .admin_helpers import make_episode as admin_episode
from .admin_helpers import make_term as admin_term
from .factories import make_show

OK, DENIED, GONE = 200, 403, 405
# Per URL name: the status for staff without a group, an editor and a
# superuser (anonymous users and non-staff are sent to the login page).
MATRIX = {
    "glossary_episode_changelist": (DENIED, OK, OK),
    "glossary_episode_add": (DENIED, OK, OK),
    "glossary_episode_upload": (DENIED, OK, OK),
    "glossary_episode_reupload": (DENIED, OK, OK),
    "glossary_episode_change": (DENIED, OK, OK),
    "glossary_episode_history": (DENIED, OK, OK),
    "glossary_episode_delete": (DENIED, DENIED, OK),
    "glossary_segment_changelist": (DENIED, OK, OK),
    "glossary_segment_add": (DENIED, DENIED, DENIED),
    "glossary_segment_change": (DENIED, OK, OK),
    "glossary_segment_history": (DENIED, OK, OK),
    "glossary_segment_delete": (DENIED, DENIED, DENIED),
    "glossary_segment_autocomplete": (DENIED, DENIED, DENIED),
    "glossary_person_changelist": (DENIED, OK, OK),
    "glossary_person_add": (DENIED, OK, OK),
    "glossary_person_change": (DENIED, OK, OK),
    "glossary_person_history": (DENIED, OK, OK),
    "glossary_person_delete": (DENIED, OK, OK),
    "glossary_person_name": (DENIED, OK, OK),
    "glossary_show_changelist": (DENIED, OK, OK),
    "glossary_show_add": (DENIED, OK, OK),
    "glossary_show_change": (DENIED, OK, OK),
    "glossary_show_history": (DENIED, OK, OK),
    "glossary_show_delete": (DENIED, DENIED, OK),
    "glossary_show_job": (GONE, GONE, GONE),  # POST only
    "glossary_job_changelist": (DENIED, OK, OK),
    "glossary_job_add": (DENIED, DENIED, DENIED),  # jobs are queued on a show
    "glossary_job_change": (DENIED, OK, OK),  # read-only
    "glossary_job_history": (DENIED, OK, OK),
    "glossary_job_delete": (DENIED, DENIED, OK),
    "glossary_job_enrich": (GONE, GONE, GONE),  # POST only
    "glossary_term_changelist": (DENIED, OK, OK),
    "glossary_term_add": (DENIED, OK, OK),
    "glossary_term_change": (DENIED, OK, OK),
    "glossary_term_history": (DENIED, OK, OK),
    "glossary_term_simple_history": (DENIED, OK, OK),
    "glossary_term_delete": (DENIED, OK, OK),
    "glossary_term_wikipedia": (DENIED, OK, OK),
    "glossary_term_import": (DENIED, OK, OK),
    "glossary_term_export": (DENIED, OK, OK),
    "glossary_term_process_import": (GONE, GONE, GONE),
    "glossary_term_preview": (GONE, GONE, GONE),
    "glossary_term_relation_autocomplete": (DENIED, DENIED, DENIED),
    "glossary_term_fold": (DENIED, OK, OK),
    "glossary_alias_changelist": (DENIED, OK, OK),
    "glossary_alias_add": (DENIED, DENIED, DENIED),  # labels are added on a term
    "glossary_alias_change": (DENIED, OK, OK),
    "glossary_alias_history": (DENIED, OK, OK),
    "glossary_alias_simple_history": (DENIED, OK, OK),
    "glossary_alias_delete": (DENIED, OK, OK),
    "glossary_labelsense_changelist": (DENIED, OK, OK),
    "glossary_labelsense_add": (DENIED, DENIED, DENIED),  # every label has senses
    "glossary_labelsense_change": (DENIED, OK, OK),
    "glossary_labelsense_history": (DENIED, OK, OK),
    "glossary_labelsense_delete": (DENIED, DENIED, DENIED),
    "glossary_explain": (DENIED, OK, OK),
    "glossary_integrity": (DENIED, OK, OK),
    "glossary_citation_changelist": (DENIED, OK, OK),
    "glossary_citation_add": (DENIED, DENIED, DENIED),
    "glossary_citation_change": (DENIED, OK, OK),
    "glossary_citation_history": (DENIED, OK, OK),
    "glossary_citation_delete": (DENIED, OK, OK),
}


def glossary_admin_urls():
    """(name, pattern) of every named URL the admin serves for kb's models."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name, prefix + str(pattern.pattern)

    return [
        (name, route)
        for name, route in walk(admin.site.urls[0])
        if name.startswith("glossary_")
    ]


class AdminPermissionMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_role(role) for role in ROLES}
        cls.episode = admin_episode()
        cls.term = admin_term("open source", aliases=["open-source software"])
        cls.citation = cite(cls.term, cls.episode.segments.first())
        cls.person = Person.objects.first()
        cls.job = Job.objects.create(kind=Job.Kind.REEXTRACT, show=cls.episode.show)
        # A label that may be deleted: the preferred one never may be.
        alias = cls.term.aliases.exclude(kind="preferred").get()
        cls.objects = {
            "episode": cls.episode.pk,
            "segment": cls.episode.segments.first().pk,
            "person": cls.person.pk,
            "term": cls.term.pk,
            "alias": alias.pk,
            "labelsense": alias.pk,
            "citation": cls.citation.pk,
            "show": cls.episode.show.pk,
            "job": cls.job.pk,
        }
        cls.history = {
            "term": cls.term.history.first().history_id,
            "alias": alias.history.first().history_id,
        }

    def url(self, name: str) -> str:
        model = name.split("_")[1]
        if name.endswith("simple_history"):
            return reverse(
                f"admin:{name}", args=[self.objects[model], self.history[model]]
            )
        if name == "glossary_show_job":
            return reverse(f"admin:{name}", args=[self.objects[model], "import"])
        if name.endswith(
            (
                "_change",
                "_history",
                "_delete",
                "_wikipedia",
                "reupload",
                "_name",
                "_fold",
            )
        ):
            return reverse(f"admin:{name}", args=[self.objects[model]])
        return reverse(f"admin:{name}")

    def test_the_table_covers_every_admin_url(self):
        assert {name for name, _ in glossary_admin_urls()} == set(MATRIX)

    def test_every_role_gets_what_its_permissions_say_and_never_a_500(self):
        for name, expected in MATRIX.items():
            url = self.url(name)
            for role in ROLES:
                user = self.users[role]
                client = logged_in(user) if user else self.client
                status = client.get(url).status_code
                with self.subTest(url=url, role=role):
                    if role in ("anonymous", "user"):
                        assert status in (302, GONE), status
                        if status == 302:
                            assert "/admin/login/" in client.get(url)["Location"]
                    else:
                        want = expected[("staff", "editor", "superuser").index(role)]
                        assert status == want, (status, want)


class AdminWriteTests(TestCase):
    """The writes behind the pages: POSTs, where the admin acts."""

    @classmethod
    def setUpTestData(cls):
        cls.staff = make_role("staff")
        cls.editor = make_role("editor")
        cls.superuser = make_role("superuser")

    def test_a_superuser_deletes_an_episode_with_its_segments(self):
        episode = admin_episode()
        url = reverse("admin:glossary_episode_delete", args=[episode.pk])
        response = logged_in(self.superuser).post(url, {"post": "yes"})
        assert response.status_code == 302
        assert not Episode.objects.exists() and not Segment.objects.exists()

    def test_a_superuser_deletes_episodes_in_bulk_with_their_segments(self):
        first = admin_episode()
        second = admin_episode(slug="ep-2", number=2)
        response = logged_in(self.superuser).post(
            reverse("admin:glossary_episode_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [first.pk, second.pk],
                "post": "yes",
            },
        )
        assert response.status_code == 302
        assert not Episode.objects.exists() and not Segment.objects.exists()

    def test_an_editor_cannot_delete_an_episode(self):
        episode = admin_episode()
        url = reverse("admin:glossary_episode_delete", args=[episode.pk])
        response = logged_in(self.editor).post(url, {"post": "yes"})
        assert response.status_code == 403
        assert Episode.objects.exists()

    def test_an_editor_queues_a_feed_import_of_a_show(self):
        show = Show.objects.create(
            title="A show", slug="a-show", feed_url="https://feeds.example/a.xml"
        )
        url = reverse("admin:glossary_show_job", args=[show.pk, "import"])
        response = logged_in(self.editor).post(url)
        assert response.status_code == 302
        job = Job.objects.get()
        assert (job.kind, job.show, job.created_by) == (
            Job.Kind.IMPORT_FEED,
            show,
            self.editor,
        )

    def test_staff_without_a_group_cannot_queue_a_feed_import(self):
        show = Show.objects.create(
            title="A show", slug="a-show", feed_url="https://feeds.example/a.xml"
        )
        url = reverse("admin:glossary_show_job", args=[show.pk, "import"])
        response = logged_in(self.staff).post(url)
        assert response.status_code == 403
        assert not Job.objects.exists()

    def test_an_editor_queues_a_re_extraction_of_a_show(self):
        show = Show.objects.create(title="A show", slug="a-show")
        url = reverse("admin:glossary_show_job", args=[show.pk, "reextract"])
        response = logged_in(self.editor).post(url)
        assert response.status_code == 302
        assert Job.objects.get().kind == Job.Kind.REEXTRACT

    def test_add_episode_needs_a_slug_and_makes_none_empty(self):
        client = logged_in(self.superuser)
        make_show("The Retort")  # the show field lists shows by title
        form = {
            "show": make_show("The Retort").title,
            "title": "A new one",
            "slug": "",
            "appearance_set-TOTAL_FORMS": "0",
            "appearance_set-INITIAL_FORMS": "0",
        }
        response = client.post(reverse("admin:glossary_episode_add"), form)
        assert response.status_code == 200
        assert "slug" in response.context["adminform"].form.errors
        assert not Episode.objects.exists()
        form["slug"] = "a-new-one"
        response = client.post(reverse("admin:glossary_episode_add"), form)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Episode.objects.get().slug == "a-new-one"
        assert client.get("/episodes/").status_code == 200
        assert client.get("/sitemap.xml").status_code == 200

    def test_an_empty_slug_is_refused_by_the_database_too(self):
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            Episode.objects.create(show=make_show("x"), title="x", slug="")

    def test_hostile_parameters_are_400s_on_every_admin_changelist(self):
        # Every model the admin shows, Django's auth, django-axes and DRF's
        # tokens included: a NUL in the search, a NUL in a filter's name, a
        # regex lookup on a field the model has.
        client = logged_in(self.superuser)
        for model in admin.site._registry:
            changelist = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            )
            field = next(f.name for f in model._meta.fields if f.name != "id")
            for query in ("q=%00", "x%00=1", f"{field}__regex=(", f"{field}__iregex=["):
                with self.subTest(url=f"{changelist}?{query}"):
                    response = client.get(f"{changelist}?{query}")
                    assert response.status_code == 400

    def test_a_nul_in_an_object_id_is_a_400_on_every_admin_change_page(self):
        client = logged_in(self.superuser)
        for model in admin.site._registry:
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
            url = reverse(name, args=["1"]).replace("/1/", "/%00/")
            with self.subTest(url=url):
                assert client.get(url).status_code == 400

    def test_hostile_changelist_parameters_are_400s_not_500s(self):
        client = logged_in(self.superuser)
        for url in (
            "/admin/glossary/term/?q=%00",
            "/admin/glossary/episode/?show=%00",
            "/admin/glossary/episode/?title__regex=(",
            "/admin/glossary/term/?label__iregex=%5B",
            "/admin/glossary/citation/?quote__regex=*",
        ):
            with self.subTest(url=url):
                assert client.get(url).status_code == 400

    def test_staff_uploading_a_new_episode_is_refused_by_the_service_too(self):
        from django.core.exceptions import PermissionDenied

        from glossary.services.ingest import episode_ingest_transcript
        from tests.test_permissions import CONVERSATION

        with self.assertRaises(PermissionDenied):
            episode_ingest_transcript(
                data=CONVERSATION.read_bytes(),
                filename=CONVERSATION.name,
                by=self.staff,
            )
