"""Project-level endpoints."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kb.cache import cache_status


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers: the database and the cache, each named.

    The database down is a 503 (nothing can be served); the cache down is a
    200 that says "degraded", since kb then serves every request without it.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    cache = cache_status()
    if database != "ok":
        status, code = "error", 503
    else:
        status, code = ("ok" if cache == "ok" else "degraded"), 200
    response = JsonResponse(
        {"status": status, "database": database, "cache": cache}, status=code
    )
    if code == 503:
        response["Retry-After"] = "30"
    return response
