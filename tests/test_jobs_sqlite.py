"""The demo's SQLite database runs the same queue and worker as PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

from .feed_server import FeedServer

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path, *args):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kb.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_background_feed_import_runs_in_the_worker_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    with FeedServer() as server:
        queued = run(tmp_path, "import_feed", server.feed_url, "--background")
        assert queued.returncode == 0, queued.stderr
        assert "Queued job" in queued.stdout
        worker = run(tmp_path, "db_worker", "--batch", "--no-startup-delay")
        assert worker.returncode == 0, worker.stderr
    report = run(
        tmp_path,
        "shell",
        "-c",
        "from glossary.models import Job, Episode; j = Job.objects.get(); "
        "print(j.state, j.done, j.total, Episode.objects.count())",
    )
    assert report.stdout.split()[-4:] == ["succeeded", "5", "5", "5"], report.stderr
