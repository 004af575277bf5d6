"""Reader page and API addresses by slug, reversed once for many rows.

One object's address is its `get_absolute_url()` (`Term`, `Episode`). A page
or response linking hundreds of rows asks `slug_urls` instead: `reverse()`
costs ~40 µs a call, which the 10,000-line index would otherwise pay once a
line; a slug is URL-safe as it is, so it is put in place of a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

PLACEHOLDER = "__slug__"


def slug_urls(
    view_name: str, *, absolute: Callable[[str], str] | None = None
) -> Callable[[str], str]:
    """`slug → URL` for `view_name`; `absolute` (e.g. `build_absolute_uri`)
    turns the path into a full URL once, not once per slug."""
    path = reverse(view_name, kwargs={"slug": PLACEHOLDER})
    prefix, suffix = (absolute(path) if absolute else path).split(PLACEHOLDER)
    return lambda slug: f"{prefix}{slug}{suffix}"
