"""What load balancers and monitors ask: is the site up, does the database answer.

`/healthz` sits outside the language prefixes, is never cached and touches neither the session
nor CSRF. `server_error` is the site's handler500: a database error that escaped the views (raised
in a middleware, say) still gets the 503 page rather than a bare 500.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as default_server_error

from ..middleware import RETRY_AFTER, database_unavailable


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request):
    exception = sys.exc_info()[1]  # Django calls handler500 while handling the exception
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    return default_server_error(request)
