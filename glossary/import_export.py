r"""The glossary as a table (CSV in the admin, and the starter glossary file).

(Over 500 lines: the columns, their widgets and the resource that reads and
writes them must agree column by column, so they stay in one module.)

One row per term. The columns:

- `label`, `slug`, `status`, `kind`, `short_definition`, `definition`;
- the term's other labels, each list `|`-separated: `aliases` (alternative
  labels), `abbreviations`, `hidden_labels` (misspellings that link and are
  searched but are never shown), and `case_sensitive`, the labels among them
  that match only in that exact case (`EA` the acronym, not "ea"; the
  preferred label may be listed there too);
- sense rules (`linking.context`): `not_followed_by` and `not_preceded_by`,
  lists of `label: rule` items (an item naming none of the row's labels
  before a colon is a rule of the preferred label), and
  `not_sentence_start`, the labels not linked at a sentence start. Bad rules
  are refused by row and column with `Alias.clean`'s own messages
  (`rule_problem`);
- `related` and `broader`: other terms, by any of their labels;
- `featured`: the citations to feature, each as `episode-slug: words of the
  passage`. The words are looked up in the episode's transcript when the
  file is imported, so a re-ingested transcript (new segment ids, moved
  offsets) does not lose them.

List cells are `|`-separated. An item holding a `|` writes it `\|` ("AC\|DC"),
and a backslash right before a `|`, another backslash or the item's end is
doubled; every other backslash is itself. A file written before this escape
therefore reads the same unless it has `\|` or `\\` in a list cell (which
then mean `|` and `\`). The export escapes only what needs it, so a label
without `|` exports as it always did.

Rows are matched to terms by slug. A file may leave out any column but
`slug`; a missing label column leaves those labels alone, and when
`abbreviations`, `hidden_labels` or `case_sensitive` are missing, labels the
term keeps keep their kind and case flag. Saving goes through the term
services, so an import obeys the same rules as the term page (one label
names one term, a published term has a definition, the history records each
change); a row that breaks one is reported, and nothing is imported.

Cells a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, a
tab or a carriage return: `=HYPERLINK(...)`, `+cmd|...`) are exported with a
leading `'`, which spreadsheets show as text (OWASP's advice; the library's
own setting only drops a leading `=`). An import takes that quote off
again, so an export imports back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from import_export import fields, resources, widgets
from import_export.tmp_storages import CacheStorage

from .linking.context import rule_problem
from .linking.normalize import normalize_label
from .models import Alias, Citation, Episode, Segment, Term
from .selectors.curation import other_alias_rows
from .services.aliases import AliasSpec, alias_update, term_set_aliases
from .services.citations import (
    citation_feature_passage,
    citation_update,
    citations_refresh,
    passage_citation,
    passage_find,
)
from .services.locks import hold_or_refuse
from .services.rules import (
    NEEDS_DEFINITION,
    label_owner,
    label_taken_message,
    slug_taken_message,
    term_has_definition,
    term_slug_is_free,
)
from .services.senses import alias_set_senses
from .services.terms import term_create, term_update

ALIAS_SEPARATOR = "|"
#: Label columns and the kind of label each holds.
LABEL_COLUMNS = {
    "aliases": Alias.Kind.ALTERNATIVE,
    "abbreviations": Alias.Kind.ABBREVIATION,
    "hidden_labels": Alias.Kind.HIDDEN,
}
CASE_COLUMN = "case_sensitive"
#: Sense rules per label (`linking.context`): two lists of `label: rule`
#: items, and the labels not linked at the start of a sentence.
RULE_COLUMNS = ("not_followed_by", "not_preceded_by")
SENTENCE_COLUMN = "not_sentence_start"
SENSE_COLUMNS = (*RULE_COLUMNS, SENTENCE_COLUMN)
RELATION_COLUMNS = ("related", "broader")
FEATURED_COLUMN = "featured"
COLUMNS = [
    "label",
    "slug",
    "status",
    "kind",
    "short_definition",
    "definition",
    *LABEL_COLUMNS,
    CASE_COLUMN,
    *SENSE_COLUMNS,
    *RELATION_COLUMNS,
    FEATURED_COLUMN,
]
_PASSAGE = re.compile(r"^\s*(?P<episode>[-a-z0-9]+)\s*:\s*(?P<words>.+?)\s*$", re.S)
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


# In a list cell `\|` is a `|` inside an item and `\\` a backslash; any other
# backslash is itself, so cells written before the escape read the same.
_LIST_TOKEN = re.compile(r"\\[\\|]|\||[^\\|]+|\\")
_NEEDS_ESCAPE = re.compile(r"\\(?=[\\|]|$)|\|")


def split_items(text: str) -> list[str]:
    r"""A `|`-separated cell as its items, `\|` and `\\` read as `|` and `\`."""
    items, current = [], []
    for token in _LIST_TOKEN.findall(text):
        if token == ALIAS_SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(token[1] if len(token) == 2 and token[0] == "\\" else token)
    return [*items, "".join(current)]


def join_items(items: list[str]) -> str:
    r"""`split_items` undone: each `|` escaped, and a backslash only where it
    would otherwise be read as an escape (before `|`, `\` or the item's end)."""
    return ALIAS_SEPARATOR.join(
        _NEEDS_ESCAPE.sub(lambda m: "\\" + m.group(), item) for item in items
    )


class AliasesWidget(widgets.Widget):
    r"""`"LLM|LLMs"` ⇄ `["LLM", "LLMs"]` (a JSON list is accepted too); an item
    may hold a `|` written `\|` (`split_items`)."""

    def clean(self, value: Any, row=None, **kwargs) -> list[str]:
        if value is None:
            return []
        parts = value if isinstance(value, list) else split_items(str(value))
        return [str(part).strip() for part in parts if str(part).strip()]

    def render(self, value: Any, obj=None, **kwargs) -> str:
        return join_items(list(value or []))


def split_list(row: dict[str, Any], column: str) -> list[str] | None:
    """A `|`-separated column of a row, or None when the file has no such column."""
    if column not in row:
        return None
    return AliasesWidget().clean(row.get(column))


@dataclass(frozen=True)
class Passage:
    """A featured citation as a file names it: an episode and words said in it."""

    episode: str
    words: str

    @classmethod
    def parse(cls, text: str) -> Passage:
        match = _PASSAGE.match(text)
        if match is None:
            raise ValidationError(
                f"“{text[:60]}” does not name a passage: write "
                "“episode-slug: words said in the episode”."
            )
        return cls(match["episode"], match["words"])

    def __str__(self) -> str:
        return f"{self.episode}: {self.words}"


def featured_citations(term: Term) -> list[Citation]:
    citations = getattr(term, "featured_citations", None)
    if citations is None:
        if term.pk is None:
            return []
        citations = Citation.objects.filter(term=term, featured=True).select_related(
            "episode"
        )
    return sorted(citations, key=lambda c: (c.episode.slug, c.seconds, c.pk))


class LabelsField(fields.Field):
    """One kind of the term's other labels (or the case-sensitive ones).

    Labels are rows of their own, saved through the services once the term
    exists (`TermResource.save_instance`), so the field sets nothing itself.
    """

    def __init__(self, column: str):
        super().__init__(attribute=column, column_name=column, widget=AliasesWidget())

    def get_value(self, instance: Term) -> list[str] | None:
        if instance is None:
            return None
        column = self.column_name
        if column == CASE_COLUMN:
            return [a.label for a in term_label_rows(instance) if a.case_sensitive]
        kind = LABEL_COLUMNS[column]
        return [a.label for a in other_alias_rows(instance) if a.kind == kind]

    def save(self, instance, row, is_m2m=False, **kwargs) -> None:
        return None


class SenseField(fields.Field):
    """One sense column: `label: rule` items, or the labels a flag is set on.

    Applied by `TermResource.save_instance` once the labels exist.
    """

    def __init__(self, column: str):
        super().__init__(attribute=column, column_name=column, widget=AliasesWidget())

    def get_value(self, instance: Term) -> list[str] | None:
        if instance is None:
            return None
        rows = term_label_rows(instance)
        if self.column_name == SENTENCE_COLUMN:
            return [a.label for a in rows if a.not_sentence_start]
        return [
            f"{a.label}: {rule}" for a in rows for rule in getattr(a, self.column_name)
        ]

    def save(self, instance, row, is_m2m=False, **kwargs) -> None:
        return None


class RelationField(fields.Field):
    """Related or broader terms, by preferred label; set after every row is in."""

    def __init__(self, column: str):
        super().__init__(attribute=column, column_name=column, widget=AliasesWidget())

    def get_value(self, instance: Term) -> list[str] | None:
        if instance is None or instance.pk is None:
            return None
        terms = getattr(instance, self.column_name).all()
        return sorted((t.label for t in terms), key=str.casefold)

    def save(self, instance, row, is_m2m=False, **kwargs) -> None:
        return None


class FeaturedField(fields.Field):
    """The featured citations, as `episode-slug: quote` passages."""

    def __init__(self):
        super().__init__(
            attribute=FEATURED_COLUMN,
            column_name=FEATURED_COLUMN,
            widget=AliasesWidget(),
        )

    def get_value(self, instance: Term) -> list[str] | None:
        if instance is None:
            return None
        return [
            str(Passage(c.episode.slug, c.quote.strip("…")))
            for c in featured_citations(instance)
        ]

    def save(self, instance, row, is_m2m=False, **kwargs) -> None:
        return None


def label_map() -> dict[str, int]:
    """Every label's normalised form and the id of the term it names."""
    return dict(Alias.objects.values_list("normalized", "term_id"))


def label_specs(row: dict[str, Any]) -> list[AliasSpec] | None:
    """The other labels a row gives, with kinds and case flags; None if no column."""
    if not any(column in row for column in LABEL_COLUMNS):
        return None
    case_sensitive = {normalize_label(x) for x in split_list(row, CASE_COLUMN) or []}
    specs = []
    for column, kind in LABEL_COLUMNS.items():
        for label in split_list(row, column) or []:
            specs.append(
                AliasSpec(label, kind, normalize_label(label) in case_sensitive)
            )
    return specs


def term_label_rows(term: Term) -> list[Alias]:
    """Every label of a term, the preferred one first (prefetched when possible)."""
    preferred = getattr(term, "preferred_alias_rows", None)
    if preferred is None:
        preferred = list(
            Alias.objects.filter(term=term, kind=Alias.Kind.PREFERRED)
            if term.pk
            else []
        )
    return [*preferred, *other_alias_rows(term)]


def _rule_item(item: str, labels: dict[str, str], preferred: str) -> tuple[str, str]:
    """`(label key, rule)` of a `label: rule` item; the longest of the row's
    labels before a colon names it, and an item naming none is a rule of the
    preferred label ("-analysis" in Meta's row)."""
    heads = [
        (key, item[i + 1 :].strip())
        for i, char in enumerate(item)
        if char == ":" and (key := normalize_label(item[:i])) in labels
    ]
    return heads[-1] if heads else (preferred, item.strip())


def row_senses(
    row: dict[str, Any], known: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The sense fields a row gives each of its labels, by label key, and
    its problems by column. Only the columns the file has are given (with
    `case_sensitive`, the preferred label's case flag); `known` are the
    labels the term will have.
    """
    labels = {normalize_label(text): text for text in known if text.strip()}
    preferred = normalize_label(row.get("label") or "")
    wanted: dict[str, dict[str, Any]] = {}
    problems: dict[str, list[str]] = {}

    def give(key: str, name: str, value: Any) -> None:
        wanted.setdefault(key, {})[name] = value

    for column in RULE_COLUMNS:
        items = split_list(row, column)
        if items is None:
            continue
        for key in labels:
            give(key, column, [])
        for item in items:
            key, rule = _rule_item(item, labels, preferred)
            if problem := rule_problem(rule):
                problems.setdefault(column, []).append(f"“{item}”: {problem}")
            elif rule not in wanted[key][column]:
                wanted[key][column].append(rule)
    for column, name, only_preferred in (
        (SENTENCE_COLUMN, SENTENCE_COLUMN, False),
        (CASE_COLUMN, "case_sensitive", True),
    ):
        listed = split_list(row, column)
        if listed is None:
            continue
        flagged = {normalize_label(text) for text in listed}
        unknown = [text for text in listed if normalize_label(text) not in labels]
        if unknown:
            problems.setdefault(column, []).append(
                ", ".join(f"“{text}”" for text in unknown)
                + " is not one of this row's labels."
            )
        for key in [preferred] if only_preferred else labels:
            give(key, name, key in flagged)
    return wanted, problems


class TermResource(resources.ModelResource):
    aliases = LabelsField("aliases")
    abbreviations = LabelsField("abbreviations")
    hidden_labels = LabelsField("hidden_labels")
    case_sensitive = LabelsField(CASE_COLUMN)
    not_followed_by = SenseField("not_followed_by")
    not_preceded_by = SenseField("not_preceded_by")
    not_sentence_start = SenseField(SENTENCE_COLUMN)
    related = RelationField("related")
    broader = RelationField("broader")
    featured = FeaturedField()

    #: Terms (by id) an import must not change, not even as the other end
    #: of a relation, and the labels of the rows that named them.
    protected: set[int]
    protected_labels: set[str]

    class Meta:
        model = Term
        fields = COLUMNS
        export_order = fields
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    # Export.

    def filter_export(self, queryset, **kwargs):
        """Read every column's rows in a fixed number of queries."""
        lookups = {
            getattr(lookup, "prefetch_to", lookup)
            for lookup in queryset._prefetch_related_lookups
        }
        prefetches = []
        if "other_aliases" not in lookups:
            prefetches.append(
                Prefetch(
                    "aliases",
                    queryset=Alias.objects.exclude(kind=Alias.Kind.PREFERRED),
                    to_attr="other_aliases",
                )
            )
        prefetches += [
            Prefetch(
                "aliases",
                queryset=Alias.objects.filter(kind=Alias.Kind.PREFERRED),
                to_attr="preferred_alias_rows",
            ),
            Prefetch("related", queryset=Term.objects.only("pk", "label")),
            Prefetch("broader", queryset=Term.objects.only("pk", "label")),
            Prefetch(
                "citations",
                queryset=Citation.objects.filter(featured=True).select_related(
                    "episode"
                ),
                to_attr="featured_citations",
            ),
        ]
        return queryset.prefetch_related(*prefetches)

    # Import.

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
        self.prepare(dataset)

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs) -> None:
        for key, value in list(row.items()):
            row[key] = restore_formula(value)

    def prepare(self, dataset) -> None:
        """Note every label the file names, so relations may point forward."""
        self._file_labels: set[str] = set()
        self._passages: dict[tuple[str, str], Segment | None] = {}
        # `related` is symmetric: a pair listed on either row holds for both.
        self._related_rows: list[tuple[str, list[str]]] = []
        headers = dataset.headers or []
        for values in dataset:
            row = dict(zip(headers, values, strict=False))
            for column in ("label", *LABEL_COLUMNS):
                for label in split_list(row, column) or []:
                    self._file_labels.add(normalize_label(label))
            listed = split_list(row, "related")
            if listed:
                self._related_rows.append((row.get("label") or "", listed))
        self._labels_before = label_map()

    def _wanted_relations(
        self, term_id: int, row: dict[str, Any], column: str, labels: dict[str, int]
    ) -> set[int] | None:
        """The terms (ids) a row relates its term to; None if it has no column.

        Related pairs listed on the other rows count too, since `related` is
        symmetric. `labels` maps normalised labels to term ids.
        """
        listed = split_list(row, column)
        if listed is None:
            return None
        wanted = {labels.get(normalize_label(label)) for label in listed}
        if column == "related":
            for other, others_listed in getattr(self, "_related_rows", []):
                ids = {labels.get(normalize_label(label)) for label in others_listed}
                if term_id in ids:
                    wanted.add(labels.get(normalize_label(other)))
        return wanted - {None, term_id}

    def import_row(self, row, instance_loader, **kwargs):
        self._current_row = row
        return super().import_row(row, instance_loader, **kwargs)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        if original.pk is None:
            return False
        return not self._labels_change(original, row) and not self._extras_change(
            original, row
        )

    def row_matches(self, term: Term, row: dict[str, Any]) -> bool:
        """Whether importing `row` would leave the stored `term` as it is."""
        for name in ("label", "slug", "status", "kind", "short_definition"):
            value = (row.get(name) or "").strip()
            if name == "slug" and not value:
                continue  # a blank slug is made from the label
            if name in row and value != getattr(term, name):
                return False
        if "definition" in row and (row["definition"] or "").strip() != (
            term.definition.strip()
        ):
            return False
        return not self._labels_change(term, row) and not self._extras_change(term, row)

    def _labels_change(self, term: Term, row: dict[str, Any]) -> bool:
        specs = label_specs(row)
        if specs is None:
            return False
        current = {a.normalized: a for a in other_alias_rows(term)}
        wanted = {
            normalize_label(s.label): s
            for s in specs
            if normalize_label(s.label) != normalize_label(term.label)
        }
        if set(current) != set(wanted):
            return True
        explicit = CASE_COLUMN in row and all(c in row for c in LABEL_COLUMNS)
        return explicit and any(
            (current[key].kind, current[key].case_sensitive)
            != (spec.kind, spec.case_sensitive)
            for key, spec in wanted.items()
        )

    def _extras_change(self, term: Term, row: dict[str, Any]) -> bool:
        labels = getattr(self, "_labels_before", None) or label_map()
        for column in RELATION_COLUMNS:
            wanted = self._wanted_relations(term.pk, row, column, labels)
            if wanted is None:
                continue
            if {t.pk for t in getattr(term, column).all()} != wanted:
                return True
        if self._senses_change(term, row):
            return True
        passages = split_list(row, FEATURED_COLUMN)
        if passages is not None:
            return set(self._featured_for(term, passages)) != {
                c.pk for c in featured_citations(term)
            }
        return False

    @staticmethod
    def _known_labels(term: Term, row: dict[str, Any]) -> list[str]:
        """The labels `term` will have once `row` is imported."""
        known = [row.get("label") or ""]
        for column in LABEL_COLUMNS:
            known += split_list(row, column) or []
        if term.pk is not None and not all(c in row for c in LABEL_COLUMNS):
            known += [a.label for a in Alias.objects.filter(term=term)]
        return known

    def _sense_changes(self, term: Term, row: dict[str, Any]):
        """The stored labels whose senses `row` changes, with the new fields."""
        if not any(c in row for c in (*SENSE_COLUMNS, CASE_COLUMN)):
            return
        wanted, _ = row_senses(row, self._known_labels(term, row))
        for alias in Alias.objects.filter(term=term):
            given = wanted.get(alias.normalized, {})
            if any(getattr(alias, name) != value for name, value in given.items()):
                yield alias, given

    def _senses_change(self, term: Term, row: dict[str, Any]) -> bool:
        return any(True for _ in self._sense_changes(term, row))

    def validate_instance(
        self, instance: Term, import_validation_errors=None, validate_unique=True
    ) -> None:
        """The term services' rules, with messages an editor understands."""
        errors = dict(import_validation_errors or {})
        row = getattr(self, "_current_row", {})
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
        for spec in label_specs(row) or []:
            other = label_owner(spec.label, exclude=instance)
            if other is not None:
                problems.append(label_taken_message(spec.label, other))
        if problems:
            errors.setdefault("aliases", problems)
        for column in RELATION_COLUMNS:
            known = self._file_labels | getattr(self, "protected_labels", set())
            unknown = [
                label
                for label in split_list(row, column) or []
                if normalize_label(label) not in known and label_owner(label) is None
            ]
            if unknown:
                errors.setdefault(
                    column,
                    "No term has the label "
                    + ", ".join(f"“{label}”" for label in unknown)
                    + ".",
                )
        _, sense_problems = row_senses(row, self._known_labels(instance, row))
        for column, messages in sense_problems.items():
            errors.setdefault(column, messages)
        passages = [
            problem
            for text in split_list(row, FEATURED_COLUMN) or []
            if (problem := self._passage_problem(text))
        ]
        if passages:
            errors.setdefault(FEATURED_COLUMN, passages)
        if errors:
            raise ValidationError(errors)
        if self._meta.clean_model_instances:
            # A blank slug is made from the label when the term is created.
            instance.full_clean(
                exclude=None if instance.slug else ["slug"],
                validate_unique=validate_unique,
            )

    def _passage_problem(self, text: str) -> str | None:
        try:
            passage = Passage.parse(text)
        except ValidationError as error:
            return error.messages[0]
        if self._segment_of(passage) is None:
            if not Episode.objects.filter(slug=passage.episode).exists():
                return f"No episode has the slug “{passage.episode}”."
            return f"The words “{passage.words[:60]}” are not in {passage.episode}."
        return None

    def _segment_of(self, passage: Passage) -> Segment | None:
        key = (passage.episode, passage.words)
        if not hasattr(self, "_passages"):
            self._passages = {}
        if key not in self._passages:
            self._passages[key] = passage_find(
                episode_slug=passage.episode, words=passage.words
            )
        return self._passages[key]

    def save_instance(self, instance: Term, is_create: bool, row, **kwargs) -> None:
        specs = label_specs(row)
        with transaction.atomic():
            if is_create:
                created = term_create(
                    label=instance.label,
                    kind=instance.kind,
                    status=instance.status,
                    short_definition=instance.short_definition,
                    definition=instance.definition,
                    aliases=specs or (),
                    slug=instance.slug,
                )
                for field in Term._meta.concrete_fields:
                    setattr(instance, field.attname, getattr(created, field.attname))
                instance._state.adding = False
                self._set_senses(instance, row)
                return
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
            if specs is not None:
                term_set_aliases(term=instance, aliases=specs)
                if CASE_COLUMN in row and all(c in row for c in LABEL_COLUMNS):
                    self._set_alias_kinds(instance, specs)
            self._set_senses(instance, row)

    def _set_senses(self, term: Term, row: dict[str, Any]) -> None:
        """Each label takes the case flag and context rules the row gives."""
        for alias, given in list(self._sense_changes(term, row)):
            fields = {
                name: given.get(name, getattr(alias, name))
                for name in ("case_sensitive", *SENSE_COLUMNS)
            }
            alias_set_senses(alias=alias, **fields)

    @staticmethod
    def _set_alias_kinds(term: Term, specs: list[AliasSpec]) -> None:
        """Labels the term kept take the kind and case flag the file gives."""
        wanted = {normalize_label(spec.label): spec for spec in specs}
        for alias in Alias.objects.filter(term=term).exclude(kind=Alias.Kind.PREFERRED):
            spec = wanted.get(alias.normalized)
            if spec and (alias.kind, alias.case_sensitive) != (
                spec.kind,
                spec.case_sensitive,
            ):
                alias_update(
                    alias=alias,
                    label=alias.label,
                    kind=spec.kind,
                    case_sensitive=spec.case_sensitive,
                )

    def after_import(self, dataset, result, **kwargs) -> None:
        """Relations and featured citations, once every row's term exists."""
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        terms = {id(row): label_owner(row["label"]) for row in rows if row.get("label")}
        self._set_relations(rows, terms)
        self._set_featured(rows, terms)

    def _set_relations(self, rows: list[dict], terms: dict[int, Term | None]) -> None:
        labels = label_map()
        # Relations to protected terms stay as they are (`related` is
        # symmetric: changing one would change the protected term).
        protected = getattr(self, "protected", set())
        for row in rows:
            term = terms.get(id(row))
            if term is None:
                continue
            term.refresh_from_db()
            changes: dict[str, Any] = {}
            for column in RELATION_COLUMNS:
                wanted = self._wanted_relations(term.pk, row, column, labels)
                if wanted is None:
                    continue
                current = set(getattr(term, column).values_list("pk", flat=True))
                wanted = (wanted - protected) | (current & protected)
                if wanted != current:
                    changes[column] = list(Term.objects.filter(pk__in=wanted))
            if changes:
                term_update(term=term, expected_version=term.version, **changes)

    def _featured_for(self, term: Term, passages: list[str]) -> list[int]:
        """The citations of `term` the passages name (existing ones only)."""
        found = []
        for text in passages:
            passage = Passage.parse(text)
            segment = self._segment_of(passage)
            if segment is None:
                continue
            citation = passage_citation(term=term, segment=segment, words=passage.words)
            if citation is not None:
                found.append(citation.pk)
        return found

    def _set_featured(self, rows: list[dict], terms: dict[int, Term | None]) -> None:
        wanted = {
            id(row): passages
            for row in rows
            if (passages := split_list(row, FEATURED_COLUMN)) is not None
            and terms.get(id(row)) is not None
        }
        if not wanted:
            return
        citations_refresh(terms=[terms[key] for key in wanted])
        for key, passages in wanted.items():
            term = terms[key]
            keep = set()
            for text in passages:
                passage = Passage.parse(text)
                citation = citation_feature_passage(
                    term=term, segment=self._segment_of(passage), words=passage.words
                )
                keep.add(citation.pk)
            for citation in Citation.objects.filter(term=term, featured=True).exclude(
                pk__in=keep
            ):
                citation_update(citation=citation, featured=False)
