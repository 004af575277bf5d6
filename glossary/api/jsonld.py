"""The published glossary as JSON-LD: schema.org and SKOS in one graph.

Each concept is both a schema.org `DefinedTerm` (what search engines and
schema.org tools read) and a SKOS `Concept` (what thesaurus tools read:
preferred, alternative and hidden labels, broader, narrower and related
concepts, the definition). The set is a `DefinedTermSet` and a SKOS
`ConceptScheme`. Identifiers are the reader pages' URLs, the same `@id`s the
concept pages embed, so the two descriptions merge into one graph.

Pure: takes plain rows and URL builders, returns a dict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..models import Alias, WikipediaArticle
from ..wikipedia.attribution import article_url
from .queries import Glossary

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
    glossary: Glossary,
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
