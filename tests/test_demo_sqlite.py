"""The no-setup demo path: migrate and ingest on an SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

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


def test_the_demo_refuses_a_bad_file_with_its_line_on_sqlite(tmp_path):
    assert run(tmp_path, "migrate", "--noinput").returncode == 0
    bad = tmp_path / "bad.txt"
    bad.write_text("A: [00:02:00] one\nB: [00:01:00] two\n")
    result = run(tmp_path, "ingest_transcript", str(bad))
    assert result.returncode == 1
    assert "bad.txt: line 2: time 00:01:00 goes backwards" in result.stderr
