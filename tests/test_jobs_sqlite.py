"""The demo's SQLite database runs the same queue and worker as PostgreSQL."""

from .feed_server import FeedServer
from .test_demo_sqlite import run


def test_a_background_feed_import_runs_in_the_worker_on_sqlite(tmp_path, monkeypatch):
    # The demo's settings fetch from public addresses only; the feed is local.
    monkeypatch.setenv("KB_FETCH_ALLOWED_NETWORKS", "127.0.0.1/32")
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
