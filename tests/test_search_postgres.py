"""PostgreSQL's index (make test-postgres): the planner knows how many quotes a word matches after
a rebuild or a large import, and an unfiltered search answers from the index alone."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transcripts.models import Quote
from transcripts.search import service
from transcripts.search.backends import PG_TABLE, PostgresBackend
from transcripts.search.documents import normalize

from .factories import import_demo, make_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own index"),
]


def estimated_rows(word: str) -> float:
    """The planner's guess of how many index rows hold `word`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT quote_id FROM {PG_TABLE} WHERE recall @@ %s::tsquery",
            [f"'{word}'"],
        )
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def test_after_a_rebuild_the_planner_knows_how_common_a_word_is():
    """Without ANALYZE after a bulk load, PostgreSQL guessed a handful of rows where tens of
    thousands matched, and chose plans for the handful."""
    make_event(quotes=400, slug="big")
    call_command("rebuild_search_index", verbosity=0)
    texts = Quote.objects.public().values_list("text", flat=True)
    word = "模型"
    actual = sum(word in normalize(text) for text in texts)
    assert actual > 50
    assert actual / 2 <= estimated_rows(word) <= actual * 2


def test_a_large_import_leaves_the_planner_with_true_counts(monkeypatch):
    """The same after an import of at least `ANALYZE_AFTER` quotes (lowered here)."""
    monkeypatch.setattr(service, "ANALYZE_AFTER", 300)
    make_event(quotes=400, slug="big")
    texts = Quote.objects.public().values_list("text", flat=True)
    actual = sum("模型" in normalize(text) for text in texts)
    assert actual / 2 <= estimated_rows("模型") <= actual * 2


def test_an_unfiltered_search_reads_the_index_alone():
    """The index holds exactly what readers may see: the count and the ranking join no quote
    or event (only the page's own quotes are read)."""
    import_demo()
    make_event(quotes=30, slug="draft", published=False)
    with CaptureQueriesContext(connection) as queries:
        results = service.quote_search("大模型", page_size=10)
        assert results.count > 10 and len(results.hits) == 10
    searching = [q["sql"] for q in queries.captured_queries if PG_TABLE in q["sql"]]
    assert searching and not any('transcripts_quote"' in sql for sql in searching)
    assert not any("transcripts_event" in sql for sql in searching)


def test_index_size_counts_every_table_of_the_index():
    import_demo()
    before = PostgresBackend().index_size()
    make_event(quotes=300, slug="more")
    assert PostgresBackend().index_size() > before > 0
