"""Every public page runs a fixed number of SQL queries, whatever the number of quotes.

Each page is measured on the curated demo event (70 quotes), then again once a synthetic
2,500-quote event exists. The counts are pinned: a query added inside a loop over quotes,
speakers, tags or events (an N+1) fails here long before it slows the site down. When a page
legitimately needs one more query, change its pinned number and the comment listing them.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transcripts.event_import import event_import
from transcripts.pagecache import content_changed

from .factories import import_demo, make_event, recorded_transcript

pytestmark = pytest.mark.django_db

DEMO = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
BIG = "/events/big/"
BIG_QUOTES = 2500


def measure(client, url: str, *, warm_up: bool = False) -> CaptureQueriesContext:
    """The queries of one GET of `url`, with every cache emptied first (so the event page is
    rendered, not served from the page cache); `warm_up` requests the page once before measuring,
    for pages whose slow parts are cached on purpose (speaker keywords), then forgets the page."""
    cache.clear()
    if warm_up:
        client.get(url)
        content_changed()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert b'class="problem"' not in response.content, f"{url} shows a problem: bad test data"
    queries.response = response
    return queries


def listing(queries: CaptureQueriesContext) -> str:
    return "\n".join(f"{i}. {q['sql'][:200]}" for i, q in enumerate(queries.captured_queries, 1))


def assert_fixed(demo: CaptureQueriesContext, big: CaptureQueriesContext, pinned: int) -> None:
    assert len(demo) == pinned, f"expected {pinned} queries, ran:\n{listing(demo)}"
    assert len(big) == len(demo), (
        f"{len(demo)} queries on the demo, {len(big)} with {BIG_QUOTES} quotes:\n{listing(big)}"
    )


def test_home_page_queries_do_not_grow_with_events_or_quotes(client):
    """The home page lists every published event with its quote count and speakers."""
    import_demo()
    demo = measure(client, "/")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/")
    # 1. published events annotated with their quote count
    # 2. their participations with speakers (prefetch)
    assert_fixed(demo, big, 2)
    assert b"/events/big/" in big.response.content


def test_event_page_queries_do_not_grow_with_quotes(client):
    """The event page (the whole transcript, rendered uncached) and a page-cache hit."""
    import_demo()
    demo = measure(client, DEMO)
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, BIG)
    # 1. the published event by slug (also on a page-cache hit: its version is the cache key)
    # 2. participations with their speakers
    # 3. sections
    # 4. topics
    # 5. the event's tags with their use counts
    # 6. turns and characters per speaker
    # 7. the quotes
    # 8. the quotes' tags
    assert_fixed(demo, big, 8)
    assert big.response.content.count(b'class="quote"') == BIG_QUOTES

    with CaptureQueriesContext(connection) as hit:
        response = client.get(BIG)
    assert response["X-Page-Cache"] == "hit"
    assert len(hit) == 0, listing(hit)  # the event's version is cached with the page


@pytest.mark.parametrize(
    ("demo_filter", "big_filter"),
    [
        ("speaker=zhangjunlin", "speaker=big-speaker-1"),
        ("topic=10", "topic=10"),
        ("tag=幻觉", "tag=压力测试"),
    ],
    ids=["speaker", "topic", "tag"],
)
def test_filtered_event_page_queries_do_not_grow_with_quotes(client, demo_filter, big_filter):
    """The event page filtered by speaker, topic or tag: the same queries, a narrower quote
    query (a filter that does not resolve would skip it, so the page must show no problem)."""
    import_demo()
    demo = measure(client, f"{DEMO}?{demo_filter}")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, f"{BIG}?{big_filter}")
    # the same 8 as the unfiltered page; the filter narrows query 7
    assert_fixed(demo, big, 8)
    assert 0 < big.response.content.count(b'class="quote"') < BIG_QUOTES


def test_times_translations_and_placeholders_cost_no_query(client):
    """A speech-recognition event (start times, a translation, placeholder speakers) reads
    like any other: the same 8 queries for its page and 6 for a quote's (nothing deferred)."""
    event = event_import(transcript=recorded_transcript()).event
    page = measure(client, event.get_absolute_url())
    assert len(page) == 8, listing(page)
    assert page.response.content.count(b'class="start"') == 3
    quote = measure(client, f"{event.get_absolute_url()}q/2/")
    assert len(quote) == 6, listing(quote)
    assert b'class="translation"' in quote.response.content


