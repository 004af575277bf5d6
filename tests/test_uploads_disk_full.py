"""A full disk during an upload is a clear 507 and leaves the data as it was.

gunicorn runs (as deployed) in a private mount namespace (`unshare -m`) with
a 256 KiB tmpfs where uploads are spooled (`KB_UPLOAD_TEMP_DIR`) or stored
for the worker (`KB_UPLOAD_DIR`): writes there fail with ENOSPC, as on a
full disk. The test reads the tmpfs through /proc/<pid>/root.
"""

import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from glossary.models import Episode, Job
from tests.factories import make_token, make_user

from .test_gunicorn_bounds import gunicorn, multipart, request, transcript

pytestmark = pytest.mark.slow  # a real gunicorn

# A mount point seen only inside the server's own mount namespace.
TINY = "/tmp/kb-full-disk"  # noqa: S108


def mounted_tiny_disk() -> tuple[str, ...]:
    """A command prefix: a private namespace with a 256 KiB tmpfs at TINY."""
    script = f'mkdir -p {TINY} && mount -t tmpfs -o size=256k tmpfs {TINY} && exec "$@"'
    root = () if os.geteuid() == 0 else ("--map-root-user",)
    return ("unshare", "--mount", *root, "sh", "-c", script, "sh")


@contextmanager
def server_with_a_full_disk(tmp_path: Path, **variables: str):
    with gunicorn(tmp_path, prefix=mounted_tiny_disk(), **variables) as port:
        yield port


def upload(port: int, token: str, size: int):
    body, content_type = multipart("big.txt", transcript(size))
    return request(
        port,
        "POST",
        "/api/v1/transcripts/",
        headers=[("Authorization", f"Token {token}")],
        body=body,
        content_type=content_type,
    )


def insufficient_storage(answer) -> dict:
    status, content_type, body = answer
    assert (status, content_type) == (507, "application/json"), body[:300]
    return json.loads(body)["error"]


@pytest.fixture
def token(db):
    return make_token(make_user("root", staff=True, is_superuser=True))


@pytest.mark.django_db(transaction=True)
def test_an_upload_spooled_to_a_full_disk_is_a_507(tmp_path, token):
    with server_with_a_full_disk(tmp_path, KB_UPLOAD_TEMP_DIR=TINY) as port:
        answer = upload(port, token, 3_000_000)  # over 2.5 MB: spooled to disk
    error = insufficient_storage(answer)
    assert error["code"] == "insufficient_storage"
    assert "no room on the server's disk" in error["message"]
    assert not Episode.objects.exists() and not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_upload_stored_for_the_worker_on_a_full_disk_is_a_507(tmp_path, token):
    with server_with_a_full_disk(tmp_path, KB_UPLOAD_DIR=TINY) as port:
        answer = upload(port, token, 1_500_000)  # in memory; over 1 MiB: stored
        stored = [
            path
            for path in Path(f"/proc/{server_pid(port)}/root{TINY}").rglob("*")
            if path.is_file()
        ]
    assert insufficient_storage(answer)["code"] == "insufficient_storage"
    assert not Job.objects.exists()
    assert stored == []  # the part written before the disk filled is gone


def server_pid(port: int) -> int:
    """The gunicorn master listening on `port` (its /proc root is the namespace's)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"gunicorn" in command and b"unshare" not in command[0]:
                environ = (entry / "environ").read_bytes()
                if f"KB_BIND=127.0.0.1:{port}".encode() in environ:
                    return int(entry.name)
    raise AssertionError("no gunicorn on that port")


@pytest.mark.django_db(transaction=True)
def test_an_admin_upload_spooled_to_a_full_disk_says_so_on_the_form(tmp_path):
    client = Client()
    client.force_login(
        make_user("root", staff=True, is_superuser=True),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    session = client.cookies["sessionid"].value
    csrf = secrets.token_hex(16)  # 32 characters: an unmasked secret
    boundary = "kb-" + secrets.token_hex(8)
    body = (
        (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + transcript(3_000_000)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    # The session's hash is signed with the key this process uses; DEBUG
    # serves the admin's styles without `collectstatic`'s manifest.
    with server_with_a_full_disk(
        tmp_path, KB_UPLOAD_TEMP_DIR=TINY, SECRET_KEY=settings.SECRET_KEY, DEBUG="1"
    ) as port:
        status, _, page = request(
            port,
            "POST",
            "/admin/glossary/episode/upload/",
            headers=[("Cookie", f"sessionid={session}; csrftoken={csrf}")],
            body=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    assert status == 507, page[:500]
    assert b"no room on the server&#x27;s disk" in page
    assert not Episode.objects.exists()
