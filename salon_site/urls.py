"""URL routes: the reader site (Chinese at /, English under /en/), the JSON API, the admin, and
the health check for load balancers (outside the language prefixes)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from transcripts.views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("transcripts.api")),
]
urlpatterns += i18n_patterns(
    path("", include("transcripts.urls")),
    prefix_default_language=False,
)

# A database error that escapes the views still answers 503, not 500.
handler500 = health.server_error
