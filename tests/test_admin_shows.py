"""The admin's show, job and people pages: buttons queue jobs, services merge."""

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

from glossary.models import Job, Person, Segment, Show
from glossary.services.ingest import episode_ingest_transcript

from .admin_helpers import logged_in, make_user

DIARIZED = """Speaker 1: [00:00:00] Welcome. Today, open source.
Speaker 2: [00:00:05] Open source is about licences.
"""


def make_importer(username: str):
    """An editor who may also create episodes, which a feed import does."""
    user = make_user(username)
    user.user_permissions.add(
        Permission.objects.get(
            codename="add_episode", content_type__app_label="glossary"
        )
    )
    return user


class ShowAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_importer("editor")
        cls.show = Show.objects.create(
            title="Open Models Weekly",
            slug="omw",
            feed_url="https://feeds.example.org/omw.xml",
        )

    def test_the_show_page_has_an_import_from_feed_button(self):
        page = logged_in(self.editor).get(
            reverse("admin:glossary_show_change", args=[self.show.pk])
        )
        assert page.status_code == 200
        url = reverse("admin:glossary_show_job", args=[self.show.pk, "import"])
        assert url in page.content.decode()
        assert "Import from feed" in page.content.decode()

    def test_import_from_feed_queues_a_job_and_shows_it(self):
        client = logged_in(self.editor)
        response = client.post(
            reverse("admin:glossary_show_job", args=[self.show.pk, "import"])
        )
        job = Job.objects.get()
        assert (job.kind, job.show, job.state) == ("import_feed", self.show, "queued")
        assert job.created_by == self.editor
        assert response.url == reverse("admin:glossary_job_change", args=[job.pk])
        page = client.get(response.url).content.decode()
        assert "Queued" in page

    def test_a_get_queues_nothing(self):
        response = logged_in(self.editor).get(
            reverse("admin:glossary_show_job", args=[self.show.pk, "import"])
        )
        assert response.status_code == 405
        assert not Job.objects.exists()

    def test_the_job_list_shows_state_progress_errors_and_changes(self):
        job = Job.objects.create(
            kind=Job.Kind.IMPORT_FEED,
            show=self.show,
            state=Job.State.FAILED,
            done=4,
            total=5,
            errors=["failed: GUID omw-0003 ('Licences'): answered 404"],
            changes={"created": 4},
        )
        client = logged_in(self.editor)
        listing = client.get(reverse("admin:glossary_job_changelist")).content.decode()
        assert "4 of 5" in listing and "Failed" in listing
        detail = client.get(
            reverse("admin:glossary_job_change", args=[job.pk])
        ).content.decode()
        assert "GUID omw-0003" in detail
        assert "&quot;created&quot;: 4" in detail

    def test_an_uploader_without_view_job_sees_its_own_job_and_no_other(self):
        uploader = make_user("uploader", editor=False)
        uploader.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="glossary",
                codename__in=["change_episode", "view_episode"],
            )
        )
        own = Job.objects.create(kind=Job.Kind.INGEST_TRANSCRIPT, created_by=uploader)
        other = Job.objects.create(
            kind=Job.Kind.INGEST_TRANSCRIPT, created_by=self.editor
        )
        client = logged_in(uploader)
        own_page = client.get(reverse("admin:glossary_job_change", args=[own.pk]))
        assert own_page.status_code == 200
        other_page = client.get(reverse("admin:glossary_job_change", args=[other.pk]))
        assert other_page.status_code == 403

    def test_wikipedia_enrichment_is_queued_from_the_job_list(self):
        logged_in(self.editor).post(reverse("admin:glossary_job_enrich"))
        assert Job.objects.get().kind == Job.Kind.ENRICH_WIKIPEDIA


class PeopleAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        episode_ingest_transcript(data=DIARIZED, filename="a.txt", slug="a")
        cls.jane = Person.objects.create(name="Jane Doe", slug="jane-doe")

    def test_an_editor_names_a_placeholder_voice(self):
        voice = Person.objects.get(name="Speaker 1 (a)")
        response = logged_in(self.editor).post(
            reverse("admin:glossary_person_name", args=[voice.pk]),
            {"name": "Grace Hopper"},
        )
        assert response.status_code == 302
        voice.refresh_from_db()
        assert (voice.name, voice.is_placeholder) == ("Grace Hopper", False)

    def test_an_editor_merges_people_and_their_segments_follow(self):
        voice = Person.objects.get(name="Speaker 2 (a)")
        response = logged_in(self.editor).post(
            reverse("admin:glossary_person_changelist"),
            {
                "action": "merge_people",
                "_selected_action": [voice.pk, self.jane.pk],
                "survivor": self.jane.pk,
                "post": "yes",
            },
        )
        assert response.status_code == 302
        assert Segment.objects.filter(speaker=self.jane).count() == 1
        assert not Person.objects.filter(pk=voice.pk).exists()


class ReplaceUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.episode = episode_ingest_transcript(
            data=DIARIZED.replace("Speaker 1", "Ada").replace("Speaker 2", "Bob"),
            filename="a.txt",
            slug="a",
        ).episode

    def upload(self, **fields):
        from django.core.files.uploadedfile import SimpleUploadedFile

        other = b"Cy: [00:00:00] Another show entirely.\nDee: [00:00:03] Yes.\n"
        return logged_in(self.editor).post(
            reverse("admin:glossary_episode_reupload", args=[self.episode.pk]),
            {"file": SimpleUploadedFile("b.txt", other), "format": "", **fields},
        )

    def test_an_upload_that_looks_like_another_episode_is_refused(self):
        response = self.upload()
        assert response.status_code == 200
        assert "Refused: this transcript" in response.content.decode()
        assert self.episode.segments.filter(text__contains="Welcome").exists()

    def test_ticking_replace_replaces_it(self):
        assert self.upload(replace="on").status_code == 302
        assert self.episode.segments.filter(text__contains="Another show").exists()


class ShowWithoutFeedTests(TestCase):
    def test_import_from_feed_without_a_feed_url_says_so(self):
        editor = make_importer("editor")
        show = Show.objects.create(title="No Feed", slug="no-feed")
        response = logged_in(editor).post(
            reverse("admin:glossary_show_job", args=[show.pk, "import"]), follow=True
        )
        assert "An import needs the show&#x27;s feed URL" in response.content.decode()
        assert not Job.objects.exists()
