"""A stand-in for Wikipedia serving the recorded answers in `fixtures/wikipedia/`.

For tests and offline demos: pass `httpx.MockTransport(RecordedMediaWiki())`
as a client's `transport`. A request whose parameters differ from the
recording fails loudly, so the recordings stay true to what kb sends.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from .mediawiki import query_params

# The recording a title without one is answered like.
MISSING_RECORDING_TITLE = "Democratic LLM"


def recordings_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "wikipedia"


def load_recordings(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """The recordings in `directory`, by the title each one asked for."""
    recordings = {}
    for path in sorted((directory or recordings_dir()).glob("*.json")):
        recording = json.loads(path.read_text(encoding="utf-8"))
        recordings[recording["request"]["params"]["titles"]] = recording
    return recordings


class RecordedMediaWiki:
    """An `httpx.MockTransport` handler that answers from recordings.

    `requests` keeps every request it received, so a test can count them.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.recordings = load_recordings(directory)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        params = dict(request.url.params)
        title = params.get("titles", "")
        expected = {k: str(v) for k, v in query_params(title).items()}
        if params != expected or request.url.path != "/w/api.php":
            raise AssertionError(
                f"unrecorded request {request.url}: expected parameters {expected}"
            )
        recording = self.recordings.get(title) or self._missing(title)
        response = recording["response"]
        return httpx.Response(
            response["status"],
            headers=response["headers"],
            content=json.dumps(response["body"]).encode(),
        )

    def _missing(self, title: str) -> dict[str, Any]:
        """A missing page for `title`, shaped like the recorded one."""
        recording = copy.deepcopy(self.recordings[MISSING_RECORDING_TITLE])
        normal = title.replace("_", " ")
        normal = normal[:1].upper() + normal[1:]
        query = recording["response"]["body"]["query"]
        page = query["pages"][0]
        path = quote(normal.replace(" ", "_"))
        page["title"] = normal
        page["fullurl"] = page["canonicalurl"] = f"https://en.wikipedia.org/wiki/{path}"
        page["editurl"] = (
            f"https://en.wikipedia.org/w/index.php?title={path}&action=edit"
        )
        if normal != title:
            query["normalized"] = [{"fromencoded": False, "from": title, "to": normal}]
        return recording
