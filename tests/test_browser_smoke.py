"""The browser harness itself: Chromium opens a page kb serves."""

import pytest

pytestmark = pytest.mark.slow  # a real Chromium


@pytest.mark.django_db(transaction=True)
def test_chromium_renders_the_home_page(live_server, page, artifacts):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("kb")
    page.screenshot(path=artifacts / "home.png")
    assert (artifacts / "home.png").stat().st_size > 1000
