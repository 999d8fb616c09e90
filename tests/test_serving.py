"""Serving in production: the health check, a lost database (503, not a traceback), far-future
caching of hashed static files, the gunicorn configuration and `make serve`, the read replica
router, and readers during an import on SQLite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

from salon_site.routers import ReplicaRouter

from .conftest import DEMO, ROOT, contains_whole
from .conftest import manage_py_ok as manage
from .factories import import_demo

EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
SECRET = "serving-test-secret-key-0123456789-abcdefghijklmnop"
# the gunicorn installed beside the Python running the tests (whatever the virtualenv is called)
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def database_down(error=OperationalError):
    """Every new query fails as when the server went away."""
    return mock.patch.object(
        connections["default"],
        "cursor",
        side_effect=error("server closed the connection unexpectedly"),
    )


# Health check ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_says_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    # the suite's cache is each process's memory: nothing shared that could be down
    assert response.json() == {"status": "ok", "database": "ok", "cache": "none"}
    assert "no-store" in response["Cache-Control"]  # never cached, by us or a proxy
    assert not response.cookies  # no session, no CSRF cookie
    assert client.get("/en/healthz").status_code == 404  # outside the language prefixes


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "none"}
    assert int(response["Retry-After"]) > 0


# A lost database ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize(
    "url", ["/", EVENT, f"{EVENT}q/3/", "/speakers/", "/tags/幻觉/", "/search/?q=幻觉", "/feed/"]
)
def test_a_lost_database_gives_a_503_page_not_a_traceback(client, url, error):
    import_demo()
    cache.clear()
    with database_down(error):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "网站暂时无法访问" in html and "try again" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.mark.django_db
def test_the_api_answers_a_lost_database_with_json(client):
    import_demo()
    with database_down():
        response = client.get("/api/events")
    assert response.status_code == 503
    assert response.json() == {"detail": "database unavailable, try again shortly"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/events",
        f"/api{EVENT}".rstrip("/"),
        f"/api{EVENT}quotes?speaker=zhangjunlin",
        "/api/speakers",
        "/api/speakers/zhangjunlin",
        "/api/tags",
        "/api/search?q=幻觉",
    ],
)
def test_every_api_answer_is_read_before_ninja_serialises_it(client, url, monkeypatch):
    """A query run while ninja serialises an answer fails inside pydantic, which reports it as
    a failed validation: a lost database there is a 500, not the middleware's 503. So the
    database is gone the moment a view returns, and every answer must still come out whole."""
    from ninja.operation import Operation

    import_demo()
    cache.clear()
    serialise = Operation._result_to_response

    def without_the_database(self, *args, **kwargs):
        with database_down():
            return serialise(self, *args, **kwargs)

    monkeypatch.setattr(Operation, "_result_to_response", without_the_database)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/search?q=幻觉", "/api/search?q=数据&speaker=zhangjunlin"])
def test_an_api_search_that_loses_the_database_is_a_503_not_a_500(client, url):
    """The vocabulary is loaded, so the search's own queries are the first to fail: once they
    ran while ninja serialised the answer, which pydantic reported as a 500 (bench/faults.sh)."""
    import_demo()
    assert client.get("/api/search?q=模型").status_code == 200
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert response.json() == {"detail": "database unavailable, try again shortly"}


@pytest.mark.django_db
def test_cached_pages_are_still_served_while_the_database_is_down(client):
    import_demo()
    page = client.get(EVENT)
    with database_down():
        again = client.get(EVENT)
    assert again.status_code == 200 and again.content == page.content


class LosesTheDatabase:
    """A middleware whose database query fails (as a session save would)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("could not connect to server")


@pytest.mark.django_db
def test_a_database_error_outside_the_views_also_gives_the_503_page(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_serving.LosesTheDatabase"]
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "网站暂时无法访问" in response.content.decode()


def test_other_errors_are_still_500s(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_serving.FailsOtherwise"]
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500


class FailsOtherwise(LosesTheDatabase):
    def __call__(self, request):
        raise RuntimeError("a bug, not the database")


# Static files ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hashed_static_files_are_cached_for_ten_years_and_compressed(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    browser = Client()  # a new handler: whitenoise indexes STATIC_ROOT as it starts

    assert f'href="/static/{hashed}"' in browser.get("/").content.decode()  # pages link the hash
    response = browser.get(f"/static/{hashed}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    # an unhashed name may change under the same URL: kept only briefly
    assert browser.get("/static/css/site.css")["Cache-Control"] == "max-age=60, public"


# gunicorn and make serve ----------------------------------------------------------------------


def production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "DATABASE_"))
    }
    return {**env, "DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": "testserver", **extra}


