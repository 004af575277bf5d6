"""Readers never wait on Wikipedia: pages and API answers read only what is stored.

Every request httpx would send is made to fail (and counted) at its
transport, the network's edge; the pages must render as usual and send none.
"""

import ast
from pathlib import Path
from unittest import mock

import httpx
from django.test import TestCase
from django.utils import timezone

from glossary.models import Alias, Episode, Term, WikipediaArticle
from tests.factories import make_show

ROOT = Path(__file__).resolve().parent.parent
# Pages and endpoints readers and the show-notes site use; add new ones here.
READER_URLS = [
    "/",
    "/api/v1/episodes/",
    "/healthz",
    "/concepts/",
    "/concepts/meta/",
    "/episodes/",
    "/episodes/ep-4/",
    "/search/?q=meta",
    "/sitemap.xml",
]
# Modules that serve readers; any module under these paths is checked.
READER_MODULES = [
    "glossary/views.py",
    "glossary/api",
    "glossary/templatetags",
    "glossary/search",
    "glossary/selectors.py",
    "glossary/rendering.py",
]
NETWORK_MODULES = {
    "wikipediaapi",
    "httpx",
    "glossary.wikipedia.client",
    "glossary.wikipedia.make_client",
    "glossary.wikipedia.WikipediaClient",
    "glossary.services.wikipedia",
}


class ReaderPagesWithoutWikipediaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        Episode.objects.create(show=make_show(), number=4, title="Ep 4", slug="ep-4")
        term = Term.objects.create(
            label="Meta",
            slug="meta",
            status="published",
            definition="The company.",
        )
        Alias.objects.create(term=term, label="Meta", kind="preferred")
        WikipediaArticle.objects.create(
            term=term,
            status="error",
            message="Wikipedia did not answer within 5 seconds; try again later.",
            title="Meta Platforms",
            summary="Meta Platforms, Inc. is a company.",
            fetched_at=timezone.now(),
        )

    def setUp(self):
        self.attempts = []

        def unreachable(transport, request):
            self.attempts.append(request)
            raise httpx.ConnectError("Wikipedia is down", request=request)

        patcher = mock.patch.object(
            httpx.HTTPTransport,
            "handle_request",
            autospec=True,
            side_effect=unreachable,
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_reader_pages_render_while_wikipedia_is_unreachable(self):
        for url in READER_URLS:
            with self.subTest(url):
                response = self.client.get(url)
                assert response.status_code == 200, url

    def test_reader_pages_send_no_request_to_wikipedia(self):
        for url in READER_URLS:
            self.client.get(url)
        assert self.attempts == []


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = ".".join(
                    path.relative_to(ROOT).with_suffix("").parts[: -node.level]
                )
                base = f"{package}.{base}" if base else package
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_reader_facing_modules_do_not_import_the_wikipedia_client():
    files = []
    for entry in READER_MODULES:
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for file in files:
        if not file.exists():
            continue
        imported = imported_modules(file)
        forbidden = {
            name
            for name in imported
            for module in NETWORK_MODULES
            if name == module or name.startswith(f"{module}.")
        }
        assert not forbidden, f"{file.relative_to(ROOT)} imports {forbidden}"
