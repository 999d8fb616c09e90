"""The reader site in a real browser: navigation, filters, permalinks, copying, keyboard, layout."""

from __future__ import annotations

import re
import struct

import pytest
from playwright.sync_api import expect

from .conftest import new_context

pytestmark = pytest.mark.browser

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
TITLE = "大模型训练和进化之路"
EVENT_URL = f"/events/{SLUG}/"
QUOTES = "[data-quote]"


def test_home_links_to_the_event_with_all_its_quotes(page, live_server):
    page.goto("/")
    link = page.get_by_role("link", name=TITLE, exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(f"{live_server.url}{EVENT_URL}")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(QUOTES)).to_have_count(70)


def test_speaker_filter_shows_only_that_speakers_quotes(page):
    page.goto(EVENT_URL)
    form = page.locator("form.filters")
    form.locator("select[name=speaker]").select_option(label="张俊林")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]speaker=zhangjunlin(&|$)"))
    expect(page.locator(QUOTES)).to_have_count(13)
    expect(page.locator(f"{QUOTES} .speaker")).to_have_text(["张俊林"] * 13)
    expect(form.locator("select[name=speaker]")).to_have_value("zhangjunlin")


def test_quote_permalink_opens_the_quote_page(page, live_server):
    page.goto(EVENT_URL)
    quote = page.locator('[data-quote="12"]')
    text = quote.locator(".text").inner_text()
    permalink = quote.locator("a.number")
    expect(permalink).to_have_text("#12")
    permalink.click()
    expect(page).to_have_url(f"{live_server.url}{EVENT_URL}q/12/")
    single = page.locator('article.quote-single[data-quote="12"]')
    expect(single).to_be_visible()
    expect(single.locator(".text")).to_have_text(text)
    og_title = page.locator('meta[property="og:title"]')
    expect(og_title).to_have_count(1)
    expect(og_title).to_have_attribute("content", re.compile(rf".+ · {TITLE}$"))


def test_copy_link_puts_the_canonical_url_on_the_clipboard(page, context, live_server):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{EVENT_URL}q/12/")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == f"{live_server.url}{EVENT_URL}q/12/"
    page.get_by_role("button", name="复制链接").click()
    expect(page.locator(".copy-status")).to_have_text("✓")
    assert page.evaluate("navigator.clipboard.readText()") == canonical


def test_first_tab_focuses_the_skip_link(page):
    page.goto(EVENT_URL)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("跳到正文")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("desktop", {"viewport": {"width": 1280, "height": 900}}),
        (
            "phone",
            {
                "viewport": {"width": 390, "height": 844},
                "is_mobile": True,
                "has_touch": True,
            },
        ),
    ],
)
def test_event_page_screenshot(browser, live_server, demo, artifacts, page_problems, name, options):
    context = new_context(browser, live_server, **options)
    try:
        page = context.new_page()
        page_problems.watch(page)
        page.goto(EVENT_URL)
        expect(page.locator(QUOTES)).to_have_count(70)
        page.evaluate("document.fonts.ready")
        width = options["viewport"]["width"]
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert inner_width == width
        assert scroll_width <= inner_width + 1, f"horizontal scroll at {width}px: {scroll_width}"
        path = artifacts / f"event-{name}.png"
        path.unlink(missing_ok=True)
        page.screenshot(path=path, full_page=True)
    finally:
        context.close()
    data = path.read_bytes()
    assert len(data) > 20_000
    image_width, image_height = png_size(data)
    assert image_width == width * options.get("device_scale_factor", 1)
    assert image_height > options["viewport"]["height"]
    assert not page_problems.items, page_problems.items
