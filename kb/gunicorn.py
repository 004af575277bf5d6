"""gunicorn settings: `gunicorn -c kb/gunicorn.py kb.wsgi`.

Every value can be overridden from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("KB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KB_THREADS", "1"))
timeout = int(os.environ.get("KB_WORKER_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so no slow leak can grow without bound.
max_requests = int(os.environ.get("KB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Addresses of the proxies allowed to set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("KB_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "request": "%(r)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "agent": "%(a)s"}'
)
