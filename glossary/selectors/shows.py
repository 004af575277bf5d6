"""The shows kb holds, as every page names them."""

from __future__ import annotations

from django.core.cache import cache

from ..models import Show

SHOW_TITLES_KEY = "kb:show-titles"
# A changed show clears the key at once (`signals`); the expiry bounds how
# long a process with a cache of its own (no Redis) may show the old names.
SHOW_TITLES_SECONDS = 60
# Enough to tell one show, a few, and many apart.
SHOW_TITLES_READ = 4


def show_titles() -> list[str]:
    """The titles of kb's shows by title, at most `SHOW_TITLES_READ` of them.

    Read from the shared cache; one query when it holds none.
    """
    titles = cache.get(SHOW_TITLES_KEY)
    if titles is None:
        titles = list(
            Show.objects.order_by("title").values_list("title", flat=True)[
                :SHOW_TITLES_READ
            ]
        )
        cache.set(SHOW_TITLES_KEY, titles, SHOW_TITLES_SECONDS)
    return titles


def forget_show_titles() -> None:
    cache.delete(SHOW_TITLES_KEY)
