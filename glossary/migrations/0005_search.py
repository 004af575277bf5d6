"""Indexes for reader search (glossary/search/postgres.py), on PostgreSQL only.

Expression indexes, not stored columns, so the models (and the SQLite demo)
stay as they are. The expressions below are repeated, character for
character, in `glossary/search/postgres.py`: PostgreSQL uses an expression index only
for a query that spells the same expression, and
`tests/test_pages_search.py` checks with EXPLAIN that it does.

- full text (`english`) over a published term's preferred label (weight A),
  short definition (B) and definition (C), partial on published terms;
- full text over every label (`glossary_alias.label`) and over segment text;
- trigrams (`pg_trgm`, GIN) over normalised labels, for misspellings.

On SQLite (the demo) this migration does nothing: search there falls back to
plain substring matching. Reversing drops the indexes and leaves the
`pg_trgm` extension, which other database objects may use.
"""

from django.db import migrations

TERM_DOCUMENT = (
    "setweight(to_tsvector('english', label), 'A')"
    " || setweight(to_tsvector('english', short_definition), 'B')"
    " || setweight(to_tsvector('english', definition), 'C')"
)

POSTGRESQL = [
    ("CREATE EXTENSION IF NOT EXISTS pg_trgm", ""),
    (
        "CREATE INDEX IF NOT EXISTS glossary_term_search_document ON glossary_term "
        f"USING gin (({TERM_DOCUMENT})) WHERE status = 'published'",
        "DROP INDEX IF EXISTS glossary_term_search_document",
    ),
    (
        "CREATE INDEX IF NOT EXISTS glossary_alias_search_label ON glossary_alias "
        "USING gin ((to_tsvector('english', label)))",
        "DROP INDEX IF EXISTS glossary_alias_search_label",
    ),
    (
        "CREATE INDEX IF NOT EXISTS glossary_alias_normalized_trgm ON glossary_alias "
        "USING gin (normalized gin_trgm_ops)",
        "DROP INDEX IF EXISTS glossary_alias_normalized_trgm",
    ),
    (
        "CREATE INDEX IF NOT EXISTS glossary_segment_search_text ON glossary_segment "
        "USING gin ((to_tsvector('english', text)))",
        "DROP INDEX IF EXISTS glossary_segment_search_text",
    ),
]


def _run(apps, schema_editor, *, forward: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for create, drop in POSTGRESQL if forward else reversed(POSTGRESQL):
        statement = create if forward else drop
        if statement:
            schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(apps, schema_editor, forward=True)


def backwards(apps, schema_editor):
    _run(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0004_wikipedia_history_version")]
    operations = [migrations.RunPython(forwards, backwards)]
