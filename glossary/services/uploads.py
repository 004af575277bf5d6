"""How large a transcript may be when it is ingested inside a web request.

Parsing is linear, but a file of many megabytes still outlasts a worker's
timeout (a 20 MiB VTT took 28.5 s of gunicorn's 30): the API and the admin
upload take up to `KB_UPLOAD_MAX_BYTES` (and never more than
`KB_TRANSCRIPT_MAX_BYTES`); larger files go through the command, which has
no timeout.
"""

from __future__ import annotations

from django.conf import settings


def upload_max_bytes() -> int:
    return min(settings.KB_TRANSCRIPT_MAX_BYTES, settings.KB_UPLOAD_MAX_BYTES)


def upload_too_large(size: int | None = None) -> str:
    limit = upload_max_bytes()
    what = f"is {size} bytes, over" if size is not None else "is over"
    return (
        f"The transcript {what} the limit of {limit} bytes for an upload; "
        "ingest larger files with `manage.py ingest_transcript`."
    )
