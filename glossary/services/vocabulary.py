"""A sound vocabulary: broader/narrower without cycles, and an integrity report.

The checks follow the spirit of VocBench's integrity checks for SKOS: no
concept broader than itself through any path, labels that collide, published
concepts missing a definition or citations, relations to rejected concepts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from ..linking.normalize import normalize_label
from ..models import Alias, Term


def _broader_edges(exclude_from: int | None = None) -> dict[int, set[int]]:
    """term id → ids of its broader terms (one query)."""
    edges: dict[int, set[int]] = {}
    rows = Term.broader.through.objects.values_list("from_term_id", "to_term_id")
    for child, parent in rows:
        if child != exclude_from:
            edges.setdefault(child, set()).add(parent)
    return edges


def _path(edges: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A broader path start → … → goal, breadth first (shortest), if any."""
    previous: dict[int, int | None] = {start: None}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for parent in sorted(edges.get(node, ())):
                if parent in previous:
                    continue
                previous[parent] = node
                if parent == goal:
                    path = [parent]
                    while previous[path[-1]] is not None:
                        path.append(previous[path[-1]])  # type: ignore[arg-type]
                    return path[::-1]
                following.append(parent)
        frontier = following
    return None


def named_path(ids: list[int]) -> str:
    """Term ids as their labels joined by arrows (one query)."""
    labels = dict(Term.objects.filter(pk__in=ids).values_list("pk", "label"))
    return " → ".join(f"“{labels.get(i, i)}”" for i in ids)


def check_broader(*, term: Term, broader: Iterable[Term]) -> None:
    """Refuse broader terms that would make a cycle, naming the path.

    `broader` replaces the term's broader terms. A term broader than itself
    is refused, and so is a parent from which the term is already reachable
    going up: that would make it both broader and narrower than the parent.
    """
    parents = [t.pk for t in broader]
    if term.pk is None:
        return
    if term.pk in parents:
        raise ValidationError(
            {"broader": f"“{term.label}” cannot be broader than itself."}
        )
    edges = _broader_edges(exclude_from=term.pk)
    for parent in parents:
        path = _path(edges, parent, term.pk)
        if path is not None:
            raise ValidationError(
                {
                    "broader": "A broader term cannot also be narrower: "
                    + named_path([term.pk, *path])
                    + " makes a cycle."
                }
            )


def broader_cycles() -> list[list[int]]:
    """Every cycle of broader relations, each as a path of term ids."""
    edges = _broader_edges()
    cycles, seen = [], set()
    for node in sorted(edges):
        for parent in sorted(edges[node]):
            if parent == node:
                cycle = [node, node]
            else:
                back = _path(edges, parent, node)
                if back is None:
                    continue
                cycle = [node, *back]
            key = frozenset(cycle)
            if key not in seen:
                seen.add(key)
                cycles.append(cycle)
    return cycles


@dataclass
class IntegrityReport:
    cycles: list[str] = field(default_factory=list)
    duplicate_labels: list[tuple[str, list[Term]]] = field(default_factory=list)
    near_duplicate_labels: list[tuple[str, list[Term]]] = field(default_factory=list)
    without_definition: list[Term] = field(default_factory=list)
    without_citations: list[Term] = field(default_factory=list)
    related_to_rejected: list[tuple[Term, Term, str]] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(
            len(getattr(self, name))
            for name in (
                "cycles",
                "duplicate_labels",
                "near_duplicate_labels",
                "without_definition",
                "without_citations",
                "related_to_rejected",
            )
        )


def vocabulary_integrity() -> IntegrityReport:
    """What an editor should fix; a fixed number of queries."""
    report = IntegrityReport(cycles=[named_path(c) for c in broader_cycles()])
    terms = Term.objects.in_bulk()
    by_key: dict[str, set[int]] = {}
    by_loose: dict[str, set[int]] = {}
    for term_id, key in Alias.objects.values_list("term_id", "normalized"):
        by_key.setdefault(key, set()).add(term_id)
        # Near duplicates: the same letters and digits once spaces,
        # punctuation and a plural "s" are set aside.
        loose = "".join(c for c in normalize_label(key) if c.isalnum()).removesuffix(
            "s"
        )
        by_loose.setdefault(loose, set()).add(term_id)
    for key, ids in sorted(by_key.items()):
        if len(ids) > 1:
            report.duplicate_labels.append((key, [terms[i] for i in sorted(ids)]))
    exact = {frozenset(ids) for ids in by_key.values() if len(ids) > 1}
    for key, ids in sorted(by_loose.items()):
        if len(ids) > 1 and frozenset(ids) not in exact:
            report.near_duplicate_labels.append((key, [terms[i] for i in sorted(ids)]))
    published = Term.objects.published()
    report.without_definition = list(
        published.filter(short_definition="", definition="")
    )
    report.without_citations = list(
        published.annotate(n=Count("citations")).filter(n=0)
    )
    rejected = Q(to_term__status=Term.Status.REJECTED)
    for through, name in (
        (Term.related.through, "related"),
        (Term.broader.through, "broader"),
    ):
        for child, parent in through.objects.filter(rejected).values_list(
            "from_term_id", "to_term_id"
        ):
            report.related_to_rejected.append((terms[child], terms[parent], name))
    return report
