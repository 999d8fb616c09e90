"""Imports take turns: the second of two imports at the same moment waits for the first (then
finds what it wrote), so two imports never race to create the same event, speaker or tag."""

from __future__ import annotations

from django.db import OperationalError, connection

from .models import Event

IMPORT_WAIT = 600  # seconds an import waits for the one before it (SQLite; PostgreSQL waits on)
IMPORT_LOCK = 0x5A1_0113  # PostgreSQL advisory lock: imports take turns


class ImportBusy(Exception):
    """Another import kept the database busy for longer than `IMPORT_WAIT`."""


def take_turn() -> None:
    """Wait until no other import is writing, then hold the turn until this one commits.

    PostgreSQL: a transaction-level advisory lock. SQLite lets one transaction write at a time:
    its write lock is taken now, by a first write, because a transaction that has read before
    its first write cannot wait for the lock (it fails at once with "database is locked")."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            (previous,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {IMPORT_WAIT * 1000}")
            try:
                cursor.execute(f"UPDATE {Event._meta.db_table} SET id = id WHERE 0")
            except OperationalError:
                raise ImportBusy(
                    f"another import or edit kept the database busy for {IMPORT_WAIT} s; "
                    "try again when it has finished"
                ) from None
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
