"""The credit CC BY-SA 4.0 asks for wherever a Wikipedia summary is shown.

Works on anything with `title`, `revision_id`, `url` and `language`: a stored
`WikipediaArticle` or a fresh `Lookup`. The revision link pins the exact text
that was copied, which is what the licence's attribution and a reader's trust
both need.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlencode

from django.utils.html import format_html
from django.utils.safestring import SafeString

LICENSE_NAME = "CC BY-SA 4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
SOURCE = "From Wikipedia, the free encyclopedia"


class Sourced(Protocol):
    title: str
    revision_id: int | None
    url: str
    language: str


def revision_url(source: Sourced) -> str:
    """The permanent link to the revision the summary came from."""
    if not source.revision_id:
        return ""
    query = urlencode({"title": source.title, "oldid": source.revision_id})
    return f"https://{source.language or 'en'}.wikipedia.org/w/index.php?{query}"


def article_url(source: Sourced) -> str:
    if source.url:
        return source.url
    title = source.title.replace(" ", "_")
    return f"https://{source.language or 'en'}.wikipedia.org/wiki/{title}"


def attribution_text(source: Sourced) -> str:
    """'From Wikipedia, the free encyclopedia: "Title" (revision 123), CC BY-SA 4.0'."""
    revision = f" (revision {source.revision_id})" if source.revision_id else ""
    return f'{SOURCE}: "{source.title}"{revision}, {LICENSE_NAME}'


def attribution_html(source: Sourced) -> SafeString:
    """The same credit with links to the article, the revision and the licence."""
    revision = ""
    if source.revision_id:
        revision = format_html(
            ' (<a href="{}">revision {}</a>)',
            revision_url(source),
            source.revision_id,
        )
    return format_html(
        '{}: "<a href="{}">{}</a>"{}, <a href="{}" rel="license">{}</a>',
        SOURCE,
        article_url(source),
        source.title,
        revision,
        LICENSE_URL,
        LICENSE_NAME,
    )


def attribution_markdown(source: Sourced) -> str:
    """The credit as Markdown, appended to a definition copied from Wikipedia.

    Wikipedia titles cannot contain square or angle brackets, so the title
    needs no escaping inside link text and the URLs fit `<...>` destinations.
    """
    revision = ""
    if source.revision_id:
        revision = f" ([revision {source.revision_id}](<{revision_url(source)}>))"
    return (
        f'{SOURCE}: "[{source.title}](<{article_url(source)}>)"{revision}, '
        f"[{LICENSE_NAME}](<{LICENSE_URL}>)"
    )
