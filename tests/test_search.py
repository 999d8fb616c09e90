"""Chinese full-text search: exact recall, ranking, highlighting, both scripts, filters, and
queries that cannot hurt. Runs on SQLite and (make test-postgres) on PostgreSQL."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.filters import QuoteFilters
from transcripts.models import Event, Quote
from transcripts.search import service
from transcripts.search.documents import normalize

from .conftest import contains_whole
from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db
TERMS = ["幻觉", "百模大战", "基座模型", "PPO", "AGI", "推荐", "强化学习", "算力", "数据", "语言"]


@pytest.fixture(autouse=True)
def demo():
    return import_demo()


def truth(term: str) -> set[int]:
    """The quotes whose text contains the term (case- and script-insensitively)."""
    wanted = normalize(term)
    return {q.number for q in Quote.objects.all() if wanted in normalize(q.text)}


def api_numbers(client, **params) -> tuple[int, set[int], dict]:
    response = client.get("/api/search", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    data = response.json()
    return data["count"], {r["number"] for r in data["results"]}, data


@pytest.mark.parametrize("term", TERMS)
def test_results_are_exactly_the_quotes_containing_the_term(client, term):
    count, numbers, _ = api_numbers(client, q=term)
    assert numbers == truth(term) and count == len(numbers) > 0


@pytest.mark.parametrize("term", TERMS)
def test_the_page_highlights_every_shown_match(client, term):
    html = client.get("/search/", {"q": term}).content.decode()
    marks = re.findall(r"<mark>([^<]+)</mark>", html)
    assert marks and all(normalize(mark) == normalize(term) for mark in marks)
    assert len(re.findall(r'class="hit"', html)) == min(20, len(truth(term)))


def test_jieba_context_does_not_hide_matches():
    """拼算力 is one jieba token; cut_for_search splits 大模型 and 基座模型: all still match."""
    assert any("拼算力" in q.text for q in Quote.objects.filter(number__in=truth("算力")))
    assert service.quote_search("算力").count == len(truth("算力")) == 4
    assert service.quote_search("大模型").count == len(truth("大模型"))


@pytest.mark.parametrize(
    ("traditional", "simplified"), [("幻覺", "幻觉"), ("數據", "数据"), ("語言", "语言")]
)
def test_traditional_queries_find_simplified_quotes(client, traditional, simplified):
    count, numbers, data = api_numbers(client, q=traditional)
    assert numbers == truth(simplified) and count > 0
    assert f"<mark>{simplified}</mark>" in data["results"][0]["snippet"]


def test_simplified_queries_find_a_traditional_transcript(client, tmp_path):
    event = {
        "event": {"title": "繁體座談", "slug": "fanti", "published": True},
        "speakers": [{"name": "陳老師", "slug": "chen", "role": "guest"}],
        "quotes": [
            {"number": 1, "speaker": "chen", "text": "大型語言模型的幻覺問題,需要更多數據。"},
            {"number": 2, "speaker": "chen", "text": "謝謝大家。"},
        ],
    }
    path = tmp_path / "fanti.json"
    path.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    call_command("import_event", str(path), stdout=None)
    for simplified in ("幻觉", "语言", "数据"):
        count, _, data = api_numbers(client, q=simplified, event="fanti")
        assert count == 1
        assert data["results"][0]["snippet"].count("<mark>") == 1
        assert "幻覺" in data["results"][0]["snippet"]  # the original script is shown


def test_words_phrases_and_exclusions(client):
    both = truth("大模型") & truth("幻觉")
    assert api_numbers(client, q="大模型 幻觉")[1] == both
    assert api_numbers(client, q="大模型的幻觉")[1] == both  # 的 is dropped, words are ANDed
    assert api_numbers(client, q="大模型 -幻觉")[1] == truth("大模型") - truth("幻觉")
    assert api_numbers(client, q='"基座模型"')[1] == truth("基座模型")
    assert api_numbers(client, q='"模型的评估"')[1] == truth("模型的评估")
    assert api_numbers(client, q="ppo")[1] == truth("PPO")


def test_results_are_ranked_and_paginated(client):
    first = client.get("/api/search", {"q": "大模型", "page_size": 10}).json()
    second = client.get("/api/search", {"q": "大模型", "page_size": 10, "page": 2}).json()
    assert first["count"] == len(truth("大模型")) > 20
    ranks = [(r["tier"], r["score"]) for r in first["results"]]
    assert ranks == sorted(ranks)  # metadata matches first, then best (lowest) score first
    assert not {r["number"] for r in first["results"]} & {r["number"] for r in second["results"]}
    html = client.get("/search/", {"q": "大模型"}).content.decode()
    assert 'rel="next"' in html and "第 1 页" in html


def test_filters_combine_with_search(client):
    zhang = {q.number for q in Quote.objects.filter(speaker__slug="zhangjunlin")}
    assert api_numbers(client, q="大模型", speaker="zhangjunlin")[1] == truth("大模型") & zhang
    q3 = {q.number for q in Quote.objects.filter(topic__number=10)}
    assert api_numbers(client, q="模型", topic=10)[1] == truth("模型") & q3
    tagged = {q.number for q in Quote.objects.filter(tags__slug="幻觉")}
    assert api_numbers(client, q="模型", tag="幻觉")[1] == truth("模型") & tagged
    in_demo = truth("大模型")
    make_event(quotes=30, slug="other")
    count, _, data = api_numbers(client, q="大模型")
    assert {e["slug"] for e in data["by_event"]} == {
        "other",
        "da-mo-xing-xun-lian-he-jin-hua-zhi-lu",
    }
    only_demo = api_numbers(client, q="大模型", event="da-mo-xing-xun-lian-he-jin-hua-zhi-lu")
    assert only_demo[1] == in_demo and only_demo[0] < count


def test_counts_per_speaker_and_per_event_narrow_down(client):
    _, _, data = api_numbers(client, q="数据")
    by_speaker = {f["slug"]: f["count"] for f in data["by_speaker"]}
    assert sum(by_speaker.values()) == data["count"]
    for slug, n in by_speaker.items():
        assert api_numbers(client, q="数据", speaker=slug)[0] == n
    html = client.get("/search/", {"q": "数据"}).content.decode()
    assert "speaker=zhangjunlin" in html and "按活动" in html


def test_facets_offer_the_twenty_speakers_with_most_results_ties_by_slug(client):
    # 110 quotes, 22 speakers: each speaker's five quotes start on each of the five sentences
    make_event(quotes=110, slug="many", speakers=22)
    wanted = normalize("广告")
    counts = Counter(
        q.speaker.slug
        for q in Quote.objects.select_related("speaker")
        if wanted in normalize(q.text)
    )
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:20]
    shown, tied = (
        {slug for slug, _ in expected},
        {s for s, n in counts.items() if n == expected[-1][1]},
    )
    assert tied & shown and tied - shown  # the cut falls among speakers with as many results
    _, _, data = api_numbers(client, q="广告")
    assert [(f["slug"], f["count"]) for f in data["by_speaker"]] == expected


@pytest.mark.parametrize("filters", [QuoteFilters(), QuoteFilters(topic=10)])
def test_both_facets_and_the_count_come_from_one_walk_over_the_matches(
    filters, django_assert_num_queries
):
    results = service.quote_search("模型", filters)
    speakers = results.by_speaker
    with django_assert_num_queries(1):  # the events' names: the matches were walked already
        events = results.by_event
    with django_assert_num_queries(0):
        count = results.count
    assert count == sum(row["n"] for row in speakers) == sum(row["n"] for row in events) > 0
    assert count == service.quote_search("模型", filters).count  # counted on its own


def test_unpublished_events_are_not_searched(client):
    Event.objects.update(published=False)
    assert api_numbers(client, q="幻觉")[0] == 0


@pytest.mark.parametrize("query", ["刘知远", "liuzhiyuan", "LiuZhiyuan", "zibuyu9"])
def test_a_speaker_name_or_pinyin_offers_the_speaker_page_first(client, query):
    html = client.get("/search/", {"q": query}).content.decode()
    suggestion = html.index('class="suggestion"')
    assert '<a href="/speakers/liuzhiyuan/" lang="zh">刘知远</a>' in html[suggestion:]
    assert suggestion < html.index("找到")
    assert client.get("/api/search", {"q": query}).json()["speakers"][0]["slug"] == "liuzhiyuan"


HOSTILE = [
    '"',
    '""',
    "(",
    ")",
    "*",
    "AND",
    "OR NOT",
    "NEAR(",
    "a:b",
    "'; DROP TABLE x; --",
    "\\",
    "^",
    "-",
    "%",
    "%%",
    "<script>alert(1)</script>",
    "模型" * 5000,
    " ",
    "\x00",
    "🙂",
    "{}[]",
    "grams : 大模",
    'tokens:"x" OR 1',
    "-幻觉",
    "我们",
    "的",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_page_or_a_400_never_an_error(client, query):
    page = client.get("/search/", {"q": query})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)</script>" not in html
    api = client.get("/api/search", {"q": query})
    assert api.status_code in (200, 400)
    if api.status_code == 400:
        assert api.json()["detail"]
        assert 'class="problem"' in html or not query.strip()  # blank: just the search form
    assert Quote.objects.count() == 70


def test_too_long_and_empty_queries_explain_themselves(client):
    assert "太长" in client.get("/search/", {"q": "模型" * 5000}).content.decode()
    assert "至少输入一个要查找的词" in client.get("/search/", {"q": "-幻觉"}).content.decode()
    assert "没有可以搜索的词" in client.get("/search/", {"q": "!!!"}).content.decode()
    assert client.get("/search/").status_code == 200  # the empty form


def test_the_index_follows_edits_deletes_and_retagging(client):
    quote = Quote.objects.get(number=1)
    quote.text += "量子计算"
    quote.save()
    assert api_numbers(client, q="量子计算")[1] == {1}
    quote.tags.add("量子")
    assert service.quote_search("量子").count == 1
    quote.delete()
    assert api_numbers(client, q="量子计算")[0] == 0
    assert api_numbers(client, q="幻觉")[1] == truth("幻觉")


def test_reimporting_replaces_the_index_entries(client):
    from .conftest import DEMO

    call_command("import_event", str(DEMO), "--replace", stdout=None)
    assert api_numbers(client, q="幻觉")[1] == truth("幻觉")
    assert service.quote_search("幻觉").count == len(truth("幻觉"))


def test_rebuild_search_index_restores_an_emptied_index(client):
    from io import StringIO

    from transcripts.search.backends import backend

    backend().clear()
    assert api_numbers(client, q="幻觉")[0] == 0
    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert contains_whole(out.getvalue(), "indexed 70 quotes")
    assert contains_whole(err.getvalue(), "70/70")
    assert api_numbers(client, q="幻觉")[1] == truth("幻觉")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    q=st.text(max_size=300),
    speaker=st.text(max_size=30),
    topic=st.text(max_size=8),
    tag=st.text(max_size=30),
    page=st.text(max_size=6),
)
def test_any_query_and_filters_answer_200_or_400(client, q, speaker, topic, tag, page):
    params = {"q": q, "speaker": speaker, "topic": topic, "tag": tag, "page": page}
    assert client.get("/search/", params).status_code == 200
    assert client.get("/api/search", params).status_code in (200, 400)


def test_the_search_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Search cost in queries does not grow with the number of quotes or results: speaker
    suggestions, count, the page's ranked ids (per tier on SQLite), those quotes, per-speaker
    and per-event counts; on PostgreSQL the very long quotes that match (for the count and the
    page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/search/", {"q": "模型"})  # loads the segmentation vocabulary
    with CaptureQueriesContext(connection) as small:
        client.get("/search/", {"q": "模型"})
    make_event(quotes=600, slug="bigger")
    client.get("/search/", {"q": "模型"})
    with CaptureQueriesContext(connection) as large:
        response = client.get("/search/", {"q": "模型"})
    assert len(small) == len(large) <= 9, [q["sql"][:80] for q in large.captured_queries]
    # hundreds of results, the same queries (counted over quotes: numbers repeat across events)
    found = sum(normalize("模型") in normalize(q.text) for q in Quote.objects.all())
    assert found > 600 and contains_whole(response.content.decode(), f"找到 {found} 段发言")


def test_new_tags_join_the_segmentation_dictionary():
    """A tag editors create is kept whole when queries are cut into words."""
    from taggit.models import Tag

    from transcripts import segmentation, vocabulary

    vocabulary.current()
    assert segmentation.query_words("具身智能体研究") != ["具身智能体", "研究"]
    Tag.objects.create(name="具身智能体")
    vocabulary.current()
    assert segmentation.query_words("具身智能体研究") == ["具身智能体", "研究"]


def test_a_tag_alias_finds_the_tags_quotes_and_the_other_way_round(client):
    """Aliases are synonyms for search: hallucination finds 幻觉 once it is an alias of 幻觉."""
    from taggit.models import Tag

    from transcripts.models import TagAlias

    assert api_numbers(client, q="hallucination")[0] == 0
    TagAlias.objects.create(tag=Tag.objects.get(name="幻觉"), name="Hallucination")
    count, numbers, data = api_numbers(client, q="hallucination")
    assert numbers == truth("幻觉") and count == 5
    assert "<mark>幻觉</mark>" in data["results"][0]["snippet"]
    assert api_numbers(client, q="大模型 -hallucination")[1] == truth("大模型") - truth("幻觉")


def test_the_index_only_path_agrees_with_the_joined_path_and_sees_bulk_updates(client):
    """Unfiltered searches answer from the index and subtract hidden quotes; filtered ones join.
    Both must agree, even right after publishing changes made with QuerySet.update()."""
    in_demo = {term: truth(term) for term in ("模型", "数据", "幻觉", "大模型")}
    make_event(quotes=40, slug="draft", published=False)
    demo_slug = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
    for term in ("模型", "数据", "幻觉"):
        fast = service.quote_search(term, page_size=200)
        joined = service.quote_search(term, QuoteFilters(event=demo_slug), page_size=200)
        assert fast.count == joined.count == len(in_demo[term])
        assert [h.quote.pk for h in fast.hits] == [h.quote.pk for h in joined.hits]
    Event.objects.filter(slug="draft").update(published=True)
    assert service.quote_search("大模型").count > len(in_demo["大模型"])
    Quote.objects.filter(event__slug="draft").update(published=False)
    assert service.quote_search("大模型").count == len(in_demo["大模型"])


def test_quotes_whose_tags_name_the_term_rank_first(client):
    """Ranking has two tiers: quotes whose speaker, topic or tags hold a term come first (an
    editor's tag says the quote is about it), then the others; each tier by relevance."""
    from taggit.models import Tag

    _, _, before = api_numbers(client, q="大模型")
    last = before["results"][-1]
    assert last["tier"] == 2
    quote = Quote.objects.get(number=last["number"])
    quote.tags.add(Tag.objects.create(name="大模型"))
    _, numbers, after = api_numbers(client, q="大模型")
    tiers = {r["number"]: r["tier"] for r in after["results"]}
    assert tiers[last["number"]] == 1 and numbers == truth("大模型")
    tier_one = {
        q.number
        for q in Quote.objects.select_related("topic", "speaker").prefetch_related("tags")
        if q.number in numbers
        and any("大模型" in name for name in [q.speaker.name, str(q.topic or ""), *q.tags.names()])
    }
    in_order = [r["number"] for r in after["results"]]
    assert set(in_order[: len(tier_one)]) == tier_one  # all of them before any other quote
    assert {n for n, tier in tiers.items() if tier == 1} == tier_one
    ranks = [(r["tier"], brief(r["number"]), r["score"]) for r in after["results"]]
    assert ranks == sorted(ranks)  # in a tier, brief quotes after the others


def brief(number: int) -> bool:
    """Whether the quote ranks after the others of its tier (a line, a host's short question)."""
    from transcripts.search.documents import is_brief

    quote = Quote.objects.select_related("event").get(number=number)
    role = quote.event.participations.get(speaker_id=quote.speaker_id).role
    return is_brief(quote.text, host=role == "host")


@pytest.mark.parametrize("term", ["幻觉", "大模型", "模型 -数据"])
def test_pages_walk_every_result_once_in_rank_order(term):
    """Small pages, across the boundary between the tiers, on the index-only path (no filters;
    a draft's quotes are skipped) and the joined path (a filter) alike."""
    make_event(quotes=30, slug="draft", published=False)
    demo = Event.objects.get(published=True).slug
    whole = [h.quote.pk for h in service.quote_search(term, page_size=200).hits]
    assert len(whole) == service.quote_search(term).count > 4
    for filters in (QuoteFilters(), QuoteFilters(event=demo)):
        pages = service.quote_search(term, filters, page_size=4).pages
        walked = [
            hit.quote.pk
            for page in range(1, pages + 1)
            for hit in service.quote_search(term, filters, page=page, page_size=4).hits
        ]
        assert walked == whole
        assert not service.quote_search(term, filters, page=pages + 1, page_size=4).hits


def test_hidden_quotes_are_not_counted_whether_grouped_or_scattered():
    """Quotes taken down one by one, here and there, and a whole draft event are all left out,
    on the index-only path (no filters) and the joined one alike."""
    expected = len(truth("模型"))
    hidden = sorted(truth("模型"))[::3]  # every third matching demo quote, not consecutive
    make_event(quotes=30, slug="draft", published=False)
    Quote.objects.filter(number__in=hidden, event__published=True).update(published=False)
    demo = QuoteFilters(event=Event.objects.get(published=True).slug)
    for filters in (QuoteFilters(), demo):
        results = service.quote_search("模型", filters, page_size=200)
        assert results.count == len(results.hits) == expected - len(hidden)
        assert not {h.quote.number for h in results.hits} & set(hidden)


def index_entries() -> tuple[set[int], set[int]]:
    """(quote ids in the index, quote ids whose entries wait aside)."""
    from django.db import connection

    from transcripts.search.backends import FTS_TABLE, HIDDEN, PG_TABLE

    searched = f"SELECT rowid FROM {FTS_TABLE}"
    if connection.vendor == "postgresql":
        searched = f"SELECT quote_id FROM {PG_TABLE}"
    with connection.cursor() as cursor:
        cursor.execute(searched)
        indexed = {pk for (pk,) in cursor.fetchall()}
        cursor.execute(f"SELECT quote_id FROM {HIDDEN[connection.vendor]}")
        return indexed, {pk for (pk,) in cursor.fetchall()}


def public_and_hidden() -> tuple[set[int], set[int]]:
    public = set(Quote.objects.public().values_list("pk", flat=True))
    return public, set(Quote.objects.values_list("pk", flat=True)) - public


def test_the_index_holds_exactly_the_public_quotes_however_flags_change():
    """The index holds the public quotes and nothing else, so hidden ones cost a search
    nothing; the others' entries wait aside and come back when published. However the flag is
    set: a save, a bulk update(), SQL of one's own, a quote moved into a draft event."""
    from django.db import connection

    make_event(quotes=40, slug="draft", published=False)
    assert index_entries() == public_and_hidden()
    draft = Event.objects.get(slug="draft")
    draft.published = True
    draft.save()
    assert index_entries() == public_and_hidden() and not index_entries()[1]
    Event.objects.filter(slug="draft").update(published=False)
    assert index_entries() == public_and_hidden()
    Quote.objects.filter(number__in=[1, 2, 3], event__published=True).update(published=False)
    assert index_entries() == public_and_hidden()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE transcripts_event SET published = %s", [True])
    assert index_entries() == public_and_hidden()
    moved = Quote.objects.filter(event__slug="da-mo-xing-xun-lian-he-jin-hua-zhi-lu").last()
    Event.objects.filter(slug="draft").update(published=False)
    moved.event, moved.number, moved.position = draft, 999, 999
    moved.save()
    assert index_entries() == public_and_hidden() and moved.pk in index_entries()[1]
    found = service.quote_search("数据", page_size=200)
    assert {h.quote.pk for h in found.hits} == {
        q.pk for q in Quote.objects.public() if "数据" in normalize(q.text)
    }


def test_a_hidden_quote_that_changes_is_indexed_aside_and_found_once_published():
    """An edit to a hidden quote is indexed (aside): publishing it later finds the new text."""
    event = make_event(quotes=12, slug="draft", published=False)
    quote = event.quotes.get(number=3)
    quote.text = "一段只有草稿里才有的量子纠缠。"
    quote.save()
    assert service.quote_search("量子纠缠").count == 0
    Event.objects.filter(pk=event.pk).update(published=True)
    assert [h.quote.pk for h in service.quote_search("量子纠缠").hits] == [quote.pk]


def test_migrating_puts_the_triggers_back_and_every_entry_on_its_side():
    """`migrate` takes the triggers down while migrations run (SQLite cannot rebuild a table
    that a trigger elsewhere names) and puts them back after, moving any entry a migration
    left on the wrong side."""
    from django.db import connection

    from transcripts.search import visibility

    make_event(quotes=20, slug="draft", published=False)
    visibility.uninstall()  # as before migrating: on SQLite, flags now change unseen
    with connection.cursor() as cursor:
        cursor.execute("UPDATE transcripts_event SET published = NOT published")
    if connection.vendor == "sqlite":
        assert index_entries() != public_and_hidden()
    call_command("migrate", verbosity=0)
    assert index_entries() == public_and_hidden()
    Event.objects.update(published=True)  # the triggers work again
    assert index_entries() == public_and_hidden() and not index_entries()[1]


def test_a_speaker_added_later_is_offered_by_name(client):
    """Speaker lookup skips the database for queries that name nobody, and learns new names."""
    assert client.get("/api/search", {"q": "发言人3"}).json()["speakers"] == []
    make_event(quotes=12, slug="later")
    speakers = client.get("/api/search", {"q": "发言人3"}).json()["speakers"]
    assert [s["slug"] for s in speakers] == ["later-speaker-3"]


def test_migration_0007_marks_an_index_written_before_it():
    """Indexes written before tokens and metadata became marked words (0007) are rewritten, so
    the first ranking tier finds metadata matches again; unmarking (the reverse) loses them."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("transcripts.migrations.0007_search_index_marked_columns")
    compact = import_module("transcripts.migrations.0015_search_sqlite_compact")

    def tiers() -> set[int]:
        return {h.tier for h in service.quote_search("大模型", page_size=200).hits}

    assert tiers() == {1, 2}  # quotes under a topic about 大模型 first
    # all the functions use of a schema editor
    editor = SimpleNamespace(connection=connection, execute=lambda sql, params: run_sql(sql))
    compact.expand(apps, editor)  # the FTS5 table as 0007 knew it (0015 made it contentless)
    migration.unmark_columns(apps, editor)
    unmarked = tiers()
    migration.mark_columns(apps, editor)
    assert tiers() == {1, 2}
    assert api_numbers_of("大模型") == truth("大模型")  # recall never depended on the marks
    if connection.vendor == "sqlite":  # PostgreSQL keeps weights, not marks: nothing to do
        assert unmarked == {2}


def run_sql(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)


def api_numbers_of(term: str) -> set[int]:
    return {h.quote.number for h in service.quote_search(term, page_size=200).hits}


def test_a_quote_moved_into_a_draft_event_disappears_from_search():
    """Hidden quotes are found again when a quote joins a draft event by an admin-style save
    (the event is touched) or when quotes are added to a draft (new ids)."""
    make_event(quotes=12, slug="draft", published=False)
    before = service.quote_search("模型", page_size=200)
    count_before = before.count  # results are lazy: read them before the move
    moved = Quote.objects.get(pk=before.hits[0].quote.pk)
    moved.event = Event.objects.get(slug="draft")
    moved.number = moved.position = 999
    moved.save()
    after = service.quote_search("模型", page_size=200)
    assert after.count == count_before - 1
    assert moved.pk not in {h.quote.pk for h in after.hits}
    make_event(quotes=12, slug="draft-two", published=False)  # new ids, all hidden
    assert service.quote_search("模型", page_size=200).count == after.count
