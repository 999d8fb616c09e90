"""Search that finds what readers mean: a speaker's name, pinyin, handle or alias finds their
quotes; answers rank above a host's one-line questions that repeat the words; long queries get a
message. Runs on SQLite and (make test-postgres) on PostgreSQL."""

from __future__ import annotations

import pytest

from transcripts.aliases import SpeakerAlias
from transcripts.event_import import event_import
from transcripts.filters import QuoteFilters
from transcripts.models import Quote, Speaker
from transcripts.parsing import Speaker as SpeakerRow
from transcripts.parsing import Transcript, Turn
from transcripts.search import service
from transcripts.search.documents import normalize

from .factories import import_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return import_demo()


def liu_quotes() -> set[int]:
    return set(Quote.objects.filter(speaker__slug="liuzhiyuan").values_list("number", flat=True))


NAMES = ["刘知远", "劉知遠", "liuzhiyuan", "Liu Zhiyuan", "zibuyu9", "@zibuyu9"]


@pytest.mark.parametrize("query", NAMES)
def test_a_speakers_name_pinyin_or_handle_finds_all_their_quotes(client, demo, query):
    response = client.get("/api/search", {"q": query, "page_size": 200})
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 12 == len(liu_quotes())
    assert {r["number"] for r in data["results"]} == liu_quotes()
    html = client.get("/search/", {"q": query}).content.decode()
    assert "刘知远</a>的发言 12 段" in html and "找到 12 段发言" in html
    assert html.count('href="/speakers/liuzhiyuan/"') >= 2  # the line links to their page


def test_quotes_that_mention_the_name_come_after_the_speakers_own(client, demo):
    host = Quote.objects.filter(speaker__participations__role="host").first()
    host.text = "下面请刘知远老师谈谈。"
    host.save()
    results = service.quote_search("刘知远", page_size=200)
    numbers = [hit.quote.number for hit in results.hits]
    assert results.count == 13 == len(numbers)
    assert set(numbers[:12]) == liu_quotes() and numbers[12] == host.number
    by_speaker = {row["speaker__slug"]: row["n"] for row in results.by_speaker}
    assert by_speaker["liuzhiyuan"] == 12 and sum(by_speaker.values()) == 13


def test_a_name_with_a_word_finds_their_quotes_that_say_it(demo):
    results = service.quote_search("刘知远 大模型", page_size=200)
    theirs = {
        q.number
        for q in Quote.objects.filter(speaker__slug="liuzhiyuan")
        if "大模型" in normalize(q.text)
    }
    assert 0 < len(theirs) < 12
    assert {hit.quote.number for hit in results.hits} == theirs and results.count == len(theirs)
    assert all("<mark>大模型</mark>" in str(hit.snippet) for hit in results.hits)


def test_a_global_alias_names_the_speaker_and_filters_still_apply(demo):
    liu = Speaker.objects.get(slug="liuzhiyuan")
    SpeakerAlias.objects.create(speaker=liu, name="知远老师")
    results = service.quote_search("知远老师", page_size=200)
    assert results.named_counts == [(liu, 12)]
    assert {hit.quote.number for hit in results.hits[:12]} == liu_quotes()
    other = QuoteFilters(speaker="zhangjunlin")
    assert service.quote_search("liuzhiyuan", other).count == 0
    assert service.quote_search("liuzhiyuan", QuoteFilters(event=demo.slug)).count == 12


def test_pages_walk_a_speakers_results_once(demo):
    for quote in Quote.objects.filter(speaker__participations__role="host")[:6]:
        quote.text = "请刘知远老师回答。"
        quote.save()  # reindexed
    whole = [hit.quote.pk for hit in service.quote_search("刘知远", page_size=200).hits]
    walked = [
        hit.quote.pk
        for page in range(1, 6)
        for hit in service.quote_search("刘知远", page=page, page_size=5).hits
    ]
    assert walked == whole and len(whole) == len(set(whole)) > 12


# Ranking: answers before one-line questions ----------------------------------------------------


def discussion() -> Transcript:
    """A host asking short questions that repeat 大模型, and guests answering at length."""
    answer = (
        "我觉得大模型真正的价值在于落地。过去一年我们在医疗和教育两个方向做了很多尝试，"
        "发现数据质量、评测方法和部署成本才是决定成败的关键，而不是参数规模本身。"
    )
    lines = [
        ("主持人", "大模型会取代搜索吗？大模型呢？"),
        ("王嘉宾", answer),
        ("主持人", "那么大模型的大模型幻觉怎么办？"),
        ("李嘉宾", "关于幻觉，" + answer),
        ("主持人", "大模型，大模型。"),
    ]
    return Transcript(
        title="大模型圆桌",
        slug="round",
        published=True,
        speakers=(
            SpeakerRow(name="主持人", slug="host-x", role="host"),
            SpeakerRow(name="王嘉宾", slug="wang-x", role="guest"),
            SpeakerRow(name="李嘉宾", slug="li-x", role="guest"),
        ),
        turns=tuple(
            Turn(number=n, speaker=who, text=text) for n, (who, text) in enumerate(lines, 1)
        ),
    )


def test_answers_rank_above_the_hosts_short_questions_with_the_same_recall(client):
    event = event_import(transcript=discussion()).event
    for filters in (QuoteFilters(), QuoteFilters(event=event.slug)):  # index-only and joined
        results = service.quote_search("大模型", filters, page_size=200)
        order = [hit.quote.speaker.slug for hit in results.hits]
        assert results.count == 5 == len(order)  # every quote that says it, as before
        assert set(order[:2]) == {"wang-x", "li-x"}
        assert order[2:] == ["host-x"] * 3
    pages = [
        hit.quote.speaker.slug
        for page in (1, 2, 3)
        for hit in service.quote_search("大模型", page=page, page_size=2).hits
    ]
    assert pages == order


# Long queries ------------------------------------------------------------------------------------


def test_a_long_query_gets_a_friendly_message_and_the_box_a_limit(client, demo):
    response = client.get("/search/", {"q": "大" * 2000})
    html = response.content.decode()
    assert response.status_code == 200
    assert "搜索词太长了" in html and "请缩短到 200 字以内" in html and 'class="hit"' not in html
    assert 'maxlength="200"' in html
    api = client.get("/api/search", {"q": "大" * 2000})
    assert api.status_code == 400 and "200 字以内" in api.json()["detail"]
