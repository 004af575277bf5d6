"""A citation's character span must lie inside its segment's text.

A check constraint cannot read another table, so this is a pair of triggers,
written for PostgreSQL and for SQLite (the demo database): one on citations,
one on segments whose text changes under their citations.
"""

from django.db import migrations

POSTGRESQL = [
    (
        """
        CREATE FUNCTION glossary_citation_span_check() RETURNS trigger AS $$
        BEGIN
            IF NEW.end_char IS NOT NULL AND NEW.end_char > (
                SELECT char_length(text) FROM glossary_segment WHERE id = NEW.segment_id
            ) THEN
                RAISE EXCEPTION 'citation span %-% lies outside segment %',
                    NEW.start_char, NEW.end_char, NEW.segment_id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER glossary_citation_span_inside_segment
            BEFORE INSERT OR UPDATE ON glossary_citation
            FOR EACH ROW EXECUTE FUNCTION glossary_citation_span_check();

        CREATE FUNCTION glossary_segment_text_check() RETURNS trigger AS $$
        BEGIN
            IF EXISTS (
                SELECT 1 FROM glossary_citation
                WHERE segment_id = NEW.id AND end_char > char_length(NEW.text)
            ) THEN
                RAISE EXCEPTION 'segment % text is shorter than a citation span in it', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER glossary_segment_text_covers_citations
            BEFORE UPDATE OF text ON glossary_segment
            FOR EACH ROW EXECUTE FUNCTION glossary_segment_text_check();
        """,
        """
        DROP TRIGGER IF EXISTS glossary_segment_text_covers_citations ON glossary_segment;
        DROP FUNCTION IF EXISTS glossary_segment_text_check();
        DROP TRIGGER IF EXISTS glossary_citation_span_inside_segment ON glossary_citation;
        DROP FUNCTION IF EXISTS glossary_citation_span_check();
        """,
    )
]

SQLITE = [
    (
        """
        CREATE TRIGGER glossary_citation_span_insert BEFORE INSERT ON glossary_citation
        WHEN NEW.end_char IS NOT NULL AND NEW.end_char > (
            SELECT length(text) FROM glossary_segment WHERE id = NEW.segment_id)
        BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: citation span outside segment'); END;
        """,
        "DROP TRIGGER IF EXISTS glossary_citation_span_insert;",
    ),
    (
        """
        CREATE TRIGGER glossary_citation_span_update BEFORE UPDATE ON glossary_citation
        WHEN NEW.end_char IS NOT NULL AND NEW.end_char > (
            SELECT length(text) FROM glossary_segment WHERE id = NEW.segment_id)
        BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: citation span outside segment'); END;
        """,
        "DROP TRIGGER IF EXISTS glossary_citation_span_update;",
    ),
    (
        """
        CREATE TRIGGER glossary_segment_text_update BEFORE UPDATE OF text ON glossary_segment
        WHEN EXISTS (SELECT 1 FROM glossary_citation
                     WHERE segment_id = NEW.id AND end_char > length(NEW.text))
        BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: segment shorter than a citation'); END;
        """,
        "DROP TRIGGER IF EXISTS glossary_segment_text_update;",
    ),
]


def _run(apps, schema_editor, *, forward: bool) -> None:
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(
        schema_editor.connection.vendor, []
    )
    for create, drop in statements if forward else reversed(statements):
        schema_editor.execute(create if forward else drop, params=None)


def forwards(apps, schema_editor):
    _run(apps, schema_editor, forward=True)


def backwards(apps, schema_editor):
    _run(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("glossary", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
