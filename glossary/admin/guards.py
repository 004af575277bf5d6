"""Changelist query strings an editor's browser never sends, refused with 400.

Django's admin passes `?title__regex=(` or a NUL in `?q=` straight to
PostgreSQL, which refuses them when the list is rendered: a 500. kb's
admins take this mixin first: regular-expression lookups are not offered
(no filter or search of kb's uses them), and a NUL in any parameter is a
400 before the query is built.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest

REGEX_LOOKUPS = ("__regex", "__iregex")


class GuardedChangelist:
    def lookup_allowed(self, lookup: str, value, request: HttpRequest) -> bool:
        if lookup.endswith(REGEX_LOOKUPS):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise SuspiciousOperation(f"A NUL character in the parameter {key!r}.")
        return super().changelist_view(request, extra_context)
