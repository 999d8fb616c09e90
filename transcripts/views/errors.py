"""The site's own error pages, and the favicon at the address browsers ask for.

404 and 403 are Django's own handlers, which render `404.html` / `403.html` with the request (its
language comes from the address, /en/…). The 400 and the 500 are rendered *without* the request:
a 400 may carry a Host header Django refused, which the context processors would read again, and
a 500 must not depend on whatever failed (the session, the database, a context processor). Their
templates extend base.html, which needs neither. Should the page itself fail to render, a plain
page is sent instead: an error page never raises.

A database error that escaped the views (raised in a middleware, say) still gets the 503 page
rather than a 500 (`transcripts.middleware.database_problem`).
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from ..middleware import database_problem

logger = logging.getLogger(__name__)

PLAIN_PAGE = (
    '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{code} · 盐沙龙</title></head><body><h1>{zh}</h1>"
    '<p lang="en">{en}</p><p><a href="/">盐沙龙首页</a></p></body></html>'
)
FAVICON = Path(settings.BASE_DIR) / "static" / "favicon.ico"
FAVICON_MAX_AGE = 7 * 24 * 60 * 60  # an unversioned address: a week, not forever


def error_page(template: str, code: int, zh: str, en: str) -> str:
    """The error template, rendered without a request; a plain page if even that fails."""
    try:
        return render_to_string(template)
    except Exception:
        logger.exception("the %s page could not be rendered", code)
        return PLAIN_PAGE.format(code=code, zh=zh, en=en)


def bad_request(request, exception=None):
    body = error_page("400.html", 400, "无法处理这个请求", "Bad request.")
    return HttpResponseBadRequest(body)


def server_error(request):
    exception = sys.exc_info()[1]  # Django calls handler500 while handling the exception
    problem = database_problem(request, exception)
    if problem is not None:
        return problem
    body = error_page("500.html", 500, "网站出了问题", "Something went wrong on our side.")
    return HttpResponseServerError(body)


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@require_safe
def favicon(request):
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
