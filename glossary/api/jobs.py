"""`GET /api/v1/jobs/<id>/`: how a queued piece of work is going.

An upload too large to ingest inside its request answers 202 with this
resource's URL; the client polls it until `state` is `succeeded` (then
`episode` is the episode's URL and `changes` what the ingestion changed) or
`failed` (then `errors` names the file and line, as a 400 would have). Only
the account that queued the job, or staff allowed to view jobs, sees it;
anyone else gets the 404 a missing job gets.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as api_reverse
from rest_framework.views import APIView

from ..models import Job
from ..permissions import may_view_job


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    episode = serializers.SerializerMethodField(
        help_text="The episode's URL, once an ingestion has succeeded."
    )
    errors = serializers.ListField(
        child=serializers.CharField(),
        help_text="What went wrong, naming the file and line for a transcript.",
    )
    changes = serializers.DictField(child=serializers.JSONField())

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "state",
            "done",
            "total",
            "summary",
            "errors",
            "changes",
            "episode",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_url(self, job: Job) -> str:
        return api_reverse(
            "api:job-detail", kwargs={"pk": job.pk}, request=self.context["request"]
        )

    def get_episode(self, job: Job) -> str | None:
        slug = (job.changes or {}).get("episode")
        if job.state != Job.State.SUCCEEDED or not isinstance(slug, str):
            return None
        return api_reverse(
            "api:episode-detail", kwargs={"slug": slug}, request=self.context["request"]
        )


class JobView(APIView):
    """A job's state, progress, errors and changes (its owner, or job viewers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="A job's state", responses={200: JobSerializer})
    def get(self, request: Request, pk: int) -> Response:
        job = Job.objects.filter(pk=pk).first()
        if job is None or not may_view_job(request.user, job):
            raise exceptions.NotFound()
        return Response(
            JobSerializer(job, context={"request": request}).data,
            headers={"Cache-Control": "no-store"},
        )


def job_accepted(request: Request, job: Job, **headers: Any) -> Response:
    """The 202 of work handed to the worker: the job, and where to follow it."""
    body = JobSerializer(job, context={"request": request}).data
    return Response(
        body,
        status=202,
        headers={"Location": body["url"], "Cache-Control": "no-store", **headers},
    )
