"""The show-notes site's view of the API: a page on another origin, in Chromium.

A static page served from its own localhost port fetches an episode's
concepts from the API (served by the live test server on another port)
through CORS, shows them as links, and reads the exposed ETag; with its
origin taken off the allowed list, the browser refuses it the answer.
"""

import functools
import http.server
import threading

import pytest

from tests.test_api_terms import build_api_glossary

pytestmark = pytest.mark.slow  # a real Chromium

PAGE = """<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Show notes</title>
<h1>Concepts in this episode</h1>
<ul id="concepts"></ul>
<p id="status">loading</p>
<div id="notes">We talk about open source and RLHF today.</div>
<p id="linked">loading</p>
<script>
const params = new URLSearchParams(location.search);
const url = `${params.get("api")}/api/v1/episodes/${params.get("episode")}/terms/`;
const status = document.getElementById("status");
fetch(url)
  .then(async (response) => {
    const data = await response.json();
    for (const term of data.results) {
      const link = document.createElement("a");
      link.href = term.page_url;
      link.textContent = term.label;
      link.dataset.play = term.play_url;
      const item = document.createElement("li");
      item.append(link, ` ${term.first_time}`);
      document.getElementById("concepts").append(item);
    }
    status.textContent = `ok ${data.count} etag=${response.headers.get("ETag")}`;
  })
  .catch((error) => { status.textContent = `refused: ${error.name}`; });
const notes = document.getElementById("notes");
fetch(`${params.get("api")}/api/v1/link/`, {
  method: "POST",
  headers: {"Content-Type": "application/json"},
  body: JSON.stringify({html: notes.innerHTML}),
})
  .then(async (response) => {
    const data = await response.json();
    notes.innerHTML = data.html;
    document.getElementById("linked").textContent = `linked ${data.matches.length}`;
  })
  .catch((error) => {
    document.getElementById("linked").textContent = `refused: ${error.name}`;
  });
</script>
</html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


LOADED = "!document.getElementById('status').textContent.startsWith('loading')"


@pytest.fixture
def show_notes_site(tmp_path):
    """A static site on its own port: the show-notes site's origin."""
    (tmp_path / "index.html").write_text(PAGE)
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_the_show_notes_site_reads_an_episodes_concepts_through_cors(
    live_server, show_notes_site, page, browser, settings, artifacts
):
    glossary = build_api_glossary()
    settings.CORS_ALLOWED_ORIGINS = [show_notes_site]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    address = (
        f"{show_notes_site}/index.html?api={live_server.url}"
        f"&episode={glossary.episode.slug}"
    )
    page.goto(address)
    page.wait_for_function(LOADED)
    status = page.locator("#status").inner_text()
    assert status.startswith('ok 6 etag="'), status
    links = page.locator("#concepts a")
    assert links.count() == 6
    first = links.first
    assert first.get_attribute("href").startswith(f"{live_server.url}/concepts/")
    assert "#t=" in first.get_attribute("data-play")
    page.wait_for_function(
        "!document.getElementById('linked').textContent.startsWith('loading')"
    )
    linked = page.locator("#notes a.kb-term")
    assert page.locator("#linked").inner_text() == f"linked {linked.count()}"
    assert linked.count() >= 1
    assert linked.first.get_attribute("href").startswith(f"{live_server.url}/concepts/")
    page.screenshot(path=artifacts / "api-cors-show-notes.png")

    # A fresh browser (the first answer is in this one's HTTP cache for a
    # minute, as Cache-Control allows), and the site's origin no longer listed.
    settings.CORS_ALLOWED_ORIGINS = ["https://somewhere-else.example.org"]
    context = browser.new_context()
    try:
        refused = context.new_page()
        refused.goto(address)
        refused.wait_for_function(LOADED)
        assert refused.locator("#status").inner_text() == "refused: TypeError"
        assert refused.locator("#concepts a").count() == 0
    finally:
        context.close()
