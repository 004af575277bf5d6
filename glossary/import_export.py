"""The glossary as CSV, for django-import-export in the admin.

One row per term: label, slug, status, kind, short_definition, definition,
and its other labels as one `|`-separated `aliases` column. Rows are matched
to terms by slug. Saving goes through the term services, so an import obeys
the same rules as the term page (one label names one term, a published term
has a definition, the history records each change); a row that breaks one
is reported, and nothing is imported.

Cells a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, a
tab or a carriage return: `=HYPERLINK(...)`, `+cmd|...`) are exported with a
leading `'`, which spreadsheets show as text (OWASP's advice; the library's
own setting only drops a leading `=`). An import takes that quote off
again, so an export imports back unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import fields, resources, widgets
from import_export.tmp_storages import CacheStorage

from .linking.normalize import normalize_label
from .models import Alias, Term
from .services.aliases import term_set_aliases
from .services.locks import hold_or_refuse
from .services.rules import (
    NEEDS_DEFINITION,
    label_owner,
    label_taken_message,
    slug_taken_message,
    term_has_definition,
    term_slug_is_free,
)
from .services.terms import term_create, term_update

ALIAS_SEPARATOR = "|"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """A cell as text a spreadsheet will not evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_formula(value: Any) -> Any:
    """`neutralise_formula` undone, for a cell read back from an export."""
    if (
        isinstance(value, str)
        and value[:1] == "'"
        and value[1:].startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


class ImportFileLost(ValueError):
    """The file waiting between preview and confirm cannot be read back."""


class SharedTmpStorage(CacheStorage):
    """The import's waiting file in the shared cache (several app servers
    must all see it), saying so when the cache has lost it or is down
    (kb.cache answers a miss) instead of failing on `None`."""

    def read(self):
        data = super().read()
        if data is None:
            raise ImportFileLost(
                "The uploaded file is no longer available (the shared cache is "
                "unavailable or it expired): choose the file and import it again."
            )
        return data


class AliasesWidget(widgets.Widget):
    """`"LLM|LLMs"` ⇄ `["LLM", "LLMs"]`."""

    def clean(self, value: Any, row=None, **kwargs) -> list[str]:
        if value is None:
            return []
        return [
            part.strip() for part in str(value).split(ALIAS_SEPARATOR) if part.strip()
        ]

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return ALIAS_SEPARATOR.join(value or [])


def other_labels(term: Term) -> list[str]:
    """A term's labels but the preferred one, sorted (prefetched when possible)."""
    aliases = getattr(term, "other_aliases", None)
    if aliases is None:
        if term.pk is None:
            return []
        aliases = Alias.objects.filter(term=term).exclude(kind=Alias.Kind.PREFERRED)
    return sorted((alias.label for alias in aliases), key=str.casefold)


class AliasesField(fields.Field):
    """A term's other labels: read from its Alias rows, written by `save_instance`.

    (Aliases are rows of their own, saved through the services once the term
    exists, so the field itself never sets anything on the term.)
    """

    def get_value(self, instance: Term) -> list[str] | None:
        return None if instance is None else other_labels(instance)

    def save(self, instance, row, is_m2m=False, **kwargs) -> None:
        return None


class TermResource(resources.ModelResource):
    aliases = AliasesField(
        attribute="aliases", column_name="aliases", widget=AliasesWidget()
    )

    class Meta:
        model = Term
        fields = [
            "label",
            "slug",
            "status",
            "kind",
            "short_definition",
            "definition",
            "aliases",
        ]
        export_order = fields
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        self._dry_run = dry_run
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def before_import(self, dataset, **kwargs) -> None:
        # Two imports at once would interleave their checks and writes (a
        # slug free for both, then taken twice): one import at a time, the
        # second told so (a base error of the result). Previews only read.
        if not getattr(self, "_dry_run", False):
            hold_or_refuse(
                ["glossary-import"],
                busy="Another glossary import is running; try again when it ends.",
            )

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs) -> None:
        for key, value in list(row.items()):
            row[key] = restore_formula(value)

    def _row_aliases(self, row: dict[str, Any]) -> list[str] | None:
        if "aliases" not in row:
            return None
        return AliasesWidget().clean(row.get("aliases"))

    def import_row(self, row, instance_loader, **kwargs):
        self._current_row = row
        return super().import_row(row, instance_loader, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        wanted = self._row_aliases(row)
        if wanted is None or original.pk is None:
            return True
        current = {normalize_label(label) for label in other_labels(original)}
        return current == {normalize_label(label) for label in wanted} - {
            normalize_label(instance.label)
        }

    def validate_instance(
        self, instance: Term, import_validation_errors=None, validate_unique=True
    ) -> None:
        """The term services' rules, with messages an editor understands."""
        errors = dict(import_validation_errors or {})
        instance.label = (instance.label or "").strip()
        owner = (
            label_owner(instance.label, exclude=instance) if instance.label else None
        )
        if owner is not None:
            errors.setdefault("label", label_taken_message(instance.label, owner))
        if instance.slug and not term_slug_is_free(instance.slug, term=instance):
            errors.setdefault("slug", slug_taken_message(instance.slug))
        if instance.status == Term.Status.PUBLISHED and not term_has_definition(
            instance
        ):
            errors.setdefault("status", NEEDS_DEFINITION)
        problems = []
        for label in self._row_aliases(getattr(self, "_current_row", {})) or []:
            other = label_owner(label, exclude=instance)
            if other is not None:
                problems.append(label_taken_message(label, other))
        if problems:
            errors.setdefault("aliases", problems)
        if errors:
            raise ValidationError(errors)
        if self._meta.clean_model_instances:
            # A blank slug is made from the label when the term is created.
            instance.full_clean(
                exclude=None if instance.slug else ["slug"],
                validate_unique=validate_unique,
            )

    def save_instance(self, instance: Term, is_create: bool, row, **kwargs) -> None:
        aliases = self._row_aliases(row)
        with transaction.atomic():
            if is_create:
                created = term_create(
                    label=instance.label,
                    kind=instance.kind,
                    status=instance.status,
                    short_definition=instance.short_definition,
                    definition=instance.definition,
                    aliases=aliases or (),
                    slug=instance.slug,
                )
                for field in Term._meta.concrete_fields:
                    setattr(instance, field.attname, getattr(created, field.attname))
                instance._state.adding = False
            else:
                term_update(
                    term=instance,
                    expected_version=instance.version,
                    label=instance.label,
                    slug=instance.slug,
                    status=instance.status,
                    kind=instance.kind,
                    short_definition=instance.short_definition,
                    definition=instance.definition,
                )
                if aliases is not None:
                    term_set_aliases(term=instance, aliases=aliases)
