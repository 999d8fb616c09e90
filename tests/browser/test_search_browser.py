"""Search in a real browser, on a laptop and a phone: a speaker's name, pinyin or handle typed
into the site's search box finds what that person said, their quotes first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import new_context

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("query", ["刘知远", "liuzhiyuan", "zibuyu9"])
def test_a_speakers_name_finds_their_quotes_first(
    browser, live_server, demo, page_problems, size, query
):
    context = new_context(browser, live_server, viewport=SIZES[size])
    page = context.new_page()
    page_problems.watch(page)
    page.goto("/")
    box = page.locator("#header-q")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url("**/search/?*")
    said = demo.quotes.filter(speaker__name="刘知远").count()
    assert said == 12
    expect(page.get_by_text(f"刘知远的发言 {said} 段")).to_be_visible()
    speakers = page.locator(".hit .speaker").all_inner_texts()
    assert speakers[:said] == ["刘知远"] * said  # every one of their quotes, before the rest
    context.close()
    assert not page_problems.items, page_problems.items
