"""Login throttling with django-axes: who is asking, and what a locked-out visitor reads.

Axes counts failed logins in the database (shared by every worker) by client address and by
account; past `AXES_FAILURE_LIMIT` either one is refused for `AXES_COOLOFF_TIME`, the right
password included, and every further failure starts the wait again. The settings come from the
environment (salon_site/settings.py, README "Editors").

`authenticate()` without a request is not a door anyone can knock on from outside (the test
client's `login()`, a shell): it is left to the other backends, unthrottled.
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The address a login comes from: REMOTE_ADDR, or the header a trusted proxy sets
    (DJANGO_CLIENT_IP_HEADER); of X-Forwarded-For, the last address, which the proxy added."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with the site's lockout page and Retry-After: how long until the next try."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    html = render_to_string(
        "registration/lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        request=request,
    )
    response = HttpResponse(html, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
