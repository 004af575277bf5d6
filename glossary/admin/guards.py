"""Admin URLs an editor's browser never sends, refused with 400 on every admin page.

Django's admin passes `?title__regex=(` or a NUL in `?q=` (or in an object id
in the path) straight to PostgreSQL, which refuses them when the page is
rendered: a 500. `AdminGuardMiddleware` checks every request under the
admin, kb's own model admins and those of Django's auth, django-axes and
DRF's tokens alike: regular-expression lookups are not offered (no filter
or search of kb's uses them) and a NUL anywhere in the path or the query
string is a 400 before any view runs. (Lone surrogates cannot arrive: Django
decodes URLs with replacement characters.) `GuardedChangelist` also keeps
regex lookups out of kb's own changelists.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

REGEX_LOOKUPS = ("__regex", "__iregex")


def hostile_parameter(request: HttpRequest) -> str | None:
    """What makes this admin request one to refuse, or None."""
    if "\x00" in request.path:
        return "A NUL character in the path."
    for key, values in request.GET.lists():
        if key.endswith(REGEX_LOOKUPS):
            return f"Regular-expression lookups ({key}) are not offered."
        if "\x00" in key or any("\x00" in value for value in values):
            return f"A NUL character in the parameter {key!r}."
    return None


class AdminGuardMiddleware:
    """`hostile_parameter` for every page under the admin's URL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix):
            problem = hostile_parameter(request)
            if problem:
                raise SuspiciousOperation(problem)
        return self.get_response(request)


class GuardedChangelist:
    """kb's model admins: no regex lookups even where the middleware is not
    in front (a test's `RequestFactory`, another project's settings)."""

    def lookup_allowed(self, lookup: str, value, request: HttpRequest) -> bool:
        if lookup.endswith(REGEX_LOOKUPS):
            return False
        return super().lookup_allowed(lookup, value, request)
