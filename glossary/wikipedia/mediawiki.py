"""What kb asks MediaWiki and how it reads the answer: pure, no network.

One request per title gets everything a term needs: the plain-text
introduction (TextExtracts), the revision id and canonical URL (`info`), and
the `disambiguation` page property (Extension:Disambiguator), with redirects
followed by the server. `formatversion=2` gives pages as a list and flags as
booleans.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """The outcome of a lookup; the values are `WikipediaArticle.Status`'s."""

    FOUND = "found"
    MISSING = "missing"
    DISAMBIGUATION = "disambiguation"
    ERROR = "error"


@dataclass(frozen=True)
class Lookup:
    """One title looked up: what Wikipedia said, or why it could not say."""

    requested: str
    status: Status
    message: str = ""
    language: str = "en"
    title: str = ""
    page_id: int | None = None
    revision_id: int | None = None
    url: str = ""
    summary: str = ""
    redirected_from: str = ""
    from_cache: bool = False
    choices: tuple[str, ...] = ()
    """For a disambiguation page: the titles of the articles it lists."""

    @property
    def found(self) -> bool:
        return self.status == Status.FOUND


def query_params(title: str) -> dict[str, Any]:
    """The MediaWiki action API parameters for one title."""
    return {
        "action": "query",
        "format": "json",
        "formatversion": 2,
        "redirects": 1,
        "prop": "extracts|info|pageprops",
        "titles": title,
        "exintro": 1,
        "explaintext": 1,
        "inprop": "url",
        "ppprop": "disambiguation",
    }


class UnexpectedResponse(ValueError):
    """The answer parsed as JSON but is not the shape `query_params` asks for."""


def parse_query(data: Any, *, requested: str, language: str = "en") -> Lookup:
    """Read the answer to `query_params(requested)`.

    Raises `UnexpectedResponse` when the JSON is not a query result, so the
    caller can record an error instead of storing nonsense.
    """
    if not isinstance(data, dict):
        raise UnexpectedResponse("the answer is not a JSON object")
    if "error" in data:
        error = data["error"] if isinstance(data["error"], dict) else {}
        code = error.get("code", "unknown")
        info = error.get("info", "")
        return Lookup(
            requested=requested,
            status=Status.ERROR,
            language=language,
            message=f"Wikipedia's API answered with an error ({code}): {info}".strip(),
        )
    query = data.get("query")
    pages = query.get("pages") if isinstance(query, dict) else None
    if not isinstance(pages, list) or not pages or not isinstance(pages[0], dict):
        raise UnexpectedResponse("the answer has no pages")
    page = pages[0]
    title = str(page.get("title") or requested)
    redirects = query.get("redirects") or []
    redirected_from = str(redirects[0].get("from", "")) if redirects else ""
    base = {
        "requested": requested,
        "language": language,
        "title": title,
        "redirected_from": redirected_from,
    }

    if "invalid" in page:
        reason = page.get("invalidreason", "the title is not valid")
        return Lookup(
            **base,
            status=Status.MISSING,
            message=f"Wikipedia cannot have an article titled “{requested}”: {reason}",
        )
    if "missing" in page:
        return Lookup(
            **base,
            status=Status.MISSING,
            message=f"Wikipedia has no article titled “{title}”.",
        )
    if page.get("ns", 0) != 0:
        return Lookup(
            **base,
            status=Status.MISSING,
            message=f"“{title}” is not an encyclopedia article "
            f"(namespace {page.get('ns')}).",
        )

    url = str(page.get("canonicalurl") or page.get("fullurl") or "")
    fragment = redirects[-1].get("tofragment") if redirects else None
    if url and fragment:
        url = f"{url}#{fragment.replace(' ', '_')}"
    found = {
        **base,
        "page_id": _int_or_none(page.get("pageid")),
        "revision_id": _int_or_none(page.get("lastrevid")),
        "url": url,
    }
    if "disambiguation" in (page.get("pageprops") or {}):
        return Lookup(
            **found,
            choices=disambiguation_choices(str(page.get("extract") or "")),
            status=Status.DISAMBIGUATION,
            message=f"“{title}” is a disambiguation page on Wikipedia ({url}): "
            "set the term's Wikipedia title to the article you mean.",
        )
    summary = str(page.get("extract") or "").strip()
    message = ""
    if redirected_from:
        message = f"Followed the redirect from “{redirected_from}”."
    if not summary:
        message = f"{message} The article has no introduction to use.".strip()
    return Lookup(**found, status=Status.FOUND, summary=summary, message=message)


def disambiguation_choices(extract: str, *, limit: int = 20) -> tuple[str, ...]:
    """The article titles a disambiguation page's plain-text introduction lists.

    TextExtracts gives each entry a line of its own, "Meta Platforms, an
    American technology company": the title is what comes before the first
    comma. The opening line ("Meta most commonly refers to:") and headings
    ending in a colon are not entries.
    """
    titles: list[str] = []
    for line in extract.splitlines()[1:]:
        line = line.strip()
        if not line or line.endswith(":") or ", " not in line:
            continue
        title = line.split(", ", 1)[0].strip()
        if title and len(title) <= 120 and title not in titles:
            titles.append(title)
    return tuple(titles[:limit])


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
