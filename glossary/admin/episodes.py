"""Episodes (with their transcript upload) and segments; people are in `people`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from kb.upload_handlers import upload_found_no_room

from ..models import Episode, Segment
from ..services.episodes import appearances_save, episodes_delete
from ..services.ingest import episode_ingest_transcript
from ..services.uploads import (
    NO_ROOM_MESSAGE,
    NoRoomForUpload,
    transcript_upload_enqueue,
    upload_in_background,
    upload_max_bytes,
    upload_too_large,
)
from ..transcripts import TranscriptError
from .display import audio_link, speaker_of, time_shown
from .forms import HTTPS_URLS, TranscriptUploadForm
from .guards import GuardedChangelist
from .inlines import AppearanceInline


class SegmentAutocompleteView(AutocompleteJsonView):
    """Segments shown by episode, time, speaker and words, not just an id."""

    def serialize_result(self, obj, to_field_name):
        text = Truncator(" ".join(obj.text.split())).chars(110)
        episode = f"#{obj.episode.number}" if obj.episode.number else obj.episode.slug
        speaker = obj.speaker_label or "?"
        return {
            "id": str(getattr(obj, to_field_name)),
            "text": f"{episode} {time_shown(obj.start)} {speaker}: {text}",
        }


@admin.register(Episode)
class EpisodeAdmin(GuardedChangelist, admin.ModelAdmin):
    list_display = [
        "title",
        "show",
        "number",
        "published_on",
        "length",
        "segment_count",
        "transcript_format",
    ]
    list_filter = ["show"]
    search_fields = ["title", "slug"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "show",
                    "number",
                    "title",
                    "slug",
                    "published_on",
                    "audio_url",
                    "page_url",
                    "duration",
                ]
            },
        ),
        (
            "Transcript",
            {
                "fields": [
                    "transcript_filename",
                    "transcript_format",
                    "transcript_sha256",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("Segments", {"fields": ["segments_table"]}),
    ]
    readonly_fields = [
        "slug",
        "transcript_filename",
        "transcript_format",
        "transcript_sha256",
        "created_at",
        "updated_at",
        "segments_table",
    ]
    inlines = [AppearanceInline]
    formfield_overrides = HTTPS_URLS
    change_list_template = "admin/glossary/episode/change_list.html"
    change_form_template = "admin/glossary/episode/change_form.html"

    prepopulated_fields = {"slug": ["title"]}

    def get_list_display(self, request):
        # "Add episode" and "Upload a transcript" sit above the list for
        # those who may add episodes; who may change them (editors) gets a
        # new transcript for each episode from its row.
        shown = list(super().get_list_display(request))
        if self.has_change_permission(request):
            shown.append("new_transcript")
        return shown

    @admin.display(description="transcript")
    def new_transcript(self, obj: Episode) -> str:
        return format_html(
            '<a href="{}">Upload a new one</a>',
            reverse("admin:glossary_episode_reupload", args=[obj.pk]),
        )

    def get_readonly_fields(self, request, obj=None):
        # The slug is set once: on "Add episode" it is a required field made
        # from the title (an empty one broke /episodes/ and the sitemap);
        # afterwards readers' links depend on it.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is not None else [f for f in fields if f != "slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def delete_model(self, request, obj: Episode) -> None:
        episodes_delete(episodes=[obj])

    def delete_queryset(self, request, queryset) -> None:
        episodes_delete(episodes=queryset)

    def get_deleted_objects(self, objs, request):
        # Segments have no admin actions of their own (no one may delete one
        # by itself), but they go with their episode: only the permission to
        # delete the episode is needed.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        perms_needed.discard(Segment._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("upload/", upload, name="glossary_episode_upload"),
            path("<int:object_id>/upload/", upload, name="glossary_episode_reupload"),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest, object_id: int | None = None):
        """Ingest a transcript file: a new episode, or this episode's new text."""
        episode = None
        if object_id is not None:
            episode = self.get_object(request, str(object_id))
            if episode is None:
                return self._get_obj_does_not_exist_redirect(
                    request, self.opts, str(object_id)
                )
            if not self.has_change_permission(request, episode):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        form = TranscriptUploadForm(request.POST or None, request.FILES or None)
        upload = None
        no_room = upload_found_no_room(request)
        if no_room:
            form.add_error(None, NO_ROOM_MESSAGE)
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > upload_max_bytes():
                form.add_error("file", upload_too_large(upload.size))
                upload = None
        if upload is not None:
            options = {
                "filename": upload.name,
                "format": form.cleaned_data["format"] or None,
                "audio_url": form.cleaned_data["audio_url"] or None,
                "episode": episode,
                "by": request.user,
                "replace": form.cleaned_data["replace"],
            }
            try:
                job = (
                    transcript_upload_enqueue(file=upload, **options)
                    if upload_in_background(upload.size)
                    else None
                )
            except NoRoomForUpload as error:
                form.add_error(None, str(error))
                no_room, upload, job = True, None, None
            if job is not None:
                self.message_user(
                    request,
                    f"{upload.name} is large: the job worker ingests it (job "
                    f"{job.pk}); this page shows how it went.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:glossary_job_change", args=[job.pk])
                )
        if upload is not None:
            try:
                result = episode_ingest_transcript(data=upload.read(), **options)
            except TranscriptError as error:
                form.add_error("file", f"{upload.name}: {error}")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:glossary_episode_change", args=[result.episode.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "episode": episode,
            "title": f"Upload a transcript for {episode}"
            if episode
            else "Upload a transcript",
            "max_bytes": upload_max_bytes(),
            "inline_bytes": settings.KB_UPLOAD_INLINE_MAX_BYTES,
        }
        return TemplateResponse(
            request,
            "admin/glossary/episode/upload.html",
            context,
            status=507 if no_room else 200,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_segments=Count("segments"))

    def save_formset(self, request, form, formset, change) -> None:
        formset.save(commit=False)  # fills changed_objects and deleted_objects
        appearances_save(
            changed=[appearance for appearance, _ in formset.changed_objects],
            deleted=formset.deleted_objects,
        )

    @admin.display(description="segments", ordering="num_segments")
    def segment_count(self, obj: Episode) -> int:
        return obj.num_segments

    @admin.display(description="length", ordering="duration")
    def length(self, obj: Episode) -> str:
        return time_shown(obj.duration)

    @admin.display(description="segments (from the transcript; read-only)")
    def segments_table(self, obj: Episode | None) -> str:
        """The transcript's turns as a table, not an inline formset.

        Read-only rows as formset forms would post two fields each, and a
        three-hour transcript would overflow DATA_UPLOAD_MAX_NUMBER_FIELDS
        when the episode's metadata is saved.
        """
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (
                segment.order,
                audio_link(
                    obj.audio_url, segment.start, approximate=segment.start_estimated
                ),
                speaker_of(segment),
                segment.text,
            )
            for segment in obj.segments.select_related("speaker").order_by("order")
        ]
        if not rows:
            return "No segments: ingest a transcript."
        return format_html(
            '<table class="kb-segments"><thead><tr><th>#</th><th>Time</th>'
            "<th>Speaker</th><th>Text</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )


@admin.register(Segment)
class SegmentAdmin(GuardedChangelist, admin.ModelAdmin):
    """Read-only: searchable, and the source of the citation autocomplete."""

    list_display = ["episode", "time", "speaker_label", "excerpt"]
    list_filter = ["episode"]
    list_select_related = ["episode"]
    search_fields = ["text", "speaker_label", "episode__title"]
    fields = ["episode", "order", "start", "start_estimated", "end", "speaker", "text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("episode", "speaker")

    def get_urls(self):
        return [
            path(
                "autocomplete/",
                self.admin_site.admin_view(
                    SegmentAutocompleteView.as_view(admin_site=self.admin_site)
                ),
                name="glossary_segment_autocomplete",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="time", ordering="start")
    def time(self, obj: Segment) -> str:
        return audio_link(
            obj.episode.audio_url, obj.start, approximate=obj.start_estimated
        )

    @admin.display(description="text")
    def excerpt(self, obj: Segment) -> str:
        return Truncator(obj.text).chars(120)
