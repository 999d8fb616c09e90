"""Whole-page caching for public pages that are expensive to render (the event page).

The cache key holds the path, the query string, the language and the event's version (its
`updated_at`, which every import and edit moves on), so a changed event is never served stale
and nothing needs deleting. Only anonymous GETs are cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

PAGE_TIMEOUT = 60 * 60


def cached_page(
    request: HttpRequest, version: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return render()
    raw = f"{get_language()}|{request.get_full_path()}|{version}"
    key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = render()
    if response.status_code == 200:
        cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
    response["X-Page-Cache"] = "miss"
    return response
