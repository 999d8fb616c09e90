"""Security settings from the environment: with DEBUG off the site is https only and passes
`check --deploy` as it is; each protection can be turned off on purpose, by a documented variable;
a value that cannot be understood stops the site with a message naming the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 30 + "-a-long-random-production-secret-" + "z" * 20,
    "DJANGO_ALLOWED_HOSTS": "salon.example.org,127.0.0.1",
}
SHOWN = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_REFERRER_POLICY",
    "CSRF_TRUSTED_ORIGINS",
)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py (or python -c) in a fresh process, with exactly this DJANGO_* environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "salon_site.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def security_settings(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}))"
    )
    result = _run("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_the_production_environment():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_is_https_only_by_default():
    assert security_settings(**PRODUCTION) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,  # no proxy header is trusted unless asked
        "SECURE_REFERRER_POLICY": "same-origin",
        "CSRF_TRUSTED_ORIGINS": [],
    }


def test_development_serves_plain_http():
    development = security_settings(DJANGO_DEBUG="1")
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SESSION_COOKIE_SECURE"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0


def test_each_protection_can_be_changed_from_the_environment():
    changed = security_settings(
        **PRODUCTION,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SESSION_COOKIE_SECURE="false",
        DJANGO_CSRF_COOKIE_SECURE="off",
        DJANGO_SECURE_HSTS_SECONDS="3600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_SECURE_REFERRER_POLICY="strict-origin-when-cross-origin",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://salon.example.org, https://www.salon.example.org",
    )
    assert changed == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "CSRF_TRUSTED_ORIGINS": ["https://salon.example.org", "https://www.salon.example.org"],
    }


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "perhaps", "DJANGO_SECURE_SSL_REDIRECT='perhaps' is not"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year", "DJANGO_SECURE_HSTS_SECONDS='a year' is not"),
        ("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Proto: https", "is not a header name"),
    ],
)
def test_a_value_that_cannot_be_understood_stops_the_site(variable, value, message):
    result = _run("manage.py", "check", **PRODUCTION, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_names_a_protection_turned_off():
    result = _run(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING",
        **PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0",
    )  # fmt: skip
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SECURE_SSL_REDIRECT


THROTTLING = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT, "
    "settings.AXES_COOLOFF_TIME.total_seconds(), settings.CLIENT_IP_HEADER]))"
)


def test_login_throttling_is_on_by_default_and_configured_from_the_environment():
    def throttling(**env: str) -> list:
        result = _run("-c", THROTTLING, **PRODUCTION, **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    assert throttling() == [True, 5, 15 * 60, ""]
    assert throttling(
        DJANGO_LOGIN_THROTTLING="0",
        DJANGO_LOGIN_FAILURE_LIMIT="3",
        DJANGO_LOGIN_LOCKOUT_MINUTES="60",
        DJANGO_CLIENT_IP_HEADER="X-Real-IP",
    ) == [False, 3, 60 * 60, "HTTP_X_REAL_IP"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_LOGIN_FAILURE_LIMIT", "five", "DJANGO_LOGIN_FAILURE_LIMIT='five' is not"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "0", "must be at least 1"),
        ("DJANGO_LOGIN_LOCKOUT_MINUTES", "-5", "must be at least 1"),
        ("DJANGO_LOGIN_THROTTLING", "maybe", "DJANGO_LOGIN_THROTTLING='maybe' is not"),
        ("DJANGO_CLIENT_IP_HEADER", "X-Real-IP: 1.2.3.4", "is not a header name"),
    ],
)
def test_a_throttling_value_that_cannot_be_understood_stops_the_site(variable, value, message):
    result = _run("manage.py", "check", **PRODUCTION, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
