"""Ingest a transcript: create or update an episode, its people and segments.

(Over 500 lines: the steps of one ingestion, identity, metadata, people,
segments and moving citations, are kept in the order they run inside its one
transaction; people and segment steps are the next to move out if it grows.)

Parsing happens before any write; the writes are one transaction. Ingesting
the same file twice changes nothing; a changed file for the same episode
replaces its segments and moves the citations on them along with their words,
so nothing an editor made (manual citations, featured flags, terms) is lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..linking.placement import place_mention
from ..models import (
    Appearance,
    Citation,
    CitationSuppression,
    Episode,
    Person,
    Segment,
    Show,
)
from ..permissions import require_ingest
from ..transcripts import (
    Limits,
    ParsedPerson,
    ParsedTranscript,
    TranscriptError,
    parse_transcript,
)
from ..transcripts.labels import is_placeholder
from ..transcripts.speakers import match_speaker
from .citations import RefreshResult, citations_refresh
from .citations.suppressions import nearest_occurrence, suppressions_relocate
from .locks import hold_or_refuse
from .rules import unique_episode_slug, unique_person_slug, unique_show_slug


@dataclass
class IngestResult:
    episode: Episode
    created: bool = False
    unchanged: bool = False
    segments_created: int = 0
    segments_updated: int = 0
    segments_deleted: int = 0
    citations_moved: int = 0
    citations_dropped: int = 0
    people_created: list[str] = field(default_factory=list)
    citations: RefreshResult | None = None
    warnings: list[str] = field(default_factory=list)
    edits_kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        episode = self.episode
        if self.unchanged:
            return f"Unchanged: {episode} (slug {episode.slug}) is already up to date."
        verb = "Created" if self.created else "Updated"
        lines = [
            f"{verb} {episode} (slug {episode.slug}).",
            f"Segments: {self.segments_created} created, "
            f"{self.segments_updated} updated, "
            f"{self.segments_deleted} deleted.",
        ]
        if self.citations_moved or self.citations_dropped:
            lines.append(
                f"Citations: {self.citations_moved} moved with their words, "
                f"{self.citations_dropped} dropped (no longer said)."
            )
        if self.citations and (self.citations.created or self.citations.deleted):
            lines.append(
                f"Citations of existing terms: {self.citations.created} added, "
                f"{self.citations.deleted} removed."
            )
        if self.people_created:
            lines.append(f"New people: {', '.join(self.people_created)}.")
        if self.edits_kept:
            lines.append(f"Kept editors' values of: {', '.join(self.edits_kept)}.")
        lines.extend(f"Warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class EpisodeMetadata:
    """What a feed item says about an episode, beyond its transcript."""

    title: str = ""
    number: int | None = None
    season: int | None = None
    published_on: date | None = None
    audio_url: str = ""
    audio_type: str = ""
    audio_length: int | None = None
    duration: float | None = None
    page_url: str = ""
    chapters_url: str = ""
    transcript_url: str = ""


# Metadata fields ingest writes; an editor's value for any of them wins.
TRACKED_FIELDS = (
    "title",
    "number",
    "season",
    "published_on",
    "audio_url",
    "audio_type",
    "audio_length",
    "duration",
    "page_url",
    "chapters_url",
    "transcript_url",
)


def episode_ingest_transcript(
    *,
    data: bytes | str,
    filename: str | None = None,
    format: str | None = None,
    show: Show | str | None = None,
    slug: str | None = None,
    audio_url: str | None = None,
    episode: Episode | None = None,
    by: Any = None,
    guid: str | None = None,
    metadata: EpisodeMetadata | None = None,
    credits: Sequence[ParsedPerson] = (),
    replace: bool = False,
) -> IngestResult:
    """Create or update the episode a transcript file describes.

    Which episode (`_find_episode`): the one given, else the show's episode
    with the feed `guid`, else the show's episode with the file's number
    (only when `show` is given), else the one with the explicit `slug`;
    otherwise a new episode. An update that would replace the segments of an
    episode that looks like another one (`_identity_conflict`) is refused
    unless `replace`. Metadata an editor changed is kept (`_apply_metadata`).
    The citations of existing terms are brought up to date with the new text.

    `by` is the account asking (None for the operator at the shell): it
    needs the permission to create or to change the episode the file turns
    out to name (`glossary.permissions`).

    Raises `TranscriptError` for a file that cannot be parsed,
    `ValidationError` for one that parses but cannot be stored and
    `PermissionDenied` for an account that may not write it; in every case
    nothing is written.
    """
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > settings.KB_TRANSCRIPT_MAX_BYTES:
        raise TranscriptError(
            f"the file is {len(raw)} bytes, over the limit of "
            f"{settings.KB_TRANSCRIPT_MAX_BYTES} bytes (KB_TRANSCRIPT_MAX_BYTES)"
        )
    parsed = parse_transcript(
        raw, filename=filename, format=format, limits=Limits.from_settings(settings)
    )
    # Credits from elsewhere (a feed's podcast:person) join the file's own.
    named = {person.name for person in parsed.people}
    parsed.people.extend(c for c in credits if c.name not in named)
    metadata = metadata or EpisodeMetadata()
    checksum = hashlib.sha256(raw).hexdigest()
    title = metadata.title or parsed.title or (Path(filename).stem if filename else "")
    number = metadata.number if metadata.number is not None else parsed.episode_number
    if not (slug or title or number is not None):
        raise ValidationError("The transcript names no title or episode: pass a slug.")

    with transaction.atomic():
        show_row = show_for_ingest(show)
        # Every name the episode may be found by, held until commit, so two
        # ingestions of one episode at once cannot both write it.
        hold_or_refuse(
            _ingest_lock_names(
                show_row,
                episode=episode,
                guid=guid,
                number=number,
                slug=slug or _episode_slug(number, title),
                checksum=checksum,
            ),
            busy=f"Episode {slug or title or number} is already being ingested; "
            "try again.",
        )
        if episode is not None:
            episode = Episode.objects.select_for_update().get(pk=episode.pk)
        else:
            episode = _find_episode(
                show_row,
                show_given=show is not None,
                guid=guid,
                number=number,
                slug=slug,
                checksum=checksum,
            )
        created = episode is None
        require_ingest(by, creating=created, episode=episode)
        if episode is None:
            _refuse_number_of_another_episode(show_row, number, show is not None)
            episode = Episode(
                show=show_row,
                slug=slug or unique_episode_slug(_episode_slug(number, title)),
                guid=guid or "",
            )
        elif episode.transcript_sha256 == checksum and (
            not audio_url or audio_url == episode.audio_url
        ):
            return IngestResult(episode=episode, unchanged=True)
        elif not replace:
            _refuse_identity_conflict(
                episode, parsed, title, show_row, show is not None
            )

        kept = _apply_metadata(
            episode,
            {
                **{f: getattr(metadata, f) for f in TRACKED_FIELDS},
                "title": title or slug or "",
                "number": number,
                "audio_url": audio_url or metadata.audio_url,
            },
        )
        if guid and not episode.guid:
            episode.guid = guid
        episode.transcript = raw.decode("utf-8-sig", errors="replace")
        episode.transcript_filename = Path(filename).name if filename else ""
        episode.transcript_format = parsed.format
        episode.transcript_sha256 = checksum
        episode.full_clean(exclude=["slug"] if not created else None)
        episode.save()

        result = IngestResult(
            episode=episode,
            created=created,
            warnings=[str(warning) for warning in parsed.warnings],
            edits_kept=kept,
        )
        speakers = _people_for(episode, parsed, result)
        _replace_segments(episode, parsed, speakers, result)
        result.citations = citations_refresh(episodes=[episode])
    return result


def _ingest_lock_names(
    show: Show,
    *,
    episode: Episode | None,
    guid: str | None,
    number: int | None,
    slug: str | None,
    checksum: str,
) -> list[str]:
    """The names an ingestion holds: each identity the episode may be found by."""
    names = [f"transcript:{checksum}"]
    if episode is not None:
        names.append(f"episode:{episode.pk}")
    if guid:
        names.append(f"episode-guid:{show.pk}:{guid}")
    if number is not None:
        names.append(f"episode-number:{show.pk}:{number}")
    if slug:
        names.append(f"episode-slug:{slug}")
    return names


def show_for_ingest(show: Show | str | None) -> Show:
    """The show an ingest writes to: the one named (created on first use), or
    kb's only show when none is named (`KB_SHOW_NAME` when kb has none yet)."""
    if isinstance(show, Show):
        return show
    if show:
        title = " ".join(show.split())
        found = Show.objects.filter(title=title).first()
        if found is None:  # two ingests may make the same new show at once
            hold_or_refuse(
                [f"show:{title}"], busy=f"{title} is being created; try again."
            )
        return found or Show.objects.create(title=title, slug=unique_show_slug(title))
    shows = list(Show.objects.all()[:6])
    if len(shows) == 1:
        return shows[0]
    if not shows:
        title = settings.KB_SHOW_NAME
        hold_or_refuse([f"show:{title}"], busy=f"{title} is being created; try again.")
        return Show.objects.create(title=title, slug=unique_show_slug(title))
    names = ", ".join(repr(s.title) for s in shows[:5])
    raise ValidationError(f"kb holds several shows ({names}...): name the show.")


