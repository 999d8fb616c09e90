"""One backend's figures in the search bench: the corpus built and indexed, timed, with the
index's size; every way timed over the query set; the counts Python finds.

`Figures` is what a backend's run yields and what crosses processes: the child prints it as a JSON
line, `--save` writes it and `--against` reads it back (`Figures.from_dict`). Tantivy's index is
built here too, from the database just filled, so it holds the very same quotes.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from search_corpus import DRAFTS, RANDOM_SEED, build_corpus, read_seed
from search_ways import QUERIES, naive_words, visible


@dataclass
class Row:
    query: str
    counts: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)  # milliseconds

    def median(self, way: str) -> float:
        return statistics.median(self.times[way])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(timed: dict[str, Callable[[str], int]], rounds: int) -> list[Row]:
    rows = []
    for raw in QUERIES:
        row = Row(query=raw)
        for way, action in timed.items():  # warm-up
            row.counts[way] = action(raw)
            row.times[way] = []
        for _ in range(rounds):
            for way, action in timed.items():
                start = time.perf_counter()
                action(raw)
                row.times[way].append((time.perf_counter() - start) * 1000)
        rows.append(row)
    return rows


def python_counts() -> dict[str, int]:
    """For every single-word query: the published quotes whose normalised text contains the
    normalised term, counted in Python."""
    from transcripts.search.documents import normalize

    single = {raw: normalize(raw) for raw in QUERIES if naive_words(raw)[0] == [raw]}
    expected = dict.fromkeys(single, 0)
    for text in visible().values_list("text", flat=True).iterator(chunk_size=5000):
        normalized = normalize(text)
        for query, term in single.items():
            if term in normalized:
                expected[query] += 1
    return expected


def index_size() -> tuple[int | None, str]:
    """The index's bytes on disk and what they cover: the backend's own `index_size()` when it
    has one, else its tables (SQLite: the FTS5 tables and the aside table, from `dbstat`;
    PostgreSQL: every `transcripts_quote_search%` table with its indexes and TOAST)."""
    from django.db import DatabaseError, connection

    from transcripts.search.backends import backend

    search = backend()
    if hasattr(search, "index_size"):
        return int(search.index_size()), "the backend's index_size()"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
                " AND c.relname LIKE %s",
                ["transcripts\\_quote\\_search%"],
            )
            return cursor.fetchone()[0], "transcripts_quote_search* tables, indexes and TOAST"
        try:
            cursor.execute(
                "SELECT coalesce(sum(d.pgsize), 0) FROM dbstat d"
                " JOIN sqlite_master m ON m.name = d.name"
                " WHERE m.tbl_name LIKE %s ESCAPE '\\'",
                ["transcripts\\_quote\\_fts%"],
            )
            return cursor.fetchone()[0], "FTS5 tables and the aside table (dbstat)"
        except DatabaseError:  # SQLite built without dbstat: the whole file
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
            return cursor.fetchone()[0], "the whole database file (no dbstat)"


@dataclass
class Figures:
    """One SQL backend's run on the corpus: build, index, timings, counts."""

    backend: str
    published: int
    build_s: float
    index_s: float
    size: int | None
    size_note: str
    rows: list[Row] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)  # Python's counts, single words

    def every(self, way: str) -> list[float]:
        return [t for row in self.rows for t in row.times[way]]

    def median(self, way: str) -> float:
        return statistics.median(self.every(way))

    def has(self, way: str) -> bool:
        return bool(self.rows) and way in self.rows[0].times

    @classmethod
    def from_dict(cls, data: dict) -> Figures:
        """The figures `asdict` gave (a child's JSON line, a saved run)."""
        return cls(**{**data, "rows": [Row(**row) for row in data["rows"]]})


@dataclass
class Tantivy:
    """Tantivy's build, and the index opened for searching."""

    path: Path
    built: object  # tantivy_peer.Built
    index: object  # tantivy_peer.Peer


def megabytes(size: int | None) -> str:
    return "?" if size is None else f"{size / 1e6:.1f} MB"


def build_and_index(quotes: int, per_event: int) -> Figures:
    """The corpus and its index, timed, with the index's size."""
    from django.db import connection, transaction

    from transcripts.models import Quote
    from transcripts.search import service

    if Quote.objects.exists():
        raise SystemExit("the database already holds quotes; point DATABASE_URL at an empty one")
    events = max(1, round(quotes / per_event))
    seed = read_seed()
    start = time.perf_counter()
    written = build_corpus(random.Random(RANDOM_SEED), seed, events, per_event)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():  # as `manage.py rebuild_search_index` runs it
        indexed = service.rebuild()
    index_s = time.perf_counter() - start
    published = visible().count()
    size, note = index_size()
    print(
        f"{connection.vendor}: {written} quotes ({published} published) in {events + DRAFTS}"
        f" events, from {len(seed.sentences)} seed sentences, random seed {RANDOM_SEED}"
    )
    for label, seconds, count in (
        ("build (bulk_create)", build_s, written),
        ("index (rebuild(), one transaction)", index_s, indexed),
    ):
        print(f"  {label:<36}{seconds:7.1f} s  ({count / seconds:7.0f} quotes/s)")
    print(f"  index size {megabytes(size)} ({note})", flush=True)
    return Figures(connection.vendor, published, build_s, index_s, size, note)


def build_peer(path: Path) -> Tantivy | None:
    """Tantivy's index of the service's documents for this database's public quotes."""
    import tantivy_peer

    if not tantivy_peer.installed():
        print("tantivy not installed: no reference peer")
        return None
    built = tantivy_peer.build(path)
    print(
        f"tantivy: {built.documents} documents (the service's, from this database):"
        f" rebuilt in {built.seconds:.1f} s ({built.documents / built.seconds:.0f} quotes/s),"
        f" index size {megabytes(built.size)}",
        flush=True,
    )
    return Tantivy(path, built, tantivy_peer.Peer(path))


def saved(everyone: list[Figures], peer: Tantivy | None) -> dict:
    """The run's figures, for a later run's `--against`."""
    kept = {"backends": [asdict(figures) for figures in everyone]}
    if peer is not None:
        kept["tantivy"] = asdict(peer.built)
    return kept
