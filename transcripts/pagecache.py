"""Whole-page caching of the public pages, and conditional GETs (ETag, Last-Modified, 304).

A cached page is good for as long as the versions it was rendered from:

- the **site version**, forgotten whenever public content changes (an event, quote, tag, speaker,
  part or topic): every cached page depends on it;
- an **event's version**, its `updated_at`, which every import and edit of the event moves on:
  the event page also depends on it, so an unpublished event is a 404 at once, and a hit on an
  event page costs no query (the version is cached too).

Writers say what changed with one call, `content_changed(events=…)`: the services do (the import,
tag management, editing, deletion), each once per write, inside `said_by_service()` so that the
model signals their `save()` and `delete()` calls send stay quiet. The receivers in
`transcripts.signals` speak only for writes that bypass the services: the admin's plain forms
saving or deleting a row (an event, quote, speaker, part, topic, participation, tag), taggit's
managers, and the shell.

Versions live in the cache with a short timeout, which bounds staleness should a change bypass
both, or happen in another process whose local-memory cache this one cannot see (use Redis
with more than one process). Forgetting happens at once and again when the transaction commits,
so a reader between an import's write and its commit cannot keep the old version alive. An
event's version is more: once the change is committed the writer stores the new one, and readers
only `add` what they read, so a reader that read the event just before the commit and writes its
version just after cannot bring the old one back (bench/faults.sh caught that, under load).

Pages are stored by the middleware (`transcripts.middleware.PageCacheMiddleware`) once every
inner middleware has added its headers, once as they are and once gzipped; the same middleware
serves a current page to an anonymous reader before sessions, authentication or URL resolving
run. Only anonymous GETs are cached; only 200s are stored. Each page carries a weak ETag (derived
from its address and versions) and a Last-Modified, so a repeat visit gets a 304 without
rendering or SQL.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .models import Event

PAGE_TIMEOUT = 60 * 60
VERSION_TIMEOUT = 5 * 60  # bounds staleness should an update bypass every invalidation
SITE_VERSION_KEY = "site-version"
# Browsers and shared caches may keep a page but must ask again (a 304 when nothing changed).
CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}
# Headers a stored page is not replayed with: cookies belong to one reader, the rest is recomputed.
_NOT_STORED = {"set-cookie", "content-length", "x-page-cache", "date"}


@dataclass(frozen=True)
class Version:
    key: str  # the cache key the current value lives under
    value: str
    modified: datetime


# Versions ---------------------------------------------------------------------------------------


def site_version() -> Version:
    """The version of all public content: the moment it was first seen after the last change."""
    value = cache.get(SITE_VERSION_KEY)
    if value is None:
        value = timezone.now().isoformat()
        if not cache.add(SITE_VERSION_KEY, value, VERSION_TIMEOUT):  # another process was first
            value = cache.get(SITE_VERSION_KEY, value)
    return Version(SITE_VERSION_KEY, value, datetime.fromisoformat(value))


def _event_key(slug: str) -> str:
    return f"event-version:{slug}"


def published_event_version(slug: str) -> tuple[Version | None, Event | None]:
    """(version, event): version None when no published event has this slug. The event is
    returned when it had to be read, so the caller can reuse it.

    A published event's version is trusted until a write moves it. "Not published" (the ""
    a writer stores when it takes an event down) is only a hint, checked against the
    database: an event published by a write that bypassed the services (a queryset update in
    another process, with the cache shared) must not stay a 404 until the version expires."""
    key = _event_key(slug)
    cached = cache.get(key)
    if cached:
        return Version(key, cached, datetime.fromisoformat(cached)), None
    event = Event.objects.published().filter(slug=slug).first()
    if event is None:
        return None, None
    value = event.updated_at.isoformat()
    if cached is None:
        cache.add(key, value, VERSION_TIMEOUT)  # the writer's value, stored on commit, wins
    else:
        cache.set(key, value, VERSION_TIMEOUT)  # published since it was taken down
    return Version(key, value, datetime.fromisoformat(value)), event


# Invalidation -----------------------------------------------------------------------------------

_service_speaks: ContextVar[bool] = ContextVar("pagecache_service_speaks", default=False)


def content_changed(*, events: Iterable[str] = (), on_commit: bool = True) -> None:
    """Public content changed: every page forgets the site version, and the pages of `events`
    (their slugs) their own, which is stored anew once the change commits. `on_commit=False`
    for a caller that may run once per row of a bulk delete: the service around it says so
    again, once, for the whole write."""
    slugs = list(dict.fromkeys(events))
    _forget((*map(_event_key, slugs), SITE_VERSION_KEY), on_commit=on_commit)
    if not slugs:
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _store_event_versions(slugs), robust=True)
    else:
        _store_event_versions(slugs)


@contextmanager
def said_by_service() -> Iterator[None]:
    """Around a service that calls `content_changed` itself: the model signals its own
    `save()` and `delete()` calls send do not say it again (`signals_speak`)."""
    token = _service_speaks.set(True)
    try:
        yield
    finally:
        _service_speaks.reset(token)


def signals_speak() -> bool:
    """Whether a model signal must invalidate pages: only for writes outside the services."""
    return not _service_speaks.get()


def _store_event_versions(slugs: list[str]) -> None:
    rows = Event.objects.published().filter(slug__in=slugs).values_list("slug", "updated_at")
    current = dict(rows)
    cache.set_many(
        {_event_key(slug): current[slug].isoformat() if slug in current else "" for slug in slugs},
        VERSION_TIMEOUT,
    )


def _forget(keys: tuple[str, ...], *, on_commit: bool = True) -> None:
    cache.delete_many(keys)
    if on_commit and transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys), robust=True)


# Pages ------------------------------------------------------------------------------------------


def accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _address(request: HttpRequest) -> str:
    # The host is part of the page (canonical and alternate links are absolute); the raw header is
    # enough: a page is only stored after Django accepted the host.
    return f"{request.scheme}://{request.META.get('HTTP_HOST', '')}{request.get_full_path()}"


def page_key(request: HttpRequest, *, gzipped: bool) -> str:
    digest = hashlib.sha256(_address(request).encode()).hexdigest()
    return f"page:{'gz' if gzipped else 'id'}:{digest}"


def may_be_cached(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def cached_page(
    request: HttpRequest, versions: Sequence[Version], render: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """The page for this request: a 304 when the reader's copy is current, the stored page when
    it is, else `render()` (marked for the middleware to store when it is a 200)."""
    if not may_be_cached(request):
        return render()
    current = tuple((v.key, v.value) for v in versions)
    raw = "|".join([_address(request), *(value for _, value in current)])
    etag = f'W/"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'
    last_modified = max(v.modified for v in versions).timestamp()
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        stored = cache.get(page_key(request, gzipped=accepts_gzip(request)))
        if stored is not None and stored[0] == current:
            response = _replay(stored)
        else:
            response = render()
            response["X-Page-Cache"] = "miss"
            response.page_versions = current
    if response.status_code in (200, 304):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, **CACHE_CONTROL)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def site_page(view: Callable) -> Callable:
    """Cache an anonymous GET of this view for as long as the site version holds."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs):
        return cached_page(request, [site_version()], lambda: view(request, *args, **kwargs))

    return cached_view


