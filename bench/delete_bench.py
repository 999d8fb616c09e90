"""How long deleting a large event takes from the admin, next to Django's own deletion.

A 1.7-million-quote event could not be deleted in the admin (the worker timed out): Django's
delete collector loads every row that goes with the event and sends a signal per quote. This
builds an event of `--quotes` quotes (200,000) the way `search_bench.py` builds its events (the
seed's sentences, parts and topics, six speakers, every 7th quote tagged; bulk_create), beside
`--others` small published events and two drafts (2,500 quotes each), and indexes it as an
import does (`service.index_quotes`, one transaction). Then an editor deletes it in the admin
(django.test.Client, logged in as a superuser): the confirmation page (GET), then the
confirmation (POST), each timed with its number of SQL statements. Afterwards nothing of the
event may be left: no quote, no index entry.

Three events, each built the same way (fixed random seed) and deleted in turn, in one run:

1. published (its entries are in the search index);
2. unpublished (its entries wait aside; the case that timed out), first published and taken
   down again with the admin's actions (each moves its index entries across), timed too;
3. the baseline, the same work as 1: the same published event deleted by Django's own
   deletion, `ModelAdmin.delete_model` (`event.delete()`, the collector), as the admin did
   before; its confirmation page (Django's lists every quote, two queries each) is not timed.
   `--no-baseline` skips it: at 200,000 quotes it takes minutes.

    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=<32+ characters> \\
        DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver \\
        .venv/bin/python bench/delete_bench.py [--quotes N] [--others N] [--no-baseline]

Uses DATABASE_URL when set (it should point at an empty, throwaway database), otherwise a
temporary SQLite file. Each event's build and indexing take about a minute per 100,000 quotes.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_corpus  # the corpus builder (this folder is not a package)

GOAL_SECONDS = 30.0  # gunicorn's worker timeout (GUNICORN_TIMEOUT)
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


@contextmanager
def counted():
    """Count the SQL statements run inside (without keeping them: the baseline runs many)."""
    from django.db import connection

    calls = [0]

    def count(execute, sql, params, many, context):
        calls[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield calls


def build(cast, seed, *, number: int, quotes: int, published: bool) -> int:
    """One event, written and indexed as an import would; returns its id."""
    from django.db import transaction

    from transcripts.models import Event, Quote
    from transcripts.search import service

    slug = f"delete-bench-{number}"
    with transaction.atomic():
        search_corpus.write_event(
            random.Random(search_corpus.RANDOM_SEED),  # the same event every time
            seed,
            cast,
            number=number,
            quotes=quotes,
            published=published,
            slug=slug,
        )
    start = time.perf_counter()
    with transaction.atomic():
        service.index_quotes(Quote.objects.filter(event__slug=slug), fresh=True)
    print(f"  built {slug}: {quotes} quotes, indexed in {time.perf_counter() - start:.1f} s")
    return Event.objects.get(slug=slug).pk


def leftovers(event_id: int) -> tuple[int, int]:
    """(quotes of the event, index entries without a quote): both 0 after a deletion."""
    from django.db import connection

    from transcripts.models import Quote
    from transcripts.search import backends

    tables = [(backends.FTS_TABLE, "rowid")] if connection.vendor == "sqlite" else []
    tables += [(backends.PG_TABLE, "quote_id")] if connection.vendor == "postgresql" else []
    hidden = getattr(backends, "HIDDEN", {}).get(connection.vendor)
    tables += [(hidden, "quote_id")] if hidden else []
    orphans = 0
    with connection.cursor() as cursor:
        for table, key in tables:
            quotes = "SELECT id FROM transcripts_quote"
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {key} NOT IN ({quotes})")
            orphans += cursor.fetchone()[0]
    return Quote.objects.filter(event_id=event_id).count(), orphans


def delete_in_admin(client, event_id: int) -> dict[str, float]:
    from django.conf import settings
    from django.test import override_settings

    url = f"/admin/transcripts/event/{event_id}/delete/"
    figures = {}
    # the admin's pages name static files; nothing is collected here, so plain file names
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    with override_settings(STORAGES=storages):
        for step, request in (
            ("page", lambda: client.get(url, secure=True)),
            ("delete", lambda: client.post(url, {"post": "yes"}, secure=True)),
        ):
            with counted() as calls:
                start = time.perf_counter()
                response = request()
                figures[step] = time.perf_counter() - start
            figures[f"{step} queries"] = calls[0]
            expected = 200 if step == "page" else 302
            if response.status_code != expected:
                raise SystemExit(f"{step}: answered {response.status_code}, expected {expected}")
    return figures


def publish_and_take_down(client, event_id: int) -> dict[str, float]:
    """The admin's publish action, then its unpublish action, on the event (confirmed): each
    moves the event's index entries across in SQL (issue 12). Checks the index follows."""
    from transcripts.models import Event, Quote

    figures = {}
    for action, published in (("publish_events", True), ("unpublish_events", False)):
        data = {"action": action, "_selected_action": [event_id], "confirmed": "yes"}
        start = time.perf_counter()
        response = client.post("/admin/transcripts/event/", data, secure=True)
        figures[action] = time.perf_counter() - start
        if response.status_code != 302 or Event.objects.get(pk=event_id).published != published:
            raise SystemExit(f"{action}: answered {response.status_code}")
        if published and searchable(event_id) != Quote.objects.filter(event_id=event_id).count():
            raise SystemExit(f"{action}: the event's quotes are not all in the index")
    return figures


