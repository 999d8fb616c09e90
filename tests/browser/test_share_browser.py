"""Share a sentence in a real browser: select part of a quote, copy the link the button offers
(from the clipboard, or from the field shown when the clipboard refuses), open it: the passage is
marked and in view. And the quote's share card is a 1200x630 PNG."""

from __future__ import annotations

import re
import struct
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from transcripts import share_card

from .conftest import axe_violations, new_context, wait_until

pytestmark = pytest.mark.browser

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
TITLE = "大模型训练和进化之路"
EVENT_URL = f"/events/{SLUG}/"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

SELECT = """([selector, start, end]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let position = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    if (start >= position && start <= position + length) range.setStart(node, start - position);
    if (end >= position && end <= position + length) { range.setEnd(node, end - position); break; }
    position += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return range.toString();
}"""


def select(page, selector: str, start: int, end: int) -> str:
    return page.evaluate(SELECT, [selector, start, end])


def open_link(context, link: str, problems):
    page = context.new_page()
    problems.watch(page)
    page.goto(link)
    return page


def test_copied_passage_link_from_the_event_page_highlights_the_passage(
    page, context, live_server, page_problems
):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(EVENT_URL)
    passage = select(page, '[data-quote="3"] .text', 40, 70)
    button = page.get_by_role("button", name="复制这段话的链接")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".share-status")).to_have_text("已复制这段话的链接。")
    link = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(
        rf"{re.escape(live_server.url)}{EVENT_URL}q/3/\?p=40-70#:~:text=[^,&\s]+,[^,&\s]+", link
    ), link
    citation = page.locator(".share-cite")
    expect(citation).to_contain_text(f"「{passage}」——《{TITLE}》")
    expect(citation).to_contain_text(link.split("#")[0])  # the short form, for print

    shared = open_link(context, link, page_problems)
    mark = shared.locator("article.quote-single mark.shared-passage")
    expect(mark).to_have_text(passage)
    expect(mark).to_be_in_viewport()
    shared.close()


def test_on_a_phone_the_link_is_shown_when_the_clipboard_refuses(
    browser, live_server, demo, page_problems
):
    context = new_context(browser, live_server, **PHONE)
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));"
    )
    page = context.new_page()
    page_problems.watch(page)
    page.goto(f"{EVENT_URL}q/3/")
    length = page.evaluate("document.querySelector('.quote-single .text').textContent.length")
    passage = select(page, ".quote-single .text", length - 30, length - 5)
    page.get_by_role("button", name="复制这段话的链接").tap()
    field = page.get_by_role("textbox", name="这段话的链接")
    expect(field).to_be_focused()
    link = field.input_value()
    assert f"?p={length - 30}-{length - 5}#:~:text=" in link

    shared = open_link(context, link, page_problems)
    mark = shared.locator("mark.shared-passage")
    expect(mark).to_have_text(passage)
    expect(mark).to_be_in_viewport()
    assert shared.evaluate("window.scrollY") > 0  # the passage is far down a long quote
    context.close()
    # with scripts off the browser finds the passage by the link's text fragment
    plain = new_context(browser, live_server, java_script_enabled=False, **PHONE)
    try:
        plain.new_page().goto(link)
        wait_until(plain.pages[0], "window.scrollY > 0")
    finally:
        plain.close()
    assert not page_problems.items, page_problems.items


def test_the_button_is_reached_and_used_with_the_keyboard(page, context, live_server):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{EVENT_URL}q/17/")
    at = page.evaluate("document.querySelector('.quote-single .text').textContent.indexOf('GPT-3')")
    passage = select(page, ".quote-single .text", at - 4, at + 40)
    button = page.get_by_role("button", name="复制这段话的链接")
    expect(button).to_be_visible()
    page.locator(".quote-single h1.who a").focus()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".share-status")).to_have_text("已复制这段话的链接。")
    link = page.evaluate("navigator.clipboard.readText()")
    start, end = link.split("#:~:text=")[1].split(",")  # "," and "-" in the text are escaped
    assert "%2D" in start and "-" not in start
    text = page.locator(".quote-single .text").text_content()
    # whole words at the passage's edges, GPT-3 unbroken
    assert unquote(start) == "错过了 GPT-3" and passage.startswith(unquote(start))
    assert unquote(end) in text and passage.strip().endswith(unquote(end))
    page.keyboard.press("Escape")
    expect(button).to_be_hidden()


def test_an_offset_link_marks_exactly_the_passage_and_keeps_the_text(page):
    page.goto(f"{EVENT_URL}q/12/?p=2-10")
    marks = page.locator("mark.shared-passage")
    text = page.evaluate("document.querySelector('.quote-single .text').textContent")
    assert "".join(marks.all_text_contents()) == text[2:10]
    expect(page.locator(".quote-single .text")).to_have_text(text)  # nothing lost or added


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.skipif(share_card.font_path() is None, reason="no CJK font")
def test_quote_page_card_is_a_1200x630_png(page):
    page.goto(f"{EVENT_URL}q/12/")
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image.endswith(f"{EVENT_URL}q/12/card.png")
    response = page.request.get(image)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    assert png_size(response.body()) == (1200, 630)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_share_button_and_a_marked_passage_pass_axe(
    browser,
    live_server,
    demo,
    axe_js,
    artifacts,
    scheme,
):
    context = new_context(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        color_scheme=scheme,
        bypass_csp=True,  # axe is injected inline
    )
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));"
    )
    page = context.new_page()
    try:
        page.goto(f"{EVENT_URL}q/3/?p=10-40")
        expect(page.locator("mark.shared-passage")).to_have_count(1)
        select(page, ".quote-single .text", 60, 90)
        page.get_by_role("button", name="复制这段话的链接").click()
        expect(page.locator(".share-cite")).to_be_visible()
        page.screenshot(path=str(artifacts / f"share-{scheme}.png"))
        assert axe_violations(page, axe_js) == []
    finally:
        context.close()