def gunicorn_config(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [GUNICORN, "--print-config", "salon_site.wsgi"],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_reads_its_settings_from_the_environment():
    printed = gunicorn_config(GUNICORN_WORKERS="3", GUNICORN_BIND="0.0.0.0:9001").stdout
    config = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in printed.splitlines())
    )
    assert config["workers"] == "3"
    assert config["bind"] == "['0.0.0.0:9001']"
    assert config["preload_app"] == "True"
    assert config["accesslog"] == "-"
    assert int(config["max_requests"]) > 0 and int(config["max_requests_jitter"]) > 0
    assert int(config["graceful_timeout"]) > 0
    default = gunicorn_config().stdout
    workers = 2 * (os.cpu_count() or 1) + 1
    assert contains_whole(default, f"workers                            = {workers}")


def test_gunicorn_stops_on_a_setting_it_cannot_understand():
    result = gunicorn_config(GUNICORN_WORKERS="many")
    assert result.returncode != 0
    assert "GUNICORN_WORKERS='many' is not a whole number" in result.stderr


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("DJANGO_SECRET_KEY", "make serve: set DJANGO_SECRET_KEY"),
        ("DJANGO_ALLOWED_HOSTS", "make serve: set DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_make_serve_names_the_missing_setting_before_doing_anything(unset, message):
    env = production_env()
    del env[unset]
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "migrate" not in result.stdout


# Cache settings --------------------------------------------------------------------------------

CACHE_BACKEND = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"


def test_redis_url_selects_the_shared_redis_cache_and_a_bad_one_stops_the_site():
    def backend(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-c", CACHE_BACKEND],
            cwd=ROOT,
            env=production_env(**env),
            capture_output=True,
            text=True,
            timeout=120,
        )

    # (tests/test_cache_outage.py: without REDIS_URL, outside the test suite, a shared folder)
    assert backend().stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    redis = backend(REDIS_URL="redis://127.0.0.1:6379/0")
    assert redis.stdout.strip() == "salon_site.cache.ResilientRedisCache"
    wrong = backend(REDIS_URL="http://127.0.0.1:6379")
    assert wrong.returncode != 0
    assert "REDIS_URL='http://127.0.0.1:6379' is not a redis:// or unix:// URL" in wrong.stderr


# Read replica ---------------------------------------------------------------------------------


class Model:
    class _meta:
        app_label = "transcripts"


class SessionModel:
    class _meta:
        app_label = "sessions"


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_the_router_reads_the_replica_except_inside_a_transaction_or_for_sessions():
    from django.db import transaction

    router = ReplicaRouter()
    assert router.db_for_read(Model) == "replica"
    assert router.db_for_read(SessionModel) == "default"  # a fresh login is not lost to lag
    assert router.db_for_write(Model) == "default"
    with transaction.atomic():
        assert router.db_for_read(Model) == "default"  # reads its own writes, may lock rows
    assert router.allow_migrate("default", "transcripts") is True
    assert router.allow_migrate("replica", "transcripts") is False


COUNT_EVENTS = """
from django.db import transaction
from transcripts.models import Event
with transaction.atomic():
    in_transaction = Event.objects.count()
print(Event.objects.count(), in_transaction)
"""


def test_with_a_replica_reads_go_there_and_writes_to_the_primary(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = production_env(
        DATABASE_URL=f"sqlite:///{primary}",
        DATABASE_REPLICA_URL=f"sqlite:///{replica}",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    manage(env, "migrate", "--noinput")
    assert not replica.exists() or replica.stat().st_size == 0  # migrations ran on the primary
    shutil.copy(primary, replica)  # the replica catches up
    manage(env, "import_event", str(DEMO))  # a write: the primary
    # the replica has not caught up yet: reads see no event, except inside a transaction
    assert manage(env, "shell", "--no-imports", "-c", COUNT_EVENTS).stdout.split() == ["0", "1"]
    shutil.copy(primary, replica)
    assert manage(env, "shell", "--no-imports", "-c", COUNT_EVENTS).stdout.split() == ["1", "1"]


# Readers during an import, SQLite -------------------------------------------------------------

RACE = """
import json
from django.test.utils import override_settings
from tests.import_race import readers_during_a_paused_import
plain = {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES={{"default": plain, "staticfiles": plain}}):  # no collectstatic
    print(json.dumps(readers_during_a_paused_import(replace={replace})))
"""


@pytest.mark.parametrize("replace", [False, True], ids=["new-event", "replaced-event"])
def test_on_sqlite_readers_never_see_a_half_imported_event(tmp_path, replace):
    """The same as on PostgreSQL (tests/test_postgres_only.py), on a SQLite file in WAL mode with
    the production settings, in a process of its own (the test database is in memory)."""
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SECURE_SSL_REDIRECT="0"
    )
    manage(env, "migrate", "--noinput")
    output = manage(env, "shell", "--no-imports", "-c", RACE.format(replace=replace)).stdout
    seen = json.loads(output)
    if replace:
        assert seen["before"]["quotes_on_page"] == 70
        assert seen["during"] == seen["before"]
        assert seen["after"]["new_title_on_page"] and seen["after"]["quotes_on_page"] == 40
    else:
        nothing = {"page": 404, "api": 404, "home_lists_it": False, "search_hits": 0}
        assert {key: seen["during"][key] for key in nothing} == nothing
        assert seen["after"]["page"] == 200 and seen["after"]["quotes_on_page"] == 70


# An empty database ----------------------------------------------------------------------------

EMPTY_DATABASE = """
import json
from django.test import Client
from django.test.utils import override_settings
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
answers = {}
with override_settings(STORAGES={"default": plain, "staticfiles": plain}):  # no collectstatic
    client = Client()
    for url in ["/", "/events/any/", "/api/events", "/healthz"]:
        response = client.get(url)
        answers[url] = [response.status_code, response.get("Retry-After"),
                        response.content.decode()]
    response = client.post("/admin/login/", {"username": "boss", "password": "pw"})
    answers["login"] = [response.status_code, response.get("Retry-After"),
                        response.content.decode()]
print(json.dumps(answers))
"""


def test_an_empty_database_answers_503_that_says_migrate_not_500(tmp_path):
    """A database whose migrations were never applied (a restore into a new server, a deploy
    before `migrate`): a 503 naming the cause, and `/healthz` says so too."""
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", DJANGO_SECURE_SSL_REDIRECT="0"
    )
    answers = json.loads(manage(env, "shell", "--no-imports", "-c", EMPTY_DATABASE).stdout)
    for url in ["/", "/events/any/", "login"]:
        status, retry_after, html = answers[url]
        assert status == 503, url
        assert "网站尚未完成安装" in html and "manage.py migrate" in html, url
        assert int(retry_after) > 0
    assert answers["/api/events"][0] == 503
    assert json.loads(answers["/api/events"][2])["detail"].endswith("migrations not applied")
    assert answers["/healthz"][0] == 503
    assert json.loads(answers["/healthz"][2])["database"] == "not migrated"


class MissingTable:
    """A middleware whose query meets a table that is not there, as on PostgreSQL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import ProgrammingError

        raise ProgrammingError('relation "transcripts_event" does not exist')


@pytest.mark.django_db
def test_a_missing_table_in_a_migrated_database_is_still_a_500(settings):
    """Only a database that lacks migrations gets the 'not set up' 503: the same error with
    every migration applied is a bug, and stays a 500."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_serving.MissingTable"]
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500