def searchable(event_id: int) -> int:
    """How many of the event's quotes the index (not the hidden entries) holds."""
    from django.db import connection

    from transcripts.search import backends

    table, key = (backends.FTS_TABLE, "rowid")
    if connection.vendor == "postgresql":
        table, key = (backends.PG_TABLE, "quote_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE {key} IN"
            " (SELECT id FROM transcripts_quote WHERE event_id = %s)",
            [event_id],
        )
        return cursor.fetchone()[0]


def delete_as_django_did(event_id: int) -> dict[str, float]:
    from django.contrib import admin
    from django.test import RequestFactory

    from transcripts.models import Event

    event_admin = admin.site.get_model_admin(Event)
    event = Event.objects.get(pk=event_id)
    with counted() as calls:
        start = time.perf_counter()
        admin.ModelAdmin.delete_model(event_admin, RequestFactory().post("/"), event)
        seconds = time.perf_counter() - start
    return {"delete": seconds, "delete queries": calls[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=200_000, help="quotes in the large event")
    parser.add_argument("--others", type=int, default=4, help="small published events beside it")
    parser.add_argument("--no-baseline", action="store_true", help="skip Django's own deletion")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: nothing collected
    scratch = Path(tempfile.mkdtemp(prefix="delete-bench-"))
    try:
        search_corpus.setup_django(scratch)
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.db import connection, transaction
        from django.test import Client

        from transcripts.models import Quote
        from transcripts.search import service

        print(
            f"database {connection.vendor}; DEBUG={settings.DEBUG}; "
            f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs"
        )
        if Quote.objects.exists():
            raise SystemExit(
                "the database already holds quotes; point DATABASE_URL at an empty one"
            )
        seed = search_corpus.read_seed()
        search_corpus.build_corpus(
            random.Random(search_corpus.RANDOM_SEED), seed, args.others, 2500
        )
        with transaction.atomic():
            service.rebuild()
        cast = search_corpus.written_cast()
        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.org", "x"))

        runs = [("admin, published", True, False), ("admin, unpublished", False, False)]
        if not args.no_baseline:
            runs.append(("Django's deletion, published", True, True))
        results = []
        for number, (label, published, baseline) in enumerate(runs, start=1):
            event_id = build(cast, seed, number=number, quotes=args.quotes, published=published)
            figures = {} if published else publish_and_take_down(client, event_id)
            if baseline:
                figures.update(delete_as_django_did(event_id))
            else:
                figures.update(delete_in_admin(client, event_id))
            left = leftovers(event_id)
            if left != (0, 0):
                raise SystemExit(f"{label}: left {left[0]} quotes and {left[1]} index entries")
            results.append((label, figures))

        print(f"\ndeleting an event of {args.quotes} quotes (and nothing left after):")
        for label, figures in results:
            page = (
                f"page {figures['page']:6.2f} s ({figures['page queries']:>3} queries)  "
                if "page" in figures
                else " " * 31
            )
            rate = args.quotes / figures["delete"]
            print(
                f"  {label:<30}{page}delete {figures['delete']:7.2f} s"
                f" ({figures['delete queries']:>7} queries, {rate:8.0f} quotes/s)"
            )
        moves = results[1][1]
        print(
            f"  before deleting it, the unpublished event was published in the admin in"
            f" {moves['publish_events']:.2f} s and taken down again in"
            f" {moves['unpublish_events']:.2f} s (its index entries moved across each time)"
        )
        admin_delete = results[0][1]["delete"] + results[0][1]["page"]
        summary = (
            f"delete {args.quotes} quotes: admin page+delete {admin_delete:.1f} s published, "
            f"{results[1][1]['page'] + results[1][1]['delete']:.1f} s unpublished"
        )
        if not args.no_baseline:
            summary += f"; Django's deletion {results[2][1]['delete']:.1f} s"
        verdict = "met" if admin_delete < GOAL_SECONDS else "NOT met"
        print(f"  goal: under {GOAL_SECONDS:.0f} s, the worker timeout: {verdict}")
        print(summary)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
