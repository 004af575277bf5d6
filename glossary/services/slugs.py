"""Free slugs for new rows: the one rule every service that names rows uses."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify

MAX_BASE = 190  # room for a "-N" suffix in a 200-character slug


def unique_slug(
    model: type[models.Model],
    text: str,
    *,
    fallback: str,
    exclude_pk: object = None,
) -> str:
    """`slugify(text)`, with `-2`, `-3`... until no other `model` row has it."""
    base = slugify(text)[:MAX_BASE].strip("-") or fallback
    taken = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    return slug
