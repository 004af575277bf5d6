"""Label senses: every label of every term (preferred ones included), with its
case flag and context rules. Saving calls `services.senses.alias_set_senses`,
which refreshes the citations the change affects."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path

from ..linking.context import MAX_RULE, rule_problem
from ..models import LabelSense
from ..services.senses import alias_set_senses, check_case_flag
from .explain import explain_view
from .integrity import integrity_view


class RulesField(forms.CharField):
    """One rule a line; each is checked (empty lines are dropped)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def validate(self, value) -> None:
        problems = [p for p in map(rule_problem, value) if p]
        if problems:
            raise ValidationError(problems)


class SenseForm(forms.ModelForm):
    not_followed_by = RulesField(
        required=False,
        help_text=f"One a line, at most {MAX_RULE} characters: “-analysis”, "
        "“narrative”.",
    )
    not_preceded_by = RulesField(required=False, help_text="One a line: “the”, “a”.")

    class Meta:
        model = LabelSense
        fields = [
            "case_sensitive",
            "not_followed_by",
            "not_preceded_by",
            "not_sentence_start",
        ]

    def clean(self):
        data = super().clean()
        try:
            check_case_flag(self.instance, case_sensitive=data.get("case_sensitive"))
        except ValidationError as error:
            self.add_error(None, error)
        return data


@admin.register(LabelSense)
class LabelSenseAdmin(admin.ModelAdmin):
    form = SenseForm
    list_display = [
        "label",
        "term",
        "kind",
        "case_sensitive",
        "not_followed_by",
        "not_preceded_by",
        "not_sentence_start",
    ]
    list_filter = ["case_sensitive", "not_sentence_start", "kind"]
    list_select_related = ["term"]
    search_fields = ["label", "term__label"]
    readonly_fields = ["label", "term", "kind"]
    fields = ["label", "term", "kind", *SenseForm.Meta.fields]

    def _viewing(self, view):
        """An admin page for those who may view label senses."""

        def guarded(request):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return view(request, self.admin_site, self.opts)

        return self.admin_site.admin_view(guarded)

    def get_urls(self):
        own = [
            path(
                "explain/",
                self._viewing(explain_view),
                name="glossary_explain",
            ),
            path(
                "integrity/",
                self._viewing(integrity_view),
                name="glossary_integrity",
            ),
        ]
        return own + super().get_urls()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change) -> None:
        alias_set_senses(
            alias=obj,
            case_sensitive=form.cleaned_data["case_sensitive"],
            not_followed_by=form.cleaned_data["not_followed_by"],
            not_preceded_by=form.cleaned_data["not_preceded_by"],
            not_sentence_start=form.cleaned_data["not_sentence_start"],
        )
