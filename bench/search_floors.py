"""What a search cannot go below on this database's own index, per query (`search_bench.py
--floors`): the work every exact answer must do whatever the code around it, timed on the bench's
corpus after its figures.

A first page ranked by bm25 (ts_rank) plus an exact count needs, at the least:

- SQLite (FTS5): the count (`count(*)` over the recall expression: FTS5 walks every match's
  doclist, and a phrase's positions), and the fixed cost of one ranking statement: bm25 computes
  each phrase's IDF when the statement starts, by walking every row that holds the phrase
  (`xQueryPhrase`), before it scores one row. That cost is the time to the first row of a bm25
  statement less the same statement's first row unranked. Python cannot register an FTS5
  auxiliary function (it needs `sqlite3_bind_pointer`), so no cheaper rank can share the count's
  walk.
- PostgreSQL (GIN): the count, from the plan itself (`EXPLAIN (ANALYZE, BUFFERS)`): a GIN index
  has no index-only scan, so PostgreSQL 15 visits the heap tuple of every match; the heap
  pages it had to read or find in shared buffers are printed beside the time.

Each floor is the median of `rounds` runs. The floor of a query is the sum of its parts: a
service that answers the query exactly cannot be faster, whatever it does around them.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable

from search_ways import QUERIES, parsed


def _median_ms(action: Callable[[], object], rounds: int) -> float:
    action()  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _fetch(sql: str, params: list) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sqlite_floor(raw: str, rounds: int) -> tuple[int, dict[str, float], str]:
    """(matches, {part: ms}, note) of one query on the FTS5 index."""
    from transcripts.search.backends import backend
    from transcripts.search.backends.tables import FTS_TABLE

    search, query = backend(), parsed(raw)
    match = f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    # the first band: its statement always runs, and every band holds the recall phrases
    recall, band = search.recall_expression(query), search.tiers(query)[0]
    weights = ", ".join(str(w) for w in search.WEIGHTS)
    (count,) = _fetch(f"SELECT count(*){match}", [recall])[0]
    ranked = f"SELECT rowid, bm25({FTS_TABLE}, {weights}){match} LIMIT 1"
    unranked = f"SELECT rowid{match} LIMIT 1"
    parts = {
        "count": _median_ms(lambda: _fetch(f"SELECT count(*){match}", [recall]), rounds),
        "idf": max(
            0.0,
            _median_ms(lambda: _fetch(ranked, [band]), rounds)
            - _median_ms(lambda: _fetch(unranked, [band]), rounds),
        ),
    }
    return count, parts, "count + one bm25 statement's IDF walk"


_BUFFERS = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")
_HEAP = re.compile(r"Heap Blocks: exact=(\d+)(?: lossy=(\d+))?")


def postgres_floor(raw: str, rounds: int) -> tuple[int, dict[str, float], str]:
    """(matches, {part: ms}, note) of one query on the GIN index."""
    from transcripts.search.backends import backend
    from transcripts.search.backends.tables import PG_TABLE

    search, query = backend(), parsed(raw)
    match, params = search._match(query, "s")
    sql = f"SELECT count(*) FROM {PG_TABLE} s WHERE {match}"
    (count,) = _fetch(sql, params)[0]
    parts = {"count": _median_ms(lambda: _fetch(sql, params), rounds)}
    plan = "\n".join(row[0] for row in _fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params))
    heap = _HEAP.search(plan)
    pages = sum(int(n or 0) for n in heap.groups()) if heap else 0
    hit, read = (int(n or 0) for n in _BUFFERS.search(plan).groups())
    note = f"heap pages visited {pages} (buffers hit {hit}, read {read})"
    return count, parts, note


def print_floors(vendor: str, rounds: int, p95_goal: float) -> None:
    measure = sqlite_floor if vendor == "sqlite" else postgres_floor
    print(f"\nfloors ({vendor}): the least an exact first page + count must cost, per query")
    worst = ("", 0.0)
    for raw in QUERIES:
        count, parts, note = measure(raw, rounds)
        floor = sum(parts.values())
        worst = max(worst, (raw, floor), key=lambda pair: pair[1])
        shown = "  ".join(f"{name} {ms:7.2f} ms" for name, ms in parts.items())
        per_match = parts["count"] * 1000 / count if count else 0.0
        print(
            f"  {raw:<12} {count:7d} matches  {shown}  floor {floor:7.2f} ms"
            f"  ({per_match:.2f} us a match to count; {note})"
        )
    print(
        f"  the highest floor: {worst[1]:.1f} ms ({worst[0]}), before the service's own work"
        f" (parsing, the page's rows, snippets); the p95 goal is {p95_goal:g} ms"
    )
