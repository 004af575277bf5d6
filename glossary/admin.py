"""Curation in the Django admin: forms and pages that call services.

Editors review candidate terms by score with the evidence extraction left,
write definitions beside a rendered preview and the stored Wikipedia
summary, and publish, reject or merge in bulk. Nothing here writes by
itself: saves, actions and imports go through `glossary.services`, which
check the rules (one label names one term, published terms have a
definition) and refuse stale edits (`Term.version`).
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV
from simple_history.admin import SimpleHistoryAdmin

from .import_export import TermResource
from .linking.normalize import normalize_label
from .models import (
    Alias,
    Appearance,
    Citation,
    Episode,
    Person,
    Segment,
    Term,
    WikipediaArticle,
)
from .rendering import render_markdown
from .services.citations import (
    citation_add_manual,
    citation_build_manual,
    citation_delete,
    citation_update,
)
from .services.ingest import episode_ingest_transcript
from .services.terms import (
    alias_add,
    alias_delete,
    alias_update,
    label_owner,
    label_taken_message,
    slug_is_free,
    term_create,
    term_update,
    terms_merge,
    terms_publish,
    terms_set_status,
)
from .transcripts import TranscriptError
from .wikipedia.attribution import article_url, attribution_html
from .wikipedia_admin import fetch_from_wikipedia, wikipedia_admin_urls

# Evidence columns read Term.evidence, a JSON dict written by extraction.
QUOTE_CHARS = 90
# The review queue needs the width more than the app list needs a sidebar.
admin.site.enable_nav_sidebar = False
admin.site.site_header = "kb curation"
admin.site.site_title = "kb"
CITATIONS_SHOWN = 100
SPEAKERS_SHOWN = 3


# Formatting helpers (no queries).


def clock(seconds: float | None) -> str:
    """`754.2` → `12:34`, `3723` → `1:02:03`."""
    if seconds is None:
        return "—"
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def audio_link(audio_url: str, seconds: float | None, *, approximate=False) -> str:
    """A link that plays the episode from `seconds` (a media fragment, `#t=`)."""
    if seconds is None:
        return "—"
    label = f"{'~' if approximate else ''}{clock(seconds)}"
    if not audio_url:
        return label
    return format_html(
        '<a href="{}#t={}" target="_blank" rel="noopener" title="Play from here">'
        "▶ {}</a>",
        audio_url,
        int(max(seconds, 0)),
        label,
    )


def evidence_of(term: Term) -> dict[str, Any]:
    return term.evidence if isinstance(term.evidence, dict) else {}


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _changes_since(term: Term, version: int) -> tuple[list[str], list[str]]:
    """The fields changed since `version` of the term, and by whom."""
    records = Term.history.filter(id=term.pk).select_related("history_user")
    base = records.filter(version=version).order_by("-history_id").first()
    newer = records.order_by("history_id")
    if base is not None:
        newer = newer.filter(history_id__gt=base.history_id)
    newer = list(newer)
    users = sorted(
        {str(record.history_user) for record in newer if record.history_user}
    )
    if base is None or not newer:
        return [], users
    delta = newer[-1].diff_against(base)
    names = [
        str(Term._meta.get_field(change.field).verbose_name)
        for change in delta.changes
        if change.field not in {"version", "updated_at", "created_at"}
    ]
    return names, users


# Filters.


class EpisodeFilter(admin.SimpleListFilter):
    """Terms cited in one episode."""

    title = "episode"
    parameter_name = "episode"

    def lookups(self, request, model_admin):
        return [
            (slug, f"#{number} {title}" if number is not None else title)
            for slug, number, title in Episode.objects.values_list(
                "slug", "number", "title"
            )
        ]

    def queryset(self, request, queryset):
        if self.value():
            cited = Citation.objects.filter(
                term=OuterRef("pk"), episode__slug=self.value()
            )
            return queryset.filter(Exists(cited))
        return queryset


class DefinitionFilter(admin.SimpleListFilter):
    """Ready to publish or not: publishing needs a definition."""

    title = "definition"
    parameter_name = "defined"

    def lookups(self, request, model_admin):
        return [("yes", "Has a definition"), ("no", "No definition yet")]

    def queryset(self, request, queryset):
        defined = ~Q(short_definition="") | ~Q(definition="")
        if self.value() == "yes":
            return queryset.filter(defined)
        if self.value() == "no":
            return queryset.exclude(defined)
        return queryset


# The term's form: the stale-edit check lives here and in term_update.


class TermForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Term
        fields = [
            "label",
            "slug",
            "status",
            "kind",
            "short_definition",
            "definition",
            "wikipedia_title",
            "related",
            "broader",
        ]
        widgets = {
            "short_definition": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "definition": forms.Textarea(
                attrs={"rows": 14, "class": "vLargeTextField kb-markdown-source"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: dict[str, Any] | None = None
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
            raise ValidationError(label_taken_message(label, owner))
        return label

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and not slug_is_free(slug, term=self.instance):
            raise ValidationError(
                f"The address “{slug}” is used by another term, or was one of its "
                "old addresses."
            )
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None:
            self._check_version(cleaned.get("version"))
        if cleaned.get("status") == Term.Status.PUBLISHED and not (
            (cleaned.get("short_definition") or "").strip()
            or (cleaned.get("definition") or "").strip()
        ):
            self.add_error(
                "status",
                "A published term needs a definition or a short definition: write "
                "one, or save it as a draft.",
            )
        return cleaned

    def _check_version(self, expected: int | None) -> None:
        stored = Term.objects.filter(pk=self.instance.pk)
        if connection.in_atomic_block:
            # Held until the save: no other save can slip in between.
            stored = stored.select_for_update()
        current = stored.first()
        if current is None:
            raise ValidationError(
                "This term no longer exists: it was deleted or merged into another "
                "term meanwhile. Your changes were not saved."
            )
        if expected == current.version:
            return
        fields, users = _changes_since(current, expected or 0)
        self.conflict = {
            "current": current,
            "expected": expected,
            "fields": fields,
            "users": users,
        }
        history_url = reverse("admin:glossary_term_history", args=[current.pk])
        change_url = reverse("admin:glossary_term_change", args=[current.pk])
        who = ", ".join(users) or "someone else"
        what = ", ".join(fields) or "the term"
        raise ValidationError(
            format_html(
                "{} saved this term while you were editing it (you loaded version "
                "{}, it is now version {}; changed: {}). Your changes were NOT "
                "saved, and nothing was overwritten: they are still in the form "
                'below. <a href="{}">See what changed in the history</a>, then '
                '<a href="{}" target="_blank">open the current version</a> and '
                "make your changes there.",
                who,
                expected if expected is not None else "?",
                current.version,
                what,
                history_url,
                change_url,
            ),
            code="conflict",
        )


# Labels: the preferred one follows the label field and is not shown here.


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
                    form.add_error("label", label_taken_message(label, owner))
                    continue
                if key in seen:
                    form.add_error(
                        "label", f"“{label}” is already a label of this term."
                    )
                    continue
            seen.add(key)


class AliasInline(admin.TabularInline):
    model = Alias
    form = AliasInlineForm
    formset = AliasInlineFormSet
    fields = ["label", "kind", "case_sensitive"]
    extra = 1
    verbose_name = "other label"
    verbose_name_plural = "other labels (abbreviations, alternative labels, "
    verbose_name_plural += "misspellings)"

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(kind=Alias.Kind.PREFERRED)


# Citations: existing ones (featured flag) and a row to add a manual one.


class SegmentAutocompleteView(AutocompleteJsonView):
    """Segments shown by episode, time, speaker and words, not just an id."""

    def serialize_result(self, obj, to_field_name):
        text = Truncator(" ".join(obj.text.split())).chars(110)
        episode = f"#{obj.episode.number}" if obj.episode.number else obj.episode.slug
        speaker = obj.speaker_label or "?"
        return {
            "id": str(getattr(obj, to_field_name)),
            "text": f"{episode} {clock(obj.start)} {speaker}: {text}",
        }


class SegmentAutocomplete(AutocompleteSelect):
    def get_url(self):
        return reverse(f"{self.admin_site.name}:glossary_segment_autocomplete")


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


class CitationInline(admin.TabularInline):
    model = Citation
    formset = CitationFormSet
    fields = ["time", "speaker", "quote_shown", "source", "featured"]
    readonly_fields = ["time", "speaker", "quote_shown", "source"]
    extra = 0
    verbose_name_plural = (
        f"citations (tick the best as featured; featured first, at most "
        f"{CITATIONS_SHOWN} shown: all are under Citations)"
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("term", "episode", "segment__speaker")
            .order_by("-featured", "episode__published_on", "episode_id", "seconds")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="time")
    def time(self, obj: Citation) -> str:
        return format_html(
            "{} {}",
            obj.episode.number and f"#{obj.episode.number}" or obj.episode.slug,
            audio_link(obj.episode.audio_url, obj.seconds, approximate=obj.approximate),
        )

    @admin.display(description="speaker")
    def speaker(self, obj: Citation) -> str:
        segment = obj.segment
        return str(segment.speaker or segment.speaker_label or "—")

    @admin.display(description="quote")
    def quote_shown(self, obj: Citation) -> str:
        return obj.quote or "—"


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


class ManualCitationInline(admin.TabularInline):
    model = Citation
    form = ManualCitationForm
    formset = ManualCitationFormSet
    fields = ["segment", "start_char", "end_char"]
    extra = 1
    can_delete = False
    verbose_name = "manual citation"
    verbose_name_plural = (
        "add a citation (pick a segment; the time and quote are computed)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "segment":
            kwargs["widget"] = SegmentAutocomplete(db_field, self.admin_site)
            kwargs["queryset"] = Segment.objects.select_related("episode")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# Terms.


def next_candidate(term: Term) -> Term | None:
    """The candidate after `term` in the review queue (by score), or the first."""
    queue = (
        Term.objects.filter(status=Term.Status.CANDIDATE)
        .exclude(pk=term.pk)
        .order_by(F("score").desc(nulls_last=True), "label", "pk")
    )
    if term.score is not None:
        after = queue.filter(
            Q(score__lt=term.score)
            | Q(score__isnull=True)
            | Q(score=term.score, label__gt=term.label)
        )
    else:
        after = queue.filter(score__isnull=True, label__gt=term.label)
    return after.first() or queue.first()


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
    description="Merge selected terms into one…", permissions=["change", "delete"]
)
def merge_terms(modeladmin, request, queryset):
    """Ask which term survives (an intermediate page), then merge."""
    terms = list(
        queryset.annotate(citation_count=Count("citations")).order_by(
            Case(When(status=Term.Status.PUBLISHED, then=Value(0)), default=Value(1)),
            F("score").desc(nulls_last=True),
            "label",
        )
    )
    if len(terms) < 2:
        modeladmin.message_user(
            request, "Select at least two terms to merge.", messages.WARNING
        )
        return None
    chosen = request.POST.get("survivor")
    if chosen and request.POST.get("post") == "yes":
        survivor = next((t for t in terms if str(t.pk) == chosen), None)
        if survivor is None:
            modeladmin.message_user(
                request, "Choose one of the selected terms to keep.", messages.ERROR
            )
            return None
        others = [t for t in terms if t.pk != survivor.pk]
        try:
            terms_merge(survivor=survivor, others=others)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            f"Merged {', '.join(t.label for t in others)} into {survivor.label}: "
            "their labels, citations and relations moved, and their old addresses "
            "(" + ", ".join(t.slug for t in others) + ") now redirect to it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:glossary_term_change", args=[survivor.pk])
        )
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Merge terms",
        "opts": modeladmin.opts,
        "terms": terms,
        "suggested": terms[0],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": "merge_terms",
        "select_across": request.POST.get("select_across", "0"),
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/glossary/term/merge.html", context)


TERM_FIELDS = [
    "label",
    "slug",
    "status",
    "kind",
    "short_definition",
    "definition",
    "wikipedia_title",
    "related",
    "broader",
]


@admin.register(Term)
class TermAdmin(ImportExportMixin, SimpleHistoryAdmin):
    form = TermForm
    resource_classes = [TermResource]
    import_formats = [CSV]
    export_formats = [CSV]
    import_template_name = "admin/glossary/term/import.html"
    list_display = [
        "label",
        "status",
        "kind",
        "score_shown",
        "frequency",
        "episode_count",
        "first_mention",
        "speakers",
        "quote",
        "other_labels",
        "defined",
    ]
    list_filter = ["status", EpisodeFilter, "kind", DefinitionFilter]
    search_fields = [
        "label",
        "aliases__label",
        "short_definition",
        "definition",
    ]
    ordering = [
        Case(When(status=Term.Status.CANDIDATE, then=Value(0)), default=Value(1)),
        F("score").desc(nulls_last=True),
        "label",
    ]
    list_per_page = 100
    actions = [
        publish_terms,
        send_to_draft,
        reject_terms,
        merge_terms,
        # Wikipedia enrichment (glossary/wikipedia_admin.py, the Wikipedia issue).
        fetch_from_wikipedia,
    ]
    autocomplete_fields = ["related", "broader"]
    readonly_fields = [
        "definition_preview",
        "wikipedia_panel",
        "evidence_panel",
        "score",
        "published_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["label", "slug", "status", "kind", "version"]}),
        (
            "Definition",
            {
                "fields": [
                    "short_definition",
                    "definition",
                    "definition_preview",
                    "wikipedia_panel",
                    "wikipedia_title",
                ],
                "classes": ["kb-definition"],
            },
        ),
        ("Related concepts", {"fields": ["related", "broader"]}),
        (
            "Evidence from the transcripts",
            {"fields": ["evidence_panel", "score", "published_at", "updated_at"]},
        ),
    ]
    history_list_display = ["version", "status"]
    object_history_template = "admin/glossary/term/object_history.html"

    class Media:
        css = {"all": ["admin/glossary/term.css"]}
        js = ["admin/glossary/term.js"]

    # Reads.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Term]:
        first_audio = Episode.objects.filter(
            slug=KeyTextTransform("first_episode", OuterRef("evidence"))
        ).values("audio_url")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(first_audio_url=Subquery(first_audio))
            .prefetch_related(
                Prefetch(
                    "aliases",
                    queryset=Alias.objects.exclude(kind=Alias.Kind.PREFERRED).order_by(
                        "label"
                    ),
                    to_attr="other_aliases",
                )
            )
        )

    def get_inlines(self, request, obj):
        if obj is None:
            return [AliasInline]
        return [AliasInline, CitationInline, ManualCitationInline]

    def get_urls(self):
        opts = self.opts
        urls = [
            path(
                "preview-markdown/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{opts.app_label}_{opts.model_name}_preview",
            )
        ]
        # Wikipedia enrichment pages (glossary/wikipedia_admin.py).
        urls += wikipedia_admin_urls(self)
        return urls + super().get_urls()

    # Changelist columns.

    @admin.display(description="score", ordering=F("score").desc(nulls_last=True))
    def score_shown(self, obj: Term) -> str:
        return "—" if obj.score is None else f"{obj.score:.2f}"

    @admin.display(
        description="mentions",
        ordering=Cast(KT("evidence__frequency"), FloatField()).desc(nulls_last=True),
    )
    def frequency(self, obj: Term) -> str:
        value = _number(evidence_of(obj).get("frequency"))
        return "—" if value is None else f"{value:g}"

    @admin.display(
        description="episodes",
        ordering=Cast(KT("evidence__episodes"), FloatField()).desc(nulls_last=True),
    )
    def episode_count(self, obj: Term) -> str:
        value = evidence_of(obj).get("episodes")
        if isinstance(value, list):
            return str(len(value))
        number = _number(value)
        return "—" if number is None else f"{number:g}"

    @admin.display(description="first mention")
    def first_mention(self, obj: Term) -> str:
        evidence = evidence_of(obj)
        seconds = _number(evidence.get("first_seconds"))
        if seconds is None:
            return "—"
        audio_url = getattr(obj, "first_audio_url", None) or ""
        link = audio_link(audio_url, seconds)
        episode = evidence.get("first_episode")
        if episode:
            # The slug is long; the time is what an editor scans for.
            return format_html('<span title="in {}">{}</span>', episode, link)
        return link

    @admin.display(description="speakers")
    def speakers(self, obj: Term) -> str:
        speakers = evidence_of(obj).get("speakers") or []
        if not isinstance(speakers, list):
            return str(speakers)
        shown = ", ".join(str(s) for s in speakers[:SPEAKERS_SHOWN])
        if len(speakers) > SPEAKERS_SHOWN:
            shown += f" +{len(speakers) - SPEAKERS_SHOWN}"
        return shown or "—"

    @admin.display(description="sample quote")
    def quote(self, obj: Term) -> str:
        quote = str(evidence_of(obj).get("quote") or "")
        if not quote:
            return "—"
        return format_html(
            '<span title="{}">{}</span>', quote, Truncator(quote).chars(QUOTE_CHARS)
        )

    @admin.display(description="other labels")
    def other_labels(self, obj: Term) -> str:
        aliases = getattr(obj, "other_aliases", None)
        if aliases is None:
            aliases = obj.aliases.exclude(kind=Alias.Kind.PREFERRED)
        return ", ".join(alias.label for alias in aliases) or "—"

    @admin.display(description="defined", boolean=True)
    def defined(self, obj: Term) -> bool:
        return bool(obj.short_definition.strip() or obj.definition.strip())

    # The term's page: read-only panels.

    @admin.display(description="preview")
    def definition_preview(self, obj: Term | None) -> str:
        url = reverse("admin:glossary_term_preview")
        html = render_markdown(obj.definition) if obj and obj.definition else ""
        return format_html(
            '<div class="kb-markdown-preview" data-preview-url="{}">{}</div>',
            url,
            SafeString(html) if html else "Nothing written yet.",
        )

    @admin.display(description="Wikipedia")
    def wikipedia_panel(self, obj: Term | None) -> str:
        # Wikipedia enrichment (the Wikipedia issue): shows what is stored;
        # fetching and copying happen on the page wikipedia_admin.py serves.
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
                    format_html(" (fetched {:%Y-%m-%d %H:%M})", article.fetched_at)
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

    @admin.display(description="evidence")
    def evidence_panel(self, obj: Term | None) -> str:
        evidence = evidence_of(obj) if obj else {}
        if not evidence:
            return "No evidence recorded (the term was not proposed by extraction)."
        rows = [
            ("Mentions", self.frequency(obj)),
            ("Episodes", self.episode_count(obj)),
            ("First mention", self.first_mention(obj)),
            ("Speakers", ", ".join(map(str, evidence.get("speakers") or [])) or "—"),
            ("Sample quote", evidence.get("quote") or "—"),
        ]
        return format_html(
            '<table class="kb-evidence">{}</table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    # Saving: through the services only.

    def save_model(self, request, obj: Term, form: TermForm, change: bool) -> None:
        data = form.cleaned_data
        fields = {name: data[name] for name in TERM_FIELDS if name in data}
        if change:
            if "label" in form.changed_data and "slug" not in form.changed_data:
                # The address follows a new label; the old one redirects.
                fields.pop("slug", None)
            term_update(term=obj, expected_version=data.get("version"), **fields)
        else:
            created = term_create(
                label=fields["label"],
                kind=fields.get("kind", Term.Kind.CONCEPT),
                status=fields.get("status", Term.Status.DRAFT),
                short_definition=fields.get("short_definition", ""),
                definition=fields.get("definition", ""),
                slug=fields.get("slug") or "",
                wikipedia_title=fields.get("wikipedia_title", ""),
                related=fields.get("related", ()),
                broader=fields.get("broader", ()),
            )
            obj.pk = created.pk
            for model_field in Term._meta.concrete_fields:
                setattr(obj, model_field.attname, getattr(created, model_field.attname))
            obj._state.adding = False

    def save_related(self, request, form, formsets, change) -> None:
        # Relations were saved by the service with the term.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        term = form.instance
        formset.save(commit=False)  # fills new/changed/deleted_objects
        if isinstance(formset, AliasInlineFormSet):
            preferred = normalize_label(term.label)
            for alias in formset.deleted_objects:
                if alias.normalized != preferred:
                    alias_delete(alias=alias)
            for alias, _ in formset.changed_objects:
                alias_update(
                    alias=alias,
                    label=alias.label,
                    kind=alias.kind,
                    case_sensitive=alias.case_sensitive,
                )
            for alias in formset.new_objects:
                alias_add(
                    term=term,
                    label=alias.label,
                    kind=alias.kind,
                    case_sensitive=alias.case_sensitive,
                )
        elif isinstance(formset, ManualCitationFormSet):
            for index, citation in enumerate(formset.new_objects):
                data = next(
                    f.cleaned_data for f in formset.forms if f.instance is citation
                )
                # The stored citation replaces the form's, for the change message.
                formset.new_objects[index] = citation_add_manual(
                    term=term,
                    segment=data["segment"],
                    start_char=data.get("start_char"),
                    end_char=data.get("end_char"),
                )
        elif formset.model is Citation:
            for citation in formset.deleted_objects:
                citation_delete(citation=citation)
            for citation, _ in formset.changed_objects:
                citation_update(citation=citation, featured=citation.featured)
        else:  # pragma: no cover - no other inlines
            raise ValueError(f"Unexpected formset for {formset.model}")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # A service refused after the form validated (another save won a
            # race); the transaction was rolled back, nothing is half-saved.
            self.message_user(
                request,
                "Not saved: " + " ".join(error.messages),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        conflict = getattr(form, "conflict", None)
        if conflict:
            context["conflict"] = self._conflict_rows(form, conflict)
        return super().render_change_form(request, context, *args, **kwargs)

    def _conflict_rows(self, form: TermForm, conflict: dict[str, Any]) -> dict:
        """What is stored now beside what this editor submitted, field by field."""
        current: Term = conflict["current"]
        rows = []
        for name in [
            "label",
            "slug",
            "status",
            "kind",
            "short_definition",
            "definition",
            "wikipedia_title",
        ]:
            theirs = getattr(current, name)
            yours = form.data.get(name, "")
            if str(theirs) != str(yours):
                rows.append(
                    {
                        "field": Term._meta.get_field(name).verbose_name,
                        "theirs": theirs,
                        "yours": yours,
                    }
                )
        return {**conflict, "rows": rows}

    def response_change(self, request, obj: Term) -> HttpResponse:
        if "_savenext" not in request.POST:
            return super().response_change(request, obj)
        following = next_candidate(obj)
        if following is None:
            self.message_user(
                request,
                f"Saved “{obj.label}”. No candidates are left to review.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:glossary_term_changelist"))
        self.message_user(
            request,
            f"Saved “{obj.label}”. Next candidate: “{following.label}”.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:glossary_term_change", args=[following.pk])
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        with transaction.atomic():
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def history_view(self, request, object_id, extra_context=None):
        labels = (
            Alias.history.filter(term_id=object_id)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:200]
        )
        extra_context = {**(extra_context or {}), "label_history": labels}
        return super().history_view(request, object_id, extra_context)

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Render Markdown as the concept page will (POST, for the live preview)."""
        return _preview(request, self)

    # Import and export (django-import-export): curators only.

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_or_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The confirm step imports for real: one bad row rolls back all.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            lines = sorted(
                {number + 1 for number, _ in result.row_errors()}
                | {row.number + 1 for row in result.invalid_rows}
            )
            self.message_user(
                request,
                "Nothing was imported: the file has errors on line"
                + ("s " if len(lines) != 1 else " ")
                + ", ".join(map(str, lines))
                + ". Upload it again to see them.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:glossary_term_import"))
        return super().process_result(result, request)


