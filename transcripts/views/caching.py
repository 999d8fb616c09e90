"""Whole-page caching for the event page, the one page expensive to render.

A page's cache key holds the path, the query string, the language and the event's version (its
`updated_at`, which every import and edit moves on), so a changed event is never served from an
old entry. The version itself is cached too, so a hit costs no query at all; saving or deleting
an event forgets its version (`transcripts.signals`). Pages are stored once as they are and once
gzipped, and served gzipped to clients that accept it. Only anonymous GETs are cached.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from ..models import Event

PAGE_TIMEOUT = 60 * 60
VERSION_TIMEOUT = 5 * 60  # bounds staleness should an update bypass the signals


def _version_key(slug: str) -> str:
    return f"event-version:{slug}"


def published_event_version(slug: str) -> tuple[str | None, Event | None]:
    """(version, event): version None when no published event has this slug. The event is
    returned when it had to be read (a version cache miss), so the caller can reuse it."""
    version = cache.get(_version_key(slug))
    if version is not None:
        return version or None, None
    event = Event.objects.published().filter(slug=slug).first()
    version = event.updated_at.isoformat() if event else ""
    cache.set(_version_key(slug), version, VERSION_TIMEOUT)
    return version or None, event


def forget_event_version(slug: str) -> None:
    cache.delete(_version_key(slug))


def cached_page(
    request: HttpRequest, version: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return render()
    raw = f"{get_language()}|{request.get_full_path()}|{version}"
    key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
    wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    hit = cache.get(key)
    if hit is not None:
        content, compressed, content_type = hit
        response = HttpResponse(compressed if wants_gzip else content, content_type=content_type)
        if wants_gzip:
            response["Content-Encoding"] = "gzip"
        response["X-Page-Cache"] = "hit"
    else:
        response = render()
        if response.status_code == 200 and not response.streaming:
            compressed = gzip.compress(response.content, compresslevel=6)
            cache.set(key, (response.content, compressed, response["Content-Type"]), PAGE_TIMEOUT)
        response["X-Page-Cache"] = "miss"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
