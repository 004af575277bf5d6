"""Removing people, and editing who appears in an episode.

Ingesting a transcript (`services.ingest`) creates and updates episodes and
people; these are the editors' own changes from the admin, each one
transaction. (Episodes are not deleted in the admin: their segments are
read-only there, so Django refuses the cascade.)
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import Appearance, Person


def people_delete(*, people: Iterable[Person]) -> int:
    """Delete people; segments they spoke keep their speaker label."""
    with transaction.atomic():
        ids = [person.pk for person in people]
        Person.objects.filter(pk__in=ids).delete()
    return len(ids)


def appearances_save(
    *, changed: Iterable[Appearance] = (), deleted: Iterable[Appearance] = ()
) -> None:
    """Store new roles of people in an episode, and remove appearances."""
    with transaction.atomic():
        for appearance in changed:
            Appearance.objects.filter(pk=appearance.pk).update(role=appearance.role)
        Appearance.objects.filter(pk__in=[a.pk for a in deleted]).delete()
