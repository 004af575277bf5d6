"""Candidate term discovery: from transcript segments to ranked glossary terms.

Pure Python over plain data (no Django, no database): `extract_candidates`
takes (episode key, segments) pairs and returns `Candidate`s, best first.
docs/extraction.md explains the method and what was measured.
"""

from __future__ import annotations

from .candidates import KINDS, Candidate, Mention, extract_candidates

__all__ = ["KINDS", "Candidate", "Mention", "extract_candidates"]
