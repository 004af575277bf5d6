"""An editor's whole day in a real browser, on the starter glossary.

From the admin home to the review queue; a definition written with the live
preview; an alias; publish and on to the next candidate; a merge; a change
reverted from the history; a conflict between two tabs seen and resolved.
Screenshots of every step go to `test-artifacts/` (and the two the README
shows: the review queue and a concept page).
"""

import pytest

from glossary.models import Alias, Term
from glossary.services.citations import citations_refresh
from glossary.services.extraction import terms_propose_candidates
from glossary.services.glossary_file import glossary_load_file
from glossary.services.ingest import episode_ingest_transcript
from glossary.services.terms import term_update

from .factories import FIXTURES, SEED
from .test_browser_admin import PASSWORD, editor

STARTER = FIXTURES / "retort-ep04-glossary.csv"
QUEUE = "/admin/glossary/term/?status__exact=candidate"


def load_demo():
    episode_ingest_transcript(data=SEED.read_bytes(), filename=SEED.name)
    glossary_load_file(data=STARTER.read_bytes(), filename=STARTER.name)
    terms_propose_candidates()
    citations_refresh()


def queue_order() -> list[Term]:
    return list(
        Term.objects.filter(status=Term.Status.CANDIDATE).order_by("-score", "label")
    )


@pytest.mark.django_db(transaction=True)
def test_an_editors_day_from_the_queue_to_a_resolved_conflict(
    live_server, page, artifacts
):
    load_demo()
    editor()
    shot = 0

    def snap(name: str, **options) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=artifacts / f"editor-day-{shot:02d}-{name}.png", **options)

    # The admin home leads to the queue, with the count of candidates.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    waiting = Term.objects.filter(status=Term.Status.CANDIDATE).count()
    assert page.locator("#review-queue").inner_text().count(f"{waiting} candidates")
    snap("admin-home")
    page.click("#review-queue a")
    page.wait_for_url(f"**{QUEUE}")
    first, second, third = queue_order()[:3]
    rows = page.locator("#result_list tbody tr")
    assert rows.first.locator("th a").inner_text() == first.label
    snap("review-queue")
    page.screenshot(
        path=artifacts / "readme-review-queue.png",
        clip={"x": 0, "y": 0, "width": 1280, "height": 640},
    )

    # A definition, written with the preview beside it, and an alias.
    rows.first.locator("th a").click()
    page.wait_for_selector("#id_definition")
    page.fill("#id_short_definition", f"{first.label}, as the hosts use it.")
    page.fill("#id_definition", "A **term** of the show:\n\n- said often\n- curated")
    page.wait_for_selector(".kb-markdown-preview strong")
    assert page.locator(".kb-markdown-preview li").count() == 2
    group = page.locator("#aliases-group")
    labels = group.locator("input[name$='-label']:not([name*='__prefix__'])")
    labels.nth(labels.count() - 1).fill(f"{first.label} (alias)")
    page.select_option("#id_status", "published")
    snap("definition-with-preview", full_page=True)

    # Publish, and the next candidate opens.
    page.click("input[name=_savenext]")
    page.wait_for_selector(".messagelist .success")
    first.refresh_from_db()
    assert first.status == Term.Status.PUBLISHED
    assert Alias.objects.filter(term=first, label=f"{first.label} (alias)").exists()
    assert page.locator("#id_label").input_value() == second.label
    snap("next-candidate")

    # Merge the next two candidates.
    page.goto(f"{live_server.url}{QUEUE}")
    for term in (second, third):
        page.check(f"input[name=_selected_action][value='{term.pk}']")
    page.select_option("select[name=action]", "merge_terms")
    page.click("button[name=index]")
    page.wait_for_selector("input[name=survivor]")
    snap("merge")
    page.click("input[type=submit][value='Merge into the chosen term']")
    page.wait_for_selector(".messagelist .success")
    assert Term.objects.filter(pk__in=[second.pk, third.pk]).count() == 1

    # A second edit, reverted from the history.
    change = f"{live_server.url}/admin/glossary/term/{first.pk}/change/"
    page.goto(change)
    page.fill("#id_short_definition", "A hasty second thought.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.goto(f"{change[: -len('change/')]}history/")
    snap("history")
    versions = page.locator("#change-history a[href*='/history/']")
    # Newest first: the second edit, the first, the version extraction made.
    assert versions.count() == 3
    assert "Proposed by extraction" in page.inner_text("#change-history")
    versions.nth(1).click()
    page.wait_for_selector("input[name=_save]")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    # Back on the term's page, told which version came back and what changed.
    page.wait_for_selector("#id_short_definition")
    message = page.inner_text(".messagelist")
    assert f"Reverted “{first.label}” to version" in message
    assert "Restored: short definition" in message
    first.refresh_from_db()
    assert first.short_definition == f"{first.label}, as the hosts use it."
    snap("reverted")

    # Someone else saves while this tab is open: the save is refused, said
    # once, with both versions; "keep mine" saves this tab's over theirs.
    page.goto(change)
    stored = Term.objects.get(pk=first.pk)
    term_update(
        term=stored,
        expected_version=stored.version,
        short_definition="Another editor's words.",
    )
    page.fill("#id_short_definition", "My words.")
    page.click("input[name=_continue]")
    page.wait_for_selector("#kb-conflict")
    assert "Another editor's words." in page.locator("#kb-conflict").inner_text()
    assert page.locator(".errornote").count() == 0
    snap("conflict", full_page=True)
    page.click("#kb-keep-mine")
    page.wait_for_selector(".messagelist .success")
    first.refresh_from_db()
    assert first.short_definition == "My words."

    # A concept page from the starter glossary, as the README shows it.
    page.goto(f"{live_server.url}/concepts/civil-society/")
    assert "Civil society is a kind of" in page.inner_text("main")
    page.screenshot(
        path=artifacts / "readme-concept-page.png",
        clip={"x": 0, "y": 0, "width": 1280, "height": 760},
    )
