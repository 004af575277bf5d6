"""One permission model on every write path: the matrix of who may do what.

Each role (anonymous, a user who is not staff, staff without a group, an
editor, a superuser) calls every API write with its own token; refused calls
leave the data as it was. The admin's URLs get their own matrix in
`test_permissions_admin.py`.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from glossary.models import Episode
from glossary.services.ingest import episode_ingest_transcript
from tests.factories import FIXTURES, make_token, make_user
from tests.test_api_terms import ApiTestCase

CONVERSATION = FIXTURES / "transcripts" / "conversation.vtt"
ROLES = ["anonymous", "user", "staff", "editor", "superuser"]

# What each role gets from each write: the Editor group may add episodes and
# change them (a new transcript for one), not delete them, as in the admin.
CREATE = {"anonymous": 401, "user": 403, "staff": 403, "editor": 201, "superuser": 201}
REPLACE = {"anonymous": 401, "user": 403, "staff": 403, "editor": 200, "superuser": 200}
LINK = dict.fromkeys(ROLES, 200)


def make_role(role: str):
    if role == "anonymous":
        return None
    user = make_user(
        f"{role}-account",
        staff=role in ("staff", "editor", "superuser"),
        is_superuser=role == "superuser",
    )
    if role == "editor":
        user.groups.add(Group.objects.get(name="Editor"))
    return user


def changed_conversation() -> bytes:
    return CONVERSATION.read_bytes().replace(b"Welcome to", b"Welcome back to")


class ApiWritePermissionTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_role(role) for role in ROLES}
        cls.tokens = {
            role: make_token(user) if user else None for role, user in cls.users.items()
        }

    def post(self, role: str, url: str, data, **kwargs):
        token = self.tokens[role]
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
        return self.client.post(url, data, **headers, **kwargs)

    def upload(self, role: str, content: bytes):
        file = SimpleUploadedFile("conversation.vtt", content)
        return self.post(role, "/api/v1/transcripts/", {"file": file, "slug": "conv"})

    def test_only_accounts_that_may_add_episodes_create_them_through_the_api(self):
        for role, status in CREATE.items():
            with self.subTest(role=role):
                response = self.upload(role, CONVERSATION.read_bytes())
                assert response.status_code == status, (role, response.content)
                assert Episode.objects.exists() == (status == 201)
                Episode.objects.all().delete()

    def test_only_accounts_that_may_change_episodes_replace_a_transcript(self):
        episode = episode_ingest_transcript(
            data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, slug="conv"
        ).episode
        before = list(episode.segments.values_list("pk", "text"))
        for role, status in REPLACE.items():
            with self.subTest(role=role):
                response = self.upload(role, changed_conversation())
                assert response.status_code == status, (role, response.content)
                now = list(episode.segments.values_list("pk", "text"))
                assert (now == before) == (status != 200)
                if status != 200:
                    error = response.json()["error"]
                    assert error["code"] in ("not_authenticated", "permission_denied")
                else:  # put the old text back for the next role
                    episode_ingest_transcript(
                        data=CONVERSATION.read_bytes(),
                        filename=CONVERSATION.name,
                        slug="conv",
                    )

    def test_everyone_may_link_text(self):
        for role, status in LINK.items():
            with self.subTest(role=role):
                response = self.post(
                    role,
                    "/api/v1/link/",
                    {"text": "hi"},
                    content_type="application/json",
                )
                assert response.status_code == status, (role, response.content)

    def test_a_stale_token_links_anonymously_rather_than_failing(self):
        response = self.client.post(
            "/api/v1/link/",
            {"text": "hi"},
            content_type="application/json",
            headers={"authorization": "Token not-a-real-token"},
        )
        assert response.status_code == 200

    def test_a_stale_token_is_still_refused_for_uploads(self):
        response = self.client.post(
            "/api/v1/transcripts/",
            {"file": SimpleUploadedFile("a.vtt", CONVERSATION.read_bytes())},
            headers={"authorization": "Token not-a-real-token"},
        )
        assert response.status_code == 401


class ServicePermissionTests(ApiTestCase):
    """The service itself asks, so no edge can forget to."""

    def test_staff_without_a_group_cannot_create_an_episode_through_the_service(self):
        staff = make_role("staff")
        with self.assertRaisesMessage(PermissionDenied, "may not create episodes"):
            episode_ingest_transcript(
                data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, by=staff
            )
        assert not Episode.objects.exists()

    def test_an_editor_creates_an_episode_through_the_service(self):
        editor = make_role("editor")
        result = episode_ingest_transcript(
            data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, by=editor
        )
        assert result.created and Episode.objects.get() == result.episode

    def test_staff_without_a_group_cannot_replace_a_transcript(self):
        episode_ingest_transcript(
            data=CONVERSATION.read_bytes(), filename=CONVERSATION.name, slug="conv"
        )
        staff = make_role("staff")
        with self.assertRaisesMessage(PermissionDenied, "may not replace"):
            episode_ingest_transcript(
                data=changed_conversation(),
                filename=CONVERSATION.name,
                slug="conv",
                by=staff,
            )
