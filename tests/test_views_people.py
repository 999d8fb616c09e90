"""Speaker and tag pages: who said what, across events, with Chinese tag slugs in URLs."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from transcripts.models import Quote
from transcripts.segmentation import stopwords

from .conftest import contains_whole
from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


def quotes_on(response) -> list[str]:
    return re.findall(r'data-quote="(\d+)"', response.content.decode())


def test_speaker_list_with_counts(client):
    html = client.get("/speakers/").content.decode()
    row = re.search(r'<a href="/speakers/zhangjunlin/">张俊林</a>.*?</tr>', html, re.S).group()
    assert re.findall(r"<td>(\d+)</td>", row)[:2] == ["1", "13"]
    assert html.index("溪亭日暮") < html.index("张俊林")  # most turns first


def test_speaker_page_shows_bio_events_counts_and_all_quotes(client):
    response = client.get("/speakers/liuzhiyuan/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 lang="zh">刘知远</h1>' in html and contains_whole(html, "@zibuyu9")
    assert "清华大学计算机系长聘副教授" in html
    assert "大模型训练和进化之路" in html and "嘉宾" in html
    assert len(quotes_on(response)) == 12
    chars = sum(len(q.text) for q in Quote.objects.filter(speaker__slug="liuzhiyuan"))
    assert re.search(rf"(?<!\d)12 段发言，共 {chars} 字", html)


def test_speaker_keywords_are_distinctive_content_words(client):
    html = client.get("/speakers/zhangjunlin/").content.decode()
    listed = html[html.index('class="keywords"') :].split("</ul>")[0]
    keywords = re.findall(r"<li><a [^>]*>([^<]+)</a></li>", listed)
    assert len(keywords) >= 5
    assert not set(keywords) & stopwords()
    assert not {"我们", "觉得", "这个", "可能", "非常", "张俊林"} & set(keywords)
    assert "推荐" in keywords or "大模型" in keywords


def test_speaker_quotes_filter_by_topic_and_tag(client):
    assert len(quotes_on(client.get("/speakers/zhangjunlin/", {"topic": 10}))) == 1
    tagged = client.get("/speakers/zhangjunlin/", {"tag": "幻觉"})
    expected = Quote.objects.filter(speaker__slug="zhangjunlin", tags__slug="幻觉").count()
    assert len(quotes_on(tagged)) == expected > 0


def test_speaker_topic_filter_needs_an_event_when_they_spoke_at_several(client):
    big = make_event(quotes=12, slug="second", speakers=3)
    make_event(quotes=12, slug="third", speakers=3)  # the same people (same handles) again
    speaker = big.participations.first().speaker
    assert speaker.participations.count() == 2
    response = client.get(f"/speakers/{speaker.slug}/", {"topic": 1})
    assert "按话题筛选时请先选择活动" in response.content.decode()
    chosen = client.get(f"/speakers/{speaker.slug}/", {"topic": 1, "event": "second"})
    assert (
        len(quotes_on(chosen))
        == Quote.objects.filter(speaker=speaker, event=big, topic__number=1).count()
    )


def test_unknown_speaker_is_404_and_bad_filters_are_explained(client):
    assert client.get("/speakers/nobody/").status_code == 404
    response = client.get("/speakers/zhangjunlin/", {"topic": "x", "event": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "话题应当是一个编号" in html and "没有参加活动:nope" in html


def test_tag_list_and_chinese_tag_page(client):
    html = client.get("/tags/").content.decode()
    assert '<a href="/tags/%E5%B9%BB%E8%A7%89/">幻觉</a>' in html
    response = client.get("/tags/幻觉/")
    assert response.status_code == 200
    assert len(quotes_on(response)) == Quote.objects.filter(tags__slug="幻觉").count() == 5
    assert "大模型训练和进化之路" in response.content.decode()


def test_tag_page_spans_events_and_hides_unpublished_ones(client):
    make_event(quotes=14, slug="other", title="另一场", tag_every=7)
    make_event(quotes=14, slug="hidden", title="草稿", tag_every=7, published=False)
    html = client.get("/tags/压力测试/").content.decode()
    assert "另一场" in html and "草稿" not in html
    assert len(re.findall(r'data-quote="', html)) == 2
    assert client.get("/tags/no-such-tag/").status_code == 404
