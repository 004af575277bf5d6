"""URLs for the API benchmark only: kb's own, plus the baseline.

The baseline is a bare Django view that answers with bytes held in memory:
the API's own answers, captured by `bench/api_bench.py` into files under
`KB_BENCH_BODIES` before it measures. It runs behind the same middleware, in
the same gunicorn workers, so the difference between the two is the API's
own work (queries, serializers, caching).

`bench/api_bench.py` serves kb through `api_bench:wsgi_application()`, which
points ROOT_URLCONF here; nothing else uses this module.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from kb.urls import urlpatterns as kb_urlpatterns

NAME = re.compile(r"^[a-z0-9_-]+$")


@cache
def _body(name: str) -> tuple[bytes, str] | None:
    folder = Path(os.environ.get("KB_BENCH_BODIES", "/nonexistent"))
    body, kind = folder / f"{name}.body", folder / f"{name}.type"
    if not NAME.match(name) or not body.exists():
        return None
    return body.read_bytes(), kind.read_text()


@csrf_exempt
def baseline(request: HttpRequest, name: str) -> HttpResponse:
    found = _body(name)
    if found is None:
        return HttpResponseNotFound()
    body, content_type = found
    return HttpResponse(body, content_type=content_type)


urlpatterns = [path("bench/baseline/<str:name>", baseline), *kb_urlpatterns]
