"""gunicorn as deployed (kb/gunicorn.py, production settings) on a loopback
port: every line it writes, its own, Django's and one per request, is JSON,
whatever a client puts in its headers."""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a real gunicorn

ROOT = Path(__file__).resolve().parent.parent
AGENT = 'probe\\ "quoted" \\" C:\\new\\table \u00e9'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not listen within 30 s")


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        # putheader keeps the value as written (latin-1), quotes and all.
        connection.putheader("User-Agent", AGENT.encode("latin-1"))
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def start_gunicorn(
    port: int, static_root: Path, *, prefix: tuple[str, ...] = (), **variables: str
) -> subprocess.Popen:
    """gunicorn with kb/gunicorn.py and production settings on a loopback port,
    its output piped; `prefix` runs it through another command."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "KB_STATIC_ROOT": str(static_root),
        "KB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "KB_ACCESS_LOG": "-",
        **variables,
    }
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [*prefix, sys.executable, "-m", "gunicorn", "-c", "kb/gunicorn.py", "kb.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def gunicorn_output(tmp_path_factory):
    """Run gunicorn, send two requests, stop it; its stdout and stderr lines."""
    port = free_port()
    server = start_gunicorn(port, tmp_path_factory.mktemp("static"))
    try:
        wait_for(port, server)
        statuses = [get(port, "/healthz"), get(port, "/api/v1/no-such-thing/")]
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=60)
    assert statuses == [200, 404]
    return stdout.splitlines(), stderr.splitlines()


def test_every_line_gunicorn_writes_is_json(gunicorn_output):
    stdout, stderr = gunicorn_output
    assert stdout and stderr
    for line in stdout + stderr:
        assert isinstance(json.loads(line), dict), line


def test_each_request_is_one_access_record_with_the_agent_as_sent(gunicorn_output):
    stdout, _ = gunicorn_output
    records = [json.loads(line) for line in stdout]
    assert [(r["path"], r["status"]) for r in records] == [
        ("/healthz", 200),
        ("/api/v1/no-such-thing/", 404),
    ]
    for record in records:
        assert record["agent"] == AGENT
        assert record["remote"] == "127.0.0.1"
        assert record["method"] == "GET"
        assert isinstance(record["duration_ms"], int)


def test_gunicorn_and_django_lines_carry_level_and_logger(gunicorn_output):
    _, stderr = gunicorn_output
    loggers = {json.loads(line)["logger"] for line in stderr}
    assert {"gunicorn.error", "django.request"} <= loggers
