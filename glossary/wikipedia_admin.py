"""The admin's Wikipedia tools: an action on selected terms and a page per term.

Wired into `TermAdmin` by glossary/admin.py (`actions` and `get_urls`). Both
call services only; the page shows the stored result (GET never calls
Wikipedia) and what changed since the previous fetch, with buttons to fetch
again and to copy the summary into the definition.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from .models import Term, WikipediaArticle
from .services.wikipedia import (
    WikipediaTally,
    term_copy_wikipedia_summary,
    term_fetch_wikipedia,
    term_wikipedia_candidates,
)
from .wikipedia import Status, make_client
from .wikipedia.attribution import attribution_html, revision_url
from .wikipedia.diff import word_diff

# An editor waits for the action: more terms than this belong to
# `manage.py enrich_wikipedia`.
ACTION_LIMIT = 20
# Problems listed one by one after an action; the rest are counted.
ACTION_MESSAGES = 10

_LEVELS = {
    Status.FOUND: messages.SUCCESS,
    Status.MISSING: messages.WARNING,
    Status.DISAMBIGUATION: messages.WARNING,
    Status.ERROR: messages.ERROR,
}


@admin.action(description="Fetch from Wikipedia", permissions=["change"])
def fetch_from_wikipedia(modeladmin, request: HttpRequest, queryset) -> None:
    """Look the selected terms up, one request at a time, and report.

    Stops at the first failed request: when Wikipedia is unreachable the
    other terms would each wait out the same timeout.
    """
    count = queryset.count()
    if count > ACTION_LIMIT:
        modeladmin.message_user(
            request,
            f"{count} terms selected: fetch at most {ACTION_LIMIT} at a time here, "
            "or run `manage.py enrich_wikipedia` for many.",
            messages.WARNING,
        )
        return
    tally = WikipediaTally()
    stopped = False
    with make_client() as client:
        for term in queryset.prefetch_related("aliases"):
            article = term_fetch_wikipedia(term=term, client=client)
            tally.add(term, article)
            if article.status == Status.ERROR:
                stopped = tally.total < count
                break
    summary = f"Wikipedia: {tally.summary()}."
    if stopped:
        summary += f" Stopped after {tally.total} of {count} terms: try again later."
    modeladmin.message_user(
        request, summary, messages.WARNING if tally.problems else messages.SUCCESS
    )
    for term, article in tally.problems[:ACTION_MESSAGES]:
        modeladmin.message_user(
            request, f"{term}: {article.message}", _LEVELS[article.status]
        )
    if len(tally.problems) > ACTION_MESSAGES:
        modeladmin.message_user(
            request,
            f"… and {len(tally.problems) - ACTION_MESSAGES} more without an article.",
            messages.WARNING,
        )


def wikipedia_admin_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """The term's Wikipedia page; put these before `super().get_urls()`.

    (ModelAdmin's own patterns end with a catch-all for `<object_id>/`.)
    """
    opts = model_admin.opts

    def view(request: HttpRequest, object_id: str) -> HttpResponse:
        return term_wikipedia_view(request, object_id, model_admin=model_admin)

    return [
        path(
            "<path:object_id>/wikipedia/",
            model_admin.admin_site.admin_view(view),
            name=f"{opts.app_label}_{opts.model_name}_wikipedia",
        )
    ]


def _page_url(model_admin: admin.ModelAdmin, term: Term, page: str) -> str:
    opts = model_admin.opts
    return reverse(
        f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_{page}",
        args=[quote(term.pk)],
    )


def term_wikipedia_view(
    request: HttpRequest, object_id: str, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    """Show the stored lookup (GET); fetch again or copy the summary (POST)."""
    term = model_admin.get_object(request, unquote(object_id))
    if term is None:
        raise Http404("No such term.")
    if not model_admin.has_view_or_change_permission(request, term):
        raise PermissionDenied
    here = _page_url(model_admin, term, "wikipedia")

    if request.method == "POST":
        if not model_admin.has_change_permission(request, term):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "fetch":
            article = term_fetch_wikipedia(term=term)
            if article.status == Status.FOUND:
                text = f"Fetched “{article.title}” (revision {article.revision_id})."
                if article.message:
                    text = f"{text} {article.message}"
            else:
                text = article.message
            messages.add_message(request, _LEVELS[article.status], text)
            return redirect(here)
        if action == "copy":
            try:
                term_copy_wikipedia_summary(
                    term=term,
                    replace=request.POST.get("replace") == "1",
                    expected_version=_int_or_none(request.POST.get("version")),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(here)
            messages.success(
                request,
                "Copied the Wikipedia summary, with its attribution, into the "
                "definition.",
            )
            return redirect(_page_url(model_admin, term, "change"))
        return HttpResponseBadRequest("Unknown action.")

    article = WikipediaArticle.objects.filter(term=term).first()
    diff = None
    if article and article.previous_summary and article.summary:
        if article.previous_summary != article.summary:
            diff = word_diff(article.previous_summary, article.summary)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": term,
        "title": f"Wikipedia: {term}",
        "article": article,
        "diff": diff,
        "unchanged": bool(
            article
            and article.previous_summary
            and article.previous_summary == article.summary
        ),
        "attribution": attribution_html(article) if article and article.summary else "",
        "revision_url": revision_url(article) if article else "",
        "candidates": term_wikipedia_candidates(term),
        "can_change": model_admin.has_change_permission(request, term),
        "change_url": _page_url(model_admin, term, "change"),
    }
    return TemplateResponse(
        request, "admin/glossary/term/wikipedia_fetch.html", context
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
