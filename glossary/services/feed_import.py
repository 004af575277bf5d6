"""Import a show's back catalog from its podcast feed.

The feed is fetched (or read from a file) and parsed first; then each item
is one unit of work: its transcript is fetched conditionally, parsed and
ingested in one transaction together with the validators (ETag,
Last-Modified) that let the next run skip it. One bad item is reported by
GUID and title and leaves nothing behind; the others import. An episode no
longer in the feed is kept and reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from ..feeds import FeedError, FeedItem, FeedPerson, FeedTranscript, read_feed
from ..feeds.fetch import FEED_TYPES, Fetcher, FetchError, FetchLimits, transcript_types
from ..models import Episode, Person, Show
from ..transcripts import ParsedPerson, TranscriptError
from .ingest import (
    EpisodeMetadata,
    MetadataUpdate,
    episode_ingest_transcript,
    episode_update_metadata,
)
from .people import person_merge
from .rules import unique_slug

# A transcript's parser, by the MIME type the feed lists it as.
FORMAT_OF_TYPE = {
    "application/json": "json",
    "text/vtt": "vtt",
    "application/x-subrip": "srt",
    "application/srt": "srt",
    "text/srt": "srt",
    "text/html": "html",
    "text/plain": "text",
}
TYPE_OF_FORMAT = {
    "json": "application/json",
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
    "html": "text/html",
    "text": "text/plain",
}


@dataclass
class ItemOutcome:
    """What happened to one feed item."""

    guid: str
    title: str
    status: str  # created, updated, unchanged, skipped, failed
    message: str = ""
    episode_slug: str = ""
    # An unchanged transcript's episode whose feed metadata moved: the fields
    # written, and those an editor changed, which stay.
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"{self.status}: GUID {self.guid or '-'} ({self.title!r})"
        return f"{text}: {self.message}" if self.message else text


@dataclass
class FeedImportResult:
    show: Show | None
    feed_unchanged: bool = False
    error: str = ""
    outcomes: list[ItemOutcome] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed

    def summary(self) -> str:
        if self.error:
            return f"Feed refused: {self.error}"
        counts = self.counts()
        lines = [
            f"{self.show}: "
            + ", ".join(
                f"{counts.get(status, 0)} {status}"
                for status in ("created", "updated", "unchanged", "skipped", "failed")
            )
            + "."
        ]
        if self.feed_unchanged:
            lines.append("The feed is unchanged since the last import (304).")
        if not any(counts.get(s) for s in ("created", "updated", "failed")):
            lines.append("Nothing changed.")
        lines.extend(f"Failed {o.line()[len('failed: ') :]}" for o in self.failed)
        moved = [o for o in self.outcomes if o.changed or o.kept]
        lines.extend(
            f"Metadata of GUID {o.guid} ({o.title!r}): "
            + "; ".join(
                part
                for part in (
                    f"updated {_field_names(o.changed)}" if o.changed else "",
                    f"editors' values kept: {_field_names(o.kept)}" if o.kept else "",
                )
                if part
            )
            for o in moved[:20]
        )
        if len(moved) > 20:
            lines.append(f"... and the metadata of {len(moved) - 20} more episodes.")
        if self.gone:
            lines.append(
                f"No longer in the feed (kept): {', '.join(self.gone[:20])}"
                + (" ..." if len(self.gone) > 20 else "")
            )
        return "\n".join(lines)


Progress = Callable[[int, int, ItemOutcome], None]


def _field_names(names: list[str]) -> str:
    fields = [Episode._meta.get_field(name) for name in names]
    return ", ".join(str(getattr(f, "verbose_name", f.name)) for f in fields)


def fetch_limits() -> FetchLimits:
    return FetchLimits(
        timeout=settings.KB_FETCH_TIMEOUT_SECONDS,
        max_redirects=settings.KB_FETCH_MAX_REDIRECTS,
        user_agent=settings.KB_FETCH_USER_AGENT,
        allowed_networks=tuple(settings.KB_FETCH_ALLOWED_NETWORKS),
    )


def show_import_feed(
    *,
    source: str,
    show: Show | None = None,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> FeedImportResult:
    """Import every item of the feed at `source` (an http(s) URL or a file).

    The show is the one given, else the one with this feed URL or the
    feed's title, else a new one from the channel. Never raises for bad
    input: a feed that cannot be read sets `error`, a bad item is a
    `failed` outcome.
    """
    own = fetcher is None
    fetcher = fetcher or Fetcher(fetch_limits())
    try:
        return _import(source, show, fetcher, progress, replace)
    finally:
        if own:
            fetcher.close()


def _import(
    source: str,
    show: Show | None,
    fetcher: Fetcher,
    progress: Progress | None,
    replace: bool,
) -> FeedImportResult:
    is_url = urlsplit(source).scheme in ("http", "https")
    known = show or (Show.objects.filter(feed_url=source).first() if is_url else None)
    try:
        fetched = _feed_bytes(source, is_url, known, fetcher)
    except (FetchError, OSError, FeedError) as error:
        return FeedImportResult(show=known, error=str(error))
    default_people: list[FeedPerson] = []
    validators: tuple[str, str] | None = None
    if fetched is None:  # 304: the items are those kb already has
        if known is None:
            return FeedImportResult(
                show=None, error=f"{source}: 304 to a plain request"
            )
        result = FeedImportResult(show=known, feed_unchanged=True)
        items = _items_of(known)
    else:
        data, validators = fetched
        try:
            feed = read_feed(data, max_items=settings.KB_FEED_MAX_ITEMS)
        except FeedError as error:
            return FeedImportResult(show=known, error=str(error))
        known = known or _show_for_feed(feed.title, source if is_url else "")
        _fill_show(known, feed, source if is_url else "")
        result = FeedImportResult(show=known)
        items = feed.items
        default_people = feed.people
    show = known
    hosts = [
        FeedPerson(name=h.get("name", ""), role=h.get("role", "host"))
        for h in show.default_hosts
        if isinstance(h, dict) and h.get("name")
    ]
    total = len(items)
    for index, item in enumerate(items, start=1):
        outcome = _import_item(
            item,
            show,
            fetcher,
            default_people or hosts,
            replace=replace,
            # Items rebuilt from kb's own rows (feed 304) say nothing new.
            from_feed=fetched is not None,
        )
        result.outcomes.append(outcome)
        if progress:
            progress(index, total, outcome)
    if fetched is not None:
        guids = {item.guid for item in items if item.guid}
        result.gone = list(
            Episode.objects.filter(show=show)
            .exclude(guid="")
            .exclude(guid__in=guids)
            .order_by("number", "slug")
            .values_list("slug", flat=True)
        )
        if validators and is_url:
            Show.objects.filter(pk=show.pk).update(
                feed_etag=validators[0], feed_last_modified=validators[1]
            )
    return result


def _feed_bytes(
    source: str, is_url: bool, show: Show | None, fetcher: Fetcher
) -> tuple[bytes, tuple[str, str]] | None:
    """The feed's bytes and validators, or None when the server said 304."""
    limit = settings.KB_FEED_MAX_BYTES
    if not is_url:
        path = Path(source)
        if not path.is_file():
            raise FeedError(f"{source}: no such file, and not an http(s) URL")
        if path.stat().st_size > limit:
            raise FeedError(f"{source}: over the limit of {limit} bytes")
        return path.read_bytes(), ("", "")
    # Validators count only for the show's own feed, once it has episodes.
    known = (
        show
        if show is not None and show.feed_url == source and show.episodes.exists()
        else None
    )
    fetched = fetcher.get(
        source,
        max_bytes=limit,
        accept=FEED_TYPES,
        etag=known.feed_etag if known else "",
        last_modified=known.feed_last_modified if known else "",
    )
    if fetched.not_modified:
        return None
    return fetched.content or b"", (fetched.etag, fetched.last_modified)


