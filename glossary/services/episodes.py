"""Editing who appears in an episode, and deleting episodes.

Ingesting a transcript (`services.ingest`) creates and updates episodes and
people; this is the editors' own change from the admin, one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import Appearance, Episode


def appearances_save(
    *, changed: Iterable[Appearance] = (), deleted: Iterable[Appearance] = ()
) -> None:
    """Store new roles of people in an episode, and remove appearances."""
    with transaction.atomic():
        for appearance in changed:
            Appearance.objects.filter(pk=appearance.pk).update(role=appearance.role)
        Appearance.objects.filter(pk__in=[a.pk for a in deleted]).delete()


def episodes_delete(*, episodes: Iterable[Episode]) -> int:
    """Delete episodes with their segments, citations and appearances."""
    with transaction.atomic():
        ids = [episode.pk for episode in episodes]
        Episode.objects.filter(pk__in=ids).delete()
    return len(ids)
