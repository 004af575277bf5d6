"""Inlines: a term's labels and citations, an episode's people."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse

from ..models import Alias, Appearance, Citation, Segment
from .display import audio_link, episode_name, speaker_of
from .forms import (
    CITATIONS_SHOWN,
    AliasInlineForm,
    AliasInlineFormSet,
    CitationFormSet,
    ManualCitationForm,
    ManualCitationFormSet,
)

# Rows without the object's __str__ above them (see the template).
TABULAR = "admin/glossary/tabular.html"


class AliasInline(admin.TabularInline):
    model = Alias
    template = TABULAR
    form = AliasInlineForm
    formset = AliasInlineFormSet
    fields = ["label", "kind", "case_sensitive"]
    extra = 1
    verbose_name = "other label"
    verbose_name_plural = "other labels (abbreviations, alternative labels, "
    verbose_name_plural += "misspellings)"

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(kind=Alias.Kind.PREFERRED)


class SegmentAutocomplete(AutocompleteSelect):
    def get_url(self):
        return reverse(f"{self.admin_site.name}:glossary_segment_autocomplete")


class CitationInline(admin.TabularInline):
    model = Citation
    template = TABULAR
    formset = CitationFormSet
    fields = ["episode_shown", "time", "speaker", "quote_shown", "source", "featured"]
    readonly_fields = ["episode_shown", "time", "speaker", "quote_shown", "source"]
    extra = 0
    verbose_name_plural = (
        f"citations (tick the best as featured; featured first, at most "
        f"{CITATIONS_SHOWN} shown: all are under Citations)"
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("term", "episode", "segment__speaker")
            .order_by("-featured", "episode__published_on", "episode_id", "seconds")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="episode")
    def episode_shown(self, obj: Citation) -> str:
        return episode_name(obj.episode)

    @admin.display(description="time")
    def time(self, obj: Citation) -> str:
        return audio_link(
            obj.episode.audio_url, obj.seconds, approximate=obj.approximate
        )

    @admin.display(description="speaker")
    def speaker(self, obj: Citation) -> str:
        return speaker_of(obj.segment)

    @admin.display(description="quote")
    def quote_shown(self, obj: Citation) -> str:
        return obj.quote or "—"


class ManualCitationInline(admin.TabularInline):
    model = Citation
    template = TABULAR
    form = ManualCitationForm
    formset = ManualCitationFormSet
    fields = ["segment", "start_char", "end_char"]
    extra = 1
    can_delete = False
    verbose_name = "manual citation"
    verbose_name_plural = (
        "add a citation (pick a segment; the time and quote are computed)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "segment":
            kwargs["widget"] = SegmentAutocomplete(db_field, self.admin_site)
            kwargs["queryset"] = Segment.objects.select_related("episode")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AppearanceInline(admin.TabularInline):
    model = Appearance
    fields = ["person", "role"]
    readonly_fields = ["person"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request, obj=None):
        # People join an episode from its transcript's credits and speakers
        # (services.ingest); here an editor changes a role or removes one.
        return False
