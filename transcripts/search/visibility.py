"""The index holds exactly the quotes readers may see: database triggers keep it so.

A quote is public when it is published and so is its event. The entries of the others wait aside
(`backends.HIDDEN`), as the index wrote them. Publishing or taking down a quote or an event moves
its entries across in SQL (no word is segmented again), whichever way the flag was set: a
`save()`, a `QuerySet.update()`, or SQL of one's own. The search then answers from the index
alone and a hidden event costs it nothing, however large.

The triggers live here, not in a migration: on SQLite, a trigger that names another table stops
Django from rebuilding that table (SQLite's ALTER TABLE checks every trigger while the table is
gone, and a migration that adds a field rebuilds it), and a rebuilt table loses its own triggers.
So they are taken down before `migrate` runs and put back after it (`transcripts.signals`),
followed by `sync`, which moves any entry a migration left on the wrong side. The delete triggers
that clean up the index when a quote goes are put back too.
"""

from __future__ import annotations

from django.db import connections

from .backends import HIDDEN, PG_TABLE
from .backends.sqlite import COLUMNS, KEPT, index_sql, unindex_sql

QUOTE, EVENT = "transcripts_quote", "transcripts_event"
SQLITE_HIDDEN = HIDDEN["sqlite"]
PG_HIDDEN = HIDDEN["postgresql"]

# SQLite ------------------------------------------------------------------------------------------

_SQLITE_PUBLIC = f"new.published AND (SELECT published FROM {EVENT} WHERE id = new.event_id)"


def _sqlite_move(direction: str, where: str) -> str:
    """Three statements moving the entries of the quotes `where` picks into the index ("in")
    or out of it ("out"), with the words kept beside each (`backends.sqlite.KEPT`)."""
    picked = f"quote_id IN ({where})"
    source, target = (SQLITE_HIDDEN, KEPT) if direction == "in" else (KEPT, SQLITE_HIDDEN)
    # out: the index forgets the entry while its words are still there to name it
    change = index_sql(SQLITE_HIDDEN, picked) if direction == "in" else unindex_sql(picked)
    return (
        f"{change}; INSERT OR REPLACE INTO {target} (quote_id, {COLUMNS})"
        f" SELECT quote_id, {COLUMNS} FROM {source} WHERE {picked};"
        f" DELETE FROM {source} WHERE {picked};"
    )


SQLITE_TRIGGERS = {
    # these name only the index's own tables: kept through migrations, put back after them
    "transcripts_quote_fts_delete": (
        f"AFTER DELETE ON {QUOTE} BEGIN {unindex_sql('quote_id = old.id')};"
        f" DELETE FROM {KEPT} WHERE quote_id = old.id; END"
    ),
    "transcripts_quote_fts_hidden_delete": (
        f"AFTER DELETE ON {QUOTE} BEGIN DELETE FROM {SQLITE_HIDDEN} WHERE quote_id = old.id; END"
    ),
    # these name the other model's table: taken down while migrations run
    "transcripts_quote_search_visibility": (
        f"AFTER UPDATE OF published, event_id ON {QUOTE}"
        " WHEN old.published IS NOT new.published OR old.event_id IS NOT new.event_id BEGIN "
        + _sqlite_move("out", f"SELECT new.id WHERE NOT coalesce({_SQLITE_PUBLIC}, 0)")
        + _sqlite_move("in", f"SELECT new.id WHERE {_SQLITE_PUBLIC}")
        + " END"
    ),
    "transcripts_event_search_hide": (
        f"AFTER UPDATE OF published ON {EVENT} WHEN old.published AND NOT new.published BEGIN "
        + _sqlite_move("out", f"SELECT id FROM {QUOTE} WHERE event_id = new.id")
        + " END"
    ),
    "transcripts_event_search_show": (
        f"AFTER UPDATE OF published ON {EVENT} WHEN new.published AND NOT old.published BEGIN "
        + _sqlite_move("in", f"SELECT id FROM {QUOTE} WHERE event_id = new.id AND published")
        + " END"
    ),
}
SQLITE_CROSS_TABLE = (
    "transcripts_quote_search_visibility",
    "transcripts_event_search_hide",
    "transcripts_event_search_show",
)
# every quote that is not public, from small indexes (unpublished quotes; a draft's quotes)
_SQLITE_NOT_PUBLIC = (
    f"SELECT id FROM {QUOTE} WHERE NOT published UNION ALL SELECT id FROM {QUOTE}"
    f" WHERE event_id IN (SELECT id FROM {EVENT} WHERE NOT published)"
)
_SQLITE_PUBLIC_ASIDE = (
    f"SELECT h.quote_id FROM {SQLITE_HIDDEN} h JOIN {QUOTE} q ON q.id = h.quote_id"
    f" JOIN {EVENT} e ON e.id = q.event_id WHERE q.published AND e.published"
)