@pytest.mark.django_db
def test_on_a_database_without_migrations_a_missing_table_is_a_503(settings, monkeypatch):
    from transcripts import middleware

    monkeypatch.setattr(middleware, "_migrated", [False])
    monkeypatch.setattr(middleware, "MigrationExecutor", UnmigratedExecutor)
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_serving.MissingTable"]
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "网站尚未完成安装" in response.content.decode()


class UnmigratedExecutor:
    """Stands for a database with no migration applied."""

    def __init__(self, connection):
        self.loader = mock.Mock()

    def migration_plan(self, targets):
        return [("transcripts", "0001_initial")]


# gunicorn and forwarded headers ---------------------------------------------------------------


def test_gunicorn_trusts_no_forwarded_header_unless_django_is_told_to(tmp_path):
    """A request that says `X-Forwarded-Proto: https` is plain http to the site (redirected to
    https) unless DJANGO_SECURE_PROXY_SSL_HEADER names that header; gunicorn on its own trusts
    it from 127.0.0.1 by default."""
    import http.client
    import socket
    import time

    def first_answer(**env: str) -> tuple[int, str]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py",
             "salon_site.wsgi"],
            cwd=ROOT,
            env=production_env(
                GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_ACCESS_LOG="",
                DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env,
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 90  # a loaded machine starts Django slowly
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request(
                        "GET", "/robots.txt", headers={"X-Forwarded-Proto": "https",
                                                       "Host": "testserver"}
                    )  # fmt: skip
                    response = connection.getresponse()
                    return response.status, response.getheader("Location") or ""
                except OSError:
                    time.sleep(0.1)
        finally:
            server.terminate()
            _, errors = server.communicate(timeout=30)
        raise AssertionError(f"gunicorn did not answer: {errors.decode()[-2000:]}")

    assert first_answer() == (301, "https://testserver/robots.txt")
    status, _ = first_answer(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert status == 200
