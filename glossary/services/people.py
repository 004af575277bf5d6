"""People: naming a placeholder voice and merging two people into one.

Citations hang on segments, so moving a person's segments moves their
citations with them; nothing about a citation changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Appearance, Citation, Person, Segment
from .rules import slug_base, unique_person_slug


@dataclass
class MergeResult:
    person: Person
    segments_moved: int = 0
    citations_moved: int = 0
    appearances_moved: int = 0

    def summary(self) -> str:
        return (
            f"Merged into {self.person}: {self.segments_moved} segments, "
            f"{self.citations_moved} citations on them, "
            f"{self.appearances_moved} episode credits moved."
        )


def people_delete(*, people: Iterable[Person]) -> int:
    """Delete people; segments they spoke keep their speaker label."""
    with transaction.atomic():
        ids = [person.pk for person in people]
        Person.objects.filter(pk__in=ids).delete()
    return len(ids)


def person_merge(*, source: Person, target: Person) -> MergeResult:
    """Fold `source` into `target`: segments, credits and labels; then delete it.

    A credit in an episode both appear in keeps the stronger role (host). The
    labels `source` went by become `target`'s short names, unless they are
    diarization placeholders, which name a voice of one episode only.
    """
    if source.pk == target.pk:
        raise ValidationError("A person cannot be merged into themselves.")
    with transaction.atomic():
        source, target = (
            Person.objects.select_for_update().get(pk=source.pk),
            Person.objects.select_for_update().get(pk=target.pk),
        )
        result = MergeResult(person=target)
        result.citations_moved = Citation.objects.filter(
            segment__speaker=source
        ).count()
        result.segments_moved = Segment.objects.filter(speaker=source).update(
            speaker=target
        )
        theirs = {a.episode_id: a for a in Appearance.objects.filter(person=target)}
        for appearance in Appearance.objects.filter(person=source):
            kept = theirs.get(appearance.episode_id)
            if kept is None:
                appearance.person = target
                appearance.save(update_fields=["person"])
                result.appearances_moved += 1
                continue
            if appearance.role == Appearance.Role.HOST != kept.role:
                kept.role = Appearance.Role.HOST
                kept.save(update_fields=["role"])
            appearance.delete()
        if not source.is_placeholder:
            labels = [source.name, *source.short_names]
            target.short_names = list(
                dict.fromkeys(
                    [*target.short_names, *(x for x in labels if x != target.name)]
                )
            )
        target.bio = target.bio or source.bio
        target.url = target.url or source.url
        target.save(update_fields=["short_names", "bio", "url"])
        source.delete()
    return result


def person_name(*, person: Person, name: str) -> MergeResult:
    """Give a person (usually a placeholder voice) their real name.

    When someone of that name exists already, the two are merged, so one
    person speaks in every episode they are in.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError("The name is empty.")
    existing = Person.objects.filter(name=name).exclude(pk=person.pk).first()
    if existing is not None:
        return person_merge(source=person, target=existing)
    with transaction.atomic():
        person.name = name
        person.is_placeholder = False
        if slug_base(name, fallback="person") != person.slug:
            person.slug = unique_person_slug(name)
        person.full_clean()
        person.save()
    return MergeResult(
        person=person,
        segments_moved=0,
        citations_moved=0,
    )
