"""Security as a visitor or an attacker meets it: production headers (https only, HSTS, secure
cookies, nosniff, Referrer-Policy, CSP); hostile text in every field comes out of every page, feed,
API answer and admin page as text, never as markup; SQL and full-text syntax in any query
parameter is harmless. The admin's login and CSRF checks: tests/test_security_admin.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote as urlquote
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape
from taggit.models import Tag

from transcripts.event_import import event_import
from transcripts.models import Event, Quote, Section, Speaker
from transcripts.parsing import Part, Topic, Transcript, Turn
from transcripts.parsing import Speaker as Person
from transcripts.slugs import clean_tag_name

from .factories import make_event

pytestmark = pytest.mark.django_db

EVENT = "big-event"  # make_event()'s
SPEAKER = f"{EVENT}-speaker-1"


@pytest.fixture
def staff_client(client):
    """A logged-in superuser (no password: hashing one costs more than the test)."""
    client.force_login(User.objects.create_superuser("boss", email=None, password=None))
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


# Production headers --------------------------------------------------------------------------


def test_plain_http_is_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/speakers/?x=1")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/speakers/?x=1"


def test_a_forwarded_proto_header_is_trusted_only_when_configured(settings):
    settings.SECURE_SSL_REDIRECT = True
    spoofed = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert spoofed.status_code == 301  # by default anyone could send it: ignored
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200


@pytest.mark.parametrize("url", ["/", f"/events/{EVENT}/", "/api/events", "/admin/login/"])
def test_https_responses_carry_the_security_headers(client, url):
    make_event(quotes=30)
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "media-src": "'self' https:",  # recordings: see settings
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }


def test_session_and_csrf_cookies_are_secure_and_the_session_is_out_of_reach_of_scripts(client):
    User.objects.create_superuser("boss", password="pw")
    login = client.get("/admin/login/", secure=True)
    assert login.cookies["csrftoken"]["secure"]
    response = client.post(
        "/admin/login/",
        {"username": "boss", "password": "pw", "csrfmiddlewaretoken": login.cookies["csrftoken"]},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


# Hostile text everywhere ---------------------------------------------------------------------


PAYLOADS = {  # name: text
    "script": '<script>alert("xss")</script>',
    "script-upper": "<ScRiPt>alert(1)</sCrIpT>",
    "script-src": "<script src=//evil.example/x.js></script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "img-backticks": "<img src=`x` onerror=`alert(1)`>",
    "img-newlines": "<img\nsrc=x\nonerror=alert(1)>",
    "attr-double": '" onmouseover="alert(1)',
    "attr-single": "' onfocus='alert(1)' autofocus='",
    "svg-onload": "<svg/onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "a-javascript": '<a href="javascript:alert(1)">点我</a>',
    "a-data-url": '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "javascript-url": "javascript:alert(document.cookie)",
    "object": '<object data="javascript:alert(1)"></object>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=//evil.example">',
    "base-href": '<base href="//evil.example/">',
    "form-action": '<form action="//evil.example"><button>登录</button></form>',
    "css-expression": '<div style="width: expression(alert(1))">css</div>',
    "css-import": '<style>@import "//evil.example/x.css";</style>',
    "title-break": "</title><script>alert(1)</script>",
    "textarea-break": "</textarea><script>alert(1)</script>",
    "script-break": "</script><script>alert(1)</script>",
    "json-break": '"}];alert(1);//',
    "comment-break": "--><script>alert(1)</script><!--",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "polyglot": "'\"--></style></script><svg/onload=alert(1)>",
    "mxss-math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "template-variable": "{{ request.META }}{{ settings.SECRET_KEY }}",
    "template-tag": "{% debug %}{% now 'Y' %}",
    "fullwidth": "＜script＞alert(1)＜/script＞",
    "js-escapes": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62;",
    "rtl-override": "\u202egnp.exe<img src=x onerror=alert(1)>",
    "chinese": "发言<script>alert('你好')</script>结束",
}
EACH_PAYLOAD = pytest.mark.parametrize("text", list(PAYLOADS.values()), ids=list(PAYLOADS))
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
LOADING_ATTRIBUTES = {"src", "action", "formaction", "data", "poster"}  # fetched or posted to
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "math", "style"}


def is_local(url: str) -> bool:
    """This site's own address: a path, a query, a fragment (or the form's own page)."""
    return (
        url == ""
        or url.startswith(("?", "#", "http://testserver/"))
        or (url.startswith("/") and not url.startswith("//"))
    )


class Markup(HTMLParser):
    """What a browser would build from a page: its text (entities decoded), its attribute
    values, and any element or attribute a hostile text could have smuggled in."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.values: list[str] = []
        self.injected: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        for name, value in attrs:
            value = (value or "").strip().lower()
            self.values.append(value)
            if name.startswith("on") or name == "style":
                self.injected.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and value.startswith(("javascript:", "data:text")):
                self.injected.append(f"<{tag} {name}={value[:20]}>")
            elif name in LOADING_ATTRIBUTES and not is_local(value):
                self.injected.append(f"<{tag} {name}={value[:20]}> off this site")
        if tag in FORBIDDEN_ELEMENTS:
            self.injected.append(f"<{tag}>")
        elif tag == "script" and "src" not in found and found.get("type") != "application/json":
            self.injected.append("inline <script>")
        elif tag == "meta" and "http-equiv" in found:
            self.injected.append("<meta http-equiv>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def shows(self, text: str) -> bool:
        return text in "".join(self.text) or any(text.lower() in v for v in self.values)


def hostile_event(text: str, slug: str = "hostile") -> Event:
    """An event carrying the text in every field a reader sees: title, series, intro,
    organizer, source, speaker name and bio, part, topic, tag, and three quotes."""
    person = Person(name=f"黑客{text}", slug=f"{slug}-hacker", bio=f"简介{text}", role="guest")
    host = Person(name=f"主持人{slug}", slug=f"{slug}-host", role="host")
    turns = tuple(
        Turn(
            number=n,
            speaker=speaker.name,
            text=f"注入测试 {text} 结束",
            part=1,
            topic=1,
            tags=(f"标签{text}",),
        )
        for n, speaker in enumerate((person, host, person), start=1)
    )
    return event_import(
        transcript=Transcript(
            title=f"活动{text}",
            slug=slug,
            series=f"系列{text}",
            organizer=f"主办{text}",
            source_name=f"来源{text}",
            source_url=text if text.startswith("javascript") else "https://example.org/a",
            intro=f"介绍{text}",
            speakers=(person, host),
            parts=(Part(number=1, title=f"部分{text}"),),
            topics=(Topic(number=1, title=f"话题{text}", part=1),),
            turns=turns,
            published=True,
            format="json",
            checksum=slug,
        )
    ).event


def reader_pages(tag: Tag) -> list[str]:
    event = "/events/hostile/"
    return [
        "/",
        "/en/",
        event,
        f"{event}?speaker=hostile-hacker",
        f"{event}?topic=1",
        f"{event}?tag={urlquote(tag.slug)}",
        f"{event}q/1/",
        f"{event}q/2/",  # previous and next quote
        "/speakers/",
        "/speakers/hostile-hacker/",
        "/speakers/hostile-hacker/?event=hostile&topic=1",
        "/tags/",
        f"/tags/{urlquote(tag.slug)}/",
        "/search/?q=注入测试",
        "/search/?q=注入测试&speaker=hostile-hacker&event=hostile",
    ]


def as_tag_name(text: str) -> str:
    """A tag's name is cleaned at the door (issue 12): NFKC, no invisible or control
    characters. Pages that show only tag names show the text so; escaped all the same."""
    return clean_tag_name(text)


TAG_ONLY_PAGES = {"/tags/", "/api/tags", "/admin/taggit/tag/"}


def assert_only_text(html: str, text: str, where: str) -> None:
    """The page shows the text as written and it built no markup: not one element or attribute
    came from it, and it never appears unescaped."""
    page = Markup(html)
    assert page.injected == [], where
    assert page.shows(text), f"{where} does not show the text as written"
    if escape(text) != text:
        assert text not in html, f"{where} has the text unescaped"


@EACH_PAYLOAD
def test_hostile_text_is_shown_as_text_on_every_reader_page(client, text):
    hostile_event(text)
    for url in reader_pages(Tag.objects.get()):
        response = client.get(url)
        assert response.status_code == 200, url
        shown = as_tag_name(text) if url in TAG_ONLY_PAGES else text
        assert_only_text(response.content.decode(), shown, url)


@EACH_PAYLOAD
def test_hostile_text_stays_data_in_sitemaps_and_the_api(client, text):
    hostile_event(text)
    for url in ("/sitemap.xml", "/sitemap-quotes.xml"):
        sitemap = ElementTree.fromstring(client.get(url).content)  # well-formed
        locations = [e.text for e in sitemap.iter() if e.tag.endswith("}loc")]
        assert locations and all(
            re.fullmatch(r"http://testserver/[^\s<>\"'`]*", loc) for loc in locations
        )
    api = {
        "/api/events": lambda data: data[0]["title"],
        "/api/events/hostile": lambda data: data["topics"][0]["title"],
        "/api/events/hostile/quotes": lambda data: data["results"][0]["text"],
        "/api/speakers/hostile-hacker": lambda data: data["bio"],
        "/api/tags": lambda data: data[0]["name"],
    }
    expected = [f"活动{text}", f"话题{text}", f"注入测试 {text} 结束", f"简介{text}"]
    expected.append(as_tag_name(f"标签{text}"))
    for (url, field), value in zip(api.items(), expected, strict=True):
        response = client.get(url)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert field(response.json()) == value, url  # the data as written, not HTML-escaped
    hits = client.get("/api/search", {"q": "注入测试"}).json()["results"]
    assert hits and all(Markup(hit["snippet"]).injected == [] for hit in hits)


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss/"])
def test_hostile_text_is_escaped_in_feeds(client, url):
    """A feed reader shows titles as text and summaries as HTML: both must carry the text as
    text. One event per payload, as many as a feed holds at a time."""
    named = list(PAYLOADS.items())
    for first in range(0, len(named), 25):
        Event.objects.all().delete()
        cache.clear()
        batch = named[first : first + 25]
        for number, (_, text) in enumerate(batch, start=first):
            hostile_event(text, slug=f"hostile-{number}")
        feed = ElementTree.fromstring(client.get(url).content)  # well-formed: nothing broke out
        titles = {e.text for e in feed.iter() if e.tag.split("}")[-1] == "title"}
        summaries = [
            Markup(e.text or "")
            for e in feed.iter()
            if e.tag.split("}")[-1] in ("description", "summary")
        ]
        for name, text in batch:
            assert f"系列{text} · 活动{text}" in titles, name
            shown = [summary for summary in summaries if summary.shows(f"介绍{text}")]
            assert len(shown) == 1, f"{name}: the summary does not show the intro as text"
            assert shown[0].injected == [], name


@EACH_PAYLOAD
def test_hostile_text_is_shown_as_text_in_the_admin(staff_client, text):
    event = hostile_event(text)
    quote = event.quotes.get(number=1)
    search = urlquote(text)
    urls = [
        "/admin/transcripts/event/",
        f"/admin/transcripts/event/{event.pk}/change/",
        f"/admin/transcripts/event/{event.pk}/history/",
        "/admin/transcripts/speaker/",
        f"/admin/transcripts/speaker/{quote.speaker_id}/change/",
        "/admin/transcripts/quote/",
        f"/admin/transcripts/quote/?q={search}",
        f"/admin/transcripts/quote/{quote.pk}/change/",
        "/admin/transcripts/section/",
        f"/admin/transcripts/section/{Section.objects.get().pk}/change/",
        "/admin/transcripts/topic/",
        "/admin/transcripts/participation/",
        "/admin/taggit/tag/",
        f"/admin/taggit/tag/?q={search}",
        f"/admin/taggit/tag/{Tag.objects.get().pk}/change/",
    ]
    tag_change = f"/admin/taggit/tag/{Tag.objects.get().pk}/change/"
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        shown = as_tag_name(text) if url in {*TAG_ONLY_PAGES, tag_change} else text
        assert_only_text(response.content.decode(), shown, url)


@EACH_PAYLOAD
def test_hostile_queries_and_filters_are_echoed_as_text(client, text):
    make_event(quotes=30)
    pages = [
        ("/search/", {"q": text}),
        ("/search/", {"q": "幻觉", "speaker": text, "tag": text, "event": text}),
        (f"/events/{EVENT}/", {"speaker": text, "tag": text}),
        (f"/speakers/{SPEAKER}/", {"tag": text, "event": text}),
    ]
    for url, query in pages:
        response = client.get(url, query)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert Markup(html).injected == [], (url, query)
        assert escape(text) == text or text not in html, (url, query)
    assert Markup(client.get("/search/", {"q": text}).content.decode()).shows(text)
    api = client.get("/api/search", {"q": text})
    assert api.status_code in (200, 400)
    assert api["Content-Type"].startswith("application/json")


def test_only_web_addresses_become_source_links(client):
    hostile_event("javascript:alert(document.cookie)", slug="bad-source")
    hostile_event("正常", slug="good-source")  # its source_url is https://example.org/a
    bad = client.get("/events/bad-source/").content.decode()
    assert 'href="javascript' not in bad
    assert Markup(bad).shows("来源javascript:alert(document.cookie)")  # the name, as text
    good = client.get("/events/good-source/").content.decode()
    assert '<a href="https://example.org/a" rel="nofollow noopener">来源正常</a>' in good


# SQL and full-text injection -----------------------------------------------------------------


INJECTIONS = [
    "' OR 1=1 --",
    "1' OR '1'='1",
    '"; DROP TABLE transcripts_quote; --',
    "1; DELETE FROM transcripts_event",
    "' UNION SELECT password FROM auth_user --",
    "幻觉 NEAR 模型",
    "NEAR(幻觉 模型, 2)",
    "幻觉 AND OR NOT 模型",
    "模*",
    "grams:幻觉",
    "text : 幻觉 OR speaker:x",
    "^幻觉",
    '"幻觉',
    "(幻觉 OR (模型",
    "[{]})",
    "幻觉\x00模型",
    "%' OR '%'='",
    "-1",
    "99999999999999999999999",
    "模型" * 5000,
]
INJECTION_IDS = [
    "or-1=1", "quote-or", "drop-table", "delete", "union", "near", "near-call", "boolean",
    "prefix", "column-grams", "column-text", "caret", "unbalanced-quote", "unbalanced-brackets",
    "brackets", "nul", "like", "negative", "huge-number", "10k-chars",
]  # fmt: skip


def site_state() -> tuple:
    """What the database holds that an attack could change."""
    return (
        list(Quote.objects.filter(published=True).values_list("pk", flat=True)),
        list(Event.objects.values_list("published", "title")),
        list(Speaker.objects.values_list("name", flat=True)),
        list(Tag.objects.values_list("name", flat=True)),
        list(Section.objects.values_list("title", flat=True)),
    )


def searchable() -> tuple:
    """What readers can find: if an injection changed the data or the index, this changes."""
    client = Client()
    answers = [
        client.get("/api/search", {"q": q}).json()["count"] for q in ("幻觉", "模型", "强化学习")
    ]
    return (
        *site_state(),
        answers,
        len(client.get(f"/api/events/{EVENT}/quotes").json()["results"]),
    )


@pytest.mark.parametrize("value", INJECTIONS, ids=INJECTION_IDS)
def test_injection_in_any_query_parameter_is_harmless(client, value):
    make_event(quotes=30)
    before = searchable()
    assert all(before[-2]) and before[-1] == 30  # every probe finds something to lose
    requests = [
        ("/search/", name) for name in ("q", "speaker", "topic", "tag", "event", "page")
    ] + [
        (f"/events/{EVENT}/", name) for name in ("speaker", "topic", "tag", "page")
    ] + [
        (f"/speakers/{SPEAKER}/", name) for name in ("event", "topic", "tag")
    ] + [
        ("/api/search", name) for name in ("q", "speaker", "topic", "tag", "event", "page")
    ] + [
        (f"/api/events/{EVENT}/quotes", name) for name in ("speaker", "topic", "tag")
    ] + [("/tags/压力测试/", "page"), ("/", "page")]  # fmt: skip
    for url, name in requests:
        query = {"q": "幻觉", name: value} if "search" in url else {name: value}
        response = client.get(url, query)
        assert response.status_code in (200, 400, 422), (url, name, response.status_code)
    paths = ["/tags/{}/", "/events/{}/", "/speakers/{}/", "/api/events/{}", "/api/speakers/{}"]
    for path in [*paths, "/api/events/{}/quotes"]:
        url = path.format(urlquote(value, safe=""))
        assert client.get(url).status_code in (301, 404, 422), url  # in the path: not found
    assert searchable() == before
