"""SQLite's contentless index (issue 16): it keeps no copy of the words it indexed, so every way
an entry leaves it (an edit, a deletion, taking an event down, a migration) must name the words it
was given. A wrong word would leave a stale match or a wrong count: these tests look for both."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from transcripts.models import Event, Quote
from transcripts.search import service, visibility
from transcripts.search.documents import normalize

from .factories import import_demo, make_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index"),
]
TERMS = ["模型", "数据", "幻觉", "AGI", "语言", "大模型 -幻觉", "强化学习"]


@pytest.fixture(autouse=True)
def demo():
    return import_demo()


def python_count(raw: str) -> int:
    """Public quotes whose normalised text has every word and none of the excluded ones."""
    words = raw.split()
    wanted = [normalize(w) for w in words if not w.startswith("-")]
    unwanted = [normalize(w[1:]) for w in words if w.startswith("-")]
    texts = [normalize(q.text) for q in Quote.objects.public()]
    return sum(all(w in t for w in wanted) and not any(w in t for w in unwanted) for t in texts)


def ranked(raw: str) -> list[tuple[int, int]]:
    return [(h.quote.pk, h.tier) for h in service.quote_search(raw, page_size=200).hits]


def answers() -> dict[str, tuple[int, list[tuple[int, int]]]]:
    return {raw: (service.quote_search(raw).count, ranked(raw)) for raw in TERMS}


def test_counts_are_exact_however_entries_come_and_go():
    make_event(quotes=60, slug="draft", published=False)
    Quote.objects.filter(pk__in=Quote.objects.public().values("pk")[:5]).delete()
    Event.objects.filter(slug="draft").update(published=True)
    Quote.objects.filter(number__in=[4, 9]).update(published=False)
    for raw in TERMS:
        assert service.quote_search(raw).count == python_count(raw) > 0


def test_an_edited_quote_is_found_by_its_new_words_only():
    quote = Quote.objects.public().filter(text__contains="幻觉").first()
    before = service.quote_search("幻觉").count
    quote.text = "这一段现在只谈量子纠缠。"
    quote.save()
    assert quote.pk not in {pk for pk, _ in ranked("幻觉")}
    assert service.quote_search("幻觉").count == before - 1 == python_count("幻觉")
    assert [pk for pk, _ in ranked("量子纠缠")] == [quote.pk]
    quote.delete()
    assert service.quote_search("量子纠缠").count == 0
    assert service.quote_search("幻觉").count == python_count("幻觉")


def test_taking_an_event_down_and_back_gives_the_same_results():
    """Entries leave the index and come back from the words kept aside: the same quotes, in
    the same order (a word lost on the way would change both)."""
    make_event(quotes=40, slug="second", published=True)
    before = answers()
    Event.objects.filter(slug="second").update(published=False)
    assert all(service.quote_search(raw).count == python_count(raw) for raw in TERMS)
    event = Event.objects.get(slug="second")
    event.published = True
    event.save()
    assert answers() == before


def test_migrating_back_and_forth_keeps_every_answer():
    """0015 made the index contentless without segmenting a word again; reversing it gives
    the old table back; both ways search answers the same, and the index keeps up after."""
    make_event(quotes=30, slug="draft", published=False)
    before = answers()
    migration = import_module("transcripts.migrations.0015_search_sqlite_compact")

    def run(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    editor = SimpleNamespace(connection=connection, execute=run)
    migration.expand(apps, editor)
    assert answers() == before
    migration.compact(apps, editor)
    visibility.install()  # as after `migrate`
    assert answers() == before
    Event.objects.filter(slug="draft").update(published=True)
    Quote.objects.filter(text__contains="数据").first().delete()
    assert service.quote_search("数据").count == python_count("数据")


def test_a_quote_moved_to_another_topic_leaves_the_first_tier():
    """Quotes whose topic names the term rank first; moved under a topic that does not, a
    quote ranks with the others (its old topic's words are gone from the index)."""
    first = [pk for pk, tier in ranked("大模型") if tier == 1]
    quote = Quote.objects.get(pk=first[0])
    quote.topic = quote.event.topics.exclude(title__contains="大模型").first()
    quote.save()
    assert dict(ranked("大模型"))[quote.pk] == 2
