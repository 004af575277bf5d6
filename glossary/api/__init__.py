"""The REST API for the show-notes site (Django REST framework), under /api/v1/.

`queries` reads (one place per use, fixed query counts), `serializers`
shapes, `views` wires them with `caching` (ETag, 304, cached bodies),
`filters`, `pagination`, `throttling` and `errors` (one JSON error shape);
`jsonld` writes the glossary as schema.org + SKOS; `schema` completes the
OpenAPI document. See docs/api.md.
"""
