"""The search index holds only the quotes readers may see (issue 12): the entries of hidden
quotes (unpublished, or in an unpublished event) move to a table of their own, so a large draft
no longer slows every search. PostgreSQL also gets a table for the pieces of very long quotes
(a 200,000-character quote was too long for one tsvector), with its own GIN index; its delete
and truncate triggers clean up both new tables.

The triggers that move entries when a flag changes are installed after every `migrate`
(`transcripts.search.visibility`, from `transcripts.signals`), which also moves the entries this
migration leaves: here only the tables are made. Reversing moves every entry back into the index
and drops the tables.
"""

from django.db import migrations

SQLITE = [
    "CREATE TABLE transcripts_quote_fts_hidden ("
    " quote_id INTEGER PRIMARY KEY, grams TEXT NOT NULL, tokens TEXT NOT NULL,"
    " meta TEXT NOT NULL)",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS transcripts_quote_search_visibility",
    "DROP TRIGGER IF EXISTS transcripts_event_search_hide",
    "DROP TRIGGER IF EXISTS transcripts_event_search_show",
    "DROP TRIGGER IF EXISTS transcripts_quote_fts_hidden_delete",
    "INSERT OR REPLACE INTO transcripts_quote_fts (rowid, grams, tokens, meta)"
    " SELECT quote_id, grams, tokens, meta FROM transcripts_quote_fts_hidden",
    "DROP TABLE transcripts_quote_fts_hidden",
]


def _forget(tables: list[str]) -> list[str]:
    """PostgreSQL's delete and truncate trigger functions (0002), cleaning up `tables`."""
    deletes = " ".join(
        f"DELETE FROM {table} WHERE quote_id IN (SELECT id FROM deleted_quotes);"
        for table in tables
    )
    return [
        "CREATE OR REPLACE FUNCTION transcripts_quote_search_forget() RETURNS trigger"
        f" LANGUAGE plpgsql AS $$ BEGIN {deletes} RETURN NULL; END $$",
        "CREATE OR REPLACE FUNCTION transcripts_quote_search_truncate() RETURNS trigger"
        f" LANGUAGE plpgsql AS $$ BEGIN TRUNCATE {', '.join(tables)}; RETURN NULL; END $$",
    ]


POSTGRES_TABLES = [
    "transcripts_quote_search",
    "transcripts_quote_search_hidden",
    "transcripts_quote_search_piece",
]
POSTGRES = [
    # no foreign keys, as in 0002: Django's flush truncates the quote table alone
    "CREATE TABLE transcripts_quote_search_hidden ("
    " quote_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE TABLE transcripts_quote_search_piece ("
    " quote_id bigint NOT NULL, piece integer NOT NULL, document tsvector NOT NULL,"
    " PRIMARY KEY (quote_id, piece))",
    "CREATE INDEX transcripts_quote_search_piece_document"
    " ON transcripts_quote_search_piece USING GIN (document)",
    *_forget(POSTGRES_TABLES),
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS transcripts_quote_search_visibility ON transcripts_quote",
    "DROP TRIGGER IF EXISTS transcripts_event_search_visibility ON transcripts_event",
    "DROP FUNCTION IF EXISTS transcripts_quote_search_visibility()",
    "DROP FUNCTION IF EXISTS transcripts_event_search_visibility()",
    *_forget(POSTGRES_TABLES[:1]),
    "INSERT INTO transcripts_quote_search (quote_id, document)"
    " SELECT quote_id, document FROM transcripts_quote_search_hidden"
    " ON CONFLICT (quote_id) DO NOTHING",
    # a very long quote cannot be one row again: it leaves the index (rebuild_search_index)
    "DROP TABLE transcripts_quote_search_piece",
    "DROP TABLE transcripts_quote_search_hidden",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0010_pending_upload")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
