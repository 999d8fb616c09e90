"""Two middlewares for serving under load and through faults.

`PageCacheMiddleware` sits just inside whitenoise: an anonymous reader's GET of a page that is
stored and current (`pagecache`) is answered from the cache before sessions, locale,
authentication, messages or URL resolving run, which is what makes a cached page nearly as cheap
as a static file. On the way out it stores the pages the views marked, with the headers the inner
middlewares added.

`DatabaseUnavailableMiddleware` turns a lost database connection into a 503 page with
Retry-After instead of a traceback: `templates/503.html` is rendered without a request context,
so it touches neither the database nor the session. A database whose migrations were never
applied (an empty one) gets a 503 that says so (`templates/503_not_migrated.html`), not a 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError, InterfaceError, OperationalError, ProgrammingError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .pagecache import store_page, stored_response

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
        return database_problem(request, exception)


def database_problem(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 for a database error that is the database's state, not a bug: no connection, or
    no tables (migrations not applied). None for anything else (a 500, as it should be)."""
    if isinstance(exception, OperationalError | ProgrammingError) and _missing_table(exception):
        try:
            pending = migrations_pending()
        except DatabaseError:
            pending = False
        if pending:
            return _unavailable(
                request,
                exception,
                template="503_not_migrated.html",
                detail="the database is not set up: migrations not applied",
            )
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    return None


def _missing_table(exception: BaseException) -> bool:
    # SQLite: OperationalError "no such table"; PostgreSQL: ProgrammingError (UndefinedTable)
    message = str(exception)
    return "no such table" in message or "does not exist" in message


_migrated = [False]  # once every migration is applied, it stays so for this process


def migrations_pending() -> bool:
    """Whether the database lacks migrations this code has (an empty database lacks them all).
    Asks the database once per call until the answer is no; raises DatabaseError when it is
    unreachable."""
    if _migrated[0]:
        return False
    executor = MigrationExecutor(connection)
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrated[0] = not pending
    return pending


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return _unavailable(
        request,
        exception,
        template="503.html",
        detail="database unavailable, try again shortly",
    )


def _unavailable(
    request: HttpRequest, exception: BaseException, *, template: str, detail: str
) -> HttpResponse:
    logger.error("%s: %s %s: %s", detail, request.method, request.path, exception)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(_page(template), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _page(template: str) -> str:
    # The page extends base.html, which needs no database; should it fail all the same (a
    # static file missing from the manifest, say), a plain page still says what is going on.
    try:
        return render_to_string(template)
    except Exception:
        logger.exception("the %s page could not be rendered", template)
        title, zh, en = _PLAIN[template]
        return (
            '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title} · 盐沙龙</title></head><body><h1>{title}</h1><p>{zh}</p>"
            f'<p lang="en">{en}</p></body></html>'
        )


_PLAIN = {
    "503.html": (
        "网站暂时无法访问",
        "数据库暂时没有响应，请稍候片刻再刷新页面。",
        "The database is not answering at the moment. Please try again in a little while.",
    ),
    "503_not_migrated.html": (
        "网站尚未完成安装",
        "数据库还没有建好表。管理员请运行 python manage.py migrate，然后刷新页面。",
        "The site is not set up yet: an administrator should run python manage.py migrate.",
    ),
}
