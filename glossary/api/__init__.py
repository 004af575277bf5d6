"""The REST API for the show-notes site (Django REST framework), under /api/v1/.

Reads go through `glossary.selectors` (shared with the pages; the ETag state
queries in `selectors.state`), `serializers` shapes, `views` wires them with
`caching` (ETag, 304, cached bodies), `filters`, `pagination`, `throttling`
and `errors` (one JSON error shape); `glossary.jsonld` writes the glossary as
schema.org + SKOS; `schema` completes the OpenAPI document. See docs/api.md
and docs/architecture.md.
"""
