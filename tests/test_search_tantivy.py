"""The optional Tantivy backend (`SEARCH_BACKEND=tantivy`, issue 16): the same answers as the
database's own index, an index beside the database that follows every way quotes change, and
nothing lost when the process dies between the database's commit and the index's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from transcripts.event_deletion import delete_events
from transcripts.filters import NO_FILTERS, QuoteFilters
from transcripts.models import Event, Quote, TaggedQuote
from transcripts.search import outbox, service
from transcripts.search.backends import backend
from transcripts.search.documents import normalize
from transcripts.search.query import parse_query

from .conftest import ROOT
from .factories import import_demo, make_event

pytest.importorskip("tantivy")
from transcripts.search.backends.tantivy import TantivyBackend

QUOTE = Quote._meta.db_table
QUERIES = [
    "模型",
    "数据",
    "幻觉",
    "大模型 -幻觉",
    '"强化学习"',
    "AGI",
    "agi",
    "幻覺",  # Traditional
    "語言 模型",
    "强",  # one character: a prefix of every word it starts
    "rl",
    "算力 -芯片",
]


@pytest.fixture
def tantivy(tmp_path):
    """The Tantivy backend, its index in a folder of the test's own; the database backends and
    their triggers again afterwards."""
    with override_settings(SEARCH_BACKEND="tantivy", SEARCH_INDEX_DIR=tmp_path / "index"):
        yield
    outbox.install()


def answers(filters: QuoteFilters = NO_FILTERS) -> dict:
    """Each query's count, its results, and their bands in rank order (tier, then brief quotes
    after the others), over two pages (a page boundary inside a band)."""
    found = {}
    for raw in QUERIES:
        pages = [service.quote_search(raw, filters, page=n, page_size=30) for n in (1, 2)]
        hits = [h for page in pages for h in page.hits]
        ids = [h.quote.pk for h in hits]
        assert len(ids) == len(set(ids))  # no quote on both pages
        briefs = {d.quote_id: d.brief for d in service._documents(Quote.objects.filter(pk__in=ids))}
        bands = [(h.tier, briefs[h.quote.pk]) for h in hits]
        found[raw] = (pages[0].count, sorted(ids), bands)
    return found


def truth(raw: str) -> set[int]:
    """Public quotes whose text holds every word and none of the excluded ones."""
    words = raw.split()
    wanted = [normalize(w) for w in words if not w.startswith("-")]
    unwanted = [normalize(w[1:]) for w in words if w.startswith("-")]
    return {
        q.pk
        for q in Quote.objects.public()
        if all(w in normalize(q.text) for w in wanted)
        and not any(w in normalize(q.text) for w in unwanted)
    }


def found(raw: str) -> set[int]:
    results = service.quote_search(raw, page_size=200)
    ids = {h.quote.pk for h in results.hits}
    assert results.count == len(ids)
    return ids


# The same answers ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_answers_as_the_database_backend(tantivy):
    """Counts, results and tiers (brief quotes after the others of their tier, page by page):
    what the database's index answers, Tantivy answers, filtered or not."""
    with override_settings(SEARCH_BACKEND="database"):
        event = import_demo()
        demo = QuoteFilters(event=event.slug)
        speaker = QuoteFilters(speaker=Quote.objects.filter(event=event).last().speaker.slug)
        expected = [answers(), answers(demo), answers(speaker)]
    assert all(count for count, _, _ in expected[0].values())  # each query finds quotes
    call_command("rebuild_search_index", "--no-progress")
    assert [answers(), answers(demo), answers(speaker)] == expected


# Keeping in step -------------------------------------------------------------------------------


@pytest.fixture
def demo(tantivy):
    return import_demo()


@pytest.mark.django_db(transaction=True)
def test_publishing_and_taking_down_quotes_and_events_however_it_is_done(demo):
    before = found("模型")
    quote = Quote.objects.get(pk=min(before))
    quote.published = False
    quote.save()
    assert found("模型") == before - {quote.pk} == truth("模型")
    Quote.objects.filter(pk=quote.pk).update(published=True)
    assert found("模型") == before
    make_event(quotes=40, slug="draft", published=False)
    assert found("模型") == before
    Event.objects.filter(slug="draft").update(published=True)
    assert found("模型") == truth("模型") > before
    draft = Event.objects.get(slug="draft")
    draft.published = False
    draft.save()
    assert found("模型") == before
    Event.objects.filter(pk=demo.pk).update(published=False)
    assert found("模型") == set() and service.quote_search("数据").count == 0
    assert not outbox.pending()


