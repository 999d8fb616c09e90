"""What only PostgreSQL has: the tsvector index table, its GIN index and triggers, and the
tsquery the backend writes. Skipped on SQLite; `make test-postgres` runs them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from transcripts.models import Quote
from transcripts.search.backends import HIDDEN, PG_PIECES, PG_TABLE, PostgresBackend, backend
from transcripts.search.documents import RUN, normalize
from transcripts.search.query import parse_query
from transcripts.search.service import quote_search

from .factories import import_demo
from .test_search import brief


@pytest.fixture(autouse=True)
def _postgresql_only():
    # evaluated when the test runs, against the database the suite is configured with
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (make test-postgres)")


def numbers_containing(text: str) -> list[int]:
    return sorted(q.number for q in Quote.objects.all() if normalize(text) in normalize(q.text))


def lexemes(quote_id: int, column: str = "recall") -> list[tuple[int, str]]:
    """(position, lexeme) of one quote's grams (or metadata), in position order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT lexeme, positions FROM {PG_TABLE}, unnest({column}) WHERE quote_id = %s",
            [quote_id],
        )
        rows = cursor.fetchall()
    return sorted((position, lexeme) for lexeme, positions in rows for position in positions)


def index_size(table: str = PG_TABLE) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "column"), [(PG_TABLE, "recall"), (PG_PIECES, "document")])
def test_the_index_tables_have_a_gin_index(table, column):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        definitions = [row[0] for row in cursor.fetchall()]
    assert any(f"USING gin ({column})" in d for d in definitions), definitions


@pytest.mark.django_db
def test_a_search_can_use_the_gin_index():
    import_demo()
    with connection.cursor() as cursor:  # 70 rows: the planner would rather read them all
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = backend().matching(Quote.objects.public(), parse_query("大模型")).explain()
    assert "Bitmap Index Scan on transcripts_quote_search_recall" in plan, plan


@pytest.mark.django_db
def test_each_gram_is_one_lexeme_at_its_own_position():
    event = import_demo()
    quote = event.quotes.get(number=1)
    quote.text = "大模型 GPT-4 的 1e5x"
    quote.save()  # reindexed by the post_save receiver
    assert lexemes(quote.pk) == [
        (1, "大模"),
        (2, "模型"),
        (3, "型"),
        (4, "gpt"),
        (5, "4"),
        (6, "的"),
        (7, "1e5x"),  # to_tsvector would make it 1e5 and x
    ]
    assert quote_search("1e5x", page_size=200).count == 1
    assert quote_search('"模型 gpt 4 的"').count == 1
    assert quote_search('"大模型 gpt 4 的 1e5"').count == 1  # the last word as a prefix


@pytest.mark.django_db
def test_a_phrase_finds_exactly_the_quotes_that_contain_it():
    import_demo()
    results = quote_search("大模型", page_size=200)
    expected = sorted(q.number for q in Quote.objects.filter(text__contains="大模型"))
    assert results.count == len(expected) > 20
    assert sorted(hit.quote.number for hit in results.hits) == expected
    ranks = [(hit.tier, brief(hit.quote.number), hit.score) for hit in results.hits]
    # metadata matches first, brief lines after the rest of their tier, then best (lowest) score
    assert ranks == sorted(ranks)
    assert any(rank[1] for rank in ranks) and not all(rank[1] for rank in ranks)


@pytest.mark.django_db
def test_a_traditional_query_finds_the_simplified_quotes():
    import_demo()
    results = quote_search("數據", page_size=200)
    expected = sorted(q.number for q in Quote.objects.filter(text__contains="数据"))
    assert expected and sorted(hit.quote.number for hit in results.hits) == expected


@pytest.mark.django_db
def test_exclusions_prefixes_and_latin_words():
    import_demo()
    with_data = set(numbers_containing("数据"))

    def found(query: str) -> set[int]:
        return {hit.quote.number for hit in quote_search(query, page_size=200).hits}

    assert found("大模型 -数据") == set(numbers_containing("大模型")) - with_data
    assert found("幻") == set(numbers_containing("幻"))  # one character: a prefix
    assert found("ppo") == set(numbers_containing("ppo"))
    assert found("GPT-4") == set(numbers_containing("gpt-4")) | set(numbers_containing("gpt 4"))


def numbers_matching(words: tuple[str, ...]) -> list[int]:
    """The quotes holding every word, worked out from their text: a Latin word or number as the
    start of one of the text's Latin words or numbers (the backend's prefix match), Chinese as
    it stands."""

    def holds(text: str, word: str) -> bool:
        if RUN.fullmatch(word) and not word[0] >= "\u3400":
            return any(run.startswith(word) for run in RUN.findall(text))
        return word in text

    texts = {q.number: normalize(q.text) for q in Quote.objects.all()}
    return sorted(n for n, text in texts.items() if all(holds(text, w) for w in words))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "words"),
    [  # the words each hostile query means once its syntax is read as punctuation (None: none)
        ("'); DROP TABLE x; --", ("drop", "table", "x")),
        ("a:b & | ! <->", ("a", "b")),
        ("'", None),
        ("''", None),
        ("\\", None),
        ("\\'", None),
        (":*", None),
        ("!大模型", ("大模型",)),
        ("大模型:*A", ("大模型", "a")),
        ("<-> <2> <0>", ("2", "0")),
        ("(((", None),
        ("'大模' <-> '模型'", ("模", "模型")),  # 大 is a stopword
        ("数据 & !", ("数据",)),
    ],
)
def test_hostile_queries_return_normally(query, words):
    import_demo()
    before = index_size()
    results = quote_search(query, page_size=200)
    if words is None:
        assert results.error and results.count == 0 and results.hits == []
    else:
        assert not results.error, results.error
        assert sorted(hit.quote.number for hit in results.hits) == numbers_matching(words)
        assert results.count == len(results.hits)
    assert isinstance(results.by_speaker, list) and isinstance(results.by_event, list)
    assert index_size() == before == Quote.objects.count() == 70


