"""Citations: editors' own (`manual`), automatic ones kept current (`refresh`)."""

from .manual import (
    citation_add_manual,
    citation_build_manual,
    citation_delete,
    citation_feature_passage,
    citation_update,
    citations_delete,
    passage_citation,
    passage_find,
)
from .refresh import RefreshResult, citations_refresh

__all__ = [
    "RefreshResult",
    "citation_add_manual",
    "citation_build_manual",
    "citation_delete",
    "citation_feature_passage",
    "citation_update",
    "citations_delete",
    "citations_refresh",
    "passage_citation",
    "passage_find",
]
