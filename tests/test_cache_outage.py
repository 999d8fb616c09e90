"""The cache can fail: with Redis dead, stopped mid-way or never there, and with a cache folder
that cannot be written, every page still answers 200 from fresh rendering, `/healthz` says the
cache is down without failing, imports work, and the outage is logged once per process.

Redis servers here are our own (`redis-server` on a free loopback port, stopped and started by
the test), never the shared one on 6379; a dead one is a port nothing listens on.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import caches

from salon_site import cache as site_cache

from .conftest import DEMO, ROOT, manage_py
from .factories import import_demo

pytestmark = pytest.mark.django_db

EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
PAGES = [
    "/",
    EVENT,
    f"{EVENT}?speaker=zhangjunlin",
    f"{EVENT}q/5/",
    "/speakers/",
    "/speakers/zhangjunlin/",
    "/tags/",
    "/tags/幻觉/",
    "/feed/",
    "/sitemap.xml",
    "/search/?q=幻觉",
    "/api/events",
    "/api/tags",
    "/api/search?q=幻觉",
]
DEAD_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, the connection is refused


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_outages():
    """Each test starts with every cache taken to be up."""
    site_cache._outages.clear()
    yield
    site_cache._outages.clear()


def use_cache(settings, backend: str, location: str) -> None:
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": "t"}}


@pytest.fixture
def dead_redis(settings):
    use_cache(settings, "salon_site.cache.ResilientRedisCache", DEAD_REDIS)


def test_with_redis_dead_every_page_answers_and_healthz_says_the_cache_is_down(
    dead_redis, client, caplog
):
    import_demo()  # the import itself forgets versions in the (dead) cache
    caplog.set_level(logging.WARNING, logger="salon_site.cache")
    for url in PAGES:
        first, again = client.get(url), client.get(url)
        assert first.status_code == 200, url
        assert again.status_code == 200 and again.content == first.content, url
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "cache": "down"}
    outages = [r for r in caplog.records if "unavailable, serving without it" in r.message]
    assert len(outages) == 1  # once per process per outage, not once per request


def test_a_dead_redis_is_tried_once_per_interval_not_once_per_request(
    dead_redis, client, monkeypatch
):
    """The circuit breaker: while Redis is down, requests do not each wait on a connection."""
    import_demo()
    site_cache._outages.clear()  # Redis taken to be up again: the next request tries it
    attempts = []
    connect = redis.connection.Connection._connect

    def counted(self, *args, **kwargs):
        attempts.append(time.monotonic())
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    for _ in range(20):
        assert client.get(EVENT).status_code == 200
    assert len(attempts) == 1
    outage = site_cache.outage_of(f"ResilientRedisCache:{DEAD_REDIS}")
    outage.retry_at = 0  # the interval has passed: the next request tries again
    assert client.get(EVENT).status_code == 200
    assert len(attempts) == 2


def test_the_redis_backend_waits_milliseconds_not_seconds(settings):
    use_cache(settings, "salon_site.cache.ResilientRedisCache", DEAD_REDIS)
    pool = caches["default"]._cache._get_connection_pool(write=True)
    assert pool.connection_kwargs["socket_connect_timeout"] <= 0.5
    assert pool.connection_kwargs["socket_timeout"] <= 1
    started = time.monotonic()
    assert caches["default"].get("anything", "fallback") == "fallback"
    assert time.monotonic() - started < 1


def test_the_vocabulary_and_synonym_caches_degrade_too(dead_redis):
    """`incr` of the vocabulary version is the one operation that raises by contract: a dead
    cache has no key, and the service's fallback (set) is dropped quietly."""
    from transcripts import vocabulary
    from transcripts.search import service

    vocabulary.changed()
    vocabulary.current()
    assert service.synonym_groups() == {}
    with pytest.raises(ValueError):
        caches["default"].incr("search-vocabulary-version")


