"""How the search bench lays out its figures: per query, per way, exactness, each backend beside
the goals of issue 16, growth since a saved run, the draft's effect, and the summary line.

Nothing is measured here: the figures come from `search_figures`. The goals' thresholds live with
the lines that judge them, and the last line's shape (`print_summary`) is read by the acceptance
scripts, so it must not change.
"""

from __future__ import annotations

import statistics
import unicodedata

from search_figures import Figures, Row, Tantivy, megabytes, p95
from search_ways import PAGE

# goals (issue 16): service median and p95 per database, in ms
LATENCY_GOALS_MS = {"postgresql": (10.0, 50.0), "sqlite": (5.0, 25.0)}
RAW_RATIO_GOAL = 1.5
NAIVE_RATIO_GOAL = 10.0
PEER_RATIO_GOAL = 10.0  # each backend within 10x of Tantivy
PEER_SIZE_GOAL = 2.0  # no index over twice Tantivy's

LABELS = {"tantivy": "tantivy index only", "tantivy-svc": "tantivy as the service"}


def cell(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def print_queries(figures: Figures, rounds: int) -> None:
    names = list(figures.rows[0].times)
    print(
        f"\n{figures.backend}, {figures.published} quotes: first page ({PAGE}) plus count, median"
        f" of {rounds} rounds after a warm-up, in ms (n: {'/'.join(names)})"
    )
    print(
        f"  {'query':<14}{'n':>36}"
        + "".join(f"  {way[:11]:>11}{'p95':>7}" for way in names)
        + f"  {'svc/raw':>7}  {'icont/svc':>9}"
    )
    for row in figures.rows:
        counts = "/".join(str(row.counts[way]) for way in names)
        times = "".join(f"  {row.median(w):11.1f}{p95(row.times[w]):7.1f}" for w in names)
        service = row.median("service")
        print(
            f"  {cell(row.query, 14)}{counts:>36}{times}"
            f"  {service / row.median('raw'):7.2f}  {row.median('icontains') / service:9.1f}"
        )
    for way in names[1:]:
        if way != "icontains" and (odd := [r.query for r in figures.rows if differ(r, way)]):
            print(f"  warning: the service's and {way}'s counts differ for {', '.join(odd)}")


def differ(row: Row, way: str) -> bool:
    return row.counts["service"] != row.counts[way]


def print_ways(figures: Figures, rounds: int) -> None:
    """Every way's median and p95 over all queries and rounds, and the goals of the service."""
    n, median = figures.published, figures.median("service")
    print(f"\n{figures.backend}, {n} quotes, all {len(figures.rows)} queries x {rounds} rounds:")
    for way in figures.rows[0].times:
        times = figures.every(way)
        label = LABELS.get(way, way)
        print(f"  {label:<23} median {statistics.median(times):7.2f} ms  p95 {p95(times):7.1f} ms")
    worst = max(figures.rows, key=lambda r: r.median("service") / r.median("raw"))
    ratio = median / figures.median("raw")
    print(
        f"  service/raw {ratio:.2f}  (goal <= {RAW_RATIO_GOAL}: {verdict(ratio <= RAW_RATIO_GOAL)};"
        f" worst query {worst.query} {worst.median('service') / worst.median('raw'):.2f})"
    )


def print_exactness(figures: Figures) -> None:
    print(
        f"\nexactness ({figures.backend}, {figures.published} quotes): the count = published"
        " quotes whose normalised text has the term, counted in Python"
    )
    counted = {row.query: row.counts for row in figures.rows}
    for query, expected in figures.expected.items():
        for way in ("service", "tantivy"):
            if way in counted[query]:
                found = counted[query][way]
                name = figures.backend if way == "service" else way
                print(
                    f"  {cell(query, 10)} {name:<10} {found:7d}  python {expected:7d}"
                    f"  exact: {'yes' if found == expected else 'no'}"
                )


def print_goals(figures: Figures, peer: Tantivy | None) -> None:
    """The backend's figures next to the goals of issue 16, each line with the corpus size."""
    head = f"  {figures.backend:<10} {figures.published} quotes:"
    median, high = figures.median("service"), p95(figures.every("service"))
    goal_median, goal_p95 = LATENCY_GOALS_MS[figures.backend]
    met = median < goal_median and high < goal_p95
    print(
        f"{head} service median {median:.1f} ms p95 {high:.1f} ms (goal < {goal_median:g} ms,"
        f" < {goal_p95:g} ms: {verdict(met)}); index {megabytes(figures.size)}, rows written in"
        f" {figures.build_s:.1f} s, indexed in {figures.index_s:.1f} s"
    )
    ratios = [("icontains / service", figures.median("icontains") / median, ">=", NAIVE_RATIO_GOAL)]
    if figures.has("tantivy"):
        to_peer = median / figures.median("tantivy-svc")
        raw_to_index = figures.median("raw") / figures.median("tantivy")
        ratios.append(("service / tantivy as the service", to_peer, "<=", PEER_RATIO_GOAL))
        ratios.append(("raw / tantivy index only", raw_to_index, "<=", PEER_RATIO_GOAL))
    if peer is not None and figures.size:
        ratios.append(
            ("index size / tantivy's", figures.size / peer.built.size, "<=", PEER_SIZE_GOAL)
        )
    for label, value, sense, goal in ratios:
        met = value >= goal if sense == ">=" else value <= goal
        print(f"{head} {label:<33}{value:8.2f}  (goal {sense} {goal:g}: {verdict(met)})")


def print_peer(figures: Figures, peer: Tantivy) -> None:
    built, n = peer.built, peer.built.documents
    for way in ("tantivy", "tantivy-svc"):
        times = figures.every(way)
        print(
            f"  {'tantivy':<10} {n} quotes: {LABELS[way]:<23} median {statistics.median(times):.2f}"
            f" ms p95 {p95(times):.1f} ms (rows from {figures.backend})"
        )
    print(
        f"  {'tantivy':<10} {n} quotes: index {megabytes(built.size)}, rebuilt in"
        f" {built.seconds:.1f} s (segmentation included, as the SQL backends' rebuild)"
    )


def print_comparison(everyone: list[Figures], peer: Tantivy | None) -> None:
    print(
        "\nevery backend, same corpus, same queries; goals (issue 16): PostgreSQL median < 10 ms,"
        " p95 < 50 ms; SQLite median < 5 ms, p95 < 25 ms; the service within 10x of Tantivy as"
        " the service, raw within 10x of Tantivy index only; index at most 2x Tantivy's;"
        " icontains/service >= 10"
    )
    for figures in everyone:
        print_goals(figures, peer)
    if peer is not None:
        print_peer(everyone[0], peer)


def print_growth(everyone: list[Figures], peer: Tantivy | None, before: dict) -> None:
    """How each backend's figures grew since the saved run (another corpus size, usually)."""
    print("\nhow cost grows, against the saved run:")
    old = {f["backend"]: Figures.from_dict(f) for f in before["backends"]}
    for figures in everyone:
        if figures.backend in old:
            print_grown(figures.backend, old[figures.backend], figures)
    first, tantivy = everyone[0], before.get("tantivy")
    if peer is not None and tantivy and first.backend in old and old[first.backend].has("tantivy"):
        sizes = (tantivy["size"], peer.built.size)
        print_grown("tantivy", old[first.backend], first, sizes=sizes, ways=("tantivy",))


def print_grown(name: str, old: Figures, new: Figures, *, sizes=None, ways=("service", "raw")):
    grown = [f"{name:<10} {old.published} -> {new.published} quotes"]
    for way in ways:
        a, b = old.median(way), new.median(way)
        high_a, high_b = p95(old.every(way)), p95(new.every(way))
        label = LABELS.get(way, way)
        grown.append(
            f"{label} median {a:.2f} -> {b:.2f} ms (x{b / a:.1f}), p95 x{high_b / high_a:.1f}"
        )
    before, after = sizes or (old.size, new.size)
    if before and after:
        grown.append(f"index {megabytes(before)} -> {megabytes(after)} (x{after / before:.1f})")
    print("  " + "; ".join(grown))


def compare_with_draft(rows: list[Row], drafted: list[Row], quotes: int, seconds: float) -> None:
    """The same queries with a large unpublished event beside the corpus, next to the figures
    without it (same run): hidden quotes should cost a search nothing."""
    print(
        f"\nwith an unpublished event of {quotes} quotes beside them (indexed in {seconds:.1f} s),"
        " the same queries, same rounds: service median in ms"
    )
    print(f"  {'query':<14}{'n without/with':>18}  {'without':>8}{'with':>8}  {'with/without':>12}")
    for row, draft in zip(rows, drafted, strict=True):
        counts = f"{row.counts['service']}/{draft.counts['service']}"
        before, after = row.median("service"), draft.median("service")
        ratio = after / before
        print(f"  {cell(row.query, 14)}{counts:>18}  {before:8.1f}{after:8.1f}  {ratio:12.2f}")
    without = [t for r in rows for t in r.times["service"]]
    with_draft = [t for r in drafted for t in r.times["service"]]
    same = all(
        r.counts["service"] == d.counts["service"] for r, d in zip(rows, drafted, strict=True)
    )
    print(
        f"  all: without median {statistics.median(without):.1f} ms p95 {p95(without):.1f} ms;"
        f" with median {statistics.median(with_draft):.1f} ms p95 {p95(with_draft):.1f} ms;"
        f" with/without {statistics.median(with_draft) / statistics.median(without):.2f};"
        f" counts unchanged: {'yes' if same else 'NO'}"
    )


def print_summary(figures: Figures) -> None:
    """The primary's summary line: the acceptance scripts read it (keep its shape)."""
    median = figures.median("service")
    print(
        f"search {figures.published} quotes: service median {median:.1f} ms "
        f"p95 {p95(figures.every('service')):.1f} ms; "
        f"service/raw {median / figures.median('raw'):.2f}; "
        f"icontains/service {figures.median('icontains') / median:.1f}"
    )
