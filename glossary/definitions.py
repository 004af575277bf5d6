"""A definition as readers see it: the concept page and the admin's preview.

One function, so the preview beside the editor's Markdown is exactly what the
page will show (sanitised HTML, other concepts linked once each).
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from .linking import link_html
from .matchers import GlossaryLinker
from .models import Term
from .rendering import render_markdown

#: Links to other concepts in one definition, at most.
DEFINITION_MAX_LINKS = 20


def linked_definition(term: Term, glossary: GlossaryLinker) -> SafeString:
    """The definition as safe HTML, other concepts in it linked once each."""
    html = render_markdown(term.definition)
    if not html:
        return mark_safe("")  # noqa: S308 (empty)
    terms = glossary.terms
    linked, _matches = link_html(
        glossary.matcher,
        html,
        href_for=lambda term_id: terms[term_id].url,
        title_for=lambda term_id: terms[term_id].short_definition or None,
        max_links=DEFINITION_MAX_LINKS,
        skip_terms=frozenset({term.pk}),
    )
    # render_markdown's output is sanitised; link_html only adds <a> tags
    # with escaped attribute values around text it was given.
    return mark_safe(linked)  # noqa: S308
