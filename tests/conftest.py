from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

# Property tests draw the same examples on every run, so a CI run cannot fail (or pass) by the
# luck of the draw; HYPOTHESIS_PROFILE=explore draws new ones, to hunt for bugs.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "fixtures" / "demo-event-raw.txt"
DEMO = ROOT / "fixtures" / "demo-event.json"
SHARED = ROOT.parent / "shared"  # the team's samples, beside the repository (CI lays a copy)


def shared_file(path: str | Path) -> Path:
    """A file of ../shared (`samples/shapes/article.html`), or the test stops: skipped on a
    machine without the folder, failed under CI (`CI=true`, set by .ci/run), where a missing
    sample would otherwise turn every test that reads it into a silent skip."""
    found = SHARED / path
    if not found.exists():
        message = f"{found} is missing: the team's ../shared folder sits beside the repository"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return found


def contains_whole(text: str, fragment: str) -> bool:
    """Whether `text` holds `fragment` with a number at either end of it whole: 找到 6 is not
    in 找到 60, nor 70 段发言 in 170 段发言 (a plain `in` passes for both)."""
    before = r"(?<!\d)" if fragment[:1].isdigit() else ""
    after = r"(?!\d)" if fragment[-1:].isdigit() else ""
    return re.search(before + re.escape(fragment) + after, text) is not None


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests speak plain http (Django's test client, the live server): no redirect to https.
    Session-wide, so the live server's middleware is built with it too; tests/test_security.py
    turns the redirect back on to prove the production default."""
    from django.test import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests run without `collectstatic`: serve static names as they are (production uses the
    hashed manifest storage, which needs collectstatic first)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def run_command(name: str, *args: str) -> tuple[str, str]:
    """Run a management command in-process; returns (stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def export_all() -> list[dict]:
    return json.loads(run_command("export_event")[0])


def manage_py(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a subprocess with this environment, as an operator runs it."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )


def manage_py_ok(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """manage_py, which must succeed."""
    result = manage_py(env, *args)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="session")
def cli(tmp_path_factory):
    """Runs `manage.py` in a subprocess against its own migrated SQLite file, as an operator
    would; returns a function giving (exit code, stdout, stderr)."""
    database = tmp_path_factory.mktemp("cli") / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "cli-test-secret-key-0123456789-abcdefghijklmnop",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return manage_py(env, *args, timeout=120)

    migrated = run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    return run
