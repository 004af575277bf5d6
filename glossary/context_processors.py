"""What every page's template knows: the site's and the shows' names.

One show (or none yet): the site is "<its title> glossary" (`KB_SHOW_NAME`
names the first show before there is one). Several shows share one glossary,
so the site takes the publisher's name, `KB_SITE_NAME` ("Podcast glossary"
when unset); `KB_SITE_NAME`, when set, names the site whatever the shows.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors.shows import SHOW_TITLES_READ, show_titles

SEVERAL_SHOWS_SITE_NAME = "Podcast glossary"


def site_name() -> str:
    """The glossary's name, as pages, their JSON-LD and the API's say it."""
    if settings.KB_SITE_NAME:
        return settings.KB_SITE_NAME
    titles = show_titles()
    if len(titles) > 1:
        return SEVERAL_SHOWS_SITE_NAME
    return f"{titles[0] if titles else settings.KB_SHOW_NAME} glossary"


def shows_name() -> str:
    """The shows, in words: "Go Time", "Go Time and Brain Science", "A, B and C",
    "A, B, C and others"."""
    titles = show_titles() or [settings.KB_SHOW_NAME]
    if len(titles) >= SHOW_TITLES_READ:
        return f"{', '.join(titles[: SHOW_TITLES_READ - 1])} and others"
    if len(titles) == 1:
        return titles[0]
    return f"{', '.join(titles[:-1])} and {titles[-1]}"


def site(request: HttpRequest) -> dict[str, SimpleLazyObject]:
    # Read when a template says them, once a request: a page that names no
    # show (the API's docs) reads nothing.
    return {
        "site_name": SimpleLazyObject(site_name),
        "show_name": SimpleLazyObject(shows_name),
    }
