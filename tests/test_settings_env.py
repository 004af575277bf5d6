"""Settings from the environment: typed, listed in `.env.example`, and a
value that does not parse stops start-up with an error naming its variable."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from kb.env import env

ROOT = Path(__file__).resolve().parent.parent


def start_with(**variables):
    """Load the production settings in a fresh process with `variables` set."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kb.settings",
            "SECRET_KEY": "kb-tests-only",
            **variables,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KB_LOGIN_FAILURE_LIMIT", "five"),
        ("DEBUG", "maybe"),
        ("KB_MAX_BODY_BYTES", "1MB"),
        ("KB_LOG_FORMAT", "xml"),
        ("DATABASE_URL", "nonsense"),
    ],
)
def test_a_value_that_does_not_parse_stops_start_up_naming_the_variable(name, value):
    result = start_with(**{name: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert name in last_line


def test_well_formed_values_start_up():
    result = start_with(
        KB_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8",
        DEBUG="0",
        ALLOWED_HOSTS=" a.org, b.org",
    )
    assert result.returncode == 0, result.stderr


def test_lists_drop_spaces_and_empty_items(monkeypatch):
    monkeypatch.setenv("KB_TEST_NAMES", " a.org , b.org,,")
    assert env.names("KB_TEST_NAMES", "") == ["a.org", "b.org"]


def test_env_example_lists_every_variable_kb_reads():
    runpy.run_path(str(ROOT / "kb" / "gunicorn.py"))  # reads its own variables
    read = {name for name in env.dump() if not name.startswith("KB_TEST_")}
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    assert read == listed
