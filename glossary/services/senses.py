"""A label's senses: its case flag and context rules, set by an editor.

Any label may be case-sensitive, the preferred one included, so "Meta" the
company and "meta" the word can be two terms. Context rules ("not followed
by", "not preceded by", "not at the start of a sentence") are checked by
`Alias.clean` and applied by the linker everywhere (`linking.context`).
Changing them changes citations, so the affected terms' citations are
refreshed in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Alias
from .citations.live import citations_follow_change
from .rules import label_owner, label_taken_message


def alias_set_senses(
    *,
    alias: Alias,
    case_sensitive: bool,
    not_followed_by: Sequence[str] = (),
    not_preceded_by: Sequence[str] = (),
    not_sentence_start: bool = False,
) -> Alias:
    """Set a label's case flag and context rules; refuses bad rules by field."""
    with transaction.atomic():
        stored = (
            Alias.objects.select_for_update(of=("self",))
            .select_related("term")
            .get(pk=alias.pk)
        )
        stored.case_sensitive = case_sensitive
        stored.not_followed_by = [rule.strip() for rule in not_followed_by]
        stored.not_preceded_by = [rule.strip() for rule in not_preceded_by]
        stored.not_sentence_start = not_sentence_start
        stored.clean()
        check_case_flag(stored, case_sensitive=case_sensitive)
        try:
            with transaction.atomic():
                stored.save()
        except IntegrityError as error:
            raise ValidationError(
                {"case_sensitive": f"“{stored.label}” names another term already."}
            ) from error
        citations_follow_change(term_ids=[stored.term_id])
    return stored


def check_case_flag(alias: Alias, *, case_sensitive: bool) -> None:
    """Refuse a case flag under which the label would name another term too."""
    owner = label_owner(alias.label, exclude=alias.term, case_sensitive=case_sensitive)
    if owner is not None:
        raise ValidationError(
            {"case_sensitive": label_taken_message(alias.label, owner)}
        )
