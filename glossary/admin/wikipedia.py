"""The term's Wikipedia page in the admin, and its panel on the term's page.

The page shows the stored result (GET never calls Wikipedia) and what
changed since the previous fetch, with buttons to fetch again and to copy the
summary into the definition. Both call services only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from ..models import Term, WikipediaArticle
from ..services.terms import term_update
from ..services.wikipedia import (
    term_copy_wikipedia_summary,
    term_fetch_wikipedia,
    term_wikipedia_candidates,
)
from ..wikipedia import Status
from ..wikipedia.attribution import article_url, attribution_html, revision_url
from ..wikipedia.diff import word_diff

STATUS_LEVELS = {
    Status.FOUND: messages.SUCCESS,
    Status.MISSING: messages.WARNING,
    Status.DISAMBIGUATION: messages.WARNING,
    Status.ERROR: messages.ERROR,
}


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
        if action in ("fetch", "choose"):
            if action == "choose":
                title = " ".join(request.POST.get("title", "").split())[:300]
                version = _int_or_none(request.POST.get("version"))
                if not title or version is None:
                    return HttpResponseBadRequest("Choose an article.")
                try:
                    # The chosen article becomes the term's Wikipedia title,
                    # so later fetches (and bulk enrichment) ask for it.
                    term_update(
                        term=term,
                        expected_version=version,
                        wikipedia_title=title,
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                    return redirect(here)
            article = term_fetch_wikipedia(term=term)
            if article.status == Status.FOUND:
                text = f"Fetched “{article.title}” (revision {article.revision_id})."
                if article.message:
                    text = f"{text} {article.message}"
            else:
                text = article.message
            messages.add_message(request, STATUS_LEVELS[article.status], text)
            choices = getattr(article, "choices", ())
            if article.status == Status.DISAMBIGUATION and choices:
                # Shown once, now: the page's list is not stored.
                return TemplateResponse(
                    request,
                    "admin/glossary/term/wikipedia_fetch.html",
                    _context(request, model_admin, term, choices=choices),
                )
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

    return TemplateResponse(
        request,
        "admin/glossary/term/wikipedia_fetch.html",
        _context(request, model_admin, term),
    )


def _context(
    request: HttpRequest,
    model_admin: admin.ModelAdmin,
    term: Term,
    *,
    choices: tuple[str, ...] = (),
) -> dict:
    article = WikipediaArticle.objects.filter(term=term).first()
    diff = None
    if article and article.previous_summary and article.summary:
        if article.previous_summary != article.summary:
            diff = word_diff(article.previous_summary, article.summary)
    return {
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
        "choices": choices,
        "can_change": model_admin.has_change_permission(request, term),
        "change_url": _page_url(model_admin, term, "change"),
    }


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def wikipedia_panel(obj: Term | None) -> str:
    """What is stored for the term; fetching and copying happen on its page."""
    if obj is None or obj.pk is None:
        return "Save the term first."
    page_url = reverse("admin:glossary_term_wikipedia", args=[obj.pk])
    try:
        article = obj.wikipedia
    except WikipediaArticle.DoesNotExist:
        return format_html(
            'Not looked up yet. <a href="{}">Fetch from Wikipedia</a>.', page_url
        )
    parts = [
        format_html(
            "<strong>{}</strong>{}",
            article.get_status_display(),
            format_html(": {}", article.message) if article.message else "",
        )
    ]
    if article.title:
        parts.append(
            format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>{}',
                article_url(article),
                article.title,
                format_html(
                    " (fetched {})",
                    timezone.localtime(article.fetched_at).strftime("%Y-%m-%d %H:%M"),
                )
                if article.fetched_at
                else "",
            )
        )
    if article.summary:
        parts.append(
            format_html(
                '<div class="kb-wikipedia-summary">{}</div>'
                '<div class="kb-quiet">{}</div>',
                Truncator(article.summary).chars(1200),
                attribution_html(article),
            )
        )
    parts.append(
        format_html(
            '<a href="{}">Fetch again, or copy the summary into the definition</a>',
            page_url,
        )
    )
    return format_html(
        '<div class="kb-wikipedia">{}</div>',
        format_html_join("", "<p>{}</p>", ((part,) for part in parts)),
    )
