"""A review-queue row's "Fold into…": one candidate folded into another term.

The bulk action folds the selected candidates into the terms extraction
proposed; this page does it for one candidate from its row, the proposed
term chosen already, any other pickable. Both call `term_fold_variant`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from ..models import Term
from ..services.extraction import term_fold_variant, variant_proposals
from .autocomplete import RelationAutocompleteSelect

QUEUE = "?status__exact=candidate"


class FoldForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Term.objects.exclude(status=Term.Status.REJECTED),
        label="Fold into",
        help_text="The term this candidate is another spelling or form of.",
    )

    def __init__(self, *args, term: Term, admin_site: admin.AdminSite, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        field.widget = RelationAutocompleteSelect(
            Term._meta.get_field("broader"), admin_site, exclude_id=term.pk
        )
        # After the widget: setting the queryset hands the widget its choices.
        field.queryset = field.queryset.exclude(pk=term.pk)


def fold_admin_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """The fold page; put these before `super().get_urls()`."""

    def view(request: HttpRequest, object_id: str) -> HttpResponse:
        return term_fold_view(request, object_id, model_admin=model_admin)

    return [
        path(
            "<path:object_id>/fold/",
            model_admin.admin_site.admin_view(view),
            name="glossary_term_fold",
        )
    ]


def term_fold_view(
    request: HttpRequest, object_id: str, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    term = model_admin.get_object(request, unquote(object_id))
    if term is None:
        raise Http404("No such term.")
    if not (
        model_admin.has_change_permission(request, term)
        and model_admin.has_delete_permission(request, term)
    ):
        raise PermissionDenied
    proposal = variant_proposals([term]).get(term.pk)
    form = FoldForm(
        request.POST or None,
        term=term,
        admin_site=model_admin.admin_site,
        initial={"into": proposal.of if proposal else None},
    )
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["into"]
        try:
            term_fold_variant(term=term, into=into)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.message_user(
                request,
                f"Folded “{term.label}” into “{into.label}”: its labels are now "
                f"hidden labels of “{into.label}” (matched, never shown), its "
                f"citations moved and /concepts/{term.slug}/ redirects.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:glossary_term_changelist") + QUEUE
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": term,
        "title": f"Fold “{term.label}” into another term",
        "form": form,
        "media": model_admin.media + form.media,
        "proposal": proposal,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/glossary/term/fold.html", context)
