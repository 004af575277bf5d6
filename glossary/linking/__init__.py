"""The linker: finds glossary terms in text and HTML. Pure Python, no Django."""

from .html import DEFAULT_SKIP_ELEMENTS, explain_html, link_html
from .matcher import Entry, Explained, Match, Matcher
from .normalize import normalize_label

__all__ = [
    "DEFAULT_SKIP_ELEMENTS",
    "Entry",
    "Explained",
    "Match",
    "Matcher",
    "explain_html",
    "link_html",
    "normalize_label",
]
