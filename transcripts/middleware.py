"""Two middlewares for serving under load and through faults.

`PageCacheMiddleware` sits just inside whitenoise: an anonymous reader's GET of a page that is
stored and current (`views.caching`) is answered from the cache before sessions, locale,
authentication, messages or URL resolving run, which is what makes a cached page nearly as cheap
as a static file. On the way out it stores the pages the views marked, with the headers the inner
middlewares added.

`DatabaseUnavailableMiddleware` turns a lost database connection into a 503 page with
Retry-After instead of a traceback: `templates/503.html` is rendered without a request context,
so it touches neither the database nor the session.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .views.caching import store_page, stored_response

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds: long enough for a database restart or a failover


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if self._anonymous_read(request):
            response = stored_response(request)
            if response is not None:
                return response
        response = self.get_response(request)
        store_page(request, response)
        return response

    @staticmethod
    def _anonymous_read(request: HttpRequest) -> bool:
        # A reader with a session (an editor) or pending messages is answered by the views,
        # which know who is asking; everyone else gets the same page.
        cookies = request.COOKIES
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in cookies
            and CookieStorage.cookie_name not in cookies
        )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request, exception)
        return None


def database_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    logger.error("database unavailable: %s %s: %s", request.method, request.path, exception)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": "database unavailable, try again shortly"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
