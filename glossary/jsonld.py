"""JSON-LD for search engines and thesaurus tools: one concept, or the glossary.

A concept's page embeds `defined_term` (schema.org, in a `<script>` made
safe by `script_json`); the API serves `glossary_document`, the whole
published glossary as schema.org and SKOS in one graph.

In the document, each concept is both a schema.org `DefinedTerm` (what
search engines and schema.org tools read) and a SKOS `Concept` (what
thesaurus tools read: preferred, alternative and hidden labels, broader,
narrower and related concepts, the definition). The set is a `DefinedTermSet` and a SKOS
`ConceptScheme`. Identifiers are the reader pages' URLs, the same `@id`s the
concept pages embed, so the two descriptions merge into one graph.

Each takes loaded rows and URLs and returns a dict: no queries here. (A
found Wikipedia article reads the `wikipedia` the selectors joined.)
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from .models import Alias, Term, WikipediaArticle
from .selectors.glossary import GlossaryGraph
from .wikipedia.attribution import article_url

SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"

CONTEXT: dict[str, Any] = {
    "schema": SCHEMA,
    "skos": SKOS,
    "@language": "en",
    # Values that are links, not text.
    "schema:url": {"@type": "@id"},
    "schema:sameAs": {"@type": "@id"},
    "schema:inDefinedTermSet": {"@type": "@id"},
    "skos:inScheme": {"@type": "@id"},
    "skos:broader": {"@type": "@id"},
    "skos:narrower": {"@type": "@id"},
    "skos:related": {"@type": "@id"},
    # Identifiers and dates carry no language.
    "schema:termCode": {"@language": None},
    "schema:dateModified": {"@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
}

LABEL_KEYS = {
    Alias.Kind.ABBREVIATION: "skos:altLabel",
    Alias.Kind.ALTERNATIVE: "skos:altLabel",
    Alias.Kind.HIDDEN: "skos:hiddenLabel",
}


def glossary_document(
    glossary: GlossaryGraph,
    *,
    name: str,
    set_url: str,
    term_url: Callable[[str], str],
) -> dict[str, Any]:
    """The whole glossary as one JSON-LD document.

    `set_url` identifies the set (the A–Z index page); `term_url(slug)` each
    concept (its page).
    """
    urls = {term.pk: term_url(term.slug) for term in glossary.terms}
    labels: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for term_id, label, kind in glossary.labels:
        key = LABEL_KEYS.get(kind)
        if key:
            labels[term_id][key].append(label)
    links: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for one, other in glossary.related:
        links[one]["skos:related"].append(other)
    for narrower, broader in glossary.broader:
        links[narrower]["skos:broader"].append(broader)
        links[broader]["skos:narrower"].append(narrower)

    concepts = []
    for term in glossary.terms:
        url = urls[term.pk]
        concept: dict[str, Any] = {
            "@id": url,
            "@type": ["schema:DefinedTerm", "skos:Concept"],
            "schema:name": term.label,
            "schema:termCode": term.slug,
            "schema:url": url,
            "schema:inDefinedTermSet": set_url,
            "skos:inScheme": set_url,
            "skos:prefLabel": term.label,
        }
        concept.update(sorted(labels[term.pk].items()))
        if term.short_definition:
            concept["schema:description"] = term.short_definition
        definition = term.definition.strip() or term.short_definition
        if definition:
            concept["skos:definition"] = definition
        for key, others in sorted(links[term.pk].items()):
            targets = sorted({urls[other] for other in others if other in urls})
            if targets:
                concept[key] = targets
        article = WikipediaArticle.shown_for(term)
        if article is not None:
            concept["schema:sameAs"] = article_url(article)
        concept["schema:dateModified"] = term.updated_at.isoformat()
        concepts.append(concept)

    return {
        "@context": CONTEXT,
        "@id": set_url,
        "@type": ["schema:DefinedTermSet", "skos:ConceptScheme"],
        "schema:name": name,
        "schema:url": set_url,
        "schema:hasDefinedTerm": concepts,
    }


def defined_term(
    term: Term,
    *,
    url: str,
    description: str,
    set_url: str,
    set_name: str,
    wikipedia: WikipediaArticle | None,
) -> dict[str, Any]:
    """schema.org DefinedTerm: what search engines read on a concept's page.

    `term` is read as `selectors.terms.concept_for_page` loads it.
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "@id": url,
        "url": url,
        "name": term.label,
        "termCode": term.slug,
        "description": description,
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "@id": set_url,
            "url": set_url,
            "name": set_name,
        },
    }
    alternate = [alias.label for alias in term.shown_aliases]
    if alternate:
        data["alternateName"] = alternate
    if wikipedia is not None:
        data["sameAs"] = [article_url(wikipedia)]
    if term.updated_at:
        data["dateModified"] = term.updated_at.isoformat()
    return data


_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data: dict[str, Any]) -> SafeString:
    """JSON for a `<script type="application/ld+json">`: `<`, `>` and `&`
    escaped, so no text in it can close the script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308
