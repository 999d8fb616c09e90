"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on
PostgreSQL (see transcripts/search/backends.py). Filled by `rebuild_search_index`."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE transcripts_quote_fts USING fts5("
    "grams, tokens, meta, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE transcripts_quote_fts"]
POSTGRES = [
    # No foreign key to transcripts_quote: PostgreSQL refuses to TRUNCATE a table another one
    # references, and Django's flush (`manage.py flush`, transactional tests) truncates its own
    # tables only. Triggers do what ON DELETE CASCADE did, and follow a TRUNCATE too.
    "CREATE TABLE transcripts_quote_search ("
    " quote_id bigint PRIMARY KEY,"
    " document tsvector NOT NULL)",
    "CREATE INDEX transcripts_quote_search_document ON transcripts_quote_search USING GIN (document)",
    "CREATE FUNCTION transcripts_quote_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    " DELETE FROM transcripts_quote_search WHERE quote_id IN (SELECT id FROM deleted_quotes);"
    " RETURN NULL;"
    " END $$",
    "CREATE TRIGGER transcripts_quote_search_forget AFTER DELETE ON transcripts_quote"
    " REFERENCING OLD TABLE AS deleted_quotes"
    " FOR EACH STATEMENT EXECUTE FUNCTION transcripts_quote_search_forget()",
    "CREATE FUNCTION transcripts_quote_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN TRUNCATE transcripts_quote_search; RETURN NULL; END $$",
    "CREATE TRIGGER transcripts_quote_search_truncate AFTER TRUNCATE ON transcripts_quote"
    " FOR EACH STATEMENT EXECUTE FUNCTION transcripts_quote_search_truncate()",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS transcripts_quote_search_truncate ON transcripts_quote",
    "DROP TRIGGER IF EXISTS transcripts_quote_search_forget ON transcripts_quote",
    "DROP FUNCTION IF EXISTS transcripts_quote_search_truncate()",
    "DROP FUNCTION IF EXISTS transcripts_quote_search_forget()",
    "DROP TABLE transcripts_quote_search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
