"""All citations in one list, for finding and featuring them.

New citations are added on their term's page (a manual citation inline);
every change and deletion here goes through `services.citations`.
"""

from __future__ import annotations

from django.contrib import admin

from ..models import Citation
from ..services.citations import citation_delete, citation_update, citations_delete
from .display import audio_link, speaker_of
from .guards import GuardedChangelist


@admin.register(Citation)
class CitationAdmin(GuardedChangelist, admin.ModelAdmin):
    """All citations, for finding and featuring; new ones are added on a term."""

    list_display = ["term", "episode", "time", "source", "featured", "quote"]
    list_filter = ["source", "featured", "episode"]
    list_select_related = ["term", "episode"]
    search_fields = ["term__label", "quote"]
    # The segment's own name ("… @ 1775s (Tom)") is noise: its speaker.
    fields = ["term", "episode", "time", "speaker", "quote", "source", "featured"]
    readonly_fields = ["term", "episode", "time", "speaker", "quote", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("segment__speaker")

    def has_add_permission(self, request):
        return False

    @admin.display(description="time", ordering="seconds")
    def time(self, obj: Citation) -> str:
        return audio_link(
            obj.episode.audio_url, obj.seconds, approximate=obj.approximate
        )

    @admin.display(description="speaker")
    def speaker(self, obj: Citation) -> str:
        return speaker_of(obj.segment)

    def save_model(self, request, obj: Citation, form, change) -> None:
        citation_update(citation=obj, featured=obj.featured)

    def delete_model(self, request, obj: Citation) -> None:
        citation_delete(citation=obj)

    def delete_queryset(self, request, queryset) -> None:
        citations_delete(citations=queryset)
