"""Episodes in the admin: metadata editable, segments read-only with times."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glossary.models import Appearance, Episode, Person, Segment

from .admin_helpers import (
    cite,
    form_data,
    logged_in,
    make_episode,
    make_term,
    make_user,
)


def change_url(episode):
    return reverse("admin:glossary_episode_change", args=[episode.pk])


class EpisodeAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.episode = make_episode(
            turns=[
                ("Nathan", 0.0, "Welcome to The Retort."),
                ("Tom", 3723.0, "Open source is a licence question."),
            ]
        )
        Segment.objects.filter(order=1).update(start_estimated=True)

    def setUp(self):
        self.client = logged_in(self.editor)

    def test_lists_episodes_with_their_segment_counts(self):
        response = self.client.get(reverse("admin:glossary_episode_changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_list[0].num_segments == 2

    def test_shows_segments_read_only_with_times_speakers_and_audio_links(self):
        response = self.client.get(change_url(self.episode))
        content = response.content.decode()
        assert response.status_code == 200
        assert 'href="https://media.example.com/ep1.mp3#t=3723"' in content
        assert "~1:02:03" in content  # estimated start
        assert "Open source is a licence question." in content
        assert 'name="segments-0-text"' not in content
        assert content.count("<tr><td>") == 2

    def test_edits_the_episodes_metadata(self):
        page = self.client.get(change_url(self.episode))
        response = self.client.post(
            change_url(self.episode),
            form_data(
                page,
                title="Open models, revisited",
                audio_url="https://media.example.com/ep1-v2.mp3",
                published_on="2024-03-01",
            ),
        )
        assert response.status_code == 302
        episode = Episode.objects.get(pk=self.episode.pk)
        assert episode.title == "Open models, revisited"
        assert episode.audio_url == "https://media.example.com/ep1-v2.mp3"
        assert episode.slug == "ep-1"  # read-only: public addresses stay
        assert episode.segments.count() == 2

    def test_changes_the_role_of_a_person_in_the_episode(self):
        nathan = Person.objects.get(name="Nathan")
        Appearance.objects.create(episode=self.episode, person=nathan)
        page = self.client.get(change_url(self.episode))
        response = self.client.post(
            change_url(self.episode),
            form_data(page, **{"appearance_set-0-role": "host"}),
        )
        assert response.status_code == 302
        assert Appearance.objects.get(person=nathan).role == "host"

    def test_saving_a_long_episode_posts_no_field_per_segment(self):
        Segment.objects.bulk_create(
            Segment(episode=self.episode, order=n, start=4000.0 + n, text=f"Turn {n}.")
            for n in range(2, 800)
        )
        page = self.client.get(change_url(self.episode))
        data = form_data(page, title="A long one")
        assert len(data) < 50
        response = self.client.post(change_url(self.episode), data)
        assert response.status_code == 302
        assert Episode.objects.get(pk=self.episode.pk).title == "A long one"

    def test_the_episode_page_reads_a_fixed_number_of_queries(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(change_url(self.episode))
        for order in range(2, 30):
            Segment.objects.create(
                episode=self.episode,
                order=order,
                speaker_label="Tom",
                speaker=self.episode.segments.get(order=1).speaker,
                start=4000.0 + order,
                text=f"Turn {order}.",
            )
        with self.assertNumQueries(len(few)):
            self.client.get(change_url(self.episode))

    def test_staff_without_the_editor_group_cannot_see_episodes(self):
        visitor = logged_in(make_user("visitor", editor=False))
        assert visitor.get(change_url(self.episode)).status_code == 403
        assert (
            visitor.get(reverse("admin:glossary_episode_changelist")).status_code == 403
        )


class TranscriptUploadTests(TestCase):
    """Uploading a transcript file from the admin calls the ingest service."""

    @classmethod
    def setUpTestData(cls):
        from django.contrib.auth import get_user_model

        cls.editor = make_user("editor")
        cls.admin_user = get_user_model().objects.create_superuser("boss", password="x")
        cls.episode = make_episode(turns=[("Nathan", 0.0, "An old transcript.")])

    def upload(self, client, url, name, content, **fields):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {
            "file": SimpleUploadedFile(name, content.encode()),
            "format": "",
            **fields,
        }
        return client.post(url, data)

    def test_the_episode_list_leads_to_adding_and_uploading(self):
        listing = reverse("admin:glossary_episode_changelist")
        html = logged_in(self.admin_user).get(listing).content.decode()
        assert f'href="{reverse("admin:glossary_episode_add")}"' in html
        assert f'href="{reverse("admin:glossary_episode_upload")}"' in html

    def test_an_editor_uploads_a_new_transcript_from_the_episodes_row(self):
        listing = reverse("admin:glossary_episode_changelist")
        html = logged_in(self.editor).get(listing).content.decode()
        reupload = reverse("admin:glossary_episode_reupload", args=[self.episode.pk])
        assert f'<a href="{reupload}">Upload a new one</a>' in html
        # Editors may add episodes too (docs/jobs.md, "Who may queue a job").
        assert f'href="{reverse("admin:glossary_episode_upload")}"' in html

    def test_an_editor_replaces_an_episodes_transcript(self):
        client = logged_in(self.editor)
        url = reverse("admin:glossary_episode_reupload", args=[self.episode.pk])
        assert client.get(change_url(self.episode)).content.decode().count(url) == 1
        response = self.upload(
            client,
            url,
            "new.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Hello there.\n",
        )
        assert response.status_code == 302
        texts = list(self.episode.segments.values_list("text", "start"))
        assert texts == [("Hello there.", 1.0)]
        self.episode.refresh_from_db()
        assert self.episode.transcript_format == "vtt"

    def test_a_bad_file_is_refused_with_its_line_and_nothing_changes(self):
        client = logged_in(self.editor)
        url = reverse("admin:glossary_episode_reupload", args=[self.episode.pk])
        response = self.upload(
            client, url, "bad.txt", "A: [00:02:00] x\nB: [00:01:00] y\n"
        )
        assert response.status_code == 200
        assert (
            "bad.txt: line 2: time 00:01:00 goes backwards" in response.content.decode()
        )
        assert list(self.episode.segments.values_list("text", flat=True)) == [
            "An old transcript."
        ]

    def test_a_new_episode_can_be_uploaded_by_a_superuser(self):
        client = logged_in(self.admin_user)
        response = self.upload(
            client,
            reverse("admin:glossary_episode_upload"),
            "talk.txt",
            "A talk\nEpisode 12_transcript\nAnn: [00:00:00] Hi.\n",
        )
        assert response.status_code == 302
        assert Episode.objects.get(number=12).segments.count() == 1

    def test_editors_create_episodes_by_upload(self):
        # The Editor group may add episodes (docs/jobs.md, "Who may queue a job").
        response = self.upload(
            logged_in(self.editor),
            reverse("admin:glossary_episode_upload"),
            "talk.txt",
            "A talk\nEpisode 13_transcript\nAnn: [00:00:00] Hi.\n",
        )
        assert response.status_code == 302
        assert Episode.objects.get(number=13).segments.count() == 1


class PeopleDeleteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.boss = get_user_model().objects.create_superuser("boss", password="x")
        cls.episode = make_episode()
        cls.term = make_term("Open source")
        cite(cls.term, cls.episode.segments.get(order=0))

    def test_removes_a_person_from_the_episode(self):
        for person in Person.objects.all():
            Appearance.objects.create(episode=self.episode, person=person)
        client = logged_in(self.boss)
        page = client.get(change_url(self.episode))
        response = client.post(
            change_url(self.episode),
            form_data(page, **{"appearance_set-0-DELETE": "on"}),
        )
        assert response.status_code == 302
        assert Appearance.objects.filter(episode=self.episode).count() == 1
        assert Person.objects.count() == 2

    def test_delete_selected_people_keeps_what_they_said(self):
        response = logged_in(self.boss).post(
            reverse("admin:glossary_person_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [p.pk for p in Person.objects.all()],
                "post": "yes",
            },
        )
        assert response.status_code == 302
        assert not Person.objects.exists()
        assert Segment.objects.filter(speaker__isnull=True).count() == 3
