"""Signals only invalidate: any change to terms or labels moves the glossary
version, so every process rebuilds its linker. Bulk writes in services call
`GlossaryVersion.objects.bump()` themselves (bulk operations send no signals).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Alias, GlossaryVersion, Show, Term, TermRedirect
from .selectors.shows import forget_show_titles


@receiver([post_save, post_delete], sender=Term)
@receiver([post_save, post_delete], sender=Alias)
@receiver([post_save, post_delete], sender=TermRedirect)
@receiver(m2m_changed, sender=Term.related.through)
@receiver(m2m_changed, sender=Term.broader.through)
def glossary_changed(**kwargs) -> None:
    transaction.on_commit(GlossaryVersion.objects.bump)


@receiver([post_save, post_delete], sender=Show)
def shows_changed(**kwargs) -> None:
    """Pages name the shows (`context_processors`): forget the cached titles
    now, and again once the change is committed, so no request in between
    keeps the old ones; and move the glossary version, whose ETags the API's
    glossary document (named after the shows) is cached by."""
    forget_show_titles()
    transaction.on_commit(forget_show_titles)
    transaction.on_commit(GlossaryVersion.objects.bump)
