"""The "merge selected … into one" actions' shared flow: choose who stays.

Terms and people merge the same way in the admin: a page lists the
selection with a radio button each (the first is suggested), posts back to
the changelist with `post=yes`, and the chosen one survives. Each action
says what its rows show and which service merges; this module does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse


@dataclass(frozen=True)
class MergePage:
    """What a merge action's page says about its kind of object."""

    noun: str
    """"term", "person": the one kept."""
    plural: str
    intro: str
    """The page's first paragraph: what merging moves, what is deleted."""
    columns: Sequence[tuple[str, Callable[[Any], Any]]]
    """Each column's heading and how a selected object fills it; the first
    is the object's name, the label of its radio button."""


def merge_selected(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    selected: list[Model],
    *,
    page: MergePage,
    action: str,
    merge: Callable[[Model, list[Model]], str],
) -> HttpResponse | None:
    """Ask which of `selected` (best first) stays, then `merge(survivor, others)`.

    `merge` calls the service and returns the message to show; a
    `ValidationError` from it is shown and nothing is merged.
    """
    if len(selected) < 2:
        modeladmin.message_user(
            request, f"Select at least two {page.plural} to merge.", messages.WARNING
        )
        return None
    chosen = request.POST.get("survivor")
    if chosen and request.POST.get("post") == "yes":
        survivor = next((o for o in selected if str(o.pk) == chosen), None)
        if survivor is None:
            modeladmin.message_user(
                request,
                f"Choose one of the selected {page.plural} to keep.",
                messages.ERROR,
            )
            return None
        others = [o for o in selected if o.pk != survivor.pk]
        try:
            done = merge(survivor, others)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.message_user(request, done, messages.SUCCESS)
        opts = modeladmin.opts
        return HttpResponseRedirect(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[survivor.pk]
            )
        )
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Merge {page.plural}",
        "opts": modeladmin.opts,
        "page": page,
        "headings": [heading for heading, _ in page.columns],
        "rows": [(obj.pk, [cell(obj) for _, cell in page.columns]) for obj in selected],
        "suggested": selected[0].pk,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": action,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/glossary/merge.html", context)