@require_POST
def _preview(request: HttpRequest, model_admin: TermAdmin) -> HttpResponse:
    if not (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
    ):
        raise PermissionDenied
    text = request.POST.get("text", "")
    return HttpResponse(render_markdown(text), content_type="text/html; charset=utf-8")


@admin.register(Alias)
class AliasAdmin(SimpleHistoryAdmin):
    """Labels' own pages: their history and revert (linked from a term's history).

    Labels are edited on their term's page; this admin is not in the index.
    """

    list_display = ["label", "term", "kind", "case_sensitive"]
    list_select_related = ["term"]
    search_fields = ["label"]
    fields = ["term", "label", "kind", "case_sensitive"]
    readonly_fields = ["term"]

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.kind == Alias.Kind.PREFERRED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj: Alias, form, change) -> None:
        if Alias.objects.filter(pk=obj.pk).exists():
            alias_update(
                alias=obj,
                label=obj.label,
                kind=obj.kind,
                case_sensitive=obj.case_sensitive,
            )
        else:  # Restoring a deleted label from its history.
            restored = alias_add(
                term=obj.term,
                label=obj.label,
                kind=obj.kind,
                case_sensitive=obj.case_sensitive,
            )
            obj.pk = restored.pk

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().history_form_view(
                    request, object_id, version_id, extra_context
                )
        except ValidationError as error:
            self.message_user(
                request, "Not restored: " + " ".join(error.messages), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())


