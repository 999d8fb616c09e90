"""Login throttling (django-axes): after a handful of failed logins from one address, or for one
account, further logins are refused for a while with a page that says so, the right password
included; a good login before that forgets the failures; the wait ends.

Failures are rows in the database, so each test starts with none (its transaction is rolled
back); the limit is the default (5) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

from .conftest import contains_whole

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
RIGHT = "right-horse-battery-staple"


@pytest.fixture(autouse=True)
def chief():
    return User.objects.create_superuser("chief", "c@example.org", RIGHT)


def log_in(client: Client, password: str, username: str = "chief", address: str = "10.0.0.1"):
    return client.post(
        f"{LOGIN}?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def logged_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_twenty_wrong_passwords_then_the_right_one_stays_out(settings):
    """What issue 12 found: 200 wrong passwords were all answered, no lockout."""
    client = Client()
    for attempt in range(20):
        response = log_in(client, "wrong-password")
        assert response.status_code == (200 if attempt < settings.AXES_FAILURE_LIMIT - 1 else 429)
    refused = log_in(client, RIGHT)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "登录已暂停" in html and contains_whole(html, "15 分钟后再试")  # Chinese first
    assert "Too many failed logins" in html
    assert '<html lang="zh-hans">' in html.lower() and "盐沙龙" in html  # the site's own page
    assert int(refused["Retry-After"]) == 15 * 60
    assert not logged_in(client)


def test_the_limit_is_a_handful_and_a_good_login_before_it_forgets_the_failures(settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-password").status_code == 200  # the form, with its error
    assert log_in(client, RIGHT).status_code == 302 and logged_in(client)
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong-password")
    assert log_in(client, RIGHT).status_code == 302  # counted afresh after the good login


def test_an_account_is_locked_whatever_address_the_failures_come_from(settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "wrong-password", address=f"10.0.1.{n}")
    client = Client()
    assert log_in(client, RIGHT, address="10.0.2.1").status_code == 429
    assert not logged_in(client)


def test_an_address_is_locked_whatever_accounts_it_tries(settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "guess", username=f"someone-{n}", address="10.0.3.1")
    assert log_in(Client(), RIGHT, address="10.0.3.1").status_code == 429
    other = Client()
    assert log_in(other, RIGHT, address="10.0.3.2").status_code == 302  # chief elsewhere
    assert logged_in(other)


def test_the_lockout_ends_after_the_cool_off(settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong-password")
    assert log_in(client, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(
        minutes=16
    ))  # fmt: skip
    assert log_in(client, RIGHT).status_code == 302 and logged_in(client)


def test_behind_a_proxy_the_clients_address_comes_from_the_configured_header(settings):
    """With DJANGO_CLIENT_IP_HEADER=X-Forwarded-For, failures count per client, not per proxy:
    one client locked out does not lock every editor behind the same proxy."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            LOGIN,
            {"username": f"someone-{n}", "password": "guess"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9",  # the proxy appended the last one
        )
    assert (
        AccessAttempt.objects.filter(ip_address="203.0.113.9").count()
        == settings.AXES_FAILURE_LIMIT
    )
    editor = Client()
    response = editor.post(
        f"{LOGIN}?next=/admin/",
        {"username": "chief", "password": RIGHT, "next": "/admin/"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302 and logged_in(editor)


def test_throttling_can_be_turned_off_and_the_limit_changed(settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    log_in(client, "wrong-password")
    assert log_in(client, "wrong-password").status_code == 429
    settings.AXES_ENABLED = False
    assert log_in(Client(), RIGHT, address="10.0.4.1").status_code == 302


def test_the_test_clients_login_is_not_throttled():
    """`Client.login()` authenticates without a request: no door from outside, not counted."""
    client = Client()
    assert client.login(username="chief", password=RIGHT)
    assert not AccessAttempt.objects.exists()
