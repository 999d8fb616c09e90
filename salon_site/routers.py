"""Read replica routing, on when DATABASE_REPLICA_URL is set (settings.DATABASE_ROUTERS).

Readers' pages read the replica; every write goes to the primary ("default"). So does every read
made inside a transaction on the primary (imports, admin saves, the editing services), which reads
its own writes and may lock rows (`select_for_update`, which a hot standby refuses), and every
read of sessions and accounts, so an editor who just logged in is not logged out by replication
lag. Migrations run on the primary only; the replica follows it.
"""

from __future__ import annotations

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_ONLY_APPS = {"sessions", "auth", "admin", "contenttypes"}


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # both aliases hold the same rows

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY
