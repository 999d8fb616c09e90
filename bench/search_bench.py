"""How fast quote search is on a large corpus, next to the raw full-text SQL and a naive scan.

The seed holds 70 quotes; search has to stay fast when the site holds hundreds of events. This
builds a reproducible synthetic corpus (fixed random seed) from the seed's own sentences and
vocabulary: the quotes of `fixtures/demo-event-raw.txt` split into sentences at 。！？!?, each
synthetic quote 1-3 random sentences, over 80 published events (2,500 quotes each, so 200,000
searchable quotes) and 2 unpublished drafts, with about 6 speakers per event (one host, four
guests, the audience) drawn from a shared pool, parts and topics like `tests.factories.make_event`
(titled from the seed's own), and every 7th quote tagged with an editor tag it mentions. Rows
are written with the ORM's bulk_create in one transaction, then the index is filled by
`transcripts.search.service.rebuild()` in one transaction, as `manage.py rebuild_search_index`
does; both times are printed.

Then a fixed query set, each query "ranked first page (20) plus total count", three ways:

1. the search service: `r = quote_search(q, page_size=20); r.hits; r.count` (parsing, ranking,
   the ORM and highlighted snippets);
2. raw full-text SQL on the same index, written by hand, ranking as the service ranks (quotes
   whose speaker, topic or tags name a term first, then the others, each tier by bm25), after
   the same query parsing as the service, timed with it (vocabulary check, `parse_query`, tag
   synonyms from their cache; the corpus has no tag aliases, so none apply), then the backend's
   match expressions, first 20 (the second tier only when the first holds fewer) and COUNT(*),
   then the page's rows (the fields a hit shows, one hand-written join) and their highlighted
   snippets, as the service's page has them.
   The index holds only what readers may see (hidden quotes' entries wait in a table of their
   own), so on SQLite the statements read the index alone, as the service's unfiltered search
   does; on PostgreSQL the tsquery equivalent joined to the quote and event tables, as the
   service joins them, plus its lookup of very long quotes' pieces;
3. a naive scan: `Quote.objects.filter(event__published=True, text__icontains=word)` per word
   as typed (excluded words with `~Q`), unordered, count and first 20.

All three search what readers may see, as the service does: quotes of published events (and,
where quotes have their own `published` flag, published quotes).

Each query is warmed up once, then the three ways are timed in alternating rounds (a busy
neighbour hurts all three alike). Goals: the service within 1.5x of the raw SQL; at least 10x
faster than the naive scan; a median under 25 ms. Finally, exactness: for the single-word queries,
the service's count equals the number of published quotes whose normalised text contains the
normalised term, counted in Python.

Then hidden quotes: an unpublished event of `--draft-quotes` quotes (200,000; 0 skips it) is
added beside the corpus and indexed as an import indexes it, and the service is timed again on
the same queries, same rounds; each query's median with and without it, same run (an unpublished
1.7-million-quote event once slowed every search to 6 s). The summary line stays the figures
without it.

    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=<32+ characters> \\
        DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver \\
        .venv/bin/python bench/search_bench.py [--rounds N] [--events N] [--quotes N] \\
        [--draft-quotes N]

Uses DATABASE_URL when set (it should point at an empty, throwaway database), otherwise a
temporary SQLite file. Nothing is cached between runs.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "demo-event-raw.txt"
RANDOM_SEED = 20240518
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
EDITOR_TAGS = ("幻觉", "百模大战", "AGI", "通用人工智能", "推荐系统", "算力", "强化学习", "开源")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建文辉力鹏宇浩然思远晨曦"
POOL = 150  # speakers shared by the events
DRAFTS = 2  # unpublished events, so the published filter has something to drop
PARTS, TOPICS_PER_PART, TAG_EVERY = 5, 4, 7
QUERIES = (
    "幻觉",
    "百模大战",
    "基座模型",
    "PPO",
    "AGI",
    "推荐",
    "强化学习",
    "算力",
    "数据",
    "语言",
    "大模型 幻觉",
    '"基座模型"',
    "大模型 -幻觉",
    "數據",
)
PAGE = 20
RAW_RATIO_GOAL = 1.5
NAIVE_RATIO_GOAL = 10.0
MEDIAN_GOAL_MS = 25.0


def setup_django(scratch: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# The corpus ------------------------------------------------------------------------------------


@dataclass
class Seed:
    title: str
    series: str
    sentences: list[str]
    people: list[tuple[str, str]]  # (name, handle) of the seed's named speakers
    parts: list[str]
    topics: list[str]


def read_seed() -> Seed:
    from transcripts.parsing import load

    (transcript,) = load(SEED.read_bytes())
    sentences = [
        piece.strip()
        for turn in transcript.turns
        for piece in SENTENCE.findall(turn.text)
        if piece.strip()
    ]
    return Seed(
        title=transcript.title,
        series=transcript.series or "盐沙龙",
        sentences=sentences,
        people=[(s.name, s.handle) for s in transcript.speakers if s.role != "audience"],
        parts=[p.title for p in transcript.parts],
        topics=[t.title for t in transcript.topics],
    )


def speaker_pool(rng: random.Random, seed: Seed) -> list[tuple[str, str]]:
    """The seed's named speakers, then generated two- and three-character names."""
    names = [name for name, _ in seed.people]
    people = list(seed.people)
    while len(people) < POOL:
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        if name not in names:
            names.append(name)
            people.append((name, ""))
    return people


