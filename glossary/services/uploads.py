"""Transcript uploads (the API and the admin): inside the request, or by the worker.

Parsing is linear, but a file of many megabytes still outlasts a worker's
timeout (a 20 MiB VTT took 28.5 s of gunicorn's 30). So an upload up to
`KB_UPLOAD_INLINE_MAX_BYTES` is ingested inside its request; a larger one,
up to `KB_UPLOAD_MAX_BYTES` (never more than `KB_TRANSCRIPT_MAX_BYTES`), is
stored (`STORAGES["transcripts"]`, `KB_UPLOAD_DIR`) and ingested by an
`ingest_transcript` job, which the job worker runs through the same service
with the same account, so the same permission is asked and a bad file is
refused naming its line, on the job. Larger files go through
`manage.py ingest_transcript`, which has no timeout.
"""

from __future__ import annotations

import errno
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import storages

from ..models import Episode, Job
from ..permissions import require_job
from ..transcripts import TranscriptError
from .ingest import IngestResult, episode_ingest_transcript

STORAGE = "transcripts"
NO_ROOM_MESSAGE = (
    "There is no room on the server's disk for this upload; nothing was "
    "written. Try again later, or tell the server's operator."
)


class NoRoomForUpload(Exception):
    """The disk (or quota) the upload goes to is full."""

    def __init__(self) -> None:
        super().__init__(NO_ROOM_MESSAGE)


def is_no_room(error: OSError) -> bool:
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


def upload_max_bytes() -> int:
    return min(settings.KB_TRANSCRIPT_MAX_BYTES, settings.KB_UPLOAD_MAX_BYTES)


def upload_too_large(size: int | None = None) -> str:
    limit = upload_max_bytes()
    what = f"is {size} bytes, over" if size is not None else "is over"
    return (
        f"The transcript {what} the limit of {limit} bytes for an upload; "
        "ingest larger files with `manage.py ingest_transcript`."
    )


def upload_in_background(size: int) -> bool:
    """Whether an upload of `size` bytes is ingested by the job worker."""
    return size > settings.KB_UPLOAD_INLINE_MAX_BYTES


def ingest_changes(result: IngestResult) -> dict[str, Any]:
    """What an ingestion changed, as the API answers it and a job records it."""
    return {
        "episode": result.episode.slug,
        "created": result.created,
        "unchanged": result.unchanged,
        "segments": {
            "created": result.segments_created,
            "updated": result.segments_updated,
            "deleted": result.segments_deleted,
        },
        "citations": {
            "moved": result.citations_moved,
            "dropped": result.citations_dropped,
        },
        "people_created": result.people_created,
    }


def transcript_upload_enqueue(
    *,
    file: File,
    filename: str,
    format: str | None = None,
    show: str | None = None,
    slug: str | None = None,
    audio_url: str | None = None,
    episode: Episode | None = None,
    replace: bool = False,
    by: Any = None,
) -> Job:
    """Store an uploaded transcript and queue its ingestion by the worker.

    `PermissionDenied` before anything is stored for an account that may not
    upload at all; the job asks again for the permission the file needs.
    The stored file goes when the job has run, or at once if queueing fails.
    `NoRoomForUpload` when the storage's disk is full: nothing is kept.
    """
    require_job(by, Job.Kind.INGEST_TRANSCRIPT)
    storage = storages[STORAGE]
    # A fresh name per upload, ending in the one the editor gave; no
    # directory, so nothing is left behind when the file goes.
    stored = f"{uuid.uuid4().hex}-{Path(filename).name}"
    try:
        stored = storage.save(stored, file)
    except OSError as error:
        if not is_no_room(error):
            raise
        storage.delete(stored)  # what was written before the disk filled
        raise NoRoomForUpload() from error
    try:
        from .jobs import job_enqueue

        return job_enqueue(
            kind=Job.Kind.INGEST_TRANSCRIPT,
            params={
                "stored": stored,
                "filename": filename,
                "size": file.size,
                "format": format,
                "show": show,
                "slug": slug,
                "audio_url": audio_url,
                "episode": episode.pk if episode else None,
                "replace": replace,
                # The account the job ingests as; refused if it is deleted
                # meanwhile (created_by would become None: the operator).
                "as_user": getattr(by, "pk", None),
            },
            user=by,
        )
    except BaseException:
        storage.delete(stored)
        raise


def upload_job_run(job: Job) -> tuple[list[str], dict[str, Any], str]:
    """Ingest a stored upload as the account that sent it (the job's runner).

    The file's problems become the job's errors, named as an upload in a
    request names them (`file.vtt: line 3: ...`); nothing is written then.
    """
    params = job.params
    filename = params["filename"]
    storage = storages[STORAGE]
    try:
        with storage.open(params["stored"], "rb") as stored:
            data = stored.read()
        result = episode_ingest_transcript(
            data=data,
            filename=filename,
            format=params.get("format"),
            show=params.get("show"),
            slug=params.get("slug"),
            audio_url=params.get("audio_url"),
            episode=_episode(params.get("episode")),
            by=_account(params.get("as_user")),
            replace=bool(params.get("replace")),
        )
    except FileNotFoundError:
        return [f"{filename}: the uploaded file is no longer stored."], {}, "Failed."
    except TranscriptError as error:
        return [f"{filename}: {error}"], {}, f"Refused {filename}: {error}"
    except (ValidationError, PermissionDenied) as error:
        message = "; ".join(getattr(error, "messages", None) or [str(error)])
        return [f"{filename}: {message}"], {}, f"Refused {filename}: {message}"
    finally:
        storage.delete(params["stored"])
    Job.objects.filter(pk=job.pk).update(show=result.episode.show)
    return [], ingest_changes(result), result.summary()


def _episode(pk: int | None) -> Episode | None:
    if pk is None:
        return None
    try:
        return Episode.objects.get(pk=pk)
    except Episode.DoesNotExist:
        raise ValidationError(
            "The episode this file was uploaded for was deleted."
        ) from None


def _account(pk: int | None) -> Any:
    if pk is None:
        return None
    try:
        return get_user_model().objects.get(pk=pk)
    except get_user_model().DoesNotExist:
        raise PermissionDenied(
            "The account that uploaded this file no longer exists."
        ) from None
