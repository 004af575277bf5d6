"""The "related" and "broader" autocomplete: status shown, best match first.

Django's own autocomplete searches the term admin's search fields
(definitions too), orders by the review queue and offers the term being
edited; this one reads `selectors.relations.relation_choices` instead.
"""

from __future__ import annotations

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.urls import reverse

from ..models import Term
from ..selectors.relations import relation_choices


class RelationAutocompleteView(AutocompleteJsonView):
    def get_queryset(self):
        exclude = self.request.GET.get("exclude", "")
        return relation_choices(
            self.term, exclude_id=int(exclude) if exclude.isdigit() else None
        )

    def serialize_result(self, obj: Term, to_field_name: str) -> dict[str, str]:
        return {
            "id": str(getattr(obj, to_field_name)),
            "text": f"{obj.label} ({obj.get_status_display().lower()})",
        }


class RelationUrlMixin:
    """Asks `RelationAutocompleteView`, leaving out the term being edited."""

    def __init__(self, *args, exclude_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.exclude_id = exclude_id

    def get_url(self) -> str:
        url = reverse(f"{self.admin_site.name}:glossary_term_relation_autocomplete")
        return f"{url}?exclude={self.exclude_id}" if self.exclude_id else url


class RelationAutocomplete(RelationUrlMixin, AutocompleteSelectMultiple):
    """Related and broader terms."""


class RelationAutocompleteSelect(RelationUrlMixin, AutocompleteSelect):
    """One term (the one a candidate is folded into)."""
