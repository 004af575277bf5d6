"""The vocabulary's integrity report (`services.vocabulary.vocabulary_integrity`):
broader cycles, duplicate and near-duplicate labels, published terms without a
definition or citations, relations to rejected terms, each linking to the term."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from ..services.vocabulary import vocabulary_integrity


def integrity_view(request: HttpRequest, admin_site, opts) -> HttpResponse:
    context = {
        **admin_site.each_context(request),
        "title": "Vocabulary integrity",
        "opts": opts,
        "report": vocabulary_integrity(),
    }
    return TemplateResponse(
        request, "admin/glossary/labelsense/integrity.html", context
    )
