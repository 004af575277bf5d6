"""Shared fixtures: a real headless Chromium (the distribution's package) for
browser tests, driven by Playwright's Python package; no browser download."""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# As the machine's own probe runs it: no sandbox as root, no background
# networking (the network here is closed), a fresh profile each run.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("KB_CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.fail("Chromium is not installed: apt-get install chromium (see .ci/run)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the tests make between browser steps are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (kept by CI as test artifacts)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _no_search_index_from_another_test():
    """Each test searches as a fresh process would: its index from its own data.

    (Test transactions roll back, so two tests can reach the same glossary
    version with different terms; a kept index would then be another test's.)
    """
    from glossary.search import index

    index.forget()
    yield


@pytest.fixture(autouse=True)
def _no_show_titles_from_another_test():
    """Pages name the shows of this test's data, not those a rolled-back test
    left in the cache."""
    from glossary.selectors.shows import forget_show_titles

    forget_show_titles()
    yield