def build_corpus(rng: random.Random, seed: Seed, events: int, per_event: int) -> int:
    """Events, speakers, participations, parts, topics, quotes and tags, in bulk, in one
    transaction. Returns the number of quotes written."""
    from django.db import transaction
    from taggit.models import Tag

    from transcripts import vocabulary
    from transcripts.models import Speaker

    pool = speaker_pool(rng, seed)
    written = 0
    with transaction.atomic():
        speakers = Speaker.objects.bulk_create(
            Speaker(name=name, slug=f"bench-speaker-{i}", handle=handle or f"bench{i}")
            for i, (name, handle) in enumerate(pool)
        )
        audience = Speaker.objects.create(name="观众", slug="bench-audience")
        tags = {
            name: Tag.objects.create(name=name, slug=f"bench-tag-{i}")
            for i, name in enumerate(EDITOR_TAGS)
        }
        cast = Cast(speakers, audience, tags)
        for i in range(events + DRAFTS):
            written += write_event(
                rng, seed, cast, number=i + 1, quotes=per_event, published=i < events
            )
    vocabulary.changed()  # speaker and tag names join the segmentation dictionary
    return written


@dataclass
class Cast:
    """The speakers and editor tags every generated event draws from."""

    speakers: list
    audience: object
    tags: dict


def written_cast() -> Cast:
    """The speakers and tags `build_corpus` wrote, to make more events with."""
    from taggit.models import Tag

    from transcripts.models import Speaker

    speakers = list(Speaker.objects.filter(slug__startswith="bench-speaker-").order_by("pk"))
    tags = {t.name: t for t in Tag.objects.filter(slug__startswith="bench-tag-")}
    return Cast(speakers, Speaker.objects.get(slug="bench-audience"), tags)


