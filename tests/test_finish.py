"""The site's finish: its own error pages (404, 400, 403, 500, 503) in both languages, the
favicon, compressed answers for every text page, and long addresses that reach Django through
gunicorn instead of a bare 414."""

from __future__ import annotations

import gzip
import http.client
import socket
import subprocess
import time
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from .conftest import ROOT
from .factories import import_demo
from .test_serving import GUNICORN, database_down, production_env

EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
LONG_QUERY = "大" * 2000


def looks_like_the_site(html: str) -> None:
    assert 'name="viewport"' in html
    assert 'class="site-header"' in html
    assert 'action="/search/"' in html or 'action="/en/search/"' in html
    assert 'class="site-footer"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Traceback" not in html


class Fails:
    """A middleware that fails on /boom/ (and /en/boom/), as a bug would."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.endswith("/boom/"):
            raise RuntimeError("a bug")
        return self.get_response(request)


# Error pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unknown_address_gets_the_sites_own_404_in_chinese(client):
    response = client.get("/no-such-page-here/")
    html = response.content.decode()
    assert response.status_code == 404
    looks_like_the_site(html)
    assert '<html lang="zh-hans">' in html
    assert "找不到这个页面" in html and 'rel="canonical"' not in html


@pytest.mark.django_db
def test_the_404_under_en_is_in_english(client):
    response = client.get("/en/no-such-page-here/")
    html = response.content.decode()
    assert response.status_code == 404
    looks_like_the_site(html)
    assert '<html lang="en">' in html
    assert "Page not found" in html and "找不到这个页面" not in html
    assert 'action="/en/search/"' in html  # the header searches in English too


@pytest.mark.django_db
def test_an_unknown_event_is_the_same_404(client):
    response = client.get("/events/no-such-event/")
    assert response.status_code == 404
    looks_like_the_site(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "text"), [("/boom/", "网站出了问题"), ("/en/boom/", "Something")])
def test_a_bug_gets_the_sites_own_500_in_the_readers_language(settings, path, text):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_finish.Fails"]
    response = Client(raise_request_exception=False).get(path)
    html = response.content.decode()
    assert response.status_code == 500
    looks_like_the_site(html)
    assert text in html and "a bug" not in html and "RuntimeError" not in html


@pytest.mark.django_db
def test_the_500_page_is_plain_but_still_says_so_when_the_page_itself_fails(settings, monkeypatch):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_finish.Fails"]
    from transcripts.views import errors

    def broken(*args, **kwargs):
        raise ValueError("a static file missing from the manifest")

    monkeypatch.setattr(errors, "render_to_string", broken)
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "网站出了问题" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_host_gets_the_sites_own_400_without_the_host_in_it(client):
    response = client.get("/", HTTP_HOST="evil.example")
    html = response.content.decode()
    assert response.status_code == 400
    looks_like_the_site(html)
    assert "无法处理这个请求" in html and "evil.example" not in html


@pytest.mark.django_db
def test_a_reader_without_permission_gets_the_sites_own_403(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_finish.Forbids"]
    response = Client().get("/forbidden/")
    assert response.status_code == 403
    looks_like_the_site(response.content.decode())
    assert "没有权限查看这个页面" in response.content.decode()


class Forbids:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import PermissionDenied

        if request.path == "/forbidden/":
            raise PermissionDenied
        return self.get_response(request)


@pytest.mark.django_db
def test_the_503_page_looks_like_the_site_without_the_database(client):
    import_demo()
    cache.clear()
    with database_down():
        response = client.get(EVENT)
    html = response.content.decode()
    assert response.status_code == 503
    looks_like_the_site(html)
    assert "网站暂时无法访问" in html and "try again" in html


# Favicon, search box ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_favicon_is_an_icon_cached_for_a_while(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert "max-age=604800" in response["Cache-Control"]
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in page and "favicon.svg" in page


@pytest.mark.django_db
def test_the_header_search_box_has_a_length_limit(client):
    assert 'name="q" maxlength="200"' in client.get("/").content.decode()


# Compression ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_pages_are_gzipped_for_a_client_that_accepts_it(client):
    import_demo()
    response = client.get(f"/search/?q={quote('幻觉')}", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "幻觉" in gzip.decompress(response.content).decode()
    plain = client.get(f"/search/?q={quote('幻觉')}")
    assert not plain.has_header("Content-Encoding") and "幻觉" in plain.content.decode()


@pytest.mark.django_db
def test_cached_pages_are_gzipped_on_a_miss_and_on_a_hit(client):
    import_demo()
    cache.clear()
    first = client.get(EVENT, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(EVENT, HTTP_ACCEPT_ENCODING="gzip")
    assert second["X-Page-Cache"] == "hit"
    for response in (first, second):
        assert response["Content-Encoding"] == "gzip"
        assert "<main" in gzip.decompress(response.content).decode()


@pytest.mark.django_db
def test_error_and_admin_pages_are_gzipped_too(client):
    assert client.get("/nope/", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
    User.objects.create_superuser("boss", password="pw-long-enough-1")
    client.login(username="boss", password="pw-long-enough-1")
    admin = client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip")
    assert admin.status_code == 200 and admin["Content-Encoding"] == "gzip"


# Long addresses through gunicorn -----------------------------------------------------------------


def test_gunicorn_lets_a_2000_character_query_through_to_django(tmp_path):
    """gunicorn's default answers a request line over 4094 bytes with a bare 414 before Django
    sees it; the search for 2,000 characters is ~18,000 bytes. The favicon needs no database,
    so any answer from Django (200) proves the line got through; so does a long Referer."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = production_env(
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", GUNICORN_ACCESS_LOG="",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SECURE_SSL_REDIRECT="0",
    )  # fmt: skip
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "salon_site.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    long_path = f"/favicon.ico?q={quote(LONG_QUERY)}"
    assert len(long_path) > 18000
    try:
        statuses = None
        deadline = time.monotonic() + 90  # a loaded machine starts Django slowly
        while statuses is None and time.monotonic() < deadline and server.poll() is None:
            try:
                statuses = [
                    _status(port, long_path, {}),
                    _status(port, "/favicon.ico", {"Referer": f"http://testserver{long_path}"}),
                ]
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert statuses == [200, 200], errors.decode()[-2000:]


def _status(port: int, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "testserver", **headers})
    return connection.getresponse().status
