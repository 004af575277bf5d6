"""Changelist filters for terms."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef

from ..models import HAS_DEFINITION, Citation, Episode


class EpisodeFilter(admin.SimpleListFilter):
    """Terms cited in one episode."""

    title = "episode"
    parameter_name = "episode"

    def lookups(self, request, model_admin):
        return [
            (slug, f"#{number} {title}" if number is not None else title)
            for slug, number, title in Episode.objects.values_list(
                "slug", "number", "title"
            )
        ]

    def queryset(self, request, queryset):
        if self.value():
            cited = Citation.objects.filter(
                term=OuterRef("pk"), episode__slug=self.value()
            )
            return queryset.filter(Exists(cited))
        return queryset


class DefinitionFilter(admin.SimpleListFilter):
    """Ready to publish or not: publishing needs a definition."""

    title = "definition"
    parameter_name = "defined"

    def lookups(self, request, model_admin):
        return [("yes", "Has a definition"), ("no", "No definition yet")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.defined()
        if self.value() == "no":
            return queryset.exclude(HAS_DEFINITION)
        return queryset
