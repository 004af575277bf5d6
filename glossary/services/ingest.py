"""Ingest a transcript: create or update an episode, its people and segments.

Parsing happens before any write; the writes are one transaction. Ingesting
the same file twice changes nothing; a changed file for the same episode
replaces its segments and moves the citations on them along with their words,
so nothing an editor made (manual citations, featured flags, terms) is lost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..linking.placement import place_mention
from ..models import Appearance, Citation, CitationSuppression, Episode, Person, Segment
from ..transcripts import ParsedTranscript, TranscriptError, parse_transcript
from ..transcripts.speakers import match_speaker
from .citations import RefreshResult, citations_refresh
from .citations.suppressions import nearest_occurrence, suppressions_relocate


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
        return "\n".join(lines)


def episode_ingest_transcript(
    *,
    data: bytes | str,
    filename: str | None = None,
    format: str | None = None,
    show: str | None = None,
    slug: str | None = None,
    audio_url: str | None = None,
    episode: Episode | None = None,
) -> IngestResult:
    """Create or update the episode a transcript file describes.

    The episode is the one given, else the show's episode with the file's
    number, else the one with the slug (given, or made from the title). The
    citations of existing terms are brought up to date with the new text.

    Raises `TranscriptError` for a file that cannot be parsed and
    `ValidationError` for one that parses but cannot be stored; in both cases
    nothing is written.
    """
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > settings.KB_TRANSCRIPT_MAX_BYTES:
        raise TranscriptError(
            f"the file is {len(raw)} bytes, over the limit of "
            f"{settings.KB_TRANSCRIPT_MAX_BYTES} bytes (KB_TRANSCRIPT_MAX_BYTES)"
        )
    parsed = parse_transcript(raw, filename=filename, format=format)
    show = show or settings.KB_SHOW_NAME
    checksum = hashlib.sha256(raw).hexdigest()
    title = parsed.title or (Path(filename).stem if filename else "")
    slug = slug or _episode_slug(parsed.episode_number, title)
    if not slug:
        raise ValidationError("The transcript names no title or episode: pass a slug.")

    with transaction.atomic():
        if episode is not None:
            episode = Episode.objects.select_for_update().get(pk=episode.pk)
        else:
            episode = _find_episode(show, parsed.episode_number, slug)
        created = episode is None
        if episode is None:
            episode = Episode(show=show, number=parsed.episode_number, slug=slug)
        elif episode.transcript_sha256 == checksum and (
            not audio_url or audio_url == episode.audio_url
        ):
            return IngestResult(episode=episode, unchanged=True)

        episode.title = title or episode.title or slug
        episode.transcript = raw.decode("utf-8-sig", errors="replace")
        episode.transcript_filename = Path(filename).name if filename else ""
        episode.transcript_format = parsed.format
        episode.transcript_sha256 = checksum
        if audio_url:
            episode.audio_url = audio_url
        episode.full_clean(exclude=["slug"] if not created else None)
        episode.save()

        result = IngestResult(episode=episode, created=created)
        speakers = _people_for(episode, parsed, result)
        _replace_segments(episode, parsed, speakers, result)
        result.citations = citations_refresh(episodes=[episode])
    return result


def _episode_slug(number: int | None, title: str) -> str:
    base = slugify(title)[:150].strip("-")
    if number is not None:
        return f"ep-{number}-{base}".strip("-")
    return base


def _find_episode(show: str, number: int | None, slug: str) -> Episode | None:
    queryset = Episode.objects.select_for_update()
    if number is not None:
        found = queryset.filter(show=show, number=number).first()
        if found:
            return found
    return queryset.filter(slug=slug).first()


def _people_for(
    episode: Episode, parsed: ParsedTranscript, result: IngestResult
) -> dict[str, Person]:
    """Persons for the credits and for every speaker label, created as needed."""
    people = {person.name: person for person in Person.objects.all()}
    for credit in parsed.people:
        person = people.get(credit.name)
        if person is None:
            person = Person.objects.create(
                name=credit.name, slug=_unique_person_slug(credit.name), bio=credit.bio
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
    for label in parsed.speakers:
        name = match_speaker(label, [(p.name, p.short_names) for p in credited]) or (
            match_speaker(label, [(p.name, p.short_names) for p in people.values()])
        )
        person = people.get(name) if name else None
        if person is None:
            person = Person.objects.create(name=label, slug=_unique_person_slug(label))
            people[label] = person
            result.people_created.append(label)
        if label != person.name and label not in person.short_names:
            person.short_names = [*person.short_names, label]
            person.save(update_fields=["short_names"])
        Appearance.objects.get_or_create(episode=episode, person=person)
        speakers[label] = person
    return speakers


def _unique_person_slug(name: str) -> str:
    base = slugify(name)[:190] or "person"
    slug, n = base, 2
    while Person.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


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
    moved, dropped = [], []
    for citation in citations:
        place = nearest_occurrence(citation.surface, citation.seconds, new)
        if place:
            segment, start = place
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
