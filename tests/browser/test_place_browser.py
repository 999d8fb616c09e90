"""Finding your place on the event page (issue 15): the transcript on a phone's first screen,
contents that jump within the page and mark where the reader is, same-speaker steps, j / k, and
axe-core with no WCAG 2.x A/AA violation at 1280 and 390 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, new_context, wait_until

pytestmark = pytest.mark.browser
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
TOPIC_10_CURRENT = (
    "document.querySelector(\".toc a[href='#topic-10']\").getAttribute('aria-current')"
    " === 'location'"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def phone(browser, live_server, demo, page_problems):
    context = new_context(browser, live_server, viewport=PHONE)
    page = context.new_page()
    page_problems.watch(page)
    yield page
    context.close()
    assert not page_problems.items, page_problems.items


@pytest.fixture
def desk(browser, live_server, demo, page_problems):
    context = new_context(browser, live_server, viewport=DESKTOP, reduced_motion="reduce")
    page = context.new_page()
    page_problems.watch(page)
    yield page
    context.close()
    assert not page_problems.items, page_problems.items


def test_the_first_quote_is_on_a_phones_first_screen(phone):
    phone.goto(EVENT)
    box = phone.locator("[data-quote]").first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], box
    # the contents are one tap away, folded
    assert not phone.locator(".fold-toc").evaluate("d => d.open")
    phone.locator(".fold-toc summary").click()
    assert phone.locator(".toc a[href='#topic-10']").is_visible()


def test_the_contents_stay_in_view_open_on_a_desktop(desk):
    desk.goto(EVENT)
    assert desk.locator(".fold-toc").evaluate("d => d.open")
    desk.locator("#q-60").scroll_into_view_if_needed()
    assert desk.locator(".toc a[href='#part-1']").is_visible()  # sticky beside the transcript
    box = desk.locator(".toc").bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"]


def test_a_contents_entry_jumps_within_the_page_and_marks_the_topic(desk):
    desk.goto(EVENT)
    desk.evaluate("window.placeMarker = 'same document'")
    desk.locator(".toc a[href='#topic-10']").click()
    wait_until(desk, "location.hash === '#topic-10'")
    assert desk.evaluate("window.placeMarker") == "same document"  # no reload
    top = desk.locator("#topic-10").bounding_box()["y"]
    assert 0 <= top < 200
    # the entry and its part are marked as where the reader is
    wait_until(desk, TOPIC_10_CURRENT)
    current = desk.locator(".toc a[aria-current='location']")
    assert current.count() == 2
    assert current.first.get_attribute("href").startswith("#part-")


def test_scrolling_moves_the_current_topic(desk):
    desk.goto(EVENT)
    desk.locator("#topic-10").evaluate("h => window.scrollTo(0, h.offsetTop - 50)")
    wait_until(desk, TOPIC_10_CURRENT)
    desk.evaluate("window.scrollTo(0, 0)")
    wait_until(desk, TOPIC_10_CURRENT.replace("=== 'location'", "=== null"))


def test_j_and_k_move_quote_by_quote_with_focus_and_address(desk):
    desk.goto(EVENT)
    desk.keyboard.press("j")
    assert desk.evaluate("location.hash") == "#q-1"
    desk.keyboard.press("j")
    desk.keyboard.press("j")
    assert desk.evaluate("location.hash") == "#q-3"
    assert desk.evaluate("document.activeElement.id") == "q-3"
    desk.keyboard.press("k")
    assert desk.evaluate("document.activeElement.id") == "q-2"
    assert desk.evaluate("document.activeElement.matches(':focus-visible')")
    # typing in a box is typing, not moving
    desk.locator("#event-q").fill("")
    desk.locator("#event-q").press("j")
    assert desk.locator("#event-q").input_value() == "j"
    assert desk.evaluate("location.hash") == "#q-2"
    # with a modifier the key is the browser's
    desk.locator("#q-2").focus()
    desk.keyboard.press("Control+j")
    assert desk.evaluate("location.hash") == "#q-2"


def test_the_same_speakers_next_turn_link_lands_on_their_next_quote(desk):
    desk.goto(EVENT)
    first = desk.locator("article.quote", has=desk.locator("a.speaker[href*='zhangjunlin']")).first
    number = int(first.get_attribute("data-quote"))
    first.locator("a.turn").last.click()
    wait_until(desk, f"location.hash !== '' && location.hash !== '#q-{number}'")
    target = desk.locator(desk.evaluate("location.hash"))
    assert int(target.get_attribute("data-quote")) > number
    assert "zhangjunlin" in target.locator("a.speaker").get_attribute("href")
    assert 0 <= target.bounding_box()["y"] < 200


def test_the_event_page_search_box_searches_this_event(desk):
    desk.goto(EVENT)
    desk.locator("#event-q").fill("幻觉")
    desk.locator("#event-q").press("Enter")
    desk.wait_for_url("**/search/?*")
    assert "event=da-mo-xing-xun-lian-he-jin-hua-zhi-lu" in desk.url
    assert desk.locator(".hit").count() > 0


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation_on_the_event_page(browser, live_server, demo, axe_js, width):
    context = new_context(
        browser, live_server, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(EVENT)
    violations = axe_violations(page, axe_js)
    context.close()
    assert violations == []
