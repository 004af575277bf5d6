"""gunicorn as deployed (kb/gunicorn.py) on loopback: a long URL, large headers
and a slow request get kb's answers (JSON under /api/), not gunicorn's HTML
page or a killed worker."""

import http.client
import secrets
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from glossary.models import Episode
from tests.factories import make_token, make_user

from .test_gunicorn_logging import free_port, start_gunicorn, wait_for

pytestmark = pytest.mark.slow  # a real gunicorn

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
        f"{settings['NAME']}"
    )


@contextmanager
def gunicorn(tmp_path: Path, *, prefix: tuple[str, ...] = (), **variables: str):
    port = free_port()
    server = start_gunicorn(
        port,
        tmp_path,
        prefix=prefix,
        DATABASE_URL=database_url(),
        REDIS_URL="",
        **variables,
    )
    try:
        wait_for(port, server)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


def request(port, method, path, *, headers=(), body=None, content_type=None):
    """Status, Content-Type and body of one request, headers sent as given."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        client.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers:
            client.putheader(name, value)
        if body is not None:
            client.putheader("Content-Type", content_type)
            client.putheader("Content-Length", str(len(body)))
        client.endheaders(body)
        response = client.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        client.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One gunicorn for the bounds, which are refused before any database work
    (its database is not set up: a query would be a 503)."""
    with gunicorn(tmp_path_factory.mktemp("s")) as port:
        yield port


def json_error(answer, status: int) -> dict:
    import json

    got, content_type, body = answer
    assert got == status, body[:300]
    assert content_type == "application/json"
    return json.loads(body)["error"]


def test_a_url_over_kb_s_limit_is_kb_s_json_414_under_the_api(server):
    answer = request(server, "GET", "/api/v1/terms/?q=" + "x" * 20000)
    error = json_error(answer, 414)
    assert error["code"] == "uri_too_long"
    assert "over kb's limit of 16384" in error["message"]


def test_a_url_over_kb_s_limit_on_a_page_is_a_short_text_414(server):
    status, content_type, body = request(server, "GET", "/concepts/?q=" + "x" * 20000)
    assert (status, content_type) == (414, "text/plain")
    assert b"<html" not in body


def test_a_header_over_kb_s_limit_is_kb_s_json_431(server):
    answer = request(server, "GET", "/api/v1/terms/", headers=[("X-Big", "y" * 10000)])
    error = json_error(answer, 431)
    assert error["code"] == "headers_too_large"
    assert "X-Big header is 10000 bytes" in error["message"]


def test_too_many_headers_are_kb_s_json_431(server):
    headers = [(f"X-H{i}", "1") for i in range(150)]
    answer = request(server, "GET", "/api/v1/terms/", headers=headers)
    assert json_error(answer, 431)["code"] == "headers_too_large"


def test_requests_within_the_bounds_are_served(server):
    status, _, body = request(
        server, "GET", "/api/v1/?x=" + "x" * 4000, headers=[("X-Ok", "z" * 8000)]
    )
    assert status == 200, body


def transcript(size: int) -> bytes:
    lines = ["A long show", "", "Episode 9_transcript"]
    i = 0
    while sum(map(len, lines)) < size:
        speaker = ("Ann", "Bob")[i % 2]
        lines.append(f"{speaker}: [{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}] ")
        lines[-1] += "We talked about open weights and the licences around them. " * 5
        i += 1
    return "\n".join(lines).encode()


def multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "kb-boundary-" + secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.django_db(transaction=True)
def test_a_request_past_kb_s_time_bound_is_a_json_503_and_writes_nothing(tmp_path):
    token = make_token(make_user("root", staff=True, is_superuser=True))
    body, content_type = multipart("long.txt", transcript(900_000))
    with gunicorn(tmp_path, KB_REQUEST_TIMEOUT_SECONDS="0.3") as port:
        request(port, "GET", "/api/v1/terms/")  # the worker's imports, untimed
        answer = request(
            port,
            "POST",
            "/api/v1/transcripts/",
            headers=[("Authorization", f"Token {token}")],
            body=body,
            content_type=content_type,
        )
        after = request(port, "GET", "/api/v1/terms/")
    error = json_error(answer, 503)
    assert error["code"] == "timeout"
    assert "longer than 0.3 s" in error["message"]
    assert not Episode.objects.exists()
    assert after[0] == 200  # the same worker, alive, on a fresh connection


@pytest.mark.django_db(transaction=True)
def test_a_query_past_the_statement_timeout_is_a_json_503(tmp_path):
    locked, release = threading.Event(), threading.Event()

    def hold_the_terms_table() -> None:
        with psycopg.connect(database_url()) as other, other.transaction():
            other.execute("LOCK TABLE glossary_term IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_terms_table)
    with gunicorn(tmp_path, KB_STATEMENT_TIMEOUT_SECONDS="0.5") as port:
        holder.start()
        try:
            assert locked.wait(10)
            answer = request(port, "GET", "/api/v1/terms/")
        finally:
            release.set()
            holder.join()
    error = json_error(answer, 503)
    assert error["code"] == "timeout"
