"""Terms, their labels and their citations: the curation pages.

Editors review candidate terms by score with the evidence extraction left,
write definitions beside a rendered preview and the stored Wikipedia
summary, and publish, reject or merge in bulk. Nothing here writes by
itself: saves, actions and imports go through `glossary.services`, which
check the rules (one label names one term, published terms have a
definition) and refuse stale edits (`Term.version`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KeyTextTransform
from django.forms.utils import ErrorList
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV
from simple_history.admin import SimpleHistoryAdmin

from ..import_export import ImportFileLost, TermResource
from ..linking.normalize import normalize_label
from ..models import Alias, Citation, Episode, Term
from ..selectors.citations import citation_count, cited_episode_count
from ..selectors.curation import next_candidate, other_aliases
from ..selectors.history import term_version
from ..services.aliases import (
    alias_add,
    alias_delete,
    alias_update,
    aliases_delete,
)
from ..services.citations import (
    citation_add_manual,
    citation_update,
    citations_delete,
)
from ..services.extraction import review_order
from ..services.rules import EDITABLE_TERM_FIELDS, TERM_RELATION_FIELDS
from ..services.terms import (
    copy_term_fields,
    term_create,
    term_delete,
    term_update,
    terms_delete,
)
from .actions import (
    fetch_from_wikipedia,
    fold_variants,
    merge_terms,
    publish_terms,
    reject_terms,
    send_to_draft,
)
from .autocomplete import RelationAutocomplete, RelationAutocompleteView
from .display import TermColumns, shown_definition
from .filters import DefinitionFilter, EpisodeFilter
from .fold import fold_admin_urls
from .forms import KEEP_MINE, AliasInlineFormSet, ManualCitationFormSet, TermForm
from .guards import GuardedChangelist
from .inlines import AliasInline, CitationInline, ManualCitationInline
from .wikipedia import wikipedia_admin_urls


@admin.register(Term)
class TermAdmin(GuardedChangelist, TermColumns, ImportExportMixin, SimpleHistoryAdmin):
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
        "citations_shown",
        "episode_count",
        "first_mention",
        "speakers",
        "quote",
        "other_labels",
        "defined",
        "fold_link",
    ]
    list_filter = ["status", EpisodeFilter, "kind", DefinitionFilter]
    search_fields = [
        "label",
        "aliases__label",
        "short_definition",
        "definition",
    ]
    ordering = review_order()  # see get_ordering
    list_per_page = 100
    actions = [
        publish_terms,
        send_to_draft,
        reject_terms,
        merge_terms,
        fold_variants,
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
                    # One line: the preview beside the Markdown it renders.
                    ("definition", "definition_preview"),
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
        css = {"all": ["glossary/admin/term.css"]}
        js = ["glossary/admin/term.js"]

    # Reads.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Term]:
        first_audio = (
            Episode.objects.filter(
                slug=KeyTextTransform("first_episode", OuterRef("evidence"))
            )
            .order_by()
            .values("audio_url")[:1]
        )  # slugs are unique: no order needed
        return (
            super()
            .get_queryset(request)
            .annotate(
                first_audio_url=Subquery(first_audio),
                citation_count=citation_count(),
                cited_episodes=cited_episode_count(),
            )
            .prefetch_related(other_aliases())
        )

    def action_checkbox(self, obj: Term) -> str:
        """Django's row checkbox, written out rather than rendered through a
        widget template per row (a quarter of the review queue's row cost)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select"'
            ' aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_list_display(self, request: HttpRequest) -> list[str]:
        """Without the status column when the list shows one status (the
        review queue): the table then fits a 1280-pixel window."""
        columns = list(super().get_list_display(request))
        if request.GET.get("status__exact"):
            columns.remove("status")
        return columns

    def get_ordering(self, request: HttpRequest) -> list:
        """The review queue's order: one episode's ranking when the episode
        filter is on, else the whole-show queue, where each episode's best
        candidates come in turn (`services.extraction.review_order`)."""
        slug = request.GET.get(EpisodeFilter.parameter_name) or None
        return review_order(episode_slug=slug)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("related", "broader"):
            object_id = (request.resolver_match.kwargs or {}).get("object_id", "")
            kwargs["widget"] = RelationAutocomplete(
                db_field,
                self.admin_site,
                exclude_id=int(object_id) if str(object_id).isdigit() else None,
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
        urls.append(
            path(
                "relation-autocomplete/",
                self.admin_site.admin_view(
                    RelationAutocompleteView.as_view(admin_site=self.admin_site)
                ),
                name=f"{opts.app_label}_{opts.model_name}_relation_autocomplete",
            )
        )
        # The term's Wikipedia page (glossary/admin/wikipedia.py) and a
        # candidate's "Fold into…" (glossary/admin/fold.py).
        urls += wikipedia_admin_urls(self) + fold_admin_urls(self)
        return urls + super().get_urls()

    # Saving: through the services only.

    def save_model(self, request, obj: Term, form: TermForm, change: bool) -> None:
        data = form.cleaned_data
        fields = {name: data[name] for name in EDITABLE_TERM_FIELDS if name in data}
        if change:
            if "label" in form.changed_data and "slug" not in form.changed_data:
                # The address follows a new label; the old one redirects.
                fields.pop("slug", None)
            revert = getattr(request, "kb_revert", None)
            term_update(
                term=obj,
                expected_version=data.get("version"),
                reason=f"Reverted to version {revert.version}" if revert else "",
                **fields,
            )
        else:
            copy_term_fields(term_create(**fields), obj)

    def delete_model(self, request, obj: Term) -> None:
        term_delete(term=obj)

    def delete_queryset(self, request, queryset) -> None:
        terms_delete(terms=queryset)

    def get_deleted_objects(self, objs, request):
        """Deleting a term takes its preferred label with it.

        AliasAdmin refuses to delete a preferred label on its own, which
        Django's confirmation would read as a missing permission: an editor
        who may delete labels may delete them with their term.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        alias_admin = self.admin_site.get_model_admin(Alias)
        if alias_admin.has_delete_permission(request):
            perms_needed.discard(Alias._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def save_related(self, request, form, formsets, change) -> None:
        # Relations were saved by the service with the term.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        term = form.instance
        formset.save(commit=False)  # fills new/changed/deleted_objects
        if isinstance(formset, AliasInlineFormSet):
            # A label the term was just renamed to became its preferred one.
            preferred = normalize_label(term.label)
            removed = [
                alias
                for alias in formset.deleted_objects
                if alias.normalized != preferred
            ]
            if removed:
                aliases_delete(aliases=removed)
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
            if formset.deleted_objects:
                citations_delete(citations=formset.deleted_objects)
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
        context["label_problems"] = [
            *getattr(form, "label_problems", []),
            *(
                problem
                for inline in context.get("inline_admin_formsets", [])
                for problem in getattr(inline.formset, "label_problems", [])
            ),
        ]
        conflict = getattr(form, "conflict", None)
        if conflict:
            context["conflict"] = self._conflict_rows(form, conflict)
            context["keep_mine"] = KEEP_MINE
            # The panel says it all: no "Please correct the error below" and
            # no second copy of it among the form's errors.
            refused = form.errors.get(NON_FIELD_ERRORS)
            context["errors"] = ErrorList(
                [errors for errors in context["errors"] if errors is not refused]
            )
        return super().render_change_form(request, context, *args, **kwargs)

    def _conflict_rows(self, form: TermForm, conflict: dict[str, Any]) -> dict:
        """What is stored now beside what this editor submitted, field by field."""
        current: Term = conflict["current"]
        rows = []
        for name in EDITABLE_TERM_FIELDS:
            if name in TERM_RELATION_FIELDS:
                continue
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
        if getattr(request, "kb_revert", None) is not None:
            return self._reverted(request, obj)
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
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            # simple-history's URL takes any text; its lookup would be a 500.
            raise Http404("No such version.")
        if request.method == "POST":
            # What the revert restores, read before it is saved, for the
            # message on the term's page (`response_change`).
            request.kb_revert = term_version(int(object_id), int(version_id))
        with transaction.atomic():
            return super().history_form_view(
                request, object_id, version_id, extra_context
            )

    def _reverted(self, request, obj: Term) -> HttpResponse:
        version = request.kb_revert
        restored = ", ".join(version.differs) if version.differs else "nothing differed"
        self.message_user(
            request,
            format_html(
                "Reverted “{}” to version {}, saved {} by {}. "
                "Restored: {}. It is now version {}; "
                '<a href="{}">the history</a> keeps the version it replaced.',
                obj.label,
                version.version,
                timezone.localtime(version.saved_at).strftime("%Y-%m-%d %H:%M"),
                version.saved_by,
                restored,
                obj.version,
                reverse("admin:glossary_term_history", args=[obj.pk]),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:glossary_term_change", args=[obj.pk])
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

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, ImportFileLost):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ImportFileLost as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:glossary_term_import"))

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
    term_id = request.POST.get("term", "")
    html = shown_definition(text, term_id=int(term_id) if term_id.isdigit() else None)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@admin.register(Alias)
class AliasAdmin(GuardedChangelist, SimpleHistoryAdmin):
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

    def has_delete_permission(self, request, obj=None):
        # The preferred label is the term's name: it goes only with its term.
        # Refusing it here covers the delete page and "delete selected".
        if obj is not None and obj.kind == Alias.Kind.PREFERRED:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj: Alias) -> None:
        alias_delete(alias=obj)

    def delete_queryset(self, request, queryset) -> None:
        aliases_delete(aliases=queryset)

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
