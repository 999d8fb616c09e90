"""Public pages are cached for anonymous readers and forgotten when what they show changes; a repeat
visit with If-None-Match or If-Modified-Since gets a 304 that costs no rendering and no SQL.

The cache is local memory in these tests; `test_the_cache_works_on_real_redis` runs the same
cycle against the Redis server on 127.0.0.1:6379 (or REDIS_URL), which must be running.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from taggit.models import Tag

from transcripts import event_deletion, pagecache, tagging
from transcripts.event_import import event_import
from transcripts.models import Event, Participation, Quote, Section, Speaker, Topic
from transcripts.pagecache import SITE_VERSION_KEY

from .conftest import DEMO
from .factories import import_demo

pytestmark = pytest.mark.django_db

EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"

PUBLIC_PAGES = [
    "/",
    EVENT,
    f"{EVENT}?speaker=zhangjunlin",
    f"{EVENT}q/5/",
    "/en" + EVENT,
    "/speakers/",
    "/speakers/zhangjunlin/",
    "/tags/",
    "/tags/幻觉/",
    "/feed/",
    "/feed/rss/",
    "/sitemap.xml",
    "/sitemap-quotes.xml",
    "/api/events",
    "/api/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu",
    "/api/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/quotes?speaker=zhangjunlin",
    "/api/speakers",
    "/api/speakers/zhangjunlin",
    "/api/tags",
]


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_second_visit_is_served_from_the_cache_without_sql(
    client, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_repeat_visit_with_the_etag_gets_304_without_rendering_or_sql(
    client, url, django_assert_num_queries
):
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert "must-revalidate" in again["Cache-Control"]


@pytest.mark.parametrize("url", ["/", EVENT, "/api/tags"])
def test_a_repeat_visit_with_last_modified_gets_304(client, url, django_assert_num_queries):
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=older).status_code == 200


def test_a_304_needs_no_rendering_even_when_the_page_itself_was_evicted(
    client, django_assert_num_queries
):
    etag = client.get(EVENT)["ETag"]
    stored = [key.split(":", 2)[2] for key in cache._cache if ":page:" in key]  # LocMem's keys
    cache.delete_many(stored)  # the pages are gone, their versions are still cached
    with django_assert_num_queries(0):
        again = client.get(EVENT, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def edit_event_title():
    event = Event.objects.get()
    event.title = "改过的标题"
    event.save()
    return "改过的标题"


def unpublish_quote_1():
    quote = Quote.objects.get(number=1)
    quote.published = False
    quote.save()
    return None  # checked below: quote 1 is gone


def rename_speaker():
    speaker = Speaker.objects.get(slug="zhangjunlin")
    speaker.name = "张俊林博士"
    speaker.save()
    return "张俊林博士"


def edit_bio():
    participation = Participation.objects.get(speaker__slug="zhangjunlin")
    participation.bio = "新写的一段嘉宾简介"
    participation.save()
    return "新写的一段嘉宾简介"


def rename_topic():
    topic = Topic.objects.get(number=1)
    topic.title = "千模大战"
    topic.save()
    return "千模大战"


def rename_section():
    section = Section.objects.get(number=1)
    section.title = "从业者的新感悟"
    section.save()
    return "从业者的新感悟"


def tag_a_quote():
    Quote.objects.get(number=1).tags.add("新鲜标签")
    return "新鲜标签"


def rename_tag():
    tagging.rename_tag(tag=Tag.objects.get(name="幻觉"), new_name="模型幻觉")
    return "模型幻觉"


def merge_tags():
    tagging.merge_tags(sources=[Tag.objects.get(name="幻觉")], target="模型幻觉")
    return "模型幻觉"


CHANGES = [
    (edit_event_title, ["/", EVENT, f"{EVENT}q/5/", "/feed/", "/api/events"]),
    (rename_speaker, ["/", EVENT, "/speakers/", "/speakers/zhangjunlin/", "/api/speakers"]),
    (edit_bio, [EVENT]),
    (rename_topic, [EVENT, f"{EVENT}q/12/", "/api/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu"]),
    (rename_section, [EVENT, f"{EVENT}q/1/"]),
    (tag_a_quote, [EVENT, "/tags/", f"{EVENT}q/1/", "/api/tags"]),
    (rename_tag, [EVENT, "/tags/", "/api/tags"]),
    (merge_tags, [EVENT, "/tags/", "/api/tags"]),
]


@pytest.mark.parametrize(
    ("change", "urls"), CHANGES, ids=[change.__name__ for change, _ in CHANGES]
)
def test_a_change_shows_at_once_on_every_cached_page_that_prints_it(client, change, urls):
    before = {url: client.get(url) for url in urls}
    assert all(client.get(url)["X-Page-Cache"] == "hit" for url in urls)
    shown = change()
    for url in urls:
        after = client.get(url)
        assert after.status_code == 200, url
        assert shown in after.content.decode(), url
        assert after["ETag"] != before[url]["ETag"], url
        # the reader's old copy is out of date: a full page, not a 304
        stale = client.get(url, HTTP_IF_NONE_MATCH=before[url]["ETag"])
        assert stale.status_code == 200, url


def test_deleting_an_event_takes_it_off_every_cached_page(client):
    """The deletion service says what it removed (`pagecache.content_changed`)."""
    for url in ("/", EVENT, "/api/events"):
        client.get(url)
    event_deletion.delete_events(Event.objects.all())
    assert client.get(EVENT).status_code == 404
    assert "大模型训练和进化之路" not in client.get("/").content.decode()
    assert "大模型训练和进化之路" not in client.get("/api/events").content.decode()


def test_a_service_says_once_what_it_changed_and_the_signals_stay_quiet(monkeypatch):
    """A re-import saves its event, deletes rows and creates tags, each of which sends a model
    signal; the page cache hears of it once, from the import itself (its event and the site)."""
    from transcripts.parsing import load

    forgotten = []
    real = pagecache._forget
    monkeypatch.setattr(
        pagecache, "_forget", lambda keys, **kw: (forgotten.append(keys), real(keys, **kw))
    )
    (transcript,) = load(DEMO.read_bytes())
    event_import(transcript=transcript, replace=True)
    assert forgotten == [("event-version:da-mo-xing-xun-lian-he-jin-hua-zhi-lu", SITE_VERSION_KEY)]
    forgotten.clear()
    tagging.rename_tag(tag=Tag.objects.get(name="幻觉"), new_name="模型幻觉")
    assert forgotten == [("event-version:da-mo-xing-xun-lian-he-jin-hua-zhi-lu", SITE_VERSION_KEY)]


def test_unpublishing_a_quote_takes_it_off_every_cached_page(client):
    text = Quote.objects.get(number=1).text[:20]
    pages = [EVENT, f"{EVENT}q/1/", "/speakers/youyang/", "/sitemap-quotes.xml"]
    for url in pages:
        client.get(url)
    unpublish_quote_1()
    assert text not in client.get(EVENT).content.decode()
    assert client.get(f"{EVENT}q/1/").status_code == 404
    assert f"{EVENT}q/1/" not in client.get("/sitemap-quotes.xml").content.decode()


def test_a_change_that_bypasses_the_signals_shows_once_the_versions_expire(client):
    """A bulk update sends no signal: the page stays as it was for at most the versions' timeout
    (5 minutes), then shows the change. Expiry is simulated by deleting the version keys."""
    client.get(EVENT)
    Event.objects.update(title="悄悄改的标题")
    assert "悄悄改的标题" not in client.get(EVENT).content.decode()
    cache.delete_many([SITE_VERSION_KEY, "event-version:da-mo-xing-xun-lian-he-jin-hua-zhi-lu"])
    assert "悄悄改的标题" in client.get(EVENT).content.decode()


def test_a_draft_published_behind_the_services_back_is_shown_at_once(
    client, django_capture_on_commit_callbacks
):
    """An import of a draft stores its version as "not published"; an operator's queryset
    update (no signal, often another process sharing the cache) then publishes it. Readers
    got a 404 until the version expired (5 minutes); "not published" is now checked."""
    Event.objects.update(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.content_changed(events=["da-mo-xing-xun-lian-he-jin-hua-zhi-lu"])
    assert client.get(EVENT).status_code == 404
    assert cache.get("event-version:da-mo-xing-xun-lian-he-jin-hua-zhi-lu") == ""
    Event.objects.update(published=True)
    response = client.get(EVENT)
    assert response.status_code == 200
    assert 'data-quote="70"' in response.content.decode()


def test_each_host_gets_its_own_page(client):
    """Pages print absolute canonical links: a page rendered for one host name is never served
    for another."""
    here = client.get("/", HTTP_HOST="localhost")
    there = client.get("/", HTTP_HOST="127.0.0.1")
    assert there["X-Page-Cache"] == "miss"
    assert '<link rel="canonical" href="http://localhost/">' in here.content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1/">' in there.content.decode()


def test_an_editors_page_is_neither_served_from_nor_stored_in_the_cache(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="a-long-password-1")
    client.force_login(editor)
    assert "X-Page-Cache" not in client.get(EVENT)
    assert "X-Page-Cache" not in client.get(EVENT)  # rendered again, never stored
    assert Client().get(EVENT)["X-Page-Cache"] == "miss"  # nothing was stored for readers


def test_search_results_are_not_cached(client):
    """Searches are unbounded (every query string differs): always answered afresh."""
    first = client.get("/search/", {"q": "幻觉"})
    again = client.get("/search/", {"q": "幻觉"})
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in again
    assert first.content == again.content


def test_unknown_pages_are_not_stored(client):
    assert client.get("/speakers/nobody/").status_code == 404
    assert client.get("/tags/没有的标签/").status_code == 404
    assert not [key for key in cache._cache if ":page:" in key]


@pytest.fixture
def redis_cache(settings):
    """The site's cache on the real Redis server, under a key prefix of its own, emptied after."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"salon-test-{uuid.uuid4().hex}"
    server = redis.Redis.from_url(url)
    server.ping()  # no Redis is a failure here, not a skip: it runs wherever this suite does
    settings.CACHES = {
        "default": {
            "BACKEND": "salon_site.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    yield server, prefix
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


def test_the_cache_works_on_real_redis(redis_cache, django_assert_num_queries):
    server, prefix = redis_cache
    reader = Client()
    assert reader.get(EVENT)["X-Page-Cache"] == "miss"
    assert any(b":page:" in key for key in server.scan_iter(f"{prefix}:*"))  # stored in Redis
    with django_assert_num_queries(0):
        hit = reader.get(EVENT, HTTP_ACCEPT_ENCODING="gzip")
        not_modified = reader.get(EVENT, HTTP_IF_NONE_MATCH=hit["ETag"])
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "gzip"
    assert not_modified.status_code == 304
    edit_event_title()  # the signal forgets the versions in Redis, for every process
    after = reader.get(EVENT)
    assert after["X-Page-Cache"] == "miss" and "改过的标题" in after.content.decode()


class CommitBetweenReadAndWrite:
    """The cache as a reader sees it when an editor's change commits between the moment the
    reader read the event from the database and the moment it stores the version it read."""

    def __init__(self, change):
        self.change = change

    def __getattr__(self, name):
        return getattr(cache, name)

    def add(self, key, *args, **kwargs):
        if key.startswith("event-version:") and self.change:
            change, self.change = self.change, None
            change()
        return cache.add(key, *args, **kwargs)


def test_a_reader_that_read_the_event_just_before_a_change_cannot_keep_the_old_page(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """Under load (bench/faults.sh, `import_event --replace`) a reader could store the version it
    read just before the import committed, after the import forgot it: the old page then stayed
    current for the versions' timeout. The writer now stores the new version once committed."""
    from transcripts import pagecache as caching

    cache.delete("event-version:da-mo-xing-xun-lian-he-jin-hua-zhi-lu")

    def change():
        with django_capture_on_commit_callbacks(execute=True):
            edit_event_title()

    monkeypatch.setattr(caching, "cache", CommitBetweenReadAndWrite(change))
    client.get(EVENT)  # read before the change, stored after it
    monkeypatch.undo()
    assert "改过的标题" in client.get(EVENT).content.decode()
