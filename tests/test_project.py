"""Project-wide guarantees: no forgotten migration, settings that fail loudly, a pure parser."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from salon_site.settings import env_bool, env_list, env_str

from .conftest import ROOT


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_FLAG", "on")
    assert env_bool("X_FLAG") is True
    monkeypatch.delenv("X_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X_MISSING is required"):
        env_str("X_MISSING")
    monkeypatch.setenv("X_HOSTS", " a.example , b.example ,")
    assert env_list("X_HOSTS") == ["a.example", "b.example"]


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG)",
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "salon_site.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_debug_is_off_unless_asked_and_then_a_secret_key_is_required():
    missing = _settings_in_subprocess()
    assert missing.returncode != 0 and "DJANGO_SECRET_KEY is required" in missing.stderr
    short = _settings_in_subprocess(DJANGO_SECRET_KEY="short")
    assert short.returncode != 0 and "at least 32 characters" in short.stderr
    production = _settings_in_subprocess(DJANGO_SECRET_KEY="x" * 50)
    assert production.stdout.strip() == "False"
    development = _settings_in_subprocess(DJANGO_DEBUG="1")
    assert development.stdout.strip() == "True"


def test_the_parser_imports_without_django():
    code = (
        "import sys, transcripts.parsing as p; "
        "assert not [m for m in sys.modules if m.startswith(('django', 'jieba'))], 'impure'; "
        "print(len(p.parse(open('fixtures/demo-event-raw.txt', encoding='utf-8').read()).turns))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "70"
