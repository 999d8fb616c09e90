"""URL routes: the reader site (Chinese at /, English under /en/), the JSON API, the admin, and
the health check for load balancers (outside the language prefixes)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from transcripts.views import errors, health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/", include("transcripts.api")),
]
urlpatterns += i18n_patterns(
    path("", include("transcripts.urls")),
    prefix_default_language=False,
)

# The site's own error pages (transcripts/views/errors.py); 404 and 403 are Django's handlers
# with our templates. A database error that escapes the views still answers 503, not 500.
handler400 = errors.bad_request
handler500 = errors.server_error
