"""Bulk actions on selected terms; each calls one service and reports."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from ..models import Term
from ..selectors.citations import citation_count
from ..services.extraction import term_fold_variant, variant_proposals
from ..services.merge import terms_merge
from ..services.terms import terms_publish, terms_set_status
from ..services.wikipedia import WikipediaTally, term_fetch_wikipedia
from ..wikipedia import Status, make_client
from .merging import MergePage, merge_selected
from .wikipedia import STATUS_LEVELS


@admin.action(description="Publish selected terms", permissions=["change"])
def publish_terms(modeladmin, request, queryset):
    result = terms_publish(terms=queryset)
    if result.published:
        modeladmin.message_user(
            request,
            f"Published {len(result.published)} "
            f"term{'s' if len(result.published) != 1 else ''}: "
            + ", ".join(term.label for term in result.published)
            + ".",
            messages.SUCCESS,
        )
    if result.refused:
        modeladmin.message_user(
            request,
            format_html(
                "Not published, as they have no definition or short definition "
                "yet: {}.",
                format_html_join(
                    ", ",
                    '<a href="{}">{}</a>',
                    (
                        (reverse("admin:glossary_term_change", args=[t.pk]), t.label)
                        for t in result.refused
                    ),
                ),
            ),
            messages.WARNING,
        )
    if result.already:
        modeladmin.message_user(
            request,
            f"Already published: {', '.join(t.label for t in result.already)}.",
            messages.INFO,
        )


def _status_action(status: str, description: str, verb: str):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        changed = terms_set_status(terms=queryset, status=status)
        modeladmin.message_user(
            request,
            f"{verb} {len(changed)} term{'s' if len(changed) != 1 else ''}"
            + (": " + ", ".join(t.label for t in changed) if changed else "")
            + ".",
            messages.SUCCESS,
        )

    action.__name__ = f"set_{status}"
    return action


send_to_draft = _status_action(
    Term.Status.DRAFT, "Send selected terms to draft", "Sent to draft"
)
reject_terms = _status_action(Term.Status.REJECTED, "Reject selected terms", "Rejected")


@admin.action(
    description="Fold each into the term it is a possible variant of",
    permissions=["change", "delete"],
)
def fold_variants(modeladmin, request, queryset):
    """Fold the selected candidates extraction marked "possible variant of X"
    into X, as hidden aliases (`term_fold_variant`); others are left alone."""
    proposals = variant_proposals(list(queryset))
    folded, failed = [], []
    for proposal in proposals.values():
        try:
            term_fold_variant(term=proposal.term, into=proposal.of)
        except ValidationError as error:
            failed.append(f"{proposal.term.label}: {' '.join(error.messages)}")
        else:
            folded.append(f"{proposal.term.label} → {proposal.of.label}")
    if folded:
        modeladmin.message_user(
            request, "Folded as hidden aliases: " + "; ".join(folded), messages.SUCCESS
        )
    if failed:
        modeladmin.message_user(request, "; ".join(failed), messages.ERROR)
    if not folded and not failed:
        modeladmin.message_user(
            request,
            "None of the selected terms is a possible variant of another.",
            messages.WARNING,
        )


TERM_MERGE = MergePage(
    noun="term",
    plural="terms",
    intro="Choose the term to keep. The others are merged into it and deleted: "
    "their labels (preferred ones included, as alternative labels), citations "
    "and related terms move to it, its blank definitions are filled from theirs, "
    "and their addresses redirect to it. Their history is kept.",
    columns=[
        ("Term", lambda t: t.label),
        ("Status", lambda t: t.get_status_display()),
        ("Address", lambda t: t.slug),
        ("Score", lambda t: "—" if t.score is None else f"{t.score:.2f}"),
        ("Citations", lambda t: t.citation_count),
        (
            "Definition",
            lambda t: Truncator(t.short_definition or t.definition).chars(120) or "—",
        ),
    ],
)


@admin.action(
    description="Merge selected terms into one…", permissions=["change", "delete"]
)
def merge_terms(modeladmin, request, queryset):
    """Ask which term survives (an intermediate page), then merge."""
    terms = list(
        queryset.annotate(citation_count=citation_count()).order_by(
            Case(When(status=Term.Status.PUBLISHED, then=Value(0)), default=Value(1)),
            F("score").desc(nulls_last=True),
            "label",
        )
    )

    def merge(survivor: Term, others: list[Term]) -> str:
        terms_merge(survivor=survivor, others=others)
        return (
            f"Merged {', '.join(t.label for t in others)} into {survivor.label}: "
            "their labels, citations and relations moved, and their old addresses "
            "(" + ", ".join(t.slug for t in others) + ") now redirect to it."
        )

    return merge_selected(
        modeladmin,
        request,
        terms,
        page=TERM_MERGE,
        action="merge_terms",
        merge=merge,
    )


# An editor waits for the action: more terms than this belong to
# `manage.py enrich_wikipedia`.
ACTION_LIMIT = 20
# Problems listed one by one after an action; the rest are counted.
ACTION_MESSAGES = 10


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
            request, f"{term}: {article.message}", STATUS_LEVELS[article.status]
        )
    if len(tally.problems) > ACTION_MESSAGES:
        modeladmin.message_user(
            request,
            f"… and {len(tally.problems) - ACTION_MESSAGES} more without an article.",
            messages.WARNING,
        )
