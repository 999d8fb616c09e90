"""Listen along in a real browser: the event page follows a short generated recording.

The recording is a 12-second WAV made here (a quiet tone) and served at the live server's own
origin by Playwright (`page.route`), so the page's CSP (`media-src 'self' https:`) applies as it
does in production. Quotes start at 0, 4 and 8 seconds.
"""

from __future__ import annotations

import io
import math
import re
import struct
import wave

import pytest
from playwright.sync_api import expect

from .conftest import new_context

pytestmark = pytest.mark.browser

RECORDING = "/test-recording.wav"
SECONDS = 12
RATE = 8000


def quiet_tone() -> bytes:
    """12 s of a soft 440 Hz tone, 8 kHz mono 16-bit PCM."""
    frames = b"".join(
        struct.pack("<h", int(2000 * math.sin(2 * math.pi * 440 * n / RATE)))
        for n in range(SECONDS * RATE)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    return buffer.getvalue()


def serve(route, body: bytes) -> None:
    """Answer a media request as a file server does, byte ranges included: without them
    Chromium cannot seek in the recording."""
    asked = re.fullmatch(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
    if not asked:
        headers = {"Accept-Ranges": "bytes", "Content-Type": "audio/wav"}
        route.fulfill(status=200, body=body, headers=headers)
        return
    first = int(asked.group(1))
    last = min(int(asked.group(2) or len(body) - 1), len(body) - 1)
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Type": "audio/wav",
        "Content-Range": f"bytes {first}-{last}/{len(body)}",
    }
    route.fulfill(status=206, body=body[first : last + 1], headers=headers)


@pytest.fixture
def listened(transactional_db, live_server):
    """A published event with three timed quotes and the recording at the live server."""
    from tests.factories import recorded_transcript
    from transcripts.event_import import event_import
    from transcripts.models import Event
    from transcripts.parsing import Turn

    turns = (
        Turn(1, "说话人1", "第一段：欢迎大家。", start=0.0),
        Turn(2, "说话人2", "第二段：谢谢主持人。", start=4.0),
        Turn(3, "王明", "第三段：我补充一句。", start=8.0),
    )
    event = event_import(transcript=recorded_transcript(slug="listen", turns=turns)).event
    Event.objects.filter(pk=event.pk).update(recording_url=live_server.url + RECORDING)
    return event


@pytest.fixture
def player_page(browser, live_server, listened, page_problems):
    context = new_context(browser, live_server)
    wav = quiet_tone()
    context.route(f"**{RECORDING}", lambda route: serve(route, wav))
    page = context.new_page()
    page_problems.watch(page)
    yield page
    context.close()
    assert not page_problems.items, page_problems.items


PLAY_FROM = """(seconds) => {
  const audio = document.querySelector('audio');
  audio.muted = true;
  audio.currentTime = seconds;
  return audio.play();
}"""


def current(page):
    return page.locator("article.quote.is-current[aria-current=true]")


def wait_for_metadata(page):
    page.wait_for_function("document.querySelector('audio.listen-player').readyState >= 1")


def test_the_marked_quote_follows_the_recording(player_page):
    page = player_page
    page.goto("/events/listen/")
    audio = page.locator("audio.listen-player")
    expect(audio).to_be_visible()
    wait_for_metadata(page)
    assert page.evaluate("document.querySelector('audio').duration") == pytest.approx(12, 0.01)
    page.evaluate("document.querySelector('audio').currentTime = 5")
    expect(current(page)).to_have_attribute("data-quote", "2")
    expect(current(page)).to_have_count(1)
    # playing (muted) from 7.5 s: the mark moves on to the third quote by itself
    page.evaluate(PLAY_FROM, 7.5)
    expect(current(page)).to_have_attribute("data-quote", "3", timeout=5000)
    assert page.evaluate("document.querySelector('audio').paused") is False
    assert page.evaluate("document.querySelector('audio').currentTime") >= 8


def test_clicking_a_quote_time_seeks_the_recording(player_page, live_server):
    page = player_page
    page.goto("/events/listen/")
    wait_for_metadata(page)
    page.evaluate("document.querySelector('audio').muted = true")
    link = page.locator('[data-quote="3"] a.seek')
    expect(link).to_have_attribute("href", "#t=8")
    link.click()
    expect(current(page)).to_have_attribute("data-quote", "3")
    assert 8 <= page.evaluate("document.querySelector('audio').currentTime") < 10
    expect(page).to_have_url(f"{live_server.url}/events/listen/#t=8")  # a permalink to the moment


@pytest.mark.parametrize("address", ["/events/listen/#t=5", "/events/listen/?t=0:05"])
def test_a_time_in_the_address_seeks_there_on_load(player_page, address):
    page = player_page
    page.goto(address)
    expect(current(page)).to_have_attribute("data-quote", "2")
    page.wait_for_function("document.querySelector('audio').currentTime >= 5")
    assert page.evaluate("document.querySelector('audio').paused") is True  # no surprise sound


def test_the_quote_page_links_to_the_event_page_at_its_time(player_page, live_server):
    page = player_page
    page.goto("/events/listen/q/2/")
    page.locator("a.seek").click()
    expect(page).to_have_url(f"{live_server.url}/events/listen/#t=4")
    expect(current(page)).to_have_attribute("data-quote", "2")


def test_the_player_stays_on_a_phone_screen_without_overflow(browser, live_server, listened):
    context = new_context(browser, live_server, viewport={"width": 390, "height": 844})
    context.route(
        f"**{RECORDING}", lambda route: route.fulfill(body=quiet_tone(), content_type="audio/wav")
    )
    page = context.new_page()
    page.goto("/events/listen/")
    box = page.locator("audio.listen-player").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways: {width}px"
    assert re.search(r"#t=\d", page.locator('[data-quote="2"] a.seek').get_attribute("href"))
    context.close()


def test_the_page_keeps_the_spoken_quote_in_view_unless_the_reader_scrolls(
    browser, live_server, transactional_db
):
    from tests.factories import recorded_transcript
    from transcripts.event_import import event_import
    from transcripts.models import Event
    from transcripts.parsing import Turn

    long = "这是一段比较长的发言，讲了很多内容。" * 6
    turns = tuple(Turn(i, "王明", long, start=(i - 1) * 0.25) for i in range(1, 41))
    event = event_import(transcript=recorded_transcript(slug="long", turns=turns)).event
    Event.objects.filter(pk=event.pk).update(recording_url=live_server.url + RECORDING)
    context = new_context(browser, live_server, viewport={"width": 390, "height": 844})
    wav = quiet_tone()
    context.route(f"**{RECORDING}", lambda route: serve(route, wav))
    page = context.new_page()
    page.goto("/events/long/")
    wait_for_metadata(page)
    page.evaluate(PLAY_FROM, 6)  # quote 25: far below the first screen
    expect(current(page)).to_have_attribute("data-quote", "25")
    expect(current(page)).to_be_in_viewport()  # the page scrolled to it
    player = page.locator("audio.listen-player").bounding_box()
    assert player["y"] >= 0 and player["y"] < 20  # the player stayed at the top of the window
    page.evaluate("document.querySelector('audio').pause()")
    page.mouse.move(200, 500)
    page.mouse.wheel(0, -2000)  # the reader scrolls back up to read something else
    page.wait_for_timeout(300)
    reading_at = page.evaluate("window.scrollY")
    page.evaluate(PLAY_FROM, 8)  # quote 33
    expect(current(page)).to_have_attribute("data-quote", "33")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.scrollY") == reading_at  # left where the reader is
    context.close()
