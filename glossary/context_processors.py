"""What every page's template knows: the site's and the show's names."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_name() -> str:
    """The glossary's name, as pages, their JSON-LD and the API's say it."""
    return f"{settings.KB_SHOW_NAME} glossary"


def site(request: HttpRequest) -> dict[str, str]:
    return {"site_name": site_name(), "show_name": settings.KB_SHOW_NAME}
