"""Large uploads are stored and ingested by a real worker process, not the request.

The threshold is lowered to 1,000 bytes so a small file counts as large; the
upload directory is a temporary one shared with the worker through
`KB_UPLOAD_DIR`, as two machines would share it.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from glossary.models import Episode, Job, Segment
from tests.factories import make_episode, make_token, make_user

from .test_jobs_worker import run_worker

LARGE = 1000
VOICES = ("Ann", "Bob")


def vtt(turns: int = 40, *, bad_line: int | None = None) -> bytes:
    """A WebVTT file of `turns` turns by two voices in turn (over LARGE bytes)."""
    lines = ["WEBVTT", ""]
    for i in range(turns):
        start = f"00:{i // 60:02d}:{i % 60:02d}.000"
        end = f"00:{i // 60:02d}:{i % 60:02d}.900"
        lines += [
            f"{start} --> {end}",
            f"<v {VOICES[i % 2]}>Turn {i} about open weights.",
            "",
        ]
    if bad_line is not None:
        lines.insert(bad_line - 1, "00:99:00.000 --> nonsense")
    return "\n".join(lines).encode()


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    """Uploads over LARGE bytes go to the worker, stored under tmp_path."""
    settings.KB_UPLOAD_INLINE_MAX_BYTES = LARGE
    settings.STORAGES = {
        **settings.STORAGES,
        "transcripts": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


def worker(uploads: Path):
    process = run_worker(KB_UPLOAD_DIR=str(uploads))
    assert process.returncode == 0, process.stderr
    return process


def post(token: str, content: bytes, name: str = "big.vtt", **fields):
    return Client().post(
        "/api/v1/transcripts/",
        {"file": SimpleUploadedFile(name, content), **fields},
        headers={"authorization": f"Token {token}"},
    )


def stored_files(uploads: Path) -> list[Path]:
    """Everything in the upload directory, directories included."""
    return list(uploads.rglob("*"))


def superuser_token() -> str:
    return make_token(make_user("root", staff=True, is_superuser=True))


def staff_with(*codenames: str):
    user = make_user("ed", staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.django_db(transaction=True)
def test_a_large_api_upload_answers_202_and_the_worker_ingests_it(uploads):
    token = superuser_token()
    response = post(token, vtt(), slug="big-one")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "queued" and body["kind"] == "ingest_transcript"
    assert response["Location"] == body["url"]
    assert body["url"].endswith(f"/api/v1/jobs/{body['id']}/")
    assert not Episode.objects.exists()
    assert len(stored_files(uploads)) == 1

    worker(uploads)
    status = Client().get(body["url"], headers={"authorization": f"Token {token}"})
    assert status.status_code == 200
    job = status.json()
    assert job["state"] == "succeeded", job["errors"]
    assert job["episode"].endswith("/api/v1/episodes/big-one/")
    assert job["changes"]["created"] is True
    assert job["changes"]["segments"]["created"] == Segment.objects.count() > 0
    assert stored_files(uploads) == []


@pytest.mark.django_db(transaction=True)
def test_a_bad_large_file_fails_its_job_naming_the_file_and_line(uploads):
    token = superuser_token()
    url = post(token, vtt(bad_line=7), slug="bad").json()["url"]
    worker(uploads)
    job = Client().get(url, headers={"authorization": f"Token {token}"}).json()
    assert job["state"] == "failed"
    [error] = job["errors"]
    assert error.startswith("big.vtt: line 7: ")
    assert job["episode"] is None
    assert not Episode.objects.exists() and not Segment.objects.exists()
    assert stored_files(uploads) == []


@pytest.mark.django_db(transaction=True)
def test_an_account_that_may_only_change_episodes_cannot_create_one_in_the_worker(
    uploads,
):
    token = make_token(staff_with("change_episode"))
    response = post(token, vtt(), slug="new-one")
    assert response.status_code == 202
    worker(uploads)
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.errors == ["big.vtt: This account may not create episodes."]
    assert not Episode.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_account_that_may_change_episodes_replaces_one_in_the_worker(uploads):
    episode = make_episode(title="big", slug="big-one")
    token = make_token(staff_with("change_episode"))
    assert post(token, vtt(), slug="big-one").status_code == 202
    worker(uploads)
    job = Job.objects.get()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.changes["episode"] == episode.slug
    assert episode.segments.count() == 40


@pytest.mark.django_db(transaction=True)
def test_staff_without_permissions_are_refused_before_anything_is_stored(uploads):
    response = post(make_token(make_user("plain", staff=True)), vtt())
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert stored_files(uploads) == []


@pytest.mark.django_db(transaction=True)
def test_a_job_is_seen_only_by_its_owner_and_job_viewers(uploads):
    url = post(superuser_token(), vtt()).json()["url"]
    stranger = make_token(make_user("stranger", staff=True))
    viewer = make_token(staff_with("view_job"))
    assert Client().get(url).status_code == 401
    seen = Client().get(url, headers={"authorization": f"Token {stranger}"})
    assert seen.status_code == 404
    assert seen.json()["error"]["code"] == "not_found"
    assert (
        Client().get(url, headers={"authorization": f"Token {viewer}"}).status_code
        == 200
    )


@pytest.mark.django_db(transaction=True)
def test_a_small_upload_is_still_ingested_inside_the_request(uploads):
    response = post(superuser_token(), vtt(turns=3), name="small.vtt", slug="small")
    assert response.status_code == 201, response.content
    assert not Job.objects.exists()
    assert Episode.objects.get().slug == "small"


@pytest.mark.django_db(transaction=True)
def test_a_large_admin_upload_goes_to_the_job_page_and_the_worker_ingests_it(
    uploads,
):
    episode = make_episode(title="big", slug="big-one")
    client = Client()
    client.force_login(
        make_user("root", staff=True, is_superuser=True),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    response = client.post(
        f"/admin/glossary/episode/{episode.pk}/upload/",
        {"file": SimpleUploadedFile("big.vtt", vtt())},
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/glossary/job/{job.pk}/change/"
    assert not episode.segments.exists()
    worker(uploads)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert episode.segments.count() == 40
    page = client.get(response["Location"])
    assert "Segments: 40 created" in page.content.decode()