def _episode_slug(number: int | None, title: str) -> str:
    base = slugify(title)[:150].strip("-")
    if number is not None:
        return f"ep-{number}-{base}".strip("-")
    return base


def _find_episode(
    show: Show,
    *,
    show_given: bool,
    guid: str | None,
    number: int | None,
    slug: str | None,
    checksum: str,
) -> Episode | None:
    """The episode a transcript is for, by the identity its caller gave.

    A GUID names the episode in its show (an episode ingested from a file
    before the feed was known is adopted by its number). A number counts only
    with an explicit show, a slug only when given: a title or file name that
    happens to match another episode's never makes it the same episode. The
    same file again is the same episode whatever was given.
    """
    queryset = Episode.objects.select_for_update()
    if guid:
        found = queryset.filter(show=show, guid=guid).first()
        if found or number is None:
            return found
        return queryset.filter(show=show, number=number, guid="").first()
    if show_given and number is not None:
        found = queryset.filter(show=show, number=number).first()
        if found:
            return found
    if slug:
        return queryset.filter(slug=slug).first()
    return queryset.filter(show=show, transcript_sha256=checksum).first()


def _refuse_number_of_another_episode(
    show: Show, number: int | None, show_given: bool
) -> None:
    """A new episode may not take a number its show already has.

    Without an explicit show the number does not say which episode a file
    is for, so the file is refused rather than taken for that episode.
    """
    if number is None:
        return
    taken = Episode.objects.filter(show=show, number=number).first()
    if taken is not None and not show_given:
        raise ValidationError(
            f"The transcript says episode {number}, and {taken} (slug "
            f"{taken.slug}) has that number: pass --show {show.title!r} to "
            "update it, --episode SLUG for another episode, or --show for the "
            "show this transcript is of."
        )