def store_page(request: HttpRequest, response: HttpResponseBase) -> None:
    """Keep a rendered page marked by `cached_page`, with the headers every inner middleware
    gave it (not its cookies: a page that sets one is not stored)."""
    versions = getattr(response, "page_versions", None)
    if (
        versions is None
        or request.method != "GET"
        or response.status_code != 200
        or response.streaming
        or response.cookies
    ):
        return
    headers = tuple((k, v) for k, v in response.items() if k.lower() not in _NOT_STORED)
    content = response.content
    cache.set_many(
        {
            page_key(request, gzipped=False): (versions, headers, content),
            page_key(request, gzipped=True): (
                versions,
                (*headers, ("Content-Encoding", "gzip")),
                gzip.compress(content, compresslevel=6),
            ),
        },
        PAGE_TIMEOUT,
    )


def stored_response(request: HttpRequest) -> HttpResponseBase | None:
    """The stored page for this address if all its versions are still current (or a 304 when
    the reader's copy is): no view, no template, no SQL. None otherwise."""
    stored = cache.get(page_key(request, gzipped=accepts_gzip(request)))
    if stored is None:
        return None
    versions = stored[0]
    current = cache.get_many([key for key, _ in versions])
    if any(current.get(key) != value for key, value in versions):
        return None
    response = _replay(stored)
    return get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=parse_http_date_safe(response.headers.get("Last-Modified", "")),
        response=response,
    )


def _replay(stored: tuple) -> HttpResponse:
    _, headers, content = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    response["X-Page-Cache"] = "hit"
    return response
