"""Template context every page needs: the same page in the other languages (for the language
switch and hreflang links) and its canonical address."""

from __future__ import annotations

from django.conf import settings
from django.urls import translate_url


def site(request) -> dict:
    path = request.path
    return {
        "canonical_url": request.build_absolute_uri(path),
        "alternates": [
            {
                "code": code,
                "name": name,
                "url": request.build_absolute_uri(translate_url(path, code)),
            }
            for code, name in settings.LANGUAGES
        ],
    }
