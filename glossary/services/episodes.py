"""Editing who appears in an episode.

Ingesting a transcript (`services.ingest`) creates and updates episodes and
people; this is the editors' own change from the admin, one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ..models import Appearance


def appearances_save(
    *, changed: Iterable[Appearance] = (), deleted: Iterable[Appearance] = ()
) -> None:
    """Store new roles of people in an episode, and remove appearances."""
    with transaction.atomic():
        for appearance in changed:
            Appearance.objects.filter(pk=appearance.pk).update(role=appearance.role)
        Appearance.objects.filter(pk__in=[a.pk for a in deleted]).delete()
