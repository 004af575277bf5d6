"""What a newcomer sees after `make run`: every reader page and API answer.

`walk(client)` visits them with a Django test client and returns what is
missing, as sentences (an empty list when everything shows real content).
It is shared by the PostgreSQL test (`tests/test_demo_starter.py`) and the
SQLite demo test (`tests/test_demo_sqlite.py`), which runs it inside
`manage.py shell` on the demo's own database file.
"""

from __future__ import annotations

import json
import re

from glossary.models import Episode, Term

EMPTY_GLOSSARY = "No concepts are published yet"
SHOW_NOTES = (
    "This week: why Llama 2 is not open source, Mistral AI's torrent drop, "
    "and what RLHF has to do with civil society."
)
EXPECTED_LINKS = {
    "llama-2",
    "open-source",
    "mistral-ai",
    "reinforcement-learning-from-human-feedback",
    "civil-society",
}


def _text(response) -> str:
    return response.content.decode()


def walk(client) -> list[str]:
    problems: list[str] = []
    terms = list(Term.objects.published().order_by("label"))
    episode = Episode.objects.get()
    if len(terms) < 40:
        problems.append(f"only {len(terms)} published concepts")

    home = client.get("/")
    if home.status_code != 200 or EMPTY_GLOSSARY in _text(home):
        problems.append("the home page shows no concepts")
    elif not re.search(r'href="/concepts/[-a-z0-9]+/"', _text(home)):
        problems.append("the home page links no concept")

    index = _text(client.get("/concepts/"))
    missing = [t.label for t in terms if f'href="/concepts/{t.slug}/"' not in index]
    if missing:
        problems.append(f"the A–Z index lacks {missing}")

    for term in terms:
        page = client.get(f"/concepts/{term.slug}/")
        html = _text(page)
        featured = [c.quote for c in term.citations.filter(featured=True)]
        if page.status_code != 200:
            problems.append(f"/concepts/{term.slug}/ answered {page.status_code}")
        elif not featured:
            problems.append(f"{term.label} has no featured citation")
        elif "Where it was discussed" not in html or episode.title not in html:
            problems.append(f"{term.label}'s page shows no citation")
        elif '"@type":"DefinedTerm"' not in html.replace(" ", ""):
            problems.append(f"{term.label}'s page has no JSON-LD")

    episode_page = _text(client.get(f"/episodes/{episode.slug}/"))
    linked = set(re.findall(r'href="/concepts/([-a-z0-9]+)/"', episode_page))
    if len(linked) < 40:
        problems.append(f"the episode page links {len(linked)} concepts")

    results = _text(client.get("/search/", {"q": "foundation model"}))
    first = re.search(r'href="/concepts/([-a-z0-9]+)/"', results)
    if first is None or first.group(1) != "foundation-model":
        problems.append("searching “foundation model” does not find it first")

    cited = client.get(f"/api/v1/episodes/{episode.slug}/terms/").json()
    if cited.get("count", 0) < 40:
        problems.append(f"the episode's terms API lists {cited.get('count')}")

    link = client.post(
        "/api/v1/link/", {"text": SHOW_NOTES}, content_type="application/json"
    ).json()
    found = {match["term"]["slug"] for match in link.get("matches", [])}
    if not EXPECTED_LINKS <= found:
        problems.append(f"/api/v1/link/ links {sorted(found)} in the show notes")

    jsonld = json.loads(client.get("/api/v1/glossary.jsonld").content)
    names = json.dumps(jsonld)
    missing = [t.label for t in terms if json.dumps(t.label) not in names]
    if missing:
        problems.append(f"the JSON-LD lacks {missing}")
    return problems


def main() -> None:
    """Run from `manage.py shell -c` on a demo database; print the problems."""
    from django.test import Client

    print(json.dumps(walk(Client(headers={"host": "localhost"}))))
