"""SQLite's index keeps no copy of its words (issue 16): the FTS5 table becomes contentless, and
the words of its entries wait beside it in a plain table, without their marks (the aside table's
lose theirs too), to name an entry when it leaves the index (`transcripts.search.backends.sqlite`).
The entries are moved, not segmented again. Reversing puts the words back in the FTS5 table.

The delete trigger changes with the table, so it is dropped here; `transcripts.signals` puts the
current one back after `migrate` (and none after reversing: the one of 0008 is made again here).
PostgreSQL is left as it is.
"""

from django.db import migrations

# frozen here, as transcripts.search.backends (a later change there must not change this)
FTS, KEPT, HIDDEN = (
    "transcripts_quote_fts",
    "transcripts_quote_fts_kept",
    "transcripts_quote_fts_hidden",
)
TOKEN, META, BRIEF = "\ue001", "\ue000", "\ue002"
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 0'"
TRIGGERS = (
    "transcripts_quote_fts_delete",
    "transcripts_quote_search_visibility",
    "transcripts_event_search_hide",
    "transcripts_event_search_show",
)


def _marked(column: str, mark: str) -> str:
    marked = f"'{mark}' || replace({column}, ' ', ' {mark}')"
    if column == "tokens":
        marked = f"replace({marked}, '{mark}{BRIEF}', '{BRIEF}')"
    return f"CASE {column} WHEN '' THEN '' ELSE {marked} END"


MARKED = f"grams, {_marked('tokens', TOKEN)}, {_marked('meta', META)}"
UNMARKED = f"grams, replace(tokens, '{TOKEN}', ''), replace(meta, '{META}', '')"

FORWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"CREATE TABLE {KEPT} (quote_id INTEGER PRIMARY KEY, grams TEXT NOT NULL,"
    " tokens TEXT NOT NULL, meta TEXT NOT NULL)",
    f"INSERT INTO {KEPT} (quote_id, grams, tokens, meta) SELECT rowid, {UNMARKED} FROM {FTS}",
    f"UPDATE {HIDDEN} SET (grams, tokens, meta) = (SELECT {UNMARKED})",
    f"DROP TABLE {FTS}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(grams, tokens, meta, content = '', {TOKENIZE})",
    f"INSERT INTO {FTS} (rowid, grams, tokens, meta) SELECT quote_id, {MARKED} FROM {KEPT}",
    f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')",
]
BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP TABLE {FTS}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(grams, tokens, meta, {TOKENIZE})",
    f"INSERT INTO {FTS} (rowid, grams, tokens, meta) SELECT quote_id, {MARKED} FROM {KEPT}",
    f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')",
    f"UPDATE {HIDDEN} SET (grams, tokens, meta) = (SELECT {MARKED})",
    f"DROP TABLE {KEPT}",
    "CREATE TRIGGER transcripts_quote_fts_delete AFTER DELETE ON transcripts_quote"
    f" BEGIN DELETE FROM {FTS} WHERE rowid = old.id; END",
]


def _run(statements, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement, params=None)


def compact(apps, schema_editor):
    _run(FORWARD, schema_editor)


def expand(apps, schema_editor):
    _run(BACKWARD, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0014_event_language_recording")]

    operations = [migrations.RunPython(compact, expand)]
