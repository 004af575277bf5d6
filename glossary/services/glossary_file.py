"""Load a glossary file (the admin's CSV columns) without touching editors' work.

The starter glossary in `fixtures/` is such a file; `load_demo` loads it. The
file is read in full and checked before anything is written, and then loaded
in one transaction through `TermResource`, the admin import's own rules, so
a bad line refuses the whole file. Terms an editor has already curated (any
status but candidate) are never changed: their rows are skipped and named.
Candidates the file curates are taken over: a candidate that has one of a
row's labels becomes that row's term (with its evidence and citations), and
several such candidates are merged into one first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction

from ..import_export import (
    COLUMNS,
    FEATURED_COLUMN,
    Passage,
    TermResource,
    label_specs,
    split_list,
)
from ..linking.normalize import normalize_label
from ..models import Term
from .merge import terms_merge
from .rules import label_owner
from .terms import term_update


@dataclass
class SkippedRow:
    line: int
    label: str
    reason: str


@dataclass
class GlossaryLoadResult:
    """What a load did, row by row."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"Glossary: {len(self.created)} created, {len(self.updated)} "
            f"curated from candidates, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped."
        ]
        if self.merged:
            lines.append("Candidates merged into them: " + ", ".join(self.merged))
        lines += [
            f"  skipped line {row.line}: “{row.label}”: {row.reason}"
            for row in self.skipped
        ]
        return "\n".join(lines)


def _read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """The header and `(line, values)` rows; a malformed file is refused here."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            f"{filename}: not UTF-8 text (byte {error.start})."
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
        rows, line = [], reader.line_num + 1
        for values in reader:
            if any(value.strip() for value in values):
                rows.append((line, values))
            line = reader.line_num + 1
    except StopIteration:
        raise ValidationError(f"{filename}: the file is empty.") from None
    except csv.Error as error:
        raise ValidationError(
            f"{filename}: line {reader.line_num}: not valid CSV ({error})."
        ) from error
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ValidationError(
            f"{filename}: line 1: unknown column(s) {', '.join(unknown)}; "
            f"the columns are {', '.join(COLUMNS)}."
        )
    for required in ("label", "slug"):
        if required not in header:
            raise ValidationError(f"{filename}: line 1: no “{required}” column.")
    problems = []
    for line, values in rows:
        if len(values) != len(header):
            problems.append(
                f"{filename}: line {line}: {len(values)} fields, but the header "
                f"has {len(header)}."
            )
            continue
        problems += [
            f"{filename}: line {line}: {problem}"
            for problem in _row_problems(dict(zip(header, values, strict=True)))
        ]
    if problems:
        raise ValidationError(problems)
    return header, rows


def _row_problems(row: dict[str, str]) -> list[str]:
    """What makes a row unreadable, before any row is compared with the database.

    (Rules that need the database, such as a label naming another term, are
    the import's, and are reported by line too.)
    """
    problems = []
    if not row["label"].strip():
        problems.append("the label is empty.")
    for name, choices in (("status", Term.Status), ("kind", Term.Kind)):
        value = (row.get(name) or "").strip()
        if value and value not in choices.values:
            problems.append(
                f"{name} “{value}” is not one of {', '.join(choices.values)}."
            )
    for text in split_list(row, FEATURED_COLUMN) or []:
        try:
            Passage.parse(text)
        except ValidationError as error:
            problems += error.messages
    return problems


def _claim_row(
    row: dict, result: GlossaryLoadResult, line: int, resource: TermResource
) -> bool:
    """Decide a row's fate before the import; False to leave it out.

    A row is left out when one of its labels, or its slug, belongs to a term
    an editor curated. Candidates holding its labels are merged into one,
    which takes the row's slug, so the import updates it.
    """
    label = (row.get("label") or "").strip()
    labels = [label, *(spec.label for spec in label_specs(row) or [])]
    owners = {owner.pk: owner for text in labels if (owner := label_owner(text))}
    curated = [o for o in owners.values() if o.status != Term.Status.CANDIDATE]
    slug = (row.get("slug") or "").strip()
    by_slug = Term.objects.filter(slug=slug).first() if slug else None
    if curated:
        resource.protected.update(o.pk for o in owners.values())
        resource.protected_labels.update(normalize_label(text) for text in labels)
        owner = curated[0]
        status = owner.get_status_display().lower()
        if owner.slug == slug and resource.row_matches(owner, row):
            result.unchanged.append(label)
        else:
            result.skipped.append(
                SkippedRow(
                    line,
                    label,
                    f"already curated as “{owner.label}” ({status}, slug "
                    f"{owner.slug}); left as it is.",
                )
            )
        return False
    if by_slug is not None and by_slug.pk not in owners:
        result.skipped.append(
            SkippedRow(line, label, f"the address {slug} belongs to “{by_slug.label}”.")
        )
        return False
    if not owners:
        result.created.append(label)
        return True
    # The candidate with the row's own label survives; the others merge into it.
    first = getattr(label_owner(label), "pk", None)
    candidates = sorted(owners.values(), key=lambda t: (t.pk != first, t.pk))
    survivor = candidates[0]
    if candidates[1:]:
        result.merged += [t.label for t in candidates[1:]]
        terms_merge(survivor=survivor, others=candidates[1:])
    if slug and survivor.slug != slug:
        term_update(term=survivor, expected_version=survivor.version, slug=slug)
    row["slug"] = survivor.slug
    result.updated.append(label)
    return True


def glossary_load_file(*, data: bytes, filename: str) -> GlossaryLoadResult:
    """Load a glossary file, all or nothing; curated terms are never changed.

    Raises ValidationError naming the file and line of every problem.
    """
    header, rows = _read_rows(data, filename)
    result = GlossaryLoadResult()
    with transaction.atomic():
        dataset = tablib.Dataset(headers=header)
        resource = TermResource()
        resource.protected, resource.protected_labels = set(), set()
        resource.prepare(tablib.Dataset(*(v for _, v in rows), headers=header))
        lines = []
        for line, values in rows:
            row = dict(zip(header, values, strict=True))
            if _claim_row(row, result, line, resource):
                dataset.append([row[name] for name in header])
                lines.append(line)
        if not lines:
            return result
        imported = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        problems = [f"{filename}: {error.error}" for error in imported.base_errors]
        for number, errors in imported.row_errors():
            problems += [
                f"{filename}: line {lines[number - 1]}: {error.error}"
                for error in errors
            ]
        for invalid in imported.invalid_rows:
            for column, messages in invalid.error_dict.items():
                problems += [
                    f"{filename}: line {lines[invalid.number - 1]}: {column}: {m}"
                    for m in messages
                ]
        if problems:
            raise ValidationError(problems)
    return result
