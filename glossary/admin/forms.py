"""The admin's forms and formsets: validation asks the services' rules.

A form refuses what the service would refuse, with the same words, so an
editor sees the problem beside the field instead of a failed save.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from ..linking.normalize import normalize_label
from ..models import Alias, Citation, Episode, Person, Term
from ..selectors.curation import term_changes_since
from ..services.citations import citation_build_manual
from ..services.rules import (
    EDITABLE_TERM_FIELDS,
    NEEDS_DEFINITION,
    has_definition,
    label_owner,
    label_repeated_message,
    label_taken_message,
    slug_taken_message,
    term_slug_is_free,
)
from ..services.terms import TermConflict, term_check_version
from ..services.vocabulary import check_broader

#: A web address typed without a scheme is https (Django 6's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

#: The conflict panel's "keep mine" button: the version the editor overrides.
KEEP_MINE = "_keep_mine"

# Rows a term page shows; a term cited hundreds of times shows the first ones.
CITATIONS_SHOWN = 100


# The term's form: it asks the services' stale-edit check first, so a
# conflict shows beside the editor's unsaved changes.


@dataclass(frozen=True)
class LabelProblem:
    """A label refused on a term's page, and the term that owns it, if another."""

    message: str
    owner: Term | None = None


class TermForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Term
        fields = list(EDITABLE_TERM_FIELDS)
        widgets = {
            "short_definition": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "definition": forms.Textarea(
                attrs={"rows": 14, "class": "vLargeTextField kb-markdown-source"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: dict[str, Any] | None = None
        self.label_problems: list[LabelProblem] = []
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "The concept page's address. Left blank it is made from the label; "
                "when the label or slug changes, the old address redirects here."
            )
        instance = self.instance
        if instance.pk is not None:
            version = instance.version
            if getattr(instance, "_history", None) is not None:
                # Reverting to an old version: the check is against what is
                # stored now, not the version being restored.
                version = (
                    Term.objects.filter(pk=instance.pk)
                    .values_list("version", flat=True)
                    .first()
                ) or version
            self.initial["version"] = version

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        owner = label_owner(label, exclude=self.instance)
        if owner is not None:
            message = label_taken_message(label, owner)
            self.label_problems.append(LabelProblem(message, owner))
            raise ValidationError(message)
        return label

    def clean_broader(self):
        broader = self.cleaned_data.get("broader") or []
        try:
            check_broader(term=self.instance, broader=broader)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return broader

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and not term_slug_is_free(slug, term=self.instance):
            raise ValidationError(slug_taken_message(slug))
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None:
            keep_mine = str(self.data.get(KEEP_MINE, ""))
            if keep_mine.isdigit():
                # After a conflict the editor chose to save their version over
                # the one they were shown; a save since is refused again.
                cleaned["version"] = int(keep_mine)
            self._check_version(cleaned.get("version"))
        if cleaned.get("status") == Term.Status.PUBLISHED and not has_definition(
            short_definition=cleaned.get("short_definition") or "",
            definition=cleaned.get("definition") or "",
        ):
            self.add_error("status", NEEDS_DEFINITION)
        return cleaned

    def _check_version(self, expected: int | None) -> None:
        try:
            term_check_version(term=self.instance, expected_version=expected)
        except TermConflict as conflict:
            current = conflict.term
        else:
            return
        fields, users = term_changes_since(current, expected or 0)
        self.conflict = {
            "current": current,
            "expected": expected,
            "fields": fields,
            "users": users,
        }
        # The page shows the conflict in a panel of its own, with what
        # changed and the choices (term/change_form.html); this error only
        # makes the form invalid.
        raise ValidationError(
            "%(who)s saved this term while you were editing it: not saved.",
            params={"who": ", ".join(users) or "Someone else"},
            code="conflict",
        )


class AliasInlineForm(forms.ModelForm):
    kind = forms.ChoiceField(
        choices=[c for c in Alias.Kind.choices if c[0] != Alias.Kind.PREFERRED],
        initial=Alias.Kind.ALTERNATIVE,
    )

    class Meta:
        model = Alias
        fields = ["label", "kind", "case_sensitive"]


class AliasInlineFormSet(BaseInlineFormSet):
    """Refuses a label that names another term, naming that term."""

    def clean(self) -> None:
        super().clean()
        term = self.instance
        # Shown again at the top of the page, with a link to the owner: the
        # inline is far below the "Please correct the error" banner.
        self.label_problems: list[LabelProblem] = []
        seen = {normalize_label(term.label)} if term.label else set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            label = (form.cleaned_data.get("label") or "").strip()
            key = normalize_label(label)
            if not key:
                continue
            if form.has_changed() or form.instance.pk is None:
                owner = label_owner(label, exclude=term)
                if owner is not None:
                    message = label_taken_message(label, owner)
                    form.add_error("label", message)
                    self.label_problems.append(LabelProblem(message, owner))
                    continue
                if key in seen:
                    message = label_repeated_message(label, term)
                    form.add_error("label", message)
                    self.label_problems.append(LabelProblem(message))
                    continue
            seen.add(key)


class CitationFormSet(BaseInlineFormSet):
    """At most `CITATIONS_SHOWN` rows, featured first.

    Each row posts a few fields; a term cited hundreds of times would
    otherwise overflow DATA_UPLOAD_MAX_NUMBER_FIELDS when the page is saved.
    """

    def get_queryset(self):
        if not hasattr(self, "_limited"):
            queryset = super().get_queryset()
            shown = list(queryset.values_list("pk", flat=True)[:CITATIONS_SHOWN])
            self._limited = queryset.filter(pk__in=shown)
        return self._limited


class ManualCitationForm(forms.ModelForm):
    start_char = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Optional: the mention's first character.",
    )
    end_char = forms.IntegerField(required=False, min_value=1)

    class Meta:
        model = Citation
        fields = ["segment", "start_char", "end_char"]


class ManualCitationFormSet(BaseInlineFormSet):
    """Validates each new citation with the service that will store it."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or not data.get("segment") or self._should_delete_form(form):
                continue
            try:
                citation_build_manual(
                    term=self.instance,
                    segment=data["segment"],
                    start_char=data.get("start_char"),
                    end_char=data.get("end_char"),
                )
            except ValidationError as error:
                form.add_error(None, error)


class TranscriptUploadForm(forms.Form):
    file = forms.FileField(
        label="Transcript file",
        help_text="Plain text with [HH:MM:SS] markers, WebVTT, SRT, Podcasting 2.0 "
        "JSON or HTML.",
    )
    format = forms.ChoiceField(
        choices=[("", "Detect from the file"), *Episode.TranscriptFormat.choices],
        required=False,
    )
    audio_url = forms.URLField(required=False, assume_scheme="https")
    replace = forms.BooleanField(
        required=False,
        label="Replace even if it looks like another episode",
        help_text="kb refuses a transcript whose title or speakers clearly differ "
        "from this episode's; tick to replace its segments anyway.",
    )


class ShortNamesField(forms.CharField):
    """A person's short names as the editor types them: "Tom, Thomas"."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return list(
            dict.fromkeys(part.strip() for part in text.split(",") if part.strip())
        )


class PersonForm(forms.ModelForm):
    short_names = ShortNamesField(
        required=False,
        help_text="How transcripts label this person, comma-separated (Tom, Nate).",
    )

    class Meta:
        model = Person
        fields = ["name", "slug", "short_names", "bio", "url"]
