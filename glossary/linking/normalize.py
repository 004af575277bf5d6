"""Label normalisation shared by the linker, extraction and the database.

Two labels that normalise alike name the same thing: Unicode NFKC, case
folded, curly and straight apostrophes alike, hyphens and spaces alike,
runs of white space collapsed.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"}
)
HYPHENS_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014]+")


def normalize_label(label: str) -> str:
    """The key under which a label is unique: `"Open-Source"` → `"open source"`."""
    text = unicodedata.normalize("NFKC", label).translate(APOSTROPHES).casefold()
    return HYPHENS_RE.sub(" ", text).strip()
