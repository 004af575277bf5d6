"""An editor's day in a real browser: review a candidate, define it, publish it,
and find it on its public concept page."""

import importlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from glossary.models import Term
from glossary.services.citations import citations_refresh
from glossary.services.extraction import terms_propose_candidates
from glossary.services.ingest import episode_ingest_transcript

from .admin_helpers import make_term

pytestmark = pytest.mark.slow  # a real Chromium

SEED = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "retort-ep04-developing-llms.txt"
)
PASSWORD = "a-long-test-passphrase"  # noqa: S105
GROUP = importlib.import_module("glossary.migrations.0003_editor_group")


def editor():
    """An editor; the group is made again since transactional tests flush data."""
    group, _ = Group.objects.get_or_create(name=GROUP.GROUP)
    codenames = [
        f"{a}_{m}" for m in GROUP.CURATED for a in ("add", "change", "delete", "view")
    ]
    codenames += [f"{a}_{m}" for m in GROUP.ANNOTATED for a in ("change", "view")]
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="glossary", codename__in=codenames
        )
    )
    user = get_user_model().objects.create_user("ed", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


@pytest.mark.django_db(transaction=True)
def test_an_editor_publishes_a_candidate_and_readers_see_it(
    live_server, page, artifacts
):
    episode_ingest_transcript(data=SEED.read_bytes(), filename=SEED.name)
    terms_propose_candidates()
    citations_refresh()
    editor()
    term = Term.objects.get(label="civil society")
    queue = "/admin/glossary/term/?status__exact=candidate"

    page.goto(f"{live_server.url}/admin/login/?next={queue}")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{queue}")
    assert (
        page.locator("#result_list")
        .get_by_text("civil society", exact=True)
        .is_visible()
    )
    page.screenshot(path=artifacts / "admin-review-queue.png")

    page.locator("#result_list").get_by_text("civil society", exact=True).click()
    page.fill(
        "#id_short_definition",
        "The sphere of voluntary groups between state and market.",
    )
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.goto(f"{live_server.url}{queue}")
    page.check(f"input[name=_selected_action][value='{term.pk}']")
    page.select_option("select[name=action]", "publish_terms")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    term.refresh_from_db()
    assert term.status == Term.Status.PUBLISHED

    page.goto(f"{live_server.url}/concepts/{term.slug}/")
    assert page.locator("h1").inner_text().lower() == "civil society"
    assert page.get_by_text("The sphere of voluntary groups").first.is_visible()
    page.screenshot(path=artifacts / "concept-published-by-editor.png", full_page=True)


def log_in(page, live_server, url: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={url}")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{url}")


@pytest.mark.django_db(transaction=True)
def test_the_preview_sits_beside_the_definition_and_keeps_its_bullets(
    live_server, page, artifacts
):
    editor()
    term = make_term("Open source")
    log_in(page, live_server, f"/admin/glossary/term/{term.pk}/change/")
    page.fill("#id_definition", "Code anyone may:\n\n- read\n- change\n- share")
    page.wait_for_selector(".kb-markdown-preview li")
    source = page.locator("#id_definition").bounding_box()
    preview = page.locator(".kb-markdown-preview").bounding_box()
    assert preview["x"] >= source["x"] + source["width"]
    assert abs(preview["y"] - source["y"]) < 40
    item = page.locator(".kb-markdown-preview li").first
    assert item.evaluate("li => getComputedStyle(li).listStyleType") == "disc"
    assert item.bounding_box()["x"] - preview["x"] < 60
    page.locator("fieldset.kb-definition").screenshot(
        path=artifacts / "admin-definition-preview.png"
    )


@pytest.mark.django_db(transaction=True)
def test_the_relation_autocomplete_shows_status_and_never_the_term_itself(
    live_server, page
):
    editor()
    term = make_term("Open model")
    make_term("Open model weights", status="published", short_definition="W.")
    make_term("Open model card", status="rejected")
    log_in(page, live_server, f"/admin/glossary/term/{term.pk}/change/")
    page.click(".field-related .select2-selection")
    page.keyboard.type("open model")
    page.wait_for_selector(".select2-results__option:has-text('(published)')")
    page.wait_for_selector(".select2-results__option.loading-results", state="detached")
    options = page.locator(".select2-results__option").all_inner_texts()
    assert options == ["Open model weights (published)"]


@pytest.mark.django_db(transaction=True)
def test_a_queue_row_folds_its_candidate_into_the_proposed_term(live_server, page):
    editor()
    target = make_term("Llama 2", status="published", short_definition="A model.")
    variant = make_term(
        "Lama 2",
        score=1.0,
        evidence={
            "variant_of": {"key": "llama 2", "label": "Llama 2", "reason": "typo"}
        },
    )
    log_in(page, live_server, "/admin/glossary/term/?status__exact=candidate")
    page.click(f"a[href='/admin/glossary/term/{variant.pk}/fold/']")
    page.wait_for_selector("#kb-fold-form")
    # Extraction's proposal is chosen already.
    assert page.inner_text("#kb-fold-form .select2-selection__rendered").endswith(
        "Llama 2"
    )
    page.click("input[type=submit][value='Fold into the chosen term']")
    page.wait_for_selector(".messagelist .success")
    assert not Term.objects.filter(pk=variant.pk).exists()
    assert target.aliases.filter(label="Lama 2", kind="hidden").exists()


@pytest.mark.django_db(transaction=True)
def test_the_seeds_review_queue_fits_a_1280_pixel_window(live_server, page):
    episode_ingest_transcript(data=SEED.read_bytes(), filename=SEED.name)
    terms_propose_candidates()
    citations_refresh()
    editor()
    log_in(page, live_server, "/admin/glossary/term/?status__exact=candidate")
    page.wait_for_selector("#result_list")
    table, room = page.evaluate(
        "() => [document.querySelector('#result_list').scrollWidth,"
        " document.querySelector('#changelist .results').clientWidth]"
    )
    assert table <= room  # every column in view, no sideways scrolling
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert "STATUS" not in [h.strip() for h in headers]  # the queue is one status
