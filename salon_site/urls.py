"""URL routes: the admin now; the reader site arrives with the reader issue."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
