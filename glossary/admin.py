"""Curation in the Django admin; actions call services and hold no rules."""

from django.contrib import admin

from .models import Citation, Episode, Person, Segment, Term


class SegmentInline(admin.TabularInline):
    model = Segment
    fields = ["order", "start", "start_estimated", "speaker", "text"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["title", "show", "number", "published_on", "transcript_format"]
    list_filter = ["show"]
    search_fields = ["title"]
    readonly_fields = ["transcript_filename", "transcript_format", "transcript_sha256"]
    exclude = ["transcript"]
    inlines = [SegmentInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "short_names"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "status", "kind", "score", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["label", "aliases__label", "definition"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["term", "episode", "seconds", "source", "featured"]
    list_filter = ["source", "featured"]
    list_select_related = ["term", "episode"]
