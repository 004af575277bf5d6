"""Candidate term discovery: from transcript segments to ranked glossary terms.

Pure Python over plain data (no Django, no database): `extract_candidates`
takes (episode key, segments) pairs and returns `Candidate`s with a score
and a rank in each episode, in the whole-show order (`interleave`).
docs/extraction.md explains the method and what was measured.
"""

from __future__ import annotations

from .candidates import (
    KINDS,
    PER_EPISODE,
    Candidate,
    Mention,
    episode_order,
    extract_candidates,
)
from .ranking import interleave

__all__ = [
    "KINDS",
    "PER_EPISODE",
    "Candidate",
    "Mention",
    "episode_order",
    "extract_candidates",
    "interleave",
]