def write_event(
    rng: random.Random,
    seed: Seed,
    cast: Cast,
    *,
    number: int,
    quotes: int,
    published: bool,
    slug: str = "",
):
    """One event (about 6 speakers: a host, four guests, the audience; parts and topics titled
    from the seed's own; `quotes` quotes of 1-3 seed sentences; every 7th quote tagged with an
    editor tag it mentions), in bulk. Returns the number of quotes written."""
    from transcripts.models import Event, Participation, Quote, Section, TaggedQuote, Topic

    start = datetime.date(2023, 1, 7)
    event = Event.objects.create(
        title=f"{seed.title} · 第{number}场",
        slug=slug or f"search-bench-{number:03d}",
        series=seed.series,
        date=start + datetime.timedelta(days=7 * (number - 1)),
        published=published,
        source_checksum=f"{slug or 'search-bench'}-{RANDOM_SEED}-{number}",
        source_format="json",
    )
    people = rng.sample(cast.speakers, 5)  # a host and four guests, then the audience
    roles = ["host"] + ["guest"] * 4 + ["audience"]
    Participation.objects.bulk_create(
        Participation(event=event, speaker=person, role=role, order=order)
        for order, (person, role) in enumerate(zip([*people, cast.audience], roles, strict=True))
    )
    sections = Section.objects.bulk_create(
        Section(event=event, number=p, title=seed.parts[(p - 1) % len(seed.parts)])
        for p in range(1, PARTS + 1)
    )
    topics = Topic.objects.bulk_create(
        Topic(
            event=event,
            section=sections[p],
            number=p * TOPICS_PER_PART + t + 1,
            title=seed.topics[(p * TOPICS_PER_PART + t) % len(seed.topics)],
            label=f"Q{t + 1}" if p == PARTS - 1 else "",
        )
        for p in range(PARTS)
        for t in range(TOPICS_PER_PART)
    )
    per_topic = max(1, quotes // len(topics))
    # who speaks: guests most, the host often, the audience now and then
    voices = [people[0]] * 2 + people[1:] * 4 + [cast.audience]
    for first in range(1, quotes + 1, 20_000):  # memory follows the batch, not the event
        batch = []
        for n in range(first, min(quotes, first + 19_999) + 1):
            topic = topics[min((n - 1) // per_topic, len(topics) - 1)]
            text = "".join(rng.choice(seed.sentences) for _ in range(rng.randint(1, 3)))
            batch.append(
                Quote(
                    event=event,
                    number=n,
                    position=n,
                    speaker=rng.choice(voices),
                    section=topic.section,
                    topic=topic,
                    text=text,
                )
            )
        Quote.objects.bulk_create(batch, batch_size=2000)
        tagged = []
        for quote in batch[TAG_EVERY - 1 :: TAG_EVERY]:
            mentioned = [t for t in EDITOR_TAGS if t.casefold() in quote.text.casefold()]
            if mentioned:
                tagged.append(TaggedQuote(content_object=quote, tag=cast.tags[mentioned[0]]))
        TaggedQuote.objects.bulk_create(tagged, batch_size=2000)
    return quotes


# The three ways --------------------------------------------------------------------------------


def visible():
    """The quotes readers may search, filtered as the service filters them: `public()` (quote
    and event published) where the model has it, else quotes of published events."""
    from transcripts.models import Quote

    if hasattr(Quote.objects, "public"):
        return Quote.objects.public()
    return Quote.objects.filter(event__published=True)


def service_search(raw: str) -> int:
    from transcripts.search.service import quote_search

    results = quote_search(raw, page_size=PAGE)
    results.hits  # noqa: B018 (evaluated for its cost)
    return results.count


def parsed(raw: str):
    """The query as the service parses it, with the same work: the vocabulary check, the
    parser, the tag synonyms (cached until tags change)."""
    from transcripts.search.query import parse_query, with_synonyms
    from transcripts.search.service import synonym_groups

    groups = synonym_groups()  # loads the vocabulary first: jieba keeps the names whole
    return with_synonyms(parse_query(raw), groups)


def raw_search(raw: str, vendor: str) -> int:
    """First page by rank and the count, written by hand over the same index: the same ranking
    as the service (metadata matches first, then bm25 / ts_rank), after the same parsing; then
    the page's rows and snippets, the page the service gives."""
    from transcripts.search.backends import backend

    query, search = parsed(raw), backend()
    if vendor == "postgresql":
        ids, count = raw_postgres(query, search)
    else:
        ids, count = raw_sqlite(search.recall_expression(query), search.tiers(query))
    page_rows(ids, query)
    return count


PAGE_ROWS = (
    "SELECT q.id, q.number, q.text, q.published, e.slug, e.title, e.date, s.name, s.slug,"
    " t.number, t.title, t.label FROM transcripts_quote q"
    " JOIN transcripts_event e ON e.id = q.event_id"
    " JOIN transcripts_speaker s ON s.id = q.speaker_id"
    " LEFT JOIN transcripts_topic t ON t.id = q.topic_id WHERE q.id IN ({})"
)


def page_rows(ids: list[int], query) -> list[tuple]:
    """The fields a hit shows for these quotes, in rank order, each with its snippet."""
    from django.db import connection

    from transcripts.search.highlight import snippet

    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(PAGE_ROWS.format(", ".join(["%s"] * len(ids))), ids)
        rows = {row[0]: row for row in cursor.fetchall()}
    return [(rows[pk], snippet(rows[pk][2], query.positive)) for pk in ids if pk in rows]


def raw_postgres(query, search) -> tuple[list[int], int]:
    """The tsquery over the index joined to the quote and event tables (readers' quotes), and
    very long quotes' pieces looked up as the service looks them up (none in this corpus; one
    statement on the pieces' GIN index all the same)."""
    from django.db import connection

    document, meta = search.match_expression(query), search.metadata_expression(query)
    match, params = "s.document @@ %s::tsquery", [document]
    if long := search._long_matches(query):
        match, params = f"({match} OR s.quote_id = ANY(%s))", [document, long]
    visible = (
        " FROM transcripts_quote_search s"
        " JOIN transcripts_quote q ON q.id = s.quote_id"
        " JOIN transcripts_event e ON e.id = q.event_id"
        f" WHERE {match} AND e.published AND q.published"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT q.id, CASE WHEN s.document @@ %s::tsquery THEN 1 ELSE 2 END AS tier,"
            f" ts_rank('{search.RANK_WEIGHTS}', s.document, %s::tsquery,"
            f" {search.RANK_NORMALIZATION}) AS r"
            f"{visible} ORDER BY tier, r DESC, q.id LIMIT {PAGE}",
            [meta, document, *params],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT count(*){visible}", params)
        return ids, cursor.fetchone()[0]


def raw_sqlite(recall: str, tiers: tuple[str, ...]) -> tuple[list[int], int]:
    """The two tiers, a page at most, and the count, from the FTS5 index alone."""
    from django.db import connection

    fts = "transcripts_quote_fts"
    where = f" FROM {fts} WHERE {fts} MATCH %s"
    with connection.cursor() as cursor:
        ids: list[int] = []
        for tier in tiers:
            cursor.execute(
                f"SELECT rowid, bm25({fts}, 1.0, 0.5, 2.0) AS s{where} ORDER BY s, rowid LIMIT %s",
                [tier, PAGE - len(ids)],
            )
            ids += [row[0] for row in cursor.fetchall()]
            if len(ids) == PAGE:
                break
        cursor.execute(f"SELECT count(*){where}", [recall])
        return ids, cursor.fetchone()[0]


def naive_words(raw: str) -> tuple[list[str], list[str]]:
    """The words as typed: quotes stripped, `-word` excluded."""
    wanted, excluded = [], []
    for word in raw.replace('"', " ").split():
        if word.startswith("-") and len(word) > 1:
            excluded.append(word[1:])
        else:
            wanted.append(word)
    return wanted, excluded


def naive_search(raw: str) -> int:
    from django.db.models import Q

    wanted, excluded = naive_words(raw)
    quotes = visible()
    for word in wanted:
        quotes = quotes.filter(text__icontains=word)
    for word in excluded:
        quotes = quotes.filter(~Q(text__icontains=word))
    quotes = quotes.order_by()
    list(quotes[:PAGE])
    return quotes.count()


# Measuring -------------------------------------------------------------------------------------


@dataclass
class Row:
    query: str
    counts: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)  # milliseconds

    def median(self, way: str) -> float:
        return statistics.median(self.times[way])


def cell(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(rounds: int) -> list[Row]:
    from django.db import connection

    vendor = connection.vendor
    rows = []
    for raw in QUERIES:
        row = Row(query=raw)
        ways = {
            "service": lambda raw=raw: service_search(raw),
            "raw": lambda raw=raw: raw_search(raw, vendor),
            "icontains": lambda raw=raw: naive_search(raw),
        }
        for way, action in ways.items():  # warm-up
            row.counts[way] = action()
            row.times[way] = []
        for _ in range(rounds):
            for way, action in ways.items():
                start = time.perf_counter()
                action()
                row.times[way].append((time.perf_counter() - start) * 1000)
        rows.append(row)
    return rows


def exactness(rows: list[Row]) -> dict[str, tuple[int, int]]:
    """For every single-word query: (service count, published quotes whose normalised text
    contains the normalised term, counted in Python)."""
    from transcripts.search.documents import normalize

    single = {
        row.query: normalize(row.query) for row in rows if naive_words(row.query)[0] == [row.query]
    }
    expected = dict.fromkeys(single, 0)
    texts = visible().values_list("text", flat=True)
    for text in texts.iterator(chunk_size=5000):
        normalized = normalize(text)
        for query, term in single.items():
            if term in normalized:
                expected[query] += 1
    service = {row.query: row.counts["service"] for row in rows}
    return {query: (service[query], expected[query]) for query in single}


# Main ------------------------------------------------------------------------------------------


def build_and_index(events: int, per_event: int) -> int:
    """The corpus and its index, timed; returns the number of published quotes."""
    from django.db import transaction

    from transcripts.models import Quote
    from transcripts.search import service

    if Quote.objects.exists():
        raise SystemExit("the database already holds quotes; point DATABASE_URL at an empty one")
    seed = read_seed()
    start = time.perf_counter()
    written = build_corpus(random.Random(RANDOM_SEED), seed, events, per_event)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    with transaction.atomic():  # as `manage.py rebuild_search_index` runs it
        indexed = service.rebuild()
    index_s = time.perf_counter() - start
    published = visible().count()
    print(
        f"corpus: {written} quotes ({published} published) in {events + DRAFTS} events, "
        f"from {len(seed.sentences)} seed sentences, random seed {RANDOM_SEED}"
    )
    for label, seconds, count in (
        ("build (bulk_create)", build_s, written),
        ("index (rebuild(), one transaction)", index_s, indexed),
    ):
        print(f"  {label:<36}{seconds:7.1f} s  ({count / seconds:7.0f} quotes/s)")
    return published


def print_queries(rows: list[Row], rounds: int) -> None:
    print(f"\nfirst page ({PAGE}) plus count: median of {rounds} rounds after a warm-up, in ms")
    print(
        f"  {'query':<14}{'n: svc/raw/icontains':>22}  {'service':>7}{'p95':>7}"
        f"  {'raw':>7}{'p95':>7}  {'icontains':>9}  {'svc/raw':>7}  {'icont/svc':>9}"
    )
    for row in rows:
        counts = "/".join(str(row.counts[w]) for w in ("service", "raw", "icontains"))
        service, raw, naive = (row.median(w) for w in ("service", "raw", "icontains"))
        print(
            f"  {cell(row.query, 14)}{counts:>22}  {service:7.1f}{p95(row.times['service']):7.1f}"
            f"  {raw:7.1f}{p95(row.times['raw']):7.1f}  {naive:9.1f}"
            f"  {service / raw:7.2f}  {naive / service:9.1f}"
        )
    mismatched = [r.query for r in rows if r.counts["service"] != r.counts["raw"]]
    if mismatched:
        print(f"  warning: service and raw SQL counts differ for {', '.join(mismatched)}")


def goal(met: bool) -> str:
    return "met" if met else "NOT met"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds per query and way")
    parser.add_argument("--events", type=int, default=80, help="published events")
    parser.add_argument("--quotes", type=int, default=2500, help="quotes per event")
    parser.add_argument(
        "--draft-quotes",
        type=int,
        default=200_000,
        help="then the same queries beside an unpublished event this large (0: skip)",
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        setup_django(scratch)
        from django.conf import settings
        from django.db import connection

        print(
            f"database {connection.vendor}; DEBUG={settings.DEBUG}; "
            f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs"
        )
        if settings.DEBUG:
            print("warning: DEBUG is on; run with DJANGO_DEBUG=0 for production-like figures")
        published = build_and_index(args.events, args.quotes)

        rows = measure(args.rounds)
        print_queries(rows, args.rounds)
        every = {way: [t for r in rows for t in r.times[way]] for way in rows[0].times}
        median = {way: statistics.median(times) for way, times in every.items()}
        service_p95 = p95(every["service"])
        service_ratio = median["service"] / median["raw"]
        naive_ratio = median["icontains"] / median["service"]
        worst = max(rows, key=lambda r: r.median("service") / r.median("raw"))
        print(
            f"\nall {len(rows)} queries x {args.rounds} rounds "
            f"(load average now {os.getloadavg()[0]:.1f}):"
        )
        for way, times in every.items():
            print(f"  {way:<10} median {median[way]:7.1f} ms  p95 {p95(times):7.1f} ms")
        print(
            f"  service median {median['service']:.1f} ms  "
            f"(goal < {MEDIAN_GOAL_MS:.0f} ms: {goal(median['service'] < MEDIAN_GOAL_MS)})"
        )
        print(
            f"  service/raw {service_ratio:.2f}  (goal <= {RAW_RATIO_GOAL}: "
            f"{goal(service_ratio <= RAW_RATIO_GOAL)}; worst query {worst.query} "
            f"{worst.median('service') / worst.median('raw'):.2f})"
        )
        print(
            f"  icontains/service {naive_ratio:.1f}  "
            f"(goal >= {NAIVE_RATIO_GOAL:.0f}: {goal(naive_ratio >= NAIVE_RATIO_GOAL)})"
        )

        print("\nexactness: service count = published quotes whose normalised text has the term")
        for query, (found, expected) in exactness(rows).items():
            verdict = "yes" if found == expected else "no"
            print(f"  {cell(query, 10)} service {found:6d}  python {expected:6d}  exact: {verdict}")

        if args.draft_quotes:
            quotes, seconds = add_draft(args.draft_quotes)
            compare_with_draft(rows, measure(args.rounds), quotes, seconds)

        print(
            f"search {published} quotes: service median {median['service']:.1f} ms "
            f"p95 {service_p95:.1f} ms; service/raw {service_ratio:.2f}; "
            f"icontains/service {naive_ratio:.1f}"
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
