"""The outbox: changes the optional Tantivy index (`backends.tantivy`) has yet to take in.

That index lives beside the database, in files no database transaction covers, so every change
to what it should hold is first written as a row here (a quote id), in the transaction that made
the change: by the backend when the search service writes or deletes entries, and by database
triggers when a quote's or an event's `published` flag changes, a quote moves to another event,
or quotes are deleted, however that was done (a `save()`, a `QuerySet.update()`, SQL of one's
own). After the commit the backend applies the rows and deletes them, each by its own id: a
change made meanwhile has a row of its own and stays. A crash between the commit and the index
write loses nothing: the rows stay until the next drain applies them.

The triggers exist only while `SEARCH_BACKEND` is `tantivy` (the database backends need no
outbox), and on SQLite, like `visibility`'s, they come down before `migrate` (one names the quote
table from the event table's trigger, which stops Django from rebuilding the quote table) and go
back up after it (`transcripts.signals`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, connections

TABLE = "transcripts_search_outbox"
QUOTE, EVENT = "transcripts_quote", "transcripts_event"

SQLITE_TRIGGERS = {
    "transcripts_search_outbox_quote": (
        f"AFTER UPDATE OF published, event_id ON {QUOTE}"
        " WHEN old.published IS NOT new.published OR old.event_id IS NOT new.event_id"
        f" BEGIN INSERT INTO {TABLE} (quote_id) VALUES (new.id); END"
    ),
    "transcripts_search_outbox_deleted": (
        f"AFTER DELETE ON {QUOTE} BEGIN INSERT INTO {TABLE} (quote_id) VALUES (old.id); END"
    ),
    "transcripts_search_outbox_event": (
        f"AFTER UPDATE OF published ON {EVENT} WHEN old.published IS NOT new.published"
        f" BEGIN INSERT INTO {TABLE} (quote_id) SELECT id FROM {QUOTE} WHERE event_id = new.id;"
        " END"
    ),
}
# PostgreSQL: (table, on what, for what and when, body); a bulk delete writes its rows at once
PG_TRIGGERS = {
    "transcripts_search_outbox_quote": (
        QUOTE,
        "AFTER UPDATE OF published, event_id",
        "FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published"
        " OR OLD.event_id IS DISTINCT FROM NEW.event_id)",
        f"INSERT INTO {TABLE} (quote_id) VALUES (NEW.id);",
    ),
    "transcripts_search_outbox_deleted": (
        QUOTE,
        "AFTER DELETE",
        "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT",
        f"INSERT INTO {TABLE} (quote_id) SELECT id FROM gone;",
    ),
    "transcripts_search_outbox_event": (
        EVENT,
        "AFTER UPDATE OF published",
        "FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published)",
        f"INSERT INTO {TABLE} (quote_id) SELECT id FROM {QUOTE} WHERE event_id = NEW.id;",
    ),
}


# Triggers ----------------------------------------------------------------------------------------


def uninstall(using: str = "default") -> None:
    """Take the triggers down (before migrating; or when the database backends search)."""
    db = connections[using]
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif db.vendor == "postgresql":
            for name, (table, *_) in PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def install(using: str = "default") -> None:
    """Put the triggers in place while the Tantivy backend searches, take them down otherwise.
    Does nothing before the outbox's migration has run."""
    db = connections[using]
    if TABLE not in db.introspection.table_names():
        return
    if settings.SEARCH_BACKEND != "tantivy":
        uninstall(using)
        return
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for name, body in SQLITE_TRIGGERS.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        elif db.vendor == "postgresql":
            for name, (table, event, how, body) in PG_TRIGGERS.items():
                cursor.execute(
                    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                    f" BEGIN {body} RETURN NULL; END $$"
                )
                cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [name])
                if not cursor.fetchone():  # made once, as `visibility` makes its own
                    cursor.execute(
                        f"CREATE TRIGGER {name} {event} ON {table} {how} EXECUTE FUNCTION {name}()"
                    )


# Rows --------------------------------------------------------------------------------------------


def ids_sql() -> str:
    """A subquery giving the ids of one parameter (`ids_param`): however many ids, one
    parameter (SQLite limits a statement's parameters; a long IN list is slow to plan)."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])"
    return "SELECT value FROM json_each(%s)"


def ids_param(ids: Iterable[int]):
    ids = [int(pk) for pk in ids]
    return ids if connection.vendor == "postgresql" else json.dumps(ids)


def enqueue(quote_ids: Iterable[int]) -> bool:
    """A row per quote, in the current transaction. Returns whether there was any."""
    rows = [(int(pk),) for pk in quote_ids]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {TABLE} (quote_id) VALUES (%s)", rows)
    return bool(rows)


def pending() -> bool:
    """Whether any change waits (one look at the table's first row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} LIMIT 1")
        return cursor.fetchone() is not None


def take(limit: int | None = None) -> list[tuple[int, int]]:
    """The oldest waiting rows (all of them without a limit), (row id, quote id), left in
    place until `forget`."""
    sql = f"SELECT id, quote_id FROM {TABLE} ORDER BY id"
    with connection.cursor() as cursor:
        cursor.execute(*(f"{sql} LIMIT %s", [limit]) if limit else (sql,))
        return cursor.fetchall()


def forget(row_ids: Iterable[int]) -> None:
    """Delete these rows, and only these: a row written since they were read stays."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id IN ({ids_sql()})", [ids_param(row_ids)])