def test_lexemes_are_quoted_in_literals():
    assert PostgresBackend._quoted("it's") == "'it''s'"
    assert PostgresBackend._quoted("a\\b") == "'a\\\\b'"


@pytest.mark.django_db
def test_a_very_long_quote_keeps_its_grams_in_overlapping_pieces():
    """Too long for one tsvector literal (under 1 MB of lexemes, positions up to 16383): the
    quote's row keeps its metadata; its grams go to pieces that overlap."""
    event = import_demo()
    quote = event.quotes.get(number=1)
    quote.text = "大模型" + "数据" * 100_000  # the acceptance check's long quote, and more
    quote.save()
    assert not lexemes(quote.pk) and lexemes(quote.pk, "meta")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT piece, (SELECT max(p) FROM unnest(document) u,"
            f" unnest(u.positions) p) FROM {PG_PIECES} WHERE quote_id = %s ORDER BY piece",
            [quote.pk],
        )
        pieces = cursor.fetchall()
    grams = 200_000 + 3
    step = PostgresBackend.PIECE_GRAMS - PostgresBackend.OVERLAP
    overlap = PostgresBackend.OVERLAP
    assert [number for number, _ in pieces] == list(range(1, -(-(grams - overlap) // step) + 1))
    assert all(top <= PostgresBackend.PIECE_GRAMS for _, top in pieces)
    model, data = set(numbers_containing("大模型")), set(numbers_containing("数据"))
    assert 1 in model & data
    for query, expected in (("大模型 数据", model & data), ("大模型 -数据", model - data)):
        assert {h.quote.number for h in quote_search(query, page_size=200).hits} == expected


@pytest.mark.django_db
def test_deleting_quotes_in_sql_removes_their_index_entries():
    """A trigger does what ON DELETE CASCADE would, even for deletes that send no signal: from
    the index, the hidden quotes' entries and the pieces of long quotes."""
    event = import_demo()
    ids = list(event.quotes.filter(tags=None).values_list("pk", flat=True)[:3])
    hidden, long = event.quotes.get(pk=ids[0]), event.quotes.get(pk=ids[1])
    hidden.published = False
    hidden.save()
    long.text = "数据" * 10_000
    long.save()
    assert index_size(HIDDEN["postgresql"]) == 1 and index_size(PG_PIECES) == 3
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM transcripts_quote WHERE id = ANY(%s)", [ids])
    assert index_size() == 70 - 3
    assert index_size(HIDDEN["postgresql"]) == index_size(PG_PIECES) == 0


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_index_too():
    """Django's flush truncates the quote table (manage.py flush, transactional tests): no
    foreign key may stop it, and the index must not keep entries for quotes that are gone."""
    event = import_demo()
    event.quotes.filter(number=1).update(published=False)
    event.quotes.filter(number=2).update(text="数据" * 10_000)
    call_command("rebuild_search_index", verbosity=0)
    assert index_size() == 69 and index_size(HIDDEN["postgresql"]) == 1 and index_size(PG_PIECES)
    call_command("flush", interactive=False, verbosity=0)
    assert index_size() == index_size(HIDDEN["postgresql"]) == index_size(PG_PIECES) == 0


# Readers during an import ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_readers_never_see_a_half_imported_event():
    """While a new event's rows are written but not committed, it does not exist for readers:
    no page, no API, not on the home page, nothing in search. Once committed, all of it."""
    from django.core.cache import cache

    from .import_race import readers_during_a_paused_import

    cache.clear()
    seen = readers_during_a_paused_import(replace=False)
    nothing = {"page": 404, "api": 404, "home_lists_it": False, "search_hits": 0}
    assert {key: seen["during"][key] for key in nothing} == nothing
    assert seen["after"]["page"] == 200 and seen["after"]["quotes_on_page"] == 70
    assert seen["after"]["api_quotes"] == 70 and seen["after"]["search_hits"] > 0


@pytest.mark.django_db(transaction=True)
def test_readers_see_the_old_event_whole_while_it_is_being_replaced():
    """A --replace import rewrites every row of the event; until it commits, readers get the
    old version complete (same page, same API, same search), then the new one complete."""
    from django.core.cache import cache

    from .import_race import readers_during_a_paused_import

    cache.clear()
    seen = readers_during_a_paused_import(replace=True)
    assert seen["before"]["quotes_on_page"] == 70
    assert seen["during"] == seen["before"]
    after = seen["after"]
    assert after["new_title_on_page"] and after["quotes_on_page"] == after["api_quotes"] == 40
