"""Chinese typography in a real browser: Traditional text in a Traditional font, and hyphenated
Latin words never cut at their hyphen on a phone."""

from __future__ import annotations

import pytest

from .conftest import new_context

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}


@pytest.fixture
def taipei(transactional_db):
    from transcripts.event_import import event_import
    from transcripts.parsing import Speaker, Transcript, Turn

    people = (Speaker(name="林小明", role="host"), Speaker(name="陳大文"))
    # the same words at every offset, so some of them meet the end of a line
    text = "".join(
        f"{'我們' * (k % 7)}用text-davinci-003和GPT-3,這個時候的東西。" for k in range(40)
    )
    transcript = Transcript(
        title="臺北的大模型座談",
        slug="taipei",
        speakers=people,
        turns=(Turn(1, "林小明", "歡迎大家。"), Turn(2, "陳大文", text)),
        published=True,
        format="json",
        checksum="browser-taipei",
    )
    return event_import(transcript=transcript).event


def test_traditional_quotes_on_a_phone(browser, live_server, taipei, page_problems):
    context = new_context(browser, live_server, **PHONE)
    page = context.new_page()
    page_problems.watch(page)
    page.goto(f"{taipei.get_absolute_url()}q/2/")
    text = page.locator("article.quote-single p.text")
    assert text.evaluate("el => el.closest('[lang]').lang") == "zh-Hant"
    assert "Noto Sans CJK TC" in text.evaluate("el => getComputedStyle(el).fontFamily")
    assert "這個時候" in text.inner_text() and "GPT-3，這個" in text.inner_text()
    words = page.locator("article.quote-single .latin")
    assert words.count() == 80
    lines = text.evaluate("el => el.getClientRects().length && el.getBoundingClientRect().height")
    assert lines > 200  # many lines, so many words meet a line's end
    broken = words.evaluate_all("spans => spans.filter(s => s.getClientRects().length > 1).length")
    assert broken == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page_problems.items, page_problems.items
    context.close()