def test_quote_permalink_queries_do_not_grow_with_quotes(client):
    """A quote's permalink, deep inside a long event."""
    import_demo()
    demo = measure(client, f"{DEMO}q/5/")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, f"{BIG}q/2000/")
    # 1. the published event by slug
    # 2. the quote with its speaker, section and topic
    # 3. the speaker's participation (role, bio)
    # 4-5. the previous and the next public quote with its speaker (hidden ones are skipped)
    # 6. the quote's tags (quoteview.tags_by_quote)
    assert_fixed(demo, big, 6)


def test_speaker_list_queries_do_not_grow_with_speakers_or_quotes(client):
    """The list of speakers with their events, turns and characters."""
    import_demo()
    demo = measure(client, "/speakers/")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/speakers/")
    # 1. speakers annotated with turns, characters and events
    assert_fixed(demo, big, 1)
    assert b"/speakers/big-speaker-1/" in big.response.content


def test_speaker_page_queries_do_not_grow_with_quotes(client):
    """A speaker's page with all their quotes, once their keywords are cached."""
    import_demo()
    demo = measure(client, "/speakers/zhangjunlin/", warm_up=True)
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/speakers/big-speaker-1/", warm_up=True)
    # 1. the speaker by slug
    # 2. their participations in published events, with the events
    # 3. their turns and characters
    # 4. their quotes with event, speaker, section and topic
    # 5. those quotes' tags
    # 6. the participations behind those quotes (roles)
    # 7. the topics they spoke on (filter form)
    # 8. the tags on their quotes (filter form)
    # 9. the corpus signature that keys the cached keywords
    assert_fixed(demo, big, 9)


def test_tag_list_queries_do_not_grow_with_tags_or_quotes(client):
    """The tag cloud with use counts."""
    import_demo()
    demo = measure(client, "/tags/")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/tags/")
    # 1. tags on published quotes with their use counts
    assert_fixed(demo, big, 1)


def test_tag_page_queries_do_not_grow_with_quotes(client):
    """A tag's page with every quote that carries it, grouped by event."""
    import_demo()
    demo = measure(client, "/tags/幻觉/")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/tags/压力测试/")
    # 1. the tag by slug
    # 2. its quotes with event, speaker, section and topic
    # 3. those quotes' tags
    # 4. the participations behind those quotes (roles)
    assert_fixed(demo, big, 4)


def test_feed_queries_do_not_grow_with_events(client):
    """The Atom feed of the latest events."""
    import_demo()
    demo = measure(client, "/feed/")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/feed/")
    # 1. published events with quote counts, 2. their participations with speakers
    assert_fixed(demo, big, 2)


def test_sitemap_queries_do_not_grow_with_quotes(client):
    """The sitemaps list every event and every quote permalink in a fixed number of queries."""
    import_demo()
    demo = measure(client, "/sitemap.xml")
    demo_quotes = measure(client, "/sitemap-quotes.xml")
    make_event(quotes=BIG_QUOTES, slug="big")
    big = measure(client, "/sitemap.xml")
    big_quotes = measure(client, "/sitemap-quotes.xml")
    # a count and a page of items for each sitemap that reads the database:
    # 1-2. events, 3-4. speakers, 5-6. tags
    assert_fixed(demo, big, 6)
    assert b"/events/big/" in big.response.content
    # 1. the count of quotes, 2. a page of quotes with their events
    assert_fixed(demo_quotes, big_quotes, 2)
    assert f"/events/big/q/{BIG_QUOTES}/".encode() in big_quotes.response.content
