"""Sharing a quote: the share-card image (drawn once, cached, a 404 without a CJK font), the
link-preview meta, the citation, and passage links (?p=…) served from the page cache."""

from __future__ import annotations

import datetime
import io
import logging
import re

import pytest
from django.core.cache import cache
from PIL import Image

from transcripts import share_card
from transcripts.models import Event
from transcripts.pagecache import content_changed

from .factories import import_demo

pytestmark = pytest.mark.django_db
SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
QUOTE = f"/events/{SLUG}/q/12/"
CARD = f"{QUOTE}card.png"
needs_font = pytest.mark.skipif(
    share_card.font_path() is None, reason="no CJK font (apt-get install fonts-noto-cjk)"
)


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    event = import_demo()
    Event.objects.filter(pk=event.pk).update(date=datetime.date(2024, 5, 12))
    content_changed(events=[event.slug])
    return event


@pytest.fixture
def no_font(settings):
    settings.SHARE_CARD_FONT = "/nonexistent/NoFont-Regular.ttc"
    share_card._warned[0] = False
    yield
    share_card._warned[0] = False


def meta(html: str, attribute: str, name: str) -> list[str]:
    return re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)


@needs_font
def test_quote_page_links_its_card_for_previews(client):
    html = client.get(QUOTE).content.decode()
    assert meta(html, "property", "og:image") == [f"http://testserver{CARD}"]
    assert meta(html, "property", "og:image:width") == ["1200"]
    assert meta(html, "name", "twitter:card") == ["summary_large_image"]


@needs_font
def test_card_is_a_1200x630_png(client):
    response = client.get(CARD)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert "max-age=3600" in response["Cache-Control"]


@needs_font
def test_card_is_drawn_once_then_served_from_the_cache(client, monkeypatch):
    drawn = []
    render = share_card.render
    monkeypatch.setattr(share_card, "render", lambda *a: drawn.append(1) or render(*a))
    first = client.get(CARD)
    second = client.get(CARD)
    assert len(drawn) == 1
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert client.get(CARD, headers={"if-none-match": first["ETag"]}).status_code == 304


@needs_font
def test_an_edit_draws_a_new_card(client, demo):
    before = client.get(CARD)
    demo.quotes.filter(number=12).update(text="改过的发言：大模型的训练与 GPT-3。")
    Event.objects.filter(pk=demo.pk).update(updated_at=demo.updated_at + datetime.timedelta(1))
    content_changed(events=[demo.slug])
    after = client.get(CARD)
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"] and after.content != before.content


def test_no_card_for_a_missing_quote_or_event(client):
    assert client.get(f"/events/{SLUG}/q/9999/card.png").status_code == 404
    assert client.get("/events/no-such-event/q/1/card.png").status_code == 404
    Event.objects.filter(slug=SLUG).update(published=False)
    content_changed(events=[SLUG])
    assert client.get(CARD).status_code == 404


def test_without_a_font_no_card_and_one_warning(client, no_font, caplog):
    with caplog.at_level(logging.WARNING, logger="transcripts.share_card"):
        assert client.get(CARD).status_code == 404
        html = client.get(QUOTE).content.decode()
        assert client.get(CARD).status_code == 404
    assert meta(html, "property", "og:image") == []
    assert meta(html, "name", "twitter:card") == ["summary"]
    warnings = [r for r in caplog.records if "share cards" in r.getMessage()]
    assert len(warnings) == 1


def test_citation_names_speaker_event_and_date(client):
    html = client.get(QUOTE).content.decode()
    citation = re.search(r'<p id="citation"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert citation.startswith("溪亭日暮：「关于新旧技术融合的问题")
    assert "」——《大模型训练和进化之路》，AI 盐沙龙，2024-05-12，http://testserver" in citation
    assert citation.endswith(QUOTE)


def test_share_script_and_style_on_quote_and_event_pages(client):
    for address in (QUOTE, f"/events/{SLUG}/"):
        html = client.get(address).content.decode()
        assert re.search(r'<script src="/static/js/share\.js" defer data-title="大模型', html)
        assert 'data-date="2024-05-12"' in html
        assert '<link rel="stylesheet" href="/static/css/share.css">' in html


def test_a_passage_link_gets_the_same_cached_page(client):
    plain = client.get(QUOTE)
    first = client.get(QUOTE, {"p": "5-20"})
    again = client.get(QUOTE, {"p": "5-20"})
    assert first.status_code == again.status_code == 200
    assert first.content == plain.content  # the highlighting is the script's: same HTML
    assert again["X-Page-Cache"] == "hit"
    html = first.content.decode()
    assert f'<link rel="canonical" href="http://testserver{QUOTE}">' in html


@needs_font
def test_wrapping_keeps_latin_words_whole_and_punctuation_off_line_starts():
    font = share_card._font(share_card.font_path(), 44, "zh-Hans")
    text = "我们用 GPT-3 和 transformer-based 模型做了很多实验，结果很好。" * 3
    lines = share_card.wrap(text, font, 420)
    assert len(lines) > 3
    assert all(font.getlength(line) <= 420 + 44 for line in lines)  # one hanging mark at most
    words = " ".join(lines)
    assert words.count("GPT-3") == 3 and words.count("transformer-based") == 3
    assert not any(line[0] in "，。" for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    cut = share_card.truncate(lines, 2, font, 420)
    assert len(cut) == 2 and cut[-1].endswith("…")
