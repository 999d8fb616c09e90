"""The finish in a real browser: dark mode (and axe-core in it), the print stylesheet, and the
error pages on a 390 px phone.

axe-core comes from the `axe_js` fixture (conftest.py)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from .conftest import axe_violations, new_context

pytestmark = pytest.mark.browser

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
EVENT_URL = f"/events/{SLUG}/"
PHONE = {"width": 390, "height": 844}


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("width", [1280, 390])
def test_dark_mode_darkens_the_page_and_keeps_aa_contrast(
    browser, live_server, demo, axe_js, width
):
    context = new_context(
        browser,
        live_server,
        viewport={"width": width, "height": 900},
        color_scheme="dark",
        bypass_csp=True,  # axe is injected inline
    )
    page = context.new_page()
    try:
        for path in ["/", EVENT_URL, f"{EVENT_URL}q/24/", "/speakers/", "/tags/",
                     "/search/?q=幻觉", "/no-such-page-here/"]:  # fmt: skip
            page.goto(path)
            assert background(page) == "rgb(22, 23, 26)", path
            assert axe_violations(page, axe_js) == [], f"{path} at {width}px, dark"
        page.emulate_media(color_scheme="light")
        assert background(page) == "rgb(255, 255, 255)"
    finally:
        context.close()


READER_PAGES = [
    "/",
    EVENT_URL,
    f"{EVENT_URL}q/24/",
    "/speakers/",
    "/speakers/liuzhiyuan/",
    "/tags/",
    "/search/?q=幻觉",
    "/search/?q=刘知远",
    "/no-such-page-here/",
]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_reader_page_passes_axe_in_light_mode(browser, live_server, demo, axe_js, width):
    context = new_context(
        browser, live_server, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    try:
        for path in READER_PAGES:
            page.goto(path)
            assert axe_violations(page, axe_js) == [], f"{path} at {width}px"
    finally:
        context.close()


def test_printing_the_event_page_prints_the_transcript_only(page):
    page.goto(EVENT_URL)
    page.emulate_media(media="print")
    visible_forms = page.evaluate(
        "[...document.querySelectorAll('form')].filter(f => f.offsetParent !== null).length"
    )
    assert visible_forms == 0
    for hidden in [".site-header", ".site-footer", ".event-aside"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("[data-quote]").first.is_visible()
    assert page.locator("h1").first.is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".site-header").is_visible()


def _error_html(template: str, language: str) -> str:
    with translation.override(language):
        return render_to_string(template)


@pytest.mark.parametrize(
    ("path", "template", "status"),
    [
        ("/no-such-page-here/", None, 404),
        ("/en/no-such-page-here/", None, 404),
        ("/error-page/400/", "400.html", 400),
        ("/error-page/500/", "500.html", 500),
        ("/error-page/503/", "503.html", 503),
        ("/en/error-page/500/", "500.html", 500),
    ],
)
def test_error_pages_look_like_the_site_on_a_phone(
    browser, live_server, demo, axe_js, path, template, status
):
    """404s are the server's own; the 400, 500 and 503 pages (rendered without a request, as the
    handlers do) are served at a made-up address, with the site's stylesheets from the server."""
    context = new_context(browser, live_server, viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    if template:
        language = "en" if path.startswith("/en/") else "zh-hans"
        html = _error_html(template, language)
        page.route(
            f"**{path}",
            lambda route: route.fulfill(status=status, body=html, content_type="text/html"),
        )
    try:
        response = page.goto(path)
        assert response.status == status
        assert page.locator(".site-header .header-search input").is_visible()
        assert page.locator(".site-footer").is_visible()
        assert page.locator("h1").is_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        assert axe_violations(page, axe_js) == [], path
    finally:
        context.close()
