"""The full-text index: an FTS5 table on SQLite, a tsvector table with a GIN index on
PostgreSQL (see transcripts/search/backends.py). Filled by `rebuild_search_index`."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE transcripts_quote_fts USING fts5("
    "grams, tokens, meta, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE transcripts_quote_fts"]
POSTGRES = [
    "CREATE TABLE transcripts_quote_search ("
    " quote_id bigint PRIMARY KEY REFERENCES transcripts_quote (id)"
    " ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
    " document tsvector NOT NULL)",
    "CREATE INDEX transcripts_quote_search_document ON transcripts_quote_search USING GIN (document)",
]
POSTGRES_REVERSE = ["DROP TABLE transcripts_quote_search"]


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
