"""Free slugs for new shows, episodes and people, by the rules' one recipe.

`rules.slug_base` and `rules.free_slug` say what a slug is and how a taken
one gets its `-2`; this reads the slugs a model has taken in one query.
"""

from __future__ import annotations

from django.db import models

from .rules import free_slug, slug_base


def unique_slug(
    model: type[models.Model],
    text: str,
    *,
    fallback: str,
    exclude_pk: object = None,
) -> str:
    """A slug for `text` that no other row of `model` has."""
    base = slug_base(text, fallback=fallback)
    taken = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return free_slug(base, set(taken.values_list("slug", flat=True)))
