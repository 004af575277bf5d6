"""Settings for the test suite: kb's own, on PostgreSQL by default.

Tests always talk to a real PostgreSQL: `DATABASE_URL`, or the local server.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kb")
os.environ.setdefault("SECRET_KEY", "kb-tests-only")

from kb.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The login throttle is tested on its own (with AXES_ENABLED on); elsewhere
# the test client's login() has no request for django-axes to inspect.
AXES_ENABLED = False
# The test client speaks plain HTTP; the redirect to HTTPS is tested on its own.
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# The tests' feed host (tests/feed_server.py) listens on 127.0.0.1; every other
# internal address stays refused (tests/test_feeds_addresses.py).
KB_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
# Hashed static names need `collectstatic` first; tests read the sources.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
