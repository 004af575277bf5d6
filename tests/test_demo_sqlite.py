"""The no-setup demo path: migrate, ingest and load the starter glossary on an
SQLite file, then look at every page as a newcomer would."""

import json
import os
import subprocess
import sys
from pathlib import Path

from glossary.extraction import PER_EPISODE

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
        timeout=120,
    )


def test_the_demo_migrates_and_loads_the_seed_episode_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    demo = run(tmp_path, "load_demo")
    assert demo.returncode == 0, demo.stderr
    assert "Segments: 77 created" in demo.stdout
    assert "create_editor" in demo.stdout
    again = run(
        tmp_path, "ingest_transcript", "fixtures/retort-ep04-developing-llms.txt"
    )
    assert again.returncode == 0
    assert "Unchanged" in again.stdout


def test_after_the_demo_every_page_and_api_answer_shows_real_content_on_sqlite(
    tmp_path,
):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    demo = run(tmp_path, "load_demo")
    assert demo.returncode == 0, demo.stderr
    assert "Glossary: 67 created" in demo.stdout
    walk = run(tmp_path, "shell", "-c", "import tests.demo_walk as w; w.main()")
    assert walk.returncode == 0, walk.stderr
    assert json.loads(walk.stdout.strip().splitlines()[-1]) == []


def test_every_query_of_the_search_table_finds_its_concept_first_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    assert run(tmp_path, "load_demo").returncode == 0
    table = run(tmp_path, "shell", "-c", "import tests.search_table as t; t.main()")
    assert table.returncode == 0, table.stderr
    assert json.loads(table.stdout.strip().splitlines()[-1]) == []


def test_loading_the_demo_twice_changes_nothing_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    assert run(tmp_path, "load_demo").returncode == 0
    again = run(tmp_path, "load_demo")
    assert again.returncode == 0, again.stderr
    assert "Glossary: 0 created, 0 curated from candidates, 67 unchanged" in (
        again.stdout
    )
    assert "Review queue: 0 new candidate terms" in again.stdout


def test_candidates_only_leaves_the_glossary_empty_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    demo = run(tmp_path, "load_demo", "--candidates-only")
    assert demo.returncode == 0, demo.stderr
    assert "Glossary:" not in demo.stdout
    # The episode's whole candidate list, as extraction keeps per episode.
    assert f"Review queue: {PER_EPISODE} new candidate terms" in demo.stdout


def test_the_demo_refuses_a_malformed_glossary_naming_the_line_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    bad = tmp_path / "glossary.csv"
    bad.write_text("label,slug,status\nAlpha,,published\nBeta,,done\n")
    result = run(tmp_path, "load_demo", "--glossary", str(bad))
    assert result.returncode == 1
    assert "glossary.csv: line 3: status “done” is not one of" in result.stderr
    count = run(
        tmp_path,
        "shell",
        "-c",
        "from glossary.models import Term; print(Term.objects.count())",
    )
    assert count.stdout.strip().splitlines()[-1] == "0"


def test_the_demo_refuses_a_bad_file_with_its_line_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    bad = tmp_path / "bad.txt"
    bad.write_text("A: [00:02:00] one\nB: [00:01:00] two\n")
    result = run(tmp_path, "ingest_transcript", str(bad))
    assert result.returncode == 1
    assert "bad.txt: line 2: time 00:01:00 goes backwards" in result.stderr
