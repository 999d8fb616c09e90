"""URL routes: the reader site (Chinese at /, English under /en/), the JSON API, the admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("transcripts.api")),
]
urlpatterns += i18n_patterns(
    path("", include("transcripts.urls")),
    prefix_default_language=False,
)
