"""The explain page: an editor pastes show notes and sees, for every mention,
whether it would be linked and why not: the report `POST /api/v1/link/` gives
with `"explain": true` (`matchers.link_report`), with a link to each label's
sense rules."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from ..matchers import link_report
from ..models import Alias


class ExplainForm(forms.Form):
    notes = forms.CharField(
        label="Show notes", widget=forms.Textarea(attrs={"rows": 10, "cols": 90})
    )
    is_html = forms.BooleanField(label="The notes are HTML", required=False)
    first_only = forms.BooleanField(
        label="Link only the first mention of each concept",
        required=False,
        initial=True,
    )
    max_links = forms.IntegerField(label="At most", required=False, min_value=0)


def explain_view(request: HttpRequest, admin_site, opts) -> HttpResponse:
    form = ExplainForm(request.POST or None)
    lines = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = {"html" if data["is_html"] else "text": data["notes"]}
        lines = link_report(
            first_only=data["first_only"], max_links=data["max_links"], **source
        )
        rules = {
            (term_id, label): pk
            for pk, term_id, label in Alias.objects.filter(
                term_id__in={line.term.id for line in lines}
            ).values_list("pk", "term_id", "label")
        }
        lines = [
            {
                "line": line,
                "rule_url": reverse(
                    f"{admin_site.name}:glossary_labelsense_change",
                    args=[rules[(line.term.id, line.label)]],
                )
                if (line.term.id, line.label) in rules
                else None,
            }
            for line in lines
        ]
    context = {
        **admin_site.each_context(request),
        "title": "Explain the links in a text",
        "opts": opts,
        "form": form,
        "lines": lines,
    }
    return TemplateResponse(request, "admin/glossary/labelsense/explain.html", context)
