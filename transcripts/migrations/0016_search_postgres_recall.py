"""PostgreSQL's index answers the count from its GIN index (issue 16).

The weighted `document` (grams A, metadata B, jieba tokens C) made GIN recheck every candidate
row: a weight label is not in the index, so PostgreSQL re-read and unpacked each stored tsvector
(about 1.5 kB, much of it in TOAST), and the count for a common word read tens of thousands of
them. The row now holds what each question needs, apart:

- `recall`: the grams, with positions and no weights (a plain word is decided by the index);
- `meta`: the speaker's, topic's and tags' grams (tier 1), a small vector with its own index;
- `brief`: whether the quote ranks after the substantive ones of its tier.

Jieba's tokens no longer enter PostgreSQL's rank (ts_rank over the grams); they stay in SQLite's
bm25. Existing entries are converted in SQL (no word is segmented again), in both tables; the
aside table gets the same columns, as the visibility triggers copy rows between them. Reversing
rebuilds `document` from the three columns (the tokens are lost: `rebuild_search_index`).
"""

from django.db import migrations

TABLES = ("transcripts_quote_search", "transcripts_quote_search_hidden")
BRIEF = "E'\\'\\ue002\\''::tsquery"  # the brief marker's lexeme in the old `document`


def _forward(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN recall tsvector NOT NULL DEFAULT '',"
        " ADD COLUMN meta tsvector NOT NULL DEFAULT '',"
        " ADD COLUMN brief boolean NOT NULL DEFAULT false",
        # setweight D clears the labels: D is no label at all
        f"UPDATE {table} SET recall = setweight(ts_filter(document, '{{a}}'), 'D'),"
        f" meta = setweight(ts_filter(document, '{{b}}'), 'D'), brief = document @@ {BRIEF}",
        f"ALTER TABLE {table} DROP COLUMN document",
        f"ALTER TABLE {table} ALTER COLUMN recall DROP DEFAULT, ALTER COLUMN meta DROP DEFAULT,"
        " ALTER COLUMN brief DROP DEFAULT",
    ]


def _reverse(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ADD COLUMN document tsvector NOT NULL DEFAULT ''",
        f"UPDATE {table} SET document = setweight(recall, 'A') || setweight(meta, 'B')"
        " || CASE WHEN brief THEN E'\\'\\ue002\\''::tsvector ELSE ''::tsvector END",
        f"ALTER TABLE {table} DROP COLUMN recall, DROP COLUMN meta, DROP COLUMN brief",
        f"ALTER TABLE {table} ALTER COLUMN document DROP DEFAULT",
    ]


POSTGRES = [
    # the moving triggers copy `document`: put back (new columns) after migrate (`visibility`)
    "DROP TRIGGER IF EXISTS transcripts_quote_search_visibility ON transcripts_quote",
    "DROP TRIGGER IF EXISTS transcripts_event_search_visibility ON transcripts_event",
    *(statement for table in TABLES for statement in _forward(table)),
    "CREATE INDEX transcripts_quote_search_recall ON transcripts_quote_search USING GIN (recall)",
    "CREATE INDEX transcripts_quote_search_meta ON transcripts_quote_search USING GIN (meta)",
    "ANALYZE transcripts_quote_search",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS transcripts_quote_search_visibility ON transcripts_quote",
    "DROP TRIGGER IF EXISTS transcripts_event_search_visibility ON transcripts_event",
    "DROP FUNCTION IF EXISTS transcripts_quote_search_visibility()",
    "DROP FUNCTION IF EXISTS transcripts_event_search_visibility()",
    *(statement for table in TABLES for statement in _reverse(table)),
    "CREATE INDEX transcripts_quote_search_document ON transcripts_quote_search"
    " USING GIN (document)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0015_search_sqlite_compact")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