def _refuse_identity_conflict(
    episode: Episode,
    parsed: ParsedTranscript,
    title: str,
    show: Show,
    show_given: bool,
) -> None:
    """Refuse to replace an episode's segments with another episode's.

    Clearly another episode: an explicit show that is not the episode's, or
    speakers of which none spoke in it, or a title unlike the one its last
    transcript gave with fewer than half its speakers.
    """
    if not episode.transcript_sha256:
        return  # made by hand: no transcript of another episode to lose
    old_speakers = set(
        episode.segments.exclude(speaker_label="")
        .values_list("speaker_label", flat=True)
        .distinct()
    )
    new_speakers = set(parsed.speakers)
    reasons = []
    if show_given and episode.show_id != show.title:
        reasons.append(f"it is of the show {show.title!r}, not {episode.show_id!r}")
    shared = old_speakers & new_speakers
    if old_speakers and new_speakers and not shared:
        reasons.append("none of its speakers speaks in the episode")
    old_title = str(episode.ingested_values.get("title") or episode.title)
    if (
        title
        and old_title
        and slugify(title) != slugify(old_title)
        and len(shared) * 2 < len(old_speakers)
    ):
        reasons.append(f"its title {title!r} is not the episode's {old_title!r}")
    if reasons:
        who = ", ".join(sorted(new_speakers)[:4]) or "nobody named"
        was = ", ".join(sorted(old_speakers)[:4]) or "nobody named"
        raise ValidationError(
            f"Refused: this transcript ({title or 'untitled'}; speakers: {who}) "
            f"would replace the segments of {episode} (slug {episode.slug}; "
            f"speakers: {was}), but {'; '.join(reasons)}. Pass --replace to "
            "replace it anyway, or --slug NEW for a new episode."
        )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _apply_metadata(episode: Episode, values: dict[str, Any]) -> list[str]:
    """Set the metadata ingest knows, except what an editor changed.

    `ingested_values` holds what ingest last wrote: a field whose value
    differs from it now was edited and stays. On an episode from before this
    record (no entry for the field), a value already there stays too.
    Returns the fields kept.
    """
    record = dict(episode.ingested_values or {})
    kept = []
    for name, value in values.items():
        if value is None or value == "":
            continue
        current = _jsonable(getattr(episode, name))
        edited = (
            record[name] != current
            if name in record
            else current not in (None, "") and episode.pk is not None
        )
        if edited:
            if current != _jsonable(value):
                kept.append(name)
        else:
            setattr(episode, name, value)
        record[name] = _jsonable(value)
    episode.ingested_values = record
    return kept


