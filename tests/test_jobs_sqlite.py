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


def test_a_large_live_refresh_is_queued_and_run_by_the_worker_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    change = (
        "from glossary.services.aliases import alias_add; "
        "from glossary.services.citations.live import LIVE_TERMS; "
        "from glossary.services.terms import term_create; "
        "from glossary.models import Episode, Segment, Show; "
        "[term_create(label=f'model {i}') for i in range(LIVE_TERMS + 1)]; "
        "llm = term_create(label='large language model'); "
        "show = Show.objects.create(title='S', slug='s'); "
        "e = Episode.objects.create(show=show, number=1, title='E', slug='e'); "
        "Segment.objects.create(episode=e, order=0, start=0, speaker_label='A', "
        "text='A large language model.'); "
        "alias_add(term=llm, label='LLM model'); alias_add(term=llm, label='LLM')"
    )
    made = run(tmp_path, "shell", "-c", change)
    assert made.returncode == 0, made.stderr
    worker = run(tmp_path, "db_worker", "--batch", "--no-startup-delay")
    assert worker.returncode == 0, worker.stderr
    report = run(
        tmp_path,
        "shell",
        "-c",
        "from glossary.models import Citation, Job; j = Job.objects.get(); "
        "print(j.kind, j.state, Citation.objects.filter(term__slug="
        "'large-language-model').count())",
    )
    assert report.stdout.split()[-3:] == ["refresh_terms", "succeeded", "1"], (
        report.stderr
    )