def _show_for_feed(title: str, feed_url: str) -> Show:
    found = Show.objects.filter(title=title).first()
    if found:
        return found
    slug = unique_slug(Show, title, fallback="show")
    return Show.objects.create(title=title, slug=slug, feed_url=feed_url)


def _fill_show(show: Show, feed, feed_url: str) -> None:
    """Fill the show's blank fields from the channel; an editor's stay."""
    changed = []
    for name, value in (
        ("feed_url", feed_url),
        ("site_url", feed.link),
        ("artwork_url", feed.artwork_url),
    ):
        if value and not getattr(show, name):
            setattr(show, name, value)
            changed.append(name)
    if feed.people and not show.default_hosts:
        show.default_hosts = [
            {"name": p.name, "role": p.role} for p in feed.people if p.role == "host"
        ]
        changed.append("default_hosts")
    if changed:
        show.save(update_fields=changed)


def _items_of(show: Show) -> list[FeedItem]:
    """The show's feed episodes as items, to recheck their transcripts."""
    items = []
    for position, episode in enumerate(
        Episode.objects.filter(show=show)
        .exclude(guid="")
        .exclude(transcript_url="")
        .order_by("number", "slug"),
        start=1,
    ):
        items.append(
            FeedItem(
                position=position,
                guid=episode.guid,
                title=episode.title,
                transcripts=[
                    FeedTranscript(
                        url=episode.transcript_url,
                        type=TYPE_OF_FORMAT.get(
                            episode.transcript_format, "text/plain"
                        ),
                    )
                ],
            )
        )
    return items