@dataclass
class MetadataUpdate:
    episode: Episode
    changed: list[str] = field(default_factory=list)  # fields written
    kept: list[str] = field(default_factory=list)  # editors' values left


def episode_update_metadata(
    *, episode: Episode, metadata: EpisodeMetadata
) -> MetadataUpdate:
    """Bring an episode's metadata up to what its feed says now, its
    transcript left as it is (a feed item whose transcript did not change).

    An editor's value stays, as on ingest (`_apply_metadata`). One
    transaction, the row locked; written only when something changed.
    `ValidationError` when the new values cannot be stored (a number another
    episode of the show has), and then nothing is written.
    """
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        before = {name: _jsonable(getattr(episode, name)) for name in TRACKED_FIELDS}
        recorded = dict(episode.ingested_values or {})
        kept = _apply_metadata(
            episode, {name: getattr(metadata, name) for name in TRACKED_FIELDS}
        )
        changed = [
            name
            for name in TRACKED_FIELDS
            if _jsonable(getattr(episode, name)) != before[name]
        ]
        if changed or episode.ingested_values != recorded:
            episode.full_clean(exclude=["slug"])
            episode.save()
    return MetadataUpdate(episode=episode, changed=changed, kept=kept)


def _people_for(
    episode: Episode, parsed: ParsedTranscript, result: IngestResult
) -> dict[str, Person]:
    """Persons for the credits and for every speaker label, created as needed.

    A diarization placeholder (`Speaker 1`) is a voice of this episode only:
    it keeps the person its segments had (an editor may have named or merged
    it), else gets a new placeholder person, and never matches anyone by name.
    """
    people = {
        person.name: person for person in Person.objects.filter(is_placeholder=False)
    }
    for credit in parsed.people:
        person = people.get(credit.name)
        if person is None:
            person = Person.objects.create(
                name=credit.name, slug=unique_person_slug(credit.name), bio=credit.bio
            )
            people[person.name] = person
            result.people_created.append(person.name)
        elif credit.bio and not person.bio:
            person.bio = credit.bio
            person.save(update_fields=["bio"])
        role = Appearance.Role.HOST if "host" in credit.role else Appearance.Role.GUEST
        Appearance.objects.update_or_create(
            episode=episode, person=person, defaults={"role": role}
        )

    credited = [people[c.name] for c in parsed.people]
    speakers: dict[str, Person] = {}
    placeholders = [label for label in parsed.speakers if is_placeholder(label)]
    speakers.update(_placeholder_people(episode, placeholders, result))
    for label in parsed.speakers:
        if label in speakers:
            continue
        # A person of exactly this name first: "Tom" may also partly match
        # "Tom Jones", and creating a second "Tom" breaks the unique name.
        name = (
            label
            if label in people
            else match_speaker(label, [(p.name, p.short_names) for p in credited])
            or match_speaker(label, [(p.name, p.short_names) for p in people.values()])
        )
        person = people.get(name) if name else None
        if person is None:
            person = Person.objects.create(name=label, slug=unique_person_slug(label))
            people[label] = person
            result.people_created.append(label)
        if label != person.name and label not in person.short_names:
            person.short_names = [*person.short_names, label]
            person.save(update_fields=["short_names"])
        Appearance.objects.get_or_create(episode=episode, person=person)
        speakers[label] = person
    return speakers


def _placeholder_people(
    episode: Episode, labels: list[str], result: IngestResult
) -> dict[str, Person]:
    """The person behind each placeholder label of this episode."""
    if not labels:
        return {}
    known = {
        segment.speaker_label: segment.speaker
        for segment in Segment.objects.filter(
            episode=episode, speaker_label__in=labels, speaker__isnull=False
        ).select_related("speaker")
    }
    people: dict[str, Person] = {}
    for label in labels:
        person = known.get(label)
        if person is None:
            name = f"{label} ({episode.slug})"
            person, made = Person.objects.get_or_create(
                name=name,
                defaults={
                    "slug": unique_person_slug(name),
                    "is_placeholder": True,
                },
            )
            if made:
                result.people_created.append(name)
        Appearance.objects.get_or_create(episode=episode, person=person)
        people[label] = person
    return people


