"""How fast quote search is on a large corpus, every backend in one run, next to Tantivy.

Each backend is measured beside Tantivy (the reference peer), its raw full-text SQL and a naive
scan.

The seed holds 70 quotes; search has to stay fast when the site holds hundreds of events. This
builds a reproducible synthetic corpus (fixed random seed) from the seed's own sentences and
vocabulary: the quotes of `fixtures/demo-event-raw.txt` split into sentences at 。！？!?, each
synthetic quote 1-3 random sentences, `--quotes` published quotes (200,000; `--quotes 1000000`
shows how cost grows) in events of `--per-event` quotes (2,500), and 2 unpublished drafts, with
about 6 speakers per event (one host, four guests, the audience) drawn from a shared pool, parts
and topics like `tests.factories.make_event` (titled from the seed's own), and every 7th quote
tagged with an editor tag it mentions. Rows are written with the ORM's bulk_create in one
transaction, then the index is filled by `transcripts.search.service.rebuild()` in one
transaction, as `manage.py rebuild_search_index` does; both times are printed, with the index's
size on disk.

Then a fixed query set, each query "ranked first page (20) plus total count", six ways:

1. the search service: `r = quote_search(q, page_size=20); r.hits; r.count` (parsing, ranking,
   the ORM and highlighted snippets);
   1b. `page`: what the search page asks besides, the results per speaker and per event
   (`r.by_speaker; r.by_event; r.hits; r.count`: the facets' walk over the matches counts them);
2. raw full-text SQL on the same index, written by hand, ranking as the service ranks (quotes
   whose speaker, topic or tags name a term first, then the others, each tier by bm25), after
   the same query parsing as the service, timed with it (vocabulary check, `parse_query`, tag
   synonyms from their cache; the corpus has no tag aliases, so none apply), then the backend's
   match expressions, first 20 (the second tier only when the first holds fewer) and COUNT(*),
   then the page's rows (the fields a hit shows, one hand-written join) and their highlighted
   snippets, as the service's page has them.
   The index holds only what readers may see (hidden quotes' entries wait in a table of their
   own), so the statements read the index alone, as the service's unfiltered search does (on
   PostgreSQL with its lookup of very long quotes' pieces). They are written in `raw_sqlite`
   and `raw_postgres` from the backend's own expression builders, and change with it;
3. a naive scan: `Quote.objects.filter(event__published=True, text__icontains=word)` per word
   as typed (excluded words with `~Q`), unordered, count and first 20;
4. Tantivy "index only" (`tantivy_peer.py`, when the package is installed): the documents the
   service indexes for the same corpus, the same parsed query, first page ids and exact count,
   ranked in the service's two tiers;
5. Tantivy "as the service": `quote_search` itself with the optional Tantivy backend
   (`SEARCH_BACKEND=tantivy` on the peer's index): the same code as 1, every step of it, so
   the fair peer of 1.

All of them search what readers may see, as the service does: quotes of published events (and,
where quotes have their own `published` flag, published quotes).

Each query is warmed up once, then the ways are timed in alternating rounds (a busy neighbour
hurts all alike). Exactness: for the single-word queries, the service's (and Tantivy's) count
equals the number of published quotes whose normalised text contains the normalised term,
counted in Python.

Every backend on the same corpus, in one run. The primary is the database `DATABASE_URL` names
(else a temporary SQLite file); the other SQL backend runs in a process of its own (this script
with `--child`, which prints its figures as one JSON line), building the same corpus (same
generator, same seed) and timing the same ways, Tantivy's index opened read-only: beside
PostgreSQL a temporary SQLite file; beside SQLite the PostgreSQL server `--postgres URL` names,
or the one answering at postgres://postgres@127.0.0.1:5432, in a throwaway database
`search_bench_<pid>` dropped afterwards. A stop (SIGTERM, as `timeout` sends it, or Ctrl-C)
ends both processes, and that database is dropped all the same. `--backends` limits which run
(the primary always does). For each: build and index times, index size on disk, median and p95
of each way, its exactness, and the ratios the goals name, next to them.

Goals (issue 16): PostgreSQL median < 10 ms and p95 < 50 ms, SQLite median < 5 ms and p95 < 25
ms; each backend's service within 10x of Tantivy as the service, its raw SQL within 10x of
Tantivy index only; no index over twice Tantivy's size; the service at least 10x faster than
the naive scan and within 1.5x of the raw SQL.

Then hidden quotes (the primary only): an unpublished event of `--draft-quotes` quotes (200,000;
0 skips it) is added beside the corpus and indexed as an import indexes it, and the service is
timed again on the same queries, same rounds; each query's median with and without it, same
run (an unpublished 1.7-million-quote event once slowed every search to 6 s).

The last line is the primary's summary, without the draft (read by the acceptance scripts):
`search N quotes: service median X ms p95 Y ms; service/raw R; icontains/service Z`. `--save
FILE` keeps the run's figures; `--against FILE` prints, per backend, how they grew since.
`--floors` then prints, per query, the least an exact answer costs on the primary's own index
(the count, and what any bm25 statement pays before its first row: `search_floors.py`).

    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=<32+ characters> \\
        DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver \\
        .venv/bin/python bench/search_bench.py [--rounds N] [--quotes N] [--per-event N] \\
        [--draft-quotes N] [--backends sqlite,postgresql,tantivy] [--postgres URL] \\
        [--save FILE] [--against FILE] [--floors]

DATABASE_URL should point at an empty, throwaway database. Nothing is cached between runs.

The parts live beside this entry point (the folder is not a package): the corpus in
`search_corpus.py` (`delete_bench.py` builds its events with it too), the ways in
`search_ways.py`, building, timing and counting in `search_figures.py`, the other backend's
process in `search_child.py`, the printing in `search_report.py`, Tantivy in `tantivy_peer.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from search_child import DEFAULT_POSTGRES, child, other_database, run_other, stop_on_sigterm
from search_corpus import RANDOM_SEED, read_seed, setup_django, write_event, written_cast
from search_figures import (
    Figures,
    Tantivy,
    build_and_index,
    build_peer,
    measure,
    python_counts,
    saved,
)
from search_floors import print_floors
from search_report import (
    LATENCY_GOALS_MS,
    compare_with_draft,
    print_comparison,
    print_exactness,
    print_growth,
    print_queries,
    print_summary,
    print_ways,
)
from search_ways import service_search, ways

BACKENDS = ("sqlite", "postgresql", "tantivy")


def add_draft(quotes: int) -> tuple[int, float]:
    """An unpublished event of `quotes` quotes beside the corpus, made like the others and
    indexed as an import indexes it (`service.index_quotes`, one transaction). Returns its
    quotes and the seconds indexing took."""
    from django.db import transaction

    from transcripts.models import Event, Quote
    from transcripts.search import service

    with transaction.atomic():
        write_event(
            random.Random(RANDOM_SEED + 1),
            read_seed(),
            written_cast(),
            number=Event.objects.count() + 1,
            quotes=quotes,
            published=False,
            slug="search-bench-draft",
        )
    start = time.perf_counter()
    with transaction.atomic():
        service.index_quotes(Quote.objects.filter(event__slug="search-bench-draft"), fresh=True)
    return quotes, time.perf_counter() - start


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds per query and way")
    parser.add_argument("--quotes", type=int, default=200_000, help="published quotes in all")
    parser.add_argument("--per-event", type=int, default=2500, help="quotes per event")
    parser.add_argument(
        "--draft-quotes",
        type=int,
        default=200_000,
        help="then the same queries beside an unpublished event this large (0: skip)",
    )
    parser.add_argument(
        "--backends",
        type=lambda text: set(text.split(",")),
        default=set(BACKENDS),
        help=f"which of {','.join(BACKENDS)} run beside the primary database (default: all)",
    )
    parser.add_argument("--postgres", help=f"a PostgreSQL server (default {DEFAULT_POSTGRES})")
    parser.add_argument("--save", type=Path, help="write the run's figures to this JSON file")
    parser.add_argument("--against", type=Path, help="compare with a run saved with --save")
    parser.add_argument(
        "--floors",
        action="store_true",
        help="then the least each query must cost on the primary's index (search_floors.py)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tantivy-index", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if unknown := args.backends - set(BACKENDS):
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    return args


def primary(args, scratch: Path) -> tuple[Figures, Tantivy | None]:
    """The database DATABASE_URL names, with Tantivy beside it: built, timed, checked."""
    from django.db import connection

    figures = build_and_index(args.quotes, args.per_event)
    peer = build_peer(scratch / "tantivy") if "tantivy" in args.backends else None
    figures.rows = measure(ways(connection.vendor, peer and peer.index), args.rounds)
    print_queries(figures, args.rounds)
    print_ways(figures, args.rounds)
    print(f"  (load average now {os.getloadavg()[0]:.1f})")
    figures.expected = python_counts()
    print_exactness(figures)
    if args.floors:
        print_floors(connection.vendor, args.rounds, LATENCY_GOALS_MS[connection.vendor][1])
    if args.draft_quotes:
        quotes, seconds = add_draft(args.draft_quotes)
        drafted = measure({"service": service_search}, args.rounds)
        compare_with_draft(figures.rows, drafted, quotes, seconds)
    return figures, peer


def main() -> None:
    args = arguments()
    stop_on_sigterm()
    if args.child:
        return child(args)
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        setup_django(scratch)
        from django.conf import settings
        from django.db import connection

        vendor = connection.vendor
        print(
            f"database {vendor}; DEBUG={settings.DEBUG}; "
            f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs"
        )
        if settings.DEBUG:
            print("warning: DEBUG is on; run with DJANGO_DEBUG=0 for production-like figures")
        started = time.perf_counter()
        figures, peer = primary(args, scratch)
        everyone = [figures]
        with other_database(args, vendor, scratch) as url:
            if url and (other := run_other(args, url, peer)):
                print_queries(other, args.rounds)
                print_ways(other, args.rounds)
                print_exactness(other)
                everyone.append(other)
        print_comparison(everyone, peer)
        if args.against:
            print_growth(everyone, peer, json.loads(args.against.read_text()))
        if args.save:
            args.save.write_text(json.dumps(saved(everyone, peer), ensure_ascii=False))
        print(f"\nthe whole run took {(time.perf_counter() - started) / 60:.1f} minutes")
        print_summary(figures)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
