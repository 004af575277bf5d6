"""The term list's query parameters: search, episode, freshness, letter, order.

Bad values are 400s naming the parameter (django-filter validates them with
Django form fields before any query runs).
"""

from __future__ import annotations

import string
from datetime import UTC, datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field

from ..models import Term
from ..selectors.terms import cited_in_episode, search_terms

DIGITS = ("#", "0-9")
LETTER_CHOICES = [
    (letter, letter)
    for letter in [*string.ascii_lowercase, *string.ascii_uppercase, *DIGITS]
]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders as asked, then by slug, so pages never overlap or skip a term."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "slug")


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time, in UTC.

    Python accepts offsets up to ±24 hours, PostgreSQL only up to ±16, so the
    value is moved to UTC before it reaches the database; at the ends of the
    calendar, where that would leave year 1 or 9999, it stops there.
    """

    def to_python(self, value: object) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            return (datetime.min if moment.year == 1 else datetime.max).replace(
                tzinfo=UTC
            )


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


SEARCH_HELP = (
    "The reader search: terms whose labels or aliases (hidden misspellings "
    "too) match this text, typos forgiven, then terms whose definitions do; "
    "best first, at most 100, unless `ordering` is given."
)
EPISODE_HELP = "Only terms cited in the episode with this slug."


class TermFilterForm(forms.Form):
    def clean_ordering(self) -> list[str] | None:
        value = self.cleaned_data.get("ordering")
        if value and not all(value):
            raise forms.ValidationError(
                "Name a field between each comma: label or updated_at, "
                "with a - to reverse."
            )
        return value


class TermFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=SEARCH_HELP)
    episode = SlugFilter(method="filter_episode", max_length=200, label=EPISODE_HELP)
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only terms changed at or after this ISO 8601 date-time "
        "(2024-05-01T00:00:00Z).",
    )
    letter = django_filters.ChoiceFilter(
        choices=LETTER_CHOICES,
        method="filter_letter",
        label="Only labels starting with this letter; `#` or `0-9` for labels "
        "starting with anything else (digits, symbols, accented letters).",
    )
    ordering = StableOrderingFilter(
        fields=(("label", "label"), ("updated_at", "updated_at")),
        label="Sort by `label` (the default) or `updated_at`; `-` reverses.",
    )

    class Meta:
        model = Term
        fields: list[str] = []
        form = TermFilterForm

    @extend_schema_field(
        {
            "type": "string",
            "maxLength": 200,
            "pattern": "^[^\\x00]*$",
            "description": SEARCH_HELP,
        }
    )
    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_terms(queryset, value)

    @extend_schema_field(
        {
            "type": "string",
            "maxLength": 200,
            "pattern": "^[-a-zA-Z0-9_]+$",
            "description": EPISODE_HELP,
        }
    )
    def filter_episode(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return cited_in_episode(queryset, value)

    def filter_letter(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value in DIGITS:
            return queryset.filter(~Q(label__regex=r"^[A-Za-z]"))
        return queryset.filter(label__istartswith=value)
