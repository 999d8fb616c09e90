"""The admin as an attacker meets it: every admin URL sends anonymous visitors to the login page,
and no state-changing request (login, import, bulk actions, edits, logout) is accepted without
its CSRF token."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver
from taggit.models import Tag

from transcripts.models import Quote

from .factories import make_event
from .test_security import EVENT, site_state

pytestmark = pytest.mark.django_db


def admin_paths(patterns=None, prefix: str = "/admin/") -> list[str]:
    """Every URL the admin serves, with 1 for each path argument, each app's index and an
    unknown page for the admin's catch-all."""
    paths = []
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        route = str(pattern.pattern)
        if apps := re.search(r"\(\?P<app_label>([^)]*)\)", route):
            paths += [f"{prefix}{label}/" for label in apps.group(1).split("|")]
            continue
        if "(?P<url>" in route:
            paths.append(f"{prefix}no-such-page/")
            continue
        route = re.sub(r"<[^>]+>", "1", route).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            paths += admin_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            paths.append(prefix + route)
    return sorted(set(paths))


ADMIN_PATHS = admin_paths()  # the editors' own pages too: import, accept-tag, split...
PUBLIC_ADMIN = {
    "/admin/login/",  # the door itself
    "/admin/logout/",  # logging out when not logged in is harmless
    "/admin/r/1/1/",  # "view on site": a redirect to a public page
}


@pytest.mark.parametrize("path", [p for p in ADMIN_PATHS if p not in PUBLIC_ADMIN])
def test_every_admin_url_sends_anonymous_visitors_to_the_login_page(client, path):
    make_event(quotes=30)
    for response in (client.get(path), client.post(path, {"action": "delete_selected"})):
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/?next=")
    assert Quote.objects.count() == 30


def csrf_post(name: str, quote: Quote) -> tuple[str, dict]:
    """A state-changing admin request, as the admin's own form would send it (less the token)."""
    speaker = quote.speaker
    return {
        "login": ("/admin/login/", {"username": "boss", "password": "pw"}),
        "import": ("/admin/transcripts/event/import/", {"format": "auto"}),
        "quote action": (
            "/admin/transcripts/quote/",
            {"action": "unpublish", "_selected_action": [quote.pk], "step": "confirm"},
        ),
        "event action": (
            "/admin/transcripts/event/",
            {"action": "unpublish_events", "_selected_action": [quote.event_id]},
        ),
        "tag action": (
            "/admin/taggit/tag/",
            {"action": "delete_unused", "_selected_action": [t.pk for t in Tag.objects.all()]},
        ),
        "accept tag": (f"/admin/transcripts/quote/{quote.pk}/accept-tag/", {"tag": "新标签"}),
        "split": (f"/admin/transcripts/section/{quote.section_id}/split/", {"title_end": "x"}),
        "edit": (
            f"/admin/transcripts/speaker/{speaker.pk}/change/",
            {"name": "改名", "slug": speaker.slug, "handle": "", "bio": ""},
        ),
        "logout": ("/admin/logout/", {}),
    }[name]


CSRF_CASES = ["login", "import", "quote action", "event action", "tag action", "accept tag"]
CSRF_CASES += ["split", "edit", "logout"]


@pytest.mark.parametrize("name", CSRF_CASES)
def test_admin_posts_without_a_csrf_token_are_refused(name):
    make_event(quotes=30)
    before = site_state()
    quote = Quote.objects.filter(section__isnull=False).first()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.create_superuser("boss", email=None, password=None))
    url, data = csrf_post(name, quote)
    refused = browser.post(url, data)
    assert refused.status_code == 403
    assert "CSRF" in refused.content.decode()
    assert site_state() == before
    assert browser.get("/admin/").status_code == 200  # still logged in: the logout was refused


def test_the_same_post_with_the_token_goes_through():
    """The refusals above are about the token, not the request: with it, the admin acts."""
    make_event(quotes=30)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(User.objects.create_superuser("boss", email=None, password=None))
    token = browser.get("/admin/transcripts/quote/").cookies["csrftoken"].value
    quote = Quote.objects.get(event__slug=EVENT, number=1)
    url, data = csrf_post("quote action", quote)
    response = browser.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not Quote.objects.get(pk=quote.pk).published


def test_the_login_form_needs_the_token_too():
    User.objects.create_superuser("boss", password="pw")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/admin/login/", {"username": "boss", "password": "pw"}).status_code == 403
    token = browser.get("/admin/login/").cookies["csrftoken"].value
    data = {"username": "boss", "password": "pw", "csrfmiddlewaretoken": token}
    assert browser.post("/admin/login/", data).status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_a_login_without_next_lands_on_the_admin_index_not_a_404():
    """Issue 12: a login form posted without `next` sent editors to /accounts/profile/ (404)."""
    User.objects.create_superuser("boss", password="pw")
    browser = Client()
    response = browser.post("/admin/login/", {"username": "boss", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert browser.get(response["Location"]).status_code == 200