def _import_item(
    item: FeedItem,
    show: Show,
    fetcher: Fetcher,
    default_people: list[FeedPerson],
    *,
    replace: bool,
    from_feed: bool = True,
) -> ItemOutcome:
    """Fetch, parse and ingest one item's transcript, in one transaction.

    A transcript that did not change (304, or the same bytes) leaves the
    segments alone, but the item's metadata (title, date, audio...) is
    brought up to date, except fields an editor changed.
    """
    outcome = ItemOutcome(guid=item.guid, title=item.title, status="failed")
    if item.problem:
        outcome.message = item.problem
        return outcome
    transcript = item.transcript
    if transcript is None:
        listed = ", ".join(t.type or "(no type)" for t in item.transcripts)
        outcome.status = "skipped"
        outcome.message = (
            f"no transcript of a type kb reads (listed: {listed})"
            if listed
            else "no podcast:transcript"
        )
        return outcome
    existing = Episode.objects.filter(show=show, guid=item.guid).first()
    # Validators count only for the same transcript URL as last time.
    previous = (
        existing
        if existing is not None and existing.transcript_url == transcript.url
        else None
    )
    try:
        fetched = fetcher.get(
            transcript.url,
            max_bytes=settings.KB_TRANSCRIPT_MAX_BYTES,
            accept=transcript_types(transcript.type),
            etag=previous.transcript_etag if previous else "",
            last_modified=previous.transcript_last_modified if previous else "",
        )
    except FetchError as error:
        outcome.message = f"transcript {error}"
        return outcome
    if fetched.not_modified and previous is None:
        outcome.message = "transcript: 304 to a plain request"
        return outcome
    metadata = EpisodeMetadata(
        title=item.title,
        number=item.number,
        season=item.season,
        published_on=item.published_on,
        audio_url=item.audio_url,
        audio_type=item.audio_type,
        audio_length=item.audio_length,
        duration=item.duration,
        page_url=item.link,
        chapters_url=item.chapters_url,
        transcript_url=transcript.url,
    )
    if fetched.not_modified and previous is not None:
        outcome.status, outcome.episode_slug = "unchanged", previous.slug
        if not from_feed:
            return outcome
        try:
            moved = episode_update_metadata(episode=previous, metadata=metadata)
        except ValidationError as error:
            outcome.status, outcome.message = "failed", "; ".join(error.messages)
            return outcome
        return _with_metadata(outcome, moved)
    # The channel's people (the hosts) and the item's own (its guests); the
    # item's entry wins for a name both list.
    named = {p.name for p in item.people}
    people = [*item.people, *(p for p in default_people if p.name not in named)]
    update: MetadataUpdate | None = None
    try:
        with transaction.atomic():
            result = episode_ingest_transcript(
                data=fetched.content or b"",
                filename=Path(urlsplit(transcript.url).path).name or None,
                format=FORMAT_OF_TYPE[transcript.type],
                show=show,
                guid=item.guid,
                metadata=metadata,
                credits=[ParsedPerson(name=p.name, role=p.role) for p in people],
                replace=replace,
            )
            if result.unchanged and from_feed:
                update = episode_update_metadata(
                    episode=result.episode, metadata=metadata
                )
            Episode.objects.filter(pk=result.episode.pk).update(
                transcript_url=transcript.url,
                transcript_etag=fetched.etag,
                transcript_last_modified=fetched.last_modified,
            )
            if not result.unchanged:
                _name_placeholders(result.episode, [p.name for p in people])
    except TranscriptError as error:
        outcome.message = f"transcript {transcript.url}: {error}"
        return outcome
    except ValidationError as error:
        outcome.message = "; ".join(error.messages)
        return outcome
    outcome.episode_slug = result.episode.slug
    outcome.status = (
        "created" if result.created else "unchanged" if result.unchanged else "updated"
    )
    if result.warnings:
        outcome.message = f"{len(result.warnings)} warnings: {result.warnings[0]}"
    return _with_metadata(outcome, update) if update else outcome


def _with_metadata(outcome: ItemOutcome, update: MetadataUpdate) -> ItemOutcome:
    """An unchanged transcript's outcome, with what its metadata update did."""
    outcome.changed, outcome.kept = update.changed, update.kept
    if update.changed:
        outcome.status = "updated"
        outcome.message = f"metadata: {_field_names(update.changed)}"
    return outcome


def _name_placeholders(episode: Episode, credited: list[str]) -> None:
    """Name a placeholder voice after the credits, where they leave no doubt.

    Only one way is certain: one unnamed voice, and one credited person who
    is not heard otherwise in the episode.
    """
    placeholders = list(
        Person.objects.filter(is_placeholder=True, segments__episode=episode).distinct()
    )
    if len(placeholders) != 1:
        return
    heard = set(
        episode.segments.filter(speaker__is_placeholder=False).values_list(
            "speaker__name", flat=True
        )
    )
    silent = [name for name in credited if name not in heard]
    if len(silent) != 1:
        return
    target = Person.objects.filter(name=silent[0]).first()
    if target is not None:
        person_merge(source=placeholders[0], target=target)
