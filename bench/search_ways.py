"""The ways the search bench finds a query's first page and its count, each timed by name.

The service (`quote_search`); the backend's full-text SQL written by hand after the same parsing
(`raw_sqlite`, `raw_postgres`, built from the backend's own expressions, so they change with it),
then the page's rows and snippets by one hand-written join; a naive `icontains` scan; Tantivy
alone, and Tantivy doing the service's work. They sit together so each can be read beside the
others: a way that does less than the service makes its ratio lie.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

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


def page_search(raw: str) -> int:
    """What the search page asks of the service: the facets (results per speaker and per event)
    first, whose walk over the matches also counts them, then the page of hits."""
    from transcripts.search.service import quote_search

    results = quote_search(raw, page_size=PAGE)
    results.by_speaker, results.by_event  # noqa: B018 (evaluated for their cost)
    results.hits  # noqa: B018
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
        ids, count = raw_sqlite(query, search)
    page_rows(ids, query)
    return count


def peer_service(raw: str, peer) -> int:
    """The search service itself with the Tantivy backend (`SEARCH_BACKEND=tantivy` on the
    peer's index): the same code as `service_search`, every step of it."""
    from django.test.utils import override_settings

    with override_settings(SEARCH_BACKEND="tantivy", SEARCH_INDEX_DIR=peer.path):
        return service_search(raw)


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


# The backends' SQL, by hand. Each must do exactly the service's work on its index: the SQL comes
# from the backend's own expression builders, and changes with the backend.


def raw_postgres(query, search) -> tuple[list[int], int]:
    """The bands of the ranking, a page at most, and the count, from the index table alone (it
    holds only what readers may see, as the service's unfiltered search reads it), with very
    long quotes' pieces looked up as the service looks them up (none in this corpus; one
    statement on the pieces' GIN index all the same)."""
    from django.db import connection

    from transcripts.search.backends.postgres import BANDS
    from transcripts.search.backends.tables import PG_TABLE

    match, params = search._match(query, "s")
    meta, recall = search.metadata_expression(query), search.recall_expression(query)
    rank = f"ts_rank(s.recall, %s::tsquery, {search.RANK_NORMALIZATION})"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for in_meta, brief in BANDS:
            cursor.execute(
                f"SELECT s.quote_id, {rank} AS r FROM {PG_TABLE} s WHERE {match}"
                f" AND {'' if in_meta else 'NOT '}s.meta @@ %s::tsquery"
                f" AND {'' if brief else 'NOT '}s.brief ORDER BY r DESC, s.quote_id LIMIT %s",
                [recall, *params, meta, PAGE - len(ids)],
            )
            ids += [row[0] for row in cursor.fetchall()]
            if len(ids) == PAGE:
                break
        cursor.execute(f"SELECT count(*) FROM {PG_TABLE} s WHERE {match}", params)
        return ids, cursor.fetchone()[0]


def raw_sqlite(query, search) -> tuple[list[int], int]:
    """The tiers' bands, a page at most, and the count, from the FTS5 index alone."""
    from django.db import connection

    from transcripts.search.backends.tables import FTS_TABLE

    fts, weights = FTS_TABLE, ", ".join(str(w) for w in search.WEIGHTS)
    where = f" FROM {fts} WHERE {fts} MATCH %s"
    with connection.cursor() as cursor:
        ids: list[int] = []
        for band in search.tiers(query):
            cursor.execute(
                f"SELECT rowid, bm25({fts}, {weights}) AS s{where} ORDER BY s, rowid LIMIT %s",
                [band, PAGE - len(ids)],
            )
            ids += [row[0] for row in cursor.fetchall()]
            if len(ids) == PAGE:
                break
        cursor.execute(f"SELECT count(*){where}", [search.recall_expression(query)])
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


def ways(vendor: str, peer) -> dict[str, Callable[[str], int]]:
    """What each round times, by name: the three ways, and Tantivy's two when it runs."""
    found = {
        "service": service_search,
        "page": page_search,
        "raw": lambda raw: raw_search(raw, vendor),
        "icontains": naive_search,
    }
    if peer is not None:
        parsed_once = functools.cache(parsed)  # index only: the query parsed before timing
        found["tantivy"] = lambda raw: peer.search(parsed_once(raw), PAGE)[1]
        found["tantivy-svc"] = lambda raw: peer_service(raw, peer)
    return found
