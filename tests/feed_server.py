"""A real HTTP server on loopback serving `fixtures/feeds/`, for feed tests.

It answers as a podcast host does: content types by extension, an ETag per
body and 304 to a matching If-None-Match, so conditional requests are
tested for real. `{{BASE}}` in served files becomes the server's address.
Tests change or break files through `overrides`, send a path elsewhere with
`redirects` (a 302), and read `requests`. `host` is any loopback address
(127.0.0.2 stands for a machine on the private network).
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
TYPES = {
    ".xml": "application/rss+xml",
    ".json": "application/json",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class FeedServer:
    """Serve `root` on 127.0.0.1, an OS-chosen port, in a background thread."""

    def __init__(self, root: Path = FEEDS, host: str = "127.0.0.1") -> None:
        self.root = root
        # path -> (status, content type, body); replaces the file's answer.
        self.overrides: dict[str, tuple[int, str, bytes]] = {}
        # path -> URL it redirects to (302 Found).
        self.redirects: dict[str, str] = {}
        self.requests: list[tuple[str, int]] = []  # (path, status) per request
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                target = server.redirects.get(self.path.split("?", 1)[0].lstrip("/"))
                if target is not None:
                    server.requests.append((self.path, 302))
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, kind, body = server.answer(self.path)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                server.requests.append((self.path, status))
                self.send_response(status)
                if status in (200, 304):
                    self.send_header("ETag", etag)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.base = f"http://{host}:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, path: str) -> tuple[int, str, bytes]:
        path = path.split("?", 1)[0].lstrip("/")
        if path in self.overrides:
            return self.overrides[path]
        file = (self.root / path).resolve()
        if not file.is_file() or self.root not in file.parents:
            return 404, "text/html", b"<html><body>Not found</body></html>"
        body = file.read_bytes().replace(b"{{BASE}}", self.base.encode())
        return 200, TYPES.get(file.suffix, "application/octet-stream"), body

    @property
    def feed_url(self) -> str:
        return self.base + "show.xml"

    def downloads(self) -> list[str]:
        """Paths answered with a body (200) since the last `reset`."""
        return [path for path, status in self.requests if status == 200]

    def reset(self) -> None:
        self.requests.clear()

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
