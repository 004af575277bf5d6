"""gunicorn settings: `gunicorn -c kb/gunicorn.py kb.wsgi`.

Every value can be overridden from the environment (read by `kb.env`, so a
bad value names its variable).
"""

import multiprocessing
import sys
from pathlib import Path

# gunicorn loads this file by path, before `--chdir`: make `kb` importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.env import env  # noqa: E402
from kb.logs import gunicorn_logconfig  # noqa: E402

bind = env.str("KB_BIND", "127.0.0.1:8000")
workers = env.int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = env.int("KB_THREADS", 1)
timeout = env.int("KB_WORKER_TIMEOUT", 30)
# kb answers first, in its own shape (kb/bounds.py, kb/deadline.py): a
# request is stopped after KB_REQUEST_TIMEOUT_SECONDS, a query after
# KB_STATEMENT_TIMEOUT_SECONDS, both short of the timeout above (gunicorn
# kills the worker then, and the client gets no answer kb wrote).
request_seconds = env.float("KB_REQUEST_TIMEOUT_SECONDS", max(timeout - 5, 1))
statement_seconds = env.float("KB_STATEMENT_TIMEOUT_SECONDS", max(timeout - 10, 1))
raw_env = [
    f"KB_REQUEST_TIMEOUT_SECONDS={request_seconds}",
    f"KB_STATEMENT_TIMEOUT_SECONDS={statement_seconds}",
]
# gunicorn's own refusals are HTML; its limits sit above kb's (KB_MAX_URL_BYTES,
# KB_MAX_HEADERS, KB_MAX_HEADER_BYTES), which kb answers itself. 0: request
# lines up to gunicorn's hard 1 MiB.
limit_request_line = 0
limit_request_fields = 200
limit_request_field_size = 32768
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so no slow leak can grow without bound.
max_requests = env.int("KB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Addresses of the proxies allowed to set X-Forwarded-* headers.
forwarded_allow_ips = env.str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Every line JSON (python-json-logger, kb/logs.py): gunicorn's own lines on
# standard error, one per request on standard output or in KB_ACCESS_LOG.
logconfig_dict = gunicorn_logconfig(env.str("KB_ACCESS_LOG", "-"))
# The human-readable message of an access record (the JSON has the fields).
access_log_format = '%(h)s "%(r)s" %(s)s'
