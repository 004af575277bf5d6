"""Shows (with "Import from feed" and the show-wide jobs) and the job list.

The buttons only queue jobs (`services.jobs.job_enqueue`); the worker does
the work, and the job list shows its state, progress, errors and changes.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..models import Job, Show
from ..permissions import may_view_job
from ..services.jobs import job_enqueue
from .forms import HTTPS_URLS
from .guards import GuardedChangelist

SHOW_JOBS = {
    "import": Job.Kind.IMPORT_FEED,
    "reextract": Job.Kind.REEXTRACT,
    "refresh": Job.Kind.REFRESH_CITATIONS,
}


@admin.register(Show)
class ShowAdmin(GuardedChangelist, admin.ModelAdmin):
    list_display = ["title", "feed_url", "episode_count"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = HTTPS_URLS
    fields = [
        "title",
        "slug",
        "feed_url",
        "site_url",
        "artwork_url",
        "default_hosts",
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        labels = [
            ("import", "Import from feed"),
            ("reextract", "Re-extract candidates"),
            ("refresh", "Refresh citations"),
        ]
        extra = {**(extra_context or {}), "show_jobs": labels}
        return super().change_view(request, object_id, form_url, extra)

    def get_readonly_fields(self, request, obj=None):
        # Episodes point at a show by its title: renaming would orphan them.
        return ["title"] if self._has_episodes(obj) else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self._has_episodes(obj) else self.prepopulated_fields

    def _has_episodes(self, obj: Show | None) -> bool:
        return obj is not None and obj.episodes.exists()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_episodes=Count("episodes"))

    @admin.display(description="episodes", ordering="num_episodes")
    def episode_count(self, obj: Show) -> int:
        return obj.num_episodes

    def get_urls(self):
        return [
            path(
                "<int:object_id>/job/<str:which>/",
                self.admin_site.admin_view(self.job_view),
                name="glossary_show_job",
            ),
            *super().get_urls(),
        ]

    def job_view(self, request: HttpRequest, object_id: int, which: str):
        """Queue an import, re-extraction or citation refresh of this show."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        show = self.get_object(request, str(object_id))
        if show is None or which not in SHOW_JOBS:
            return self._get_obj_does_not_exist_redirect(
                request, self.opts, str(object_id)
            )
        if not self.has_change_permission(request, show):
            raise PermissionDenied
        try:
            job = job_enqueue(kind=SHOW_JOBS[which], show=show, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:glossary_show_change", args=[show.pk])
            )
        self.message_user(
            request,
            f"Queued: {job}. The worker runs it; this page shows how it goes.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:glossary_job_change", args=[job.pk]))


@admin.register(Job)
class JobAdmin(GuardedChangelist, admin.ModelAdmin):
    list_display = ["id", "kind", "show", "state", "progress", "problems", "created_at"]
    list_filter = ["state", "kind", "show"]
    list_select_related = ["show"]
    fields = [
        "kind",
        "show",
        "state",
        "progress",
        "summary",
        "error_list",
        "change_list",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The account that queued a job sees it (an upload lands here), as in
        # the API: one rule, `may_view_job`.
        if obj is not None and may_view_job(request.user, obj):
            return True
        return super().has_view_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "enrich/",
                self.admin_site.admin_view(self.enrich_view),
                name="glossary_job_enrich",
            ),
            *super().get_urls(),
        ]

    def enrich_view(self, request: HttpRequest):
        """Queue a Wikipedia lookup of every term not found yet."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = job_enqueue(
            kind=Job.Kind.ENRICH_WIKIPEDIA,
            params={"only_missing": True},
            user=request.user,
        )
        self.message_user(request, f"Queued: {job}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:glossary_job_change", args=[job.pk]))

    @admin.display(description="progress")
    def progress(self, obj: Job) -> str:
        if obj.total is None:
            return "—" if obj.state == Job.State.QUEUED else str(obj.done)
        return f"{obj.done} of {obj.total}"

    @admin.display(description="errors")
    def problems(self, obj: Job) -> int:
        return len(obj.errors)

    @admin.display(description="errors")
    def error_list(self, obj: Job) -> str:
        if not obj.errors:
            return "None."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((e,) for e in obj.errors)),
        )

    @admin.display(description="what it changed")
    def change_list(self, obj: Job) -> str:
        if not obj.changes:
            return "Nothing yet."
        return format_html("<pre>{}</pre>", json.dumps(obj.changes, indent=2))
