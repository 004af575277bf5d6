"""Settings for the test suite: kb's own, on PostgreSQL by default.

Tests always talk to a real PostgreSQL: `DATABASE_URL`, or the local server.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb")
os.environ.setdefault("SECRET_KEY", "kb-tests-only")

from kb.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
