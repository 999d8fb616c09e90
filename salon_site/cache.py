"""The site's cache backends: a cache that fails is no cache, never an error.

Every page, ETag, version, suggestion and vocabulary cache goes through `django.core.cache`, so
this is the one place that decides what a cache outage costs. `ResilientRedisCache` (REDIS_URL)
and `ResilientFileCache` (several workers on one machine without Redis) are Django's own backends
whose operations answer "nothing cached" when the server or the disk fails: a read returns the
default, a write is dropped, `incr` finds no key. The site then renders every page fresh.

A circuit breaker keeps a dead cache from costing every request a timeout: after a failure the
process leaves the cache alone for `RETRY_SECONDS`, then one operation tries again. The outage is
logged once per process when it starts and once when the cache answers again. Short connect and
read timeouts bound what that one try costs when Redis does not even refuse the connection.

`cache_health()` is what `/healthz` reports: "ok", "down", or "none" when each process keeps its
own cache in memory (nothing to share, nothing that can go down).
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
import zlib
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # how long a process leaves a failed cache alone before trying it again
REDIS_CONNECT_TIMEOUT = 0.25  # seconds; Redis is on the same machine or network
REDIS_SOCKET_TIMEOUT = 0.5  # a read or write; a page is a few hundred kilobytes at most
HEALTH_KEY = "healthz"


class Outage:
    """One cache location's state in this process: up, or down until a moment to retry."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.since: float | None = None  # monotonic time the outage began; None: up
        self.retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.since is not None

    def skip(self) -> bool:
        """Whether to leave the cache alone for now (down, and not yet time to retry)."""
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = time.monotonic()
            self.retry_at = now + RETRY_SECONDS
            if self.since is None:
                self.since = now
                logger.warning(
                    "cache %s unavailable, serving without it (retrying every %.0f s): %s",
                    self.name,
                    RETRY_SECONDS,
                    error,
                )

    def answered(self) -> None:
        if self.since is None:
            return
        with self._lock:
            if self.since is not None:
                logger.warning(
                    "cache %s answers again after %.1f s", self.name, time.monotonic() - self.since
                )
                self.since = None


# Django makes one backend object per thread; the outage is the process's.
_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_of(name: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(name, Outage(name))


def _no_key() -> Any:
    raise ValueError("the cache is unavailable")  # what incr says of a key it does not have


class Resilient:
    """Mixed into a Django cache backend: each operation the site uses answers as an empty
    cache would when `errors` are raised, and the circuit breaker spares the next requests."""

    errors: tuple[type[BaseException], ...] = ()

    @property
    def outage(self) -> Outage:
        return outage_of(f"{type(self).__name__}:{self._location()}")

    def _location(self) -> str:
        raise NotImplementedError

    def _guard(self, operation: Callable[[], Any], fallback: Callable[[], Any]) -> Any:
        outage = self.outage
        if outage.skip():
            return fallback()
        try:
            result = operation()
        except self.errors as error:
            outage.failed(error)
            return fallback()
        outage.answered()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(Resilient, self).add(key, value, timeout, version), bool)

    def get(self, key, default=None, version=None):
        return self._guard(
            lambda: super(Resilient, self).get(key, default, version), lambda: default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(Resilient, self).set(key, value, timeout, version), _none)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(Resilient, self).touch(key, timeout, version), bool)

    def delete(self, key, version=None):
        return self._guard(lambda: super(Resilient, self).delete(key, version), bool)

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(Resilient, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._guard(lambda: super(Resilient, self).has_key(key, version), bool)

    def incr(self, key, delta=1, version=None):
        return self._guard(lambda: super(Resilient, self).incr(key, delta, version), _no_key)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        data = dict(data)
        return self._guard(
            lambda: super(Resilient, self).set_many(data, timeout, version), lambda: list(data)
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._guard(lambda: super(Resilient, self).delete_many(keys, version), _none)

    def clear(self):
        return self._guard(lambda: super(Resilient, self).clear(), _none)

    def ping(self) -> bool:
        """A write and a read through the backend itself, past the guard: True when both work.
        Skipped (False) while the breaker holds, so a health check costs no timeout either."""
        outage = self.outage
        if outage.skip():
            return False
        backend = super()
        try:
            stamp = str(time.time())
            backend.set(HEALTH_KEY, stamp, 60)
            ok = backend.get(HEALTH_KEY) == stamp
        except self.errors as error:
            outage.failed(error)
            return False
        outage.answered()
        return ok


def _none() -> None:
    return None


class ResilientRedisCache(Resilient, RedisCache):
    """Django's RedisCache with short timeouts and no retries: a dead Redis costs milliseconds."""

    errors = (redis.RedisError, OSError)

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", REDIS_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", REDIS_SOCKET_TIMEOUT)
        super().__init__(server, params)

    def _location(self) -> str:
        return ",".join(self._servers)


class ResilientFileCache(Resilient, FileBasedCache):
    """Django's FileBasedCache, shared by every process on the machine; a full or unwritable
    disk, or a file cut short, is a miss."""

    errors = (OSError, EOFError, pickle.UnpicklingError, zlib.error)

    def __init__(self, dir, params):
        try:
            super().__init__(dir, params)  # makes the folder, which may fail
        except OSError as error:
            self.outage.failed(error)

    def _location(self) -> str:
        return str(self._dir)


def cache_health(backend: BaseCache | None = None) -> str:
    """ "ok" or "down" for a cache the processes share; "none" for a process's own memory."""
    backend = caches["default"] if backend is None else backend
    if not isinstance(backend, Resilient):
        return "none"
    return "ok" if backend.ping() else "down"
