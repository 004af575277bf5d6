"""Reader pages in a real browser: from a concept to the moment it was said.

Headless Chromium opens a concept page, follows a citation's time link, and
the episode page must open at that time: the player seeked there and the
transcript turn holding that second highlighted and on screen. The audio is
a silent WAV made here and served by a test-only URL with byte ranges, as
Chromium wants to seek. Screenshots at phone and desktop widths go to the
test artifacts.
"""

import io
import re
import wave

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from glossary.models import Citation

from .factories import new_glossary_version
from .test_pages_concepts import build_seed_glossary

pytestmark = pytest.mark.slow  # a real Chromium

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AUDIO_PATH = "test-media/silence.wav"


def silent_wav(seconds: int, rate: int = 4000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(rate)
        audio.writeframes(b"\x80" * (seconds * rate))
    return buffer.getvalue()


SILENCE = silent_wav(150)


def serve_silence(request: HttpRequest) -> HttpResponse:
    """The WAV, whole or by the byte range asked for."""
    headers = {"Accept-Ranges": "bytes", "Content-Type": "audio/wav"}
    asked = re.fullmatch(r"bytes=(\d+)-(\d*)", request.headers.get("Range", ""))
    if not asked:
        return HttpResponse(SILENCE, headers=headers)
    start = int(asked.group(1))
    end = min(int(asked.group(2) or len(SILENCE) - 1), len(SILENCE) - 1)
    headers["Content-Range"] = f"bytes {start}-{end}/{len(SILENCE)}"
    return HttpResponse(SILENCE[start : end + 1], status=206, headers=headers)


urlpatterns = [
    path(AUDIO_PATH, serve_silence),
    path("", include("kb.urls")),
]


def errors_of(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.django_db(transaction=True)
def test_a_citation_link_opens_the_episode_playing_from_that_moment(
    live_server, browser, page, artifacts, settings
):
    settings.ROOT_URLCONF = __name__
    g = build_seed_glossary(audio_url=f"{live_server.url}/{AUDIO_PATH}")
    new_glossary_version()
    first = Citation.objects.filter(term=g.open_source).order_by("seconds").first()
    second = int(first.seconds)
    assert 0 < second < 150
    errors = errors_of(page)

    page.goto(f"{live_server.url}/concepts/open-source/")
    assert page.locator("h1").inner_text() == "Open source"
    page.screenshot(path=artifacts / "pages-concept-desktop.png", full_page=True)
    link = page.locator("a.play").first
    assert link.get_attribute("href") == f"/episodes/{g.episode.slug}/#t={second}"

    link.click()
    page.wait_for_url(f"**/episodes/{g.episode.slug}/#t={second}")
    page.wait_for_function(
        "s => { const a = document.querySelector('audio');"
        " return a && a.readyState >= 1 && a.getAttribute('data-seeked-to') !== null"
        " && a.currentTime >= s - 0.5; }",
        arg=second,
        timeout=15_000,
    )
    audio_time = page.evaluate("document.querySelector('audio').currentTime")
    assert second - 0.5 <= audio_time < second + 5

    current = page.locator(".turn.is-current")
    assert current.count() == 1
    starts = [
        float(value)
        for value in page.locator(".turn").evaluate_all(
            "turns => turns.map(t => t.dataset.start)"
        )
    ]
    start = float(current.get_attribute("data-start"))
    following = [s for s in starts if s > start]
    assert start <= second < (following[0] if following else float("inf"))
    box = current.bounding_box()
    assert 0 <= box["y"] < DESKTOP["height"] / 2
    assert page.evaluate("document.activeElement.classList.contains('turn')")
    page.screenshot(path=artifacts / "pages-episode-desktop.png")

    # Another time in the page (a turn within the 150 s of silence): the hash
    # changes and the player follows.
    other = page.locator(".turn a.time").nth(3)
    target = int(other.get_attribute("href").removeprefix("#t="))
    assert target < 150 and abs(target - second) > 5
    other.click()
    page.wait_for_function(
        "s => Math.abs(document.querySelector('audio').currentTime - s) < 5",
        arg=target,
    )
    assert page.evaluate("location.hash") == f"#t={target}"
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_pages_read_well_at_phone_and_desktop_widths(
    live_server, browser, artifacts, settings
):
    settings.ROOT_URLCONF = __name__
    g = build_seed_glossary(audio_url=f"{live_server.url}/{AUDIO_PATH}")
    new_glossary_version()
    first = Citation.objects.filter(term=g.open_source).order_by("seconds").first()
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        errors = errors_of(page)
        page.goto(f"{live_server.url}/concepts/rlhf/")
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert (
            page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        )
        if name == "phone":
            page.screenshot(path=artifacts / "pages-concept-phone.png", full_page=True)
        page.goto(
            f"{live_server.url}/episodes/{g.episode.slug}/#t={int(first.seconds)}"
        )
        page.wait_for_selector(".turn.is-current")
        assert (
            page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        )
        if name == "phone":
            page.screenshot(path=artifacts / "pages-episode-phone.png")
        page.goto(f"{live_server.url}/search/?q=RHLF")
        assert (
            page.locator("a.result__title")
            .first.inner_text()
            .startswith("Reinforcement learning")
        )
        page.screenshot(path=artifacts / f"pages-search-{name}.png")
        page.goto(f"{live_server.url}/concepts/")
        page.screenshot(path=artifacts / f"pages-index-{name}.png")
        assert errors == [], name
        context.close()
    for shot in ("concept-phone", "episode-phone", "search-desktop"):
        assert (artifacts / f"pages-{shot}.png").stat().st_size > 5000
