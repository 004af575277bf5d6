"""Read a podcast's RSS 2.0 feed (iTunes and Podcasting 2.0 namespaces).

feedparser reads the feed: it copes with the many ways real feeds bend RSS
(dates, encodings, GUIDs, enclosures, `itunes:*`). It keeps only the last of
repeated elements it does not know, though, and a Podcasting 2.0 item lists
several `podcast:transcript` and `podcast:person` tags whose attributes
matter; those are read from the same bytes with defusedxml's ElementTree
(which refuses entity tricks), item by item in document order, beside
feedparser's entries.

Problems with the feed as a whole raise `FeedError`; problems with one item
(no GUID, a duplicate one, a URL that is not http(s)) are kept on the item
as `problem`, so the caller reports it by GUID and title and goes on.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# Older feeds use the namespace's first address.
PODCAST_NAMESPACES = (
    PODCAST_NS,
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)

# The richest transcript first: JSON and captions carry times per cue, HTML
# and plain text less or none.
TRANSCRIPT_RICHNESS = {
    "application/json": 0,
    "text/vtt": 1,
    "application/x-subrip": 2,
    "application/srt": 2,
    "text/srt": 2,
    "text/html": 3,
    "text/plain": 4,
}
DURATION_RE = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$")


class FeedError(ValueError):
    """A feed that cannot be read at all (not XML, not a feed, too big)."""


@dataclass(frozen=True, slots=True)
class FeedPerson:
    name: str
    role: str = "host"
    href: str = ""


@dataclass(frozen=True, slots=True)
class FeedTranscript:
    url: str
    type: str
    language: str = ""


@dataclass(slots=True)
class FeedItem:
    """One `<item>`: an episode as the feed describes it."""

    position: int  # 1-based, in the feed's order
    guid: str
    title: str
    number: int | None = None
    season: int | None = None
    published_on: date | None = None
    link: str = ""
    audio_url: str = ""
    audio_type: str = ""
    audio_length: int | None = None
    duration: float | None = None
    people: list[FeedPerson] = field(default_factory=list)
    chapters_url: str = ""
    transcripts: list[FeedTranscript] = field(default_factory=list)
    problem: str = ""

    @property
    def name(self) -> str:
        """How messages name the item: its GUID and title."""
        return f"item {self.position} (GUID {self.guid or '-'}, {self.title!r})"

    @property
    def transcript(self) -> FeedTranscript | None:
        """The richest listed transcript kb reads, if any."""
        known = [t for t in self.transcripts if t.type in TRANSCRIPT_RICHNESS]
        if not known:
            return None
        return min(known, key=lambda t: TRANSCRIPT_RICHNESS[t.type])


@dataclass(slots=True)
class ParsedFeed:
    title: str
    link: str = ""
    artwork_url: str = ""
    people: list[FeedPerson] = field(default_factory=list)
    items: list[FeedItem] = field(default_factory=list)


def read_feed(data: bytes, *, max_items: int) -> ParsedFeed:
    """Parse feed bytes; raise `FeedError` for a feed that is not one."""
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError("this is an HTML page, not a podcast feed (RSS)")
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as error:
        raise FeedError(f"not a readable XML feed: {error}") from None
    if root.tag == "html" or root.tag.endswith("}html"):
        raise FeedError("this is an HTML page, not a podcast feed (RSS)")
    if root.tag != "rss":
        raise FeedError(f"not an RSS feed: the document is <{root.tag}>, not <rss>")
    channel = root.find("channel")
    if channel is None:
        raise FeedError("the RSS feed has no <channel>")
    elements = channel.findall("item")
    if len(elements) > max_items:
        raise FeedError(
            f"the feed has {len(elements)} items, over the limit of {max_items} "
            "(KB_FEED_MAX_ITEMS)"
        )

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if len(parsed.entries) != len(elements):
        raise FeedError(
            f"the feed's {len(elements)} <item>s could not all be read "
            f"({len(parsed.entries)} were)"
        )
    feed = ParsedFeed(
        title=(parsed.feed.get("title") or "").strip(),
        link=_http_or_blank(parsed.feed.get("link", "")),
        artwork_url=_http_or_blank((parsed.feed.get("image") or {}).get("href", "")),
        people=_people(channel),
    )
    if not feed.title:
        raise FeedError("the feed has no <title>")
    seen: dict[str, int] = {}
    for position, (entry, element) in enumerate(
        zip(parsed.entries, elements, strict=True), start=1
    ):
        item = _item(position, entry, element)
        if item.guid and not item.problem:
            if item.guid in seen:
                item.problem = (
                    f"duplicate GUID: item {seen[item.guid]} has the same one"
                )
            else:
                seen[item.guid] = position
        feed.items.append(item)
    return feed


def _item(position: int, entry: Any, element: Element) -> FeedItem:
    enclosure = next(
        (link for link in entry.get("links", []) if link.get("rel") == "enclosure"),
        {},
    )
    item = FeedItem(
        position=position,
        guid=(entry.get("id") or "").strip(),
        title=" ".join((entry.get("title") or "").split()),
        number=_integer(entry.get("itunes_episode")),
        season=_integer(entry.get("itunes_season")),
        published_on=_date(entry.get("published_parsed")),
        link=_http_or_blank(entry.get("link", "")),
        audio_url=(enclosure.get("href") or "").strip(),
        audio_type=(enclosure.get("type") or "").strip()[:100],
        audio_length=_integer(enclosure.get("length")),
        duration=_duration(entry.get("itunes_duration")),
        people=_people(element),
        chapters_url=_podcast_attr(element, "chapters", "url"),
        transcripts=[
            FeedTranscript(
                url=(tag.get("url") or "").strip(),
                type=(tag.get("type") or "").strip().lower(),
                language=(tag.get("language") or "").strip(),
            )
            for tag in _podcast_tags(element, "transcript")
        ],
    )
    if not item.guid:
        item.problem = "no <guid>: kb identifies episodes by it"
    elif item.audio_url and not _is_http(item.audio_url):
        item.problem = f"the enclosure URL {item.audio_url!r} is not http(s)"
    else:
        bad = next((t.url for t in item.transcripts if not _is_http(t.url)), None)
        if bad is not None:
            item.problem = f"the transcript URL {bad!r} is not http(s)"
    if item.chapters_url and not _is_http(item.chapters_url):
        item.chapters_url = ""
    return item


def _podcast_tags(element: Element, name: str) -> list[Element]:
    return [
        tag for ns in PODCAST_NAMESPACES for tag in element.findall(f"{{{ns}}}{name}")
    ]


def _podcast_attr(element: Element, name: str, attribute: str) -> str:
    tags = _podcast_tags(element, name)
    return (tags[0].get(attribute) or "").strip() if tags else ""


def _people(element: Element) -> list[FeedPerson]:
    people = []
    for tag in _podcast_tags(element, "person"):
        name = " ".join((tag.text or "").split())
        if name:
            role = (tag.get("role") or "host").strip().lower()
            people.append(
                FeedPerson(name=name, role=role, href=_http_or_blank(tag.get("href")))
            )
    return people


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _http_or_blank(url: str | None) -> str:
    url = (url or "").strip()
    return url if _is_http(url) else ""


def _integer(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _date(value: Any) -> date | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).date()


def _duration(value: Any) -> float | None:
    """Seconds from `itunes:duration`: `2410`, `35:02` or `00:41:10`."""
    match = DURATION_RE.match(str(value or "").strip())
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    if minutes is None and hours is not None:
        hours, minutes = None, hours
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)
