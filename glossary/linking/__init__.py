"""The linker: finds glossary terms in text and HTML. Pure Python, no Django."""

from .html import DEFAULT_SKIP_ELEMENTS, link_html
from .matcher import Entry, Match, Matcher
from .normalize import normalize_label

__all__ = [
    "DEFAULT_SKIP_ELEMENTS",
    "Entry",
    "Match",
    "Matcher",
    "link_html",
    "normalize_label",
]