@pytest.fixture
def own_redis(settings, tmp_path):
    """A Redis server of this test's own, and the site's cache on it; returns (start, stop)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (apt-get install redis-server)"
    port = free_port()
    state = {}

    def start():
        state["process"] = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop():
        state["process"].terminate()
        state["process"].wait(10)

    start()
    use_cache(settings, "salon_site.cache.ResilientRedisCache", f"redis://127.0.0.1:{port}/0")
    yield start, stop
    if state["process"].poll() is None:
        stop()


def test_redis_stopping_and_coming_back(own_redis, client, caplog):
    start, stop = own_redis
    import_demo()
    caplog.set_level(logging.WARNING, logger="salon_site.cache")
    page = client.get(EVENT)
    assert client.get(EVENT)["X-Page-Cache"] == "hit"
    assert client.get("/healthz").json()["cache"] == "ok"

    stop()
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    down = client.get(EVENT)
    assert down.status_code == 200 and down["X-Page-Cache"] == "miss"  # rendered fresh
    assert down.content == page.content
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "down"}

    start()
    for outage in site_cache._outages.values():
        outage.retry_at = 0  # skip the wait before trying again
    client.get(EVENT)  # stored again
    assert client.get(EVENT)["X-Page-Cache"] == "hit"
    assert client.get("/healthz").json()["cache"] == "ok"
    messages = [r.message for r in caplog.records]
    assert sum("unavailable, serving without it" in m for m in messages) == 1
    assert sum("answers again" in m for m in messages) == 1


def test_a_cache_folder_that_cannot_be_written_is_no_cache(settings, client, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    use_cache(settings, "salon_site.cache.ResilientFileCache", str(blocked / "cache"))
    import_demo()
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get("/healthz").json()["cache"] == "down"


def test_the_file_cache_is_shared_by_every_process_on_the_machine(settings, client, tmp_path):
    """What one worker stores, another reads; what one forgets, every one forgets: a second
    backend object on the same folder stands for another process."""
    use_cache(settings, "salon_site.cache.ResilientFileCache", str(tmp_path))
    import_demo()
    assert client.get(EVENT)["X-Page-Cache"] == "miss"
    other_worker = site_cache.ResilientFileCache(str(tmp_path), {"KEY_PREFIX": "t"})
    assert other_worker.get("site-version") is not None
    assert client.get(EVENT)["X-Page-Cache"] == "hit"
    other_worker.delete("site-version")  # a change made in another process
    assert client.get(EVENT)["X-Page-Cache"] == "miss"
    assert client.get("/healthz").json()["cache"] == "ok"


# The settings and the commands, in processes of their own ------------------------------------

SHOW_CACHE = (
    "from django.conf import settings; c = settings.CACHES['default']; "
    "print(c['BACKEND'], c.get('LOCATION', ''), c.get('KEY_PREFIX', ''))"
)


def cache_settings(tmp_path, **env: str) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTEST_VERSION", "REDIS_URL", "DJANGO_CACHE_DIR", "DATABASE_URL")
    }
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/a.sqlite3", **env}
    result = manage_py({**clean, **env}, "shell", "--no-imports", "-c", SHOW_CACHE)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_without_redis_the_processes_share_a_cache_folder(tmp_path):
    backend, location, prefix = cache_settings(tmp_path)
    assert backend == "salon_site.cache.ResilientFileCache"
    assert location == str(ROOT / "var" / "cache")
    chosen = cache_settings(tmp_path, DJANGO_CACHE_DIR=str(tmp_path / "c"))
    assert chosen[:2] == ["salon_site.cache.ResilientFileCache", str(tmp_path / "c")]
    redis_url = cache_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis_url[:2] == ["salon_site.cache.ResilientRedisCache", "redis://127.0.0.1:6379/0"]
    # another database, another key prefix: two sites on one Redis or one folder never mix pages
    other = cache_settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/b.sqlite3")
    assert prefix.startswith("salon-") and other[2] != prefix


def test_import_event_works_with_redis_dead(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "DJANGO_DEBUG": "1",
        "REDIS_URL": DEAD_REDIS,
    }
    assert manage_py(env, "migrate", "--noinput").returncode == 0
    result = manage_py(env, "import_event", str(DEMO))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("unavailable, serving without it") == 1
