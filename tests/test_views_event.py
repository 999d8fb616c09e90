"""The event page and quote permalinks: what a reader sees, filters that combine, and bad
query strings that get a clear message instead of an error."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from transcripts.event_import import event_import
from transcripts.models import Event
from transcripts.parsing import Turn

from .factories import import_demo, make_event, recorded_transcript

pytestmark = pytest.mark.django_db
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


def quotes_on(response) -> list[int]:
    return [int(n) for n in re.findall(r'data-quote="(\d+)"', response.content.decode())]


def test_the_whole_transcript_in_reading_order(client):
    response = client.get(EVENT)
    html = response.content.decode()
    assert response.status_code == 200
    assert quotes_on(response) == list(range(1, 71))
    assert 'id="q-1"' in html and 'id="q-70"' in html
    assert "<h1>大模型训练和进化之路</h1>" in html
    assert html.count('class="who"') == 70  # a speaker line on every turn
    for part in ("一、从业者的感悟", "二、现状:行业现象与技术水平", "五、现场观众问答"):
        assert part in html
    assert "Q3 如何评估基座模型" in html
    assert "CCF 杰出会员" in html  # the guest list with bios


def test_filter_by_speaker_shows_only_their_13_quotes(client):
    response = client.get(EVENT, {"speaker": "zhangjunlin"})
    html = response.content.decode()
    assert len(quotes_on(response)) == 13
    assert '发言人：<strong lang="zh">张俊林</strong>' in html
    assert "共 70 段发言中有 13 段符合" in html  # the numbers stand between words, exactly
    assert '<meta name="robots" content="noindex, follow">' in html
    assert f'href="{EVENT}#q-{quotes_on(response)[0]}"' in html  # back to its place in the whole


def test_filter_by_topic_q3_shows_3_and_combined_with_speaker_1(client):
    assert len(quotes_on(client.get(EVENT, {"topic": 10}))) == 3
    both = client.get(EVENT, {"topic": 10, "speaker": "zhangjunlin"})
    assert len(quotes_on(both)) == 1
    assert "如何评估基座模型" in both.content.decode()


def test_filter_by_tag_keeps_chinese_slugs(client):
    response = client.get(EVENT, {"tag": "幻觉"})
    assert len(quotes_on(response)) == 5
    assert all("幻觉" in q.text for q in Event.objects.get().quotes.filter(tags__slug="幻觉"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"speaker": "nobody-at-all"}, "本场没有这位发言人"),
        ({"topic": 9999}, "本场没有第 9999 个话题"),
        ({"tag": "no-such-tag"}, "本场没有标签"),
        ({"speaker": "<script>alert(1)</script>"}, "&lt;script&gt;"),
    ],
)
def test_unknown_filter_values_give_a_clear_empty_state(client, query, message):
    response = client.get(EVENT, query)
    assert response.status_code == 200
    assert quotes_on(response) == []
    html = response.content.decode()
    assert message in html
    assert "没有符合条件的发言" in html
    assert "<script>alert(1)</script>" not in html


def test_a_malformed_topic_is_explained_not_an_error(client):
    response = client.get(EVENT, {"topic": "abc"})
    assert response.status_code == 200
    assert "话题应当是一个编号" in response.content.decode()


def test_unpublished_and_unknown_events_are_404(client):
    make_event(quotes=3, slug="draft", published=False)
    assert client.get("/events/draft/").status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404
    assert client.get("/events/draft/q/1/").status_code == 404


def test_who_spoke_how_much_chart_with_a_text_equivalent(client):
    html = client.get(EVENT).content.decode()
    chart = html[html.index('class="chart"') : html.index("</table>")]
    assert "<svg" in chart and 'role="img"' in chart and "<title" in chart
    assert chart.count("<rect") == 6
    rows = re.findall(r'<th scope="row" lang="zh"><a href="\?speaker=([\w-]+)">', chart)
    chars: dict[str, int] = {}
    for quote in Event.objects.get().quotes.select_related("speaker"):
        chars[quote.speaker.slug] = chars.get(quote.speaker.slug, 0) + len(quote.text)
    assert rows == sorted(chars, key=lambda slug: -chars[slug])  # most characters first


def test_table_of_contents_lists_parts_then_topics(client):
    html = client.get(EVENT).content.decode()
    toc = html[html.index('class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    assert toc.index("一、从业者的感悟") < toc.index("二、现状") < toc.index("百模大战")
    assert toc.index("百模大战") < toc.index("国内大模型的水平") < toc.index("三、应用")
    # every entry jumps within the page (an anchor, not a reload as a filter)
    assert 'href="#topic-10"' in toc and 'href="#part-1"' in toc and "?topic=" not in toc
    assert 'id="topic-10"' in html and 'id="part-1"' in html


def test_the_event_page_is_served_from_the_cache_until_the_event_changes(client):
    assert client.get(EVENT)["X-Page-Cache"] == "miss"
    assert client.get(EVENT)["X-Page-Cache"] == "hit"
    event = Event.objects.get()
    event.title = "新的标题"
    event.save()
    response = client.get(EVENT)
    assert response["X-Page-Cache"] == "miss" and "新的标题" in response.content.decode()


def test_quote_permalink(client):
    response = client.get(EVENT + "q/1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert quotes_on(response) == [1]
    assert "尤老师和刘老师都是学者" in html
    assert '<meta property="og:title" content="溪亭日暮 · 大模型训练和进化之路">' in html
    assert '<meta name="twitter:card" content="summary' in html  # _large_image with a card
    assert 'rel="next" href="' + EVENT + 'q/2/"' in html and 'rel="prev"' not in html
    assert '<link rel="canonical" href="http://testserver' + EVENT + 'q/1/">' in html
    assert "一、从业者的感悟" in html  # its part
    assert "「尤老师和刘老师都是学者" in html  # the citation text


def test_quote_permalink_shows_topic_neighbours_and_stage_directions(client):
    q3_first = Event.objects.get().quotes.filter(topic__label="Q3").order_by("number").first()
    html = client.get(f"{EVENT}q/{q3_first.number}/").content.decode()
    assert "Q3 如何评估基座模型" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    staged = Event.objects.get().quotes.get(text__contains="(观众:笑)")
    html = client.get(f"{EVENT}q/{staged.number}/").content.decode()
    assert '<span class="stage">（观众：笑）</span>' in html  # set full-width among Chinese


def test_unknown_quote_numbers_are_404(client):
    assert client.get(EVENT + "q/71/").status_code == 404
    assert client.get(EVENT + "q/0/").status_code == 404


def test_home_lists_published_events_newest_first(client):
    make_event(quotes=4, slug="draft", title="草稿活动", published=False)
    newer = make_event(quotes=4, slug="newer", title="更新的活动")
    newer.date = "2030-01-01"
    newer.save()
    html = client.get("/").content.decode()
    assert "草稿活动" not in html
    assert html.index("更新的活动") < html.index("大模型训练和进化之路")
    assert re.search(r"(?<!\d)70 段发言", html) and "AI 盐沙龙" in html
    assert '<a href="/speakers/zhangjunlin/">张俊林</a>' in html


def test_english_interface_under_en(client):
    response = client.get("/en" + EVENT)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert len(quotes_on(response)) == 70
    assert '<html lang="zh-hans">' in client.get(EVENT).content.decode()


def test_cached_pages_are_served_gzipped_to_clients_that_accept_it(client):
    import gzip

    plain = client.get(EVENT).content
    zipped = client.get(EVENT, HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["X-Page-Cache"] == "hit" and zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain
    assert len(zipped.content) < len(plain) / 2


def test_unpublishing_an_event_takes_its_cached_page_down_at_once(client):
    assert client.get(EVENT).status_code == 200
    assert client.get(EVENT)["X-Page-Cache"] == "hit"
    event = Event.objects.get()
    event.published = False
    event.save()
    assert client.get(EVENT).status_code == 404
    assert client.get(EVENT, {"speaker": "zhangjunlin"}).status_code == 404


# Times and translations -------------------------------------------------------------------


@pytest.fixture
def recorded():
    """Speech-recognition turns: a start time (or none), an end, an English translation."""
    said = (
        Turn(1, "说话人1", "欢迎大家。", start=5.0, end=9.5),
        Turn(2, "说话人2", "谢谢。", start=65.25, translation="Thank you <b>all</b>."),
        Turn(3, "王明", "我补充一句。", start=3725.9),
        Turn(4, "说话人1", "今天就到这里。"),
        Turn(5, "王明", "最后一句。", translation="最后一句話。"),
    )
    return event_import(transcript=recorded_transcript(turns=said)).event


def test_the_event_page_shows_where_each_quote_starts_in_the_recording(client, recorded):
    html = client.get(recorded.get_absolute_url()).content.decode()
    assert re.findall(
        r'<time class="start" datetime="([^"]+)" data-start="([^"]+)">([^<]+)', html
    ) == [
        ("PT5S", "5", "00:05"),
        ("PT65.25S", "65.25", "01:05"),
        ("PT3725.9S", "3725.9", "1:02:05"),  # an hour in: h:mm:ss
    ]
    fourth = html[html.index('id="q-4"') : html.index('id="q-5"')]
    assert "<time" not in fourth  # no time, nothing made up


def test_a_translation_is_shown_secondary_in_its_own_language_and_escaped(client, recorded):
    html = client.get(recorded.get_absolute_url()).content.decode()
    assert '<p class="translation" lang="en">Thank you &lt;b&gt;all&lt;/b&gt;.</p>' in html
    assert '<p class="translation" lang="zh">最后一句話。</p>' in html
    assert html.count('class="translation"') == 2
    assert "<b>all</b>" not in html


def test_the_quote_page_shows_its_start_time_and_translation(client, recorded):
    html = client.get(f"{recorded.get_absolute_url()}q/2/").content.decode()
    assert '<time class="start" datetime="PT65.25S" data-start="65.25">01:05</time>' in html
    assert '<p class="translation" lang="en">Thank you &lt;b&gt;all&lt;/b&gt;.</p>' in html
    plain = client.get(f"{recorded.get_absolute_url()}q/4/").content.decode()
    assert "<time" not in plain and 'class="translation"' not in plain


def test_the_demo_has_no_times_nor_translations(client):
    html = client.get(EVENT).content.decode()
    assert 'class="start"' not in html and 'class="translation"' not in html


# Finding your place (issue 15) ----------------------------------------------------------------


def quote_html(html: str, number: int) -> str:
    start = html.index(f'id="q-{number}"')
    return html[start : html.index("</article>", start)]


def test_each_turn_links_to_the_same_speakers_previous_and_next_turn(client):
    own = quotes_on(client.get(EVENT, {"speaker": "zhangjunlin"}))  # their 13 turns, in order
    html = client.get(EVENT).content.decode()
    first, second, last = (
        quote_html(html, own[0]),
        quote_html(html, own[1]),
        quote_html(html, own[-1]),
    )
    assert re.findall(r'class="turn" href="#q-(\d+)"', first) == [str(own[1])]  # no previous
    assert re.findall(r'class="turn" href="#q-(\d+)"', second) == [str(own[0]), str(own[2])]
    assert re.findall(r'class="turn" href="#q-(\d+)"', last) == [str(own[-2])]  # no next
    assert "同一发言人的上一段" in second and "同一发言人的下一段" in second


def test_a_filtered_pages_contents_jump_into_the_whole_transcript(client):
    html = client.get(EVENT, {"speaker": "zhangjunlin"}).content.decode()
    toc = html[html.index('class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    assert f'href="{EVENT}#topic-10"' in toc and f'href="{EVENT}#part-1"' in toc
    assert 'id="topic-10"' not in html  # the filtered page has no anchors of its own


def test_guest_list_contents_and_chart_come_folded_so_a_phone_starts_on_the_transcript(client):
    html = client.get(EVENT).content.decode()
    folds = re.findall(r'<details class="fold[^"]*"[^>]*>', html)
    assert len(folds) == 4 and not any("open" in f for f in folds)  # guests, chart, toc, filters
    filtered = client.get(EVENT, {"speaker": "zhangjunlin"}).content.decode()
    assert '<details class="fold fold-filters" open>' in filtered  # the filters in use show
    assert 'src="/static/js/reader.js"' in html  # opens them on a wide screen
    assert html.count('href="#main"') >= 2  # back to top (under the contents and the transcript)


def test_the_event_pages_search_box_searches_that_event_only(client):
    make_event(quotes=30, slug="other", title="另一场")
    html = client.get(EVENT).content.decode()
    form = html[
        html.index('class="event-search"') : html.index(
            "</form>", html.index('class="event-search"')
        )
    ]
    assert (
        'action="/search/"' in html[html.rindex("<form", 0, html.index('class="event-search"')) :]
    )
    slug = EVENT.strip("/").split("/")[-1]
    assert f'name="event" value="{slug}"' in form and 'name="q"' in form
    everywhere = client.get("/search/", {"q": "开源"}).content.decode()
    here = client.get("/search/", {"q": "开源", "event": slug}).content.decode()
    assert 'data-event="other"' in everywhere
    assert f'data-event="{slug}"' in here and 'data-event="other"' not in here