@pytest.mark.django_db(transaction=True)
def test_an_edited_quote_is_found_by_its_new_words_and_a_deleted_one_not_at_all(demo):
    quote = Quote.objects.get(pk=min(found("幻觉")))
    quote.text = "这一段现在只谈量子纠缠。"
    quote.save()
    assert found("量子纠缠") == {quote.pk}
    assert found("幻觉") == truth("幻觉") and quote.pk not in found("幻觉")
    quote.delete()
    assert found("量子纠缠") == set()
    gone = sorted(found("数据"))[:3]
    with connection.cursor() as cursor:  # SQL of one's own
        for table, column in ((TaggedQuote._meta.db_table, "content_object_id"), (QUOTE, "id")):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * 3)})", gone)
    assert found("数据") == truth("数据") and not set(gone) & found("数据")
    delete_events([demo])  # in bulk SQL, a batch at a time
    assert found("数据") == set() == found("模型")


def index_count(raw: str) -> int:
    """What the index itself holds for a query, applying nothing the outbox holds."""
    search = backend()
    return search._count(search.index.searcher(), search._recall(parse_query(raw)))


@pytest.mark.django_db(transaction=True)
def test_a_crash_before_the_index_write_is_healed_by_the_next_search(demo, monkeypatch):
    data, quote = found("数据"), Quote.objects.get(pk=min(found("幻觉") - found("数据")))
    monkeypatch.setattr(TantivyBackend, "drain", lambda self: 0)
    quote.text = "这一段现在只谈量子纠缠。"
    quote.save()
    Quote.objects.filter(pk__in=data).update(published=False)
    assert outbox.pending() and index_count("数据") == len(data) and index_count("量子纠缠") == 0
    monkeypatch.undo()  # the next process
    assert found("量子纠缠") == {quote.pk} and found("数据") == set()
    assert not outbox.pending()


@pytest.mark.django_db(transaction=True)
def test_a_crash_before_the_index_write_is_healed_by_a_rebuild(demo, monkeypatch):
    data = len(found("数据"))
    monkeypatch.setattr(TantivyBackend, "drain", lambda self: 0)
    Quote.objects.filter(pk__in=found("数据")).update(published=False)
    assert index_count("数据") == data
    call_command("rebuild_search_index", "--no-progress")
    assert index_count("数据") == 0 and not outbox.pending()
    assert index_count("模型") == len(truth("模型")) > 0


@pytest.mark.django_db(transaction=True)
def test_changes_wait_while_another_process_holds_the_writer(demo):
    quote = Quote.objects.get(pk=min(found("幻觉")))
    holder = backend().index.writer(15_000_000, 1)  # another process's drain
    quote.text = "这一段现在只谈量子纠缠。"
    quote.save()  # committed; the index is busy
    assert outbox.pending() and found("量子纠缠") == set()
    holder.wait_merging_threads()  # lets go
    assert found("量子纠缠") == {quote.pk} and not outbox.pending()


@pytest.mark.django_db(transaction=True)
def test_migrating_takes_the_triggers_down_and_puts_them_back(demo):
    """On SQLite a trigger naming another table would stop `migrate` from rebuilding that
    table: they come down while migrations run, and back up after."""
    call_command("migrate", "transcripts", "0016", verbosity=0)
    call_command("migrate", "transcripts", verbosity=0)
    before = found("模型")
    Quote.objects.filter(pk=min(before)).update(published=False)
    assert found("模型") == before - {min(before)}


# Settings --------------------------------------------------------------------------------------


def start(code: str, **env: str) -> subprocess.CompletedProcess:
    """Django set up in a fresh process with this environment."""
    return subprocess.run(
        [sys.executable, "-c", f"{code}; import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "salon_site.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_a_bad_search_setting_stops_the_site_with_a_clear_message():
    unknown = start("pass", SEARCH_BACKEND="elastic")
    assert unknown.returncode != 0
    assert "SEARCH_BACKEND='elastic' is not one of: database, tantivy" in unknown.stderr
    missing = start("import sys; sys.modules['tantivy'] = None", SEARCH_BACKEND="tantivy")
    assert missing.returncode != 0 and "needs the tantivy package" in missing.stderr
    assert start("pass", SEARCH_BACKEND="tantivy").returncode == 0