# Episodes, segments, people, citations.


class AppearanceInline(admin.TabularInline):
    model = Appearance
    fields = ["person", "role"]
    readonly_fields = ["person"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


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


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "show",
        "number",
        "published_on",
        "length",
        "segment_count",
        "transcript_format",
    ]
    list_filter = ["show"]
    search_fields = ["title", "slug"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "show",
                    "number",
                    "title",
                    "slug",
                    "published_on",
                    "audio_url",
                    "page_url",
                    "duration",
                ]
            },
        ),
        (
            "Transcript",
            {
                "fields": [
                    "transcript_filename",
                    "transcript_format",
                    "transcript_sha256",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("Segments", {"fields": ["segments_table"]}),
    ]
    readonly_fields = [
        "slug",
        "transcript_filename",
        "transcript_format",
        "transcript_sha256",
        "created_at",
        "updated_at",
        "segments_table",
    ]
    inlines = [AppearanceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/glossary/episode/change_list.html"
    change_form_template = "admin/glossary/episode/change_form.html"

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("upload/", upload, name="glossary_episode_upload"),
            path("<int:object_id>/upload/", upload, name="glossary_episode_reupload"),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest, object_id: int | None = None):
        """Ingest a transcript file: a new episode, or this episode's new text."""
        episode = None
        if object_id is not None:
            episode = self.get_object(request, str(object_id))
            if episode is None:
                return self._get_obj_does_not_exist_redirect(
                    request, self.opts, str(object_id)
                )
            if not self.has_change_permission(request, episode):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        form = TranscriptUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = episode_ingest_transcript(
                    data=upload.read(),
                    filename=upload.name,
                    format=form.cleaned_data["format"] or None,
                    audio_url=form.cleaned_data["audio_url"] or None,
                    episode=episode,
                )
            except TranscriptError as error:
                form.add_error("file", f"{upload.name}: {error}")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:glossary_episode_change", args=[result.episode.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "episode": episode,
            "title": f"Upload a transcript for {episode}"
            if episode
            else "Upload a transcript",
            "max_bytes": settings.KB_TRANSCRIPT_MAX_BYTES,
        }
        return TemplateResponse(request, "admin/glossary/episode/upload.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_segments=Count("segments"))

    @admin.display(description="segments", ordering="num_segments")
    def segment_count(self, obj: Episode) -> int:
        return obj.num_segments

    @admin.display(description="length", ordering="duration")
    def length(self, obj: Episode) -> str:
        return clock(obj.duration)

    @admin.display(description="segments (from the transcript; read-only)")
    def segments_table(self, obj: Episode | None) -> str:
        """The transcript's turns as a table, not an inline formset.

        Read-only rows as formset forms would post two fields each, and a
        three-hour transcript would overflow DATA_UPLOAD_MAX_NUMBER_FIELDS
        when the episode's metadata is saved.
        """
        if obj is None or obj.pk is None:
            return "—"
        rows = [
            (
                segment.order,
                audio_link(
                    obj.audio_url, segment.start, approximate=segment.start_estimated
                ),
                str(segment.speaker or segment.speaker_label or "—"),
                segment.text,
            )
            for segment in obj.segments.select_related("speaker").order_by("order")
        ]
        if not rows:
            return "No segments: ingest a transcript."
        return format_html(
            '<table class="kb-segments"><thead><tr><th>#</th><th>Time</th>'
            "<th>Speaker</th><th>Text</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    """Read-only: searchable, and the source of the citation autocomplete."""

    list_display = ["episode", "time", "speaker_label", "excerpt"]
    list_filter = ["episode"]
    list_select_related = ["episode"]
    search_fields = ["text", "speaker_label", "episode__title"]
    fields = ["episode", "order", "start", "start_estimated", "end", "speaker", "text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("episode", "speaker")

    def get_urls(self):
        return [
            path(
                "autocomplete/",
                self.admin_site.admin_view(
                    SegmentAutocompleteView.as_view(admin_site=self.admin_site)
                ),
                name="glossary_segment_autocomplete",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="time", ordering="start")
    def time(self, obj: Segment) -> str:
        return audio_link(
            obj.episode.audio_url, obj.start, approximate=obj.start_estimated
        )

    @admin.display(description="text")
    def excerpt(self, obj: Segment) -> str:
        return Truncator(obj.text).chars(120)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "short_names"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    """All citations, for finding and featuring; new ones are added on a term."""

    list_display = ["term", "episode", "time", "source", "featured", "quote"]
    list_filter = ["source", "featured", "episode"]
    list_select_related = ["term", "episode"]
    search_fields = ["term__label", "quote"]
    fields = ["term", "episode", "time", "segment", "quote", "source", "featured"]
    readonly_fields = ["term", "episode", "time", "segment", "quote", "source"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="time", ordering="seconds")
    def time(self, obj: Citation) -> str:
        return audio_link(
            obj.episode.audio_url, obj.seconds, approximate=obj.approximate
        )

    def save_model(self, request, obj: Citation, form, change) -> None:
        citation_update(citation=obj, featured=obj.featured)

    def delete_model(self, request, obj: Citation) -> None:
        citation_delete(citation=obj)