def _replace_segments(
    episode: Episode,
    parsed: ParsedTranscript,
    speakers: dict[str, Person],
    result: IngestResult,
) -> None:
    """Update segments in place by order, so unchanged ones keep their ids."""
    old = {segment.order: segment for segment in episode.segments.all()}
    new: list[Segment] = []
    for order, item in enumerate(parsed.segments):
        new.append(
            Segment(
                episode=episode,
                order=order,
                speaker=speakers.get(item.speaker) if item.speaker else None,
                speaker_label=item.speaker or "",
                start=item.start,
                start_estimated=item.start_estimated,
                end=item.end,
                marks=[[mark.offset, mark.seconds] for mark in item.marks],
                text=item.text,
            )
        )

    fields = [
        "speaker",
        "speaker_label",
        "start",
        "start_estimated",
        "end",
        "marks",
        "text",
    ]
    changed, text_changed = [], []
    for segment in new:
        previous = old.get(segment.order)
        if previous is None:
            continue
        segment.pk = previous.pk
        segment.id = previous.id
        if any(getattr(previous, f) != getattr(segment, f) for f in fields):
            changed.append(segment)
            if previous.text != segment.text:
                text_changed.append(previous)
    gone = [segment for order, segment in old.items() if order >= len(new)]

    moved_citations = _relocate_citations(text_changed + gone, new, result)
    moved_suppressions = suppressions_relocate(stale=text_changed + gone, new=new)
    Segment.objects.bulk_update(changed, fields)
    result.segments_updated = len(changed)
    result.segments_created = len(Segment.objects.bulk_create(new[len(old) :]))
    if moved_citations:
        # Spans were cleared before the segments changed (the database checks
        # every span against its segment's text); set them now.
        Citation.objects.bulk_update(
            moved_citations,
            ["segment", "start_char", "end_char", "seconds", "approximate", "quote"],
        )
    CitationSuppression.objects.bulk_update(
        moved_suppressions, ["segment", "start_char", "end_char", "seconds"]
    )
    Segment.objects.filter(pk__in=[segment.pk for segment in gone]).delete()
    result.segments_deleted = len(gone)


def _relocate_citations(
    stale: list[Segment], new: list[Segment], result: IngestResult
) -> list[Citation]:
    """Find the words of citations on changed segments again in the new text.

    A citation moves to the nearest place (in time) where its surface form is
    said. One that is said nowhere now is dropped if it was automatic and
    plain, and otherwise kept on the nearest segment without a span, so an
    editor can see it and fix it.
    """
    if not stale:
        return []
    citations = list(Citation.objects.filter(segment__in=stale))
    if not citations:
        return []
    Citation.objects.filter(pk__in=[c.pk for c in citations]).update(
        start_char=None, end_char=None
    )
    starts = [segment.start for segment in new]
    # One citation per term per span (the database's rule): two mentions of
    # a term in a changed turn must land on two places, and none on a span
    # a citation of an unchanged segment already holds.
    taken = set(
        Citation.objects.filter(segment__episode=new[0].episode if new else None)
        .exclude(segment__in=stale)
        .exclude(start_char=None)
        .values_list("term_id", "segment__order", "start_char")
    )
    moved, dropped = [], []
    for citation in citations:
        place = nearest_occurrence(
            citation.surface,
            citation.seconds,
            new,
            taken=taken,
            term_id=citation.term_id,
        )
        if place:
            segment, start = place
            taken.add((citation.term_id, segment.order, start))
            index = new.index(segment)
            placed = place_mention(
                segment.text,
                start,
                start + len(citation.surface),
                segment_start=segment.start,
                start_estimated=segment.start_estimated,
                marks=segment.marks,
                segment_end=segment.end,
                next_start=starts[index + 1] if index + 1 < len(new) else None,
            )
            citation.segment = segment
            citation.start_char, citation.end_char = placed.start, placed.end
            citation.seconds, citation.approximate = placed.seconds, placed.approximate
            citation.quote = placed.quote
            moved.append(citation)
        elif citation.source == Citation.Source.AUTO and not citation.featured:
            dropped.append(citation.pk)
        elif new:
            citation.segment = min(new, key=lambda s: abs(s.start - citation.seconds))
            citation.start_char = citation.end_char = None
            moved.append(citation)
    Citation.objects.filter(pk__in=dropped).delete()
    result.citations_moved, result.citations_dropped = len(moved), len(dropped)
    return moved
