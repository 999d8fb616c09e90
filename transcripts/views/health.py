"""What load balancers and monitors ask: is the site up, does the database answer, is it set up,
and does the cache answer.

`/healthz` sits outside the language prefixes, is never cached and touches neither the session
nor CSRF. It answers 200 while the database answers and has its tables, whatever the cache says
(the site serves every page without a cache, only slower): `"cache"` is "ok", "down", or "none"
when each process keeps its own cache in memory (salon_site/cache.py). A database that does not
answer, or has no tables yet (`migrate` not run), is a 503.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from salon_site.cache import cache_health

from ..middleware import RETRY_AFTER, migrations_pending


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "not migrated" if migrations_pending() else "ok"
    except DatabaseError:
        database = "unavailable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "error", "database": database}
    response = JsonResponse({**body, "cache": cache_health()}, status=status)
    if status != 200:
        response["Retry-After"] = str(RETRY_AFTER)
    return response