# PostgreSQL --------------------------------------------------------------------------------------

_PG_COLUMNS = "recall, meta, brief"


def _pg_move(direction: str, condition: str) -> str:
    """One statement moving the rows of the quotes `q` that `condition` picks into the index
    ("in") or out of it ("out")."""
    source, target = (PG_HIDDEN, PG_TABLE) if direction == "in" else (PG_TABLE, PG_HIDDEN)
    return (
        f"WITH moved AS (DELETE FROM {source} x USING {QUOTE} q, {EVENT} e"
        f" WHERE q.id = x.quote_id AND e.id = q.event_id AND {condition}"
        " RETURNING x.quote_id, x.recall, x.meta, x.brief)"
        f" INSERT INTO {target} (quote_id, {_PG_COLUMNS}) SELECT quote_id, {_PG_COLUMNS}"
        " FROM moved ON CONFLICT (quote_id) DO UPDATE SET"
        " recall = EXCLUDED.recall, meta = EXCLUDED.meta, brief = EXCLUDED.brief;"
    )


_PG_PUBLIC = "q.published AND e.published"
PG_FUNCTIONS = {
    # row triggers: only rows whose flag (or event) changed call them
    "transcripts_quote_search_visibility": (
        f"{QUOTE}",
        "AFTER UPDATE OF published, event_id",
        "OLD.published IS DISTINCT FROM NEW.published"
        " OR OLD.event_id IS DISTINCT FROM NEW.event_id",
        _pg_move("out", f"q.id = NEW.id AND NOT ({_PG_PUBLIC})")
        + _pg_move("in", f"q.id = NEW.id AND {_PG_PUBLIC}"),
    ),
    "transcripts_event_search_visibility": (
        f"{EVENT}",
        "AFTER UPDATE OF published",
        "OLD.published IS DISTINCT FROM NEW.published",
        _pg_move("out", f"e.id = NEW.id AND NOT ({_PG_PUBLIC})")
        + _pg_move("in", f"e.id = NEW.id AND {_PG_PUBLIC}"),
    ),
}


# Installing --------------------------------------------------------------------------------------


def _has_index_tables(connection) -> bool:
    """Whether the migrations that made the tables and columns the triggers name have run (not
    before them, nor after they were reversed): the aside tables (0011), SQLite's kept words
    (0015), PostgreSQL's columns (0016). Before them, the triggers of their time are in place."""
    tables = connection.introspection.table_names()
    if HIDDEN.get(connection.vendor) not in tables:
        return False
    if connection.vendor == "sqlite":
        return KEPT in tables
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, PG_HIDDEN)
    return "recall" in {column.name for column in columns}


def uninstall(using: str = "default") -> None:
    """Take the triggers that name another model's table down (SQLite, before migrating)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in SQLITE_CROSS_TABLE:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(using: str = "default") -> None:
    """Put every trigger (back) in place, then move the entries a migration may have left on
    the wrong side. Does nothing before the index's migrations have run."""
    connection = connections[using]
    if connection.vendor not in HIDDEN or not _has_index_tables(connection):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        else:
            for name, (table, event, when, body) in PG_FUNCTIONS.items():
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                    f" BEGIN {body} RETURN NULL; END $$"
                )
                # made once (a changed WHEN clause would need a migration that drops it)
                cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [name])
                if not cursor.fetchone():
                    cursor.execute(
                        f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW WHEN ({when})"
                        f" EXECUTE FUNCTION {name}()"
                    )
    sync(using)


def sync(using: str = "default") -> None:
    """Move every entry to its side: out of the index for quotes that are not public, into it
    for those that are. Costs a look-up per hidden quote; nothing moves when all is in place."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in (
                _sqlite_move("out", _SQLITE_NOT_PUBLIC) + _sqlite_move("in", _SQLITE_PUBLIC_ASIDE)
            ).split(";"):
                if statement.strip():
                    cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(_pg_move("out", f"NOT ({_PG_PUBLIC})"))
            cursor.execute(_pg_move("in", _PG_PUBLIC))
