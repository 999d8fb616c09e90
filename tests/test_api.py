"""The JSON API at /api/: what it lists, that it filters quotes exactly as the event page does,
that it hides unpublished events, that its schema and docs work offline, and its query count."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from transcripts.event_import import event_import

from .factories import import_demo, make_event, recorded_transcript

pytestmark = pytest.mark.django_db

DATA_QUOTE = re.compile(r'data-quote="(\d+)"')


@pytest.fixture
def demo():
    return import_demo()


@pytest.fixture
def client() -> Client:
    return Client()


def api_quotes(client: Client, slug: str, query: dict) -> dict:
    response = client.get(f"/api/events/{slug}/quotes", query)
    assert response.status_code == 200, response.content
    return response.json()


def page_quote_numbers(client: Client, slug: str, query: dict) -> list[int]:
    response = client.get(f"/events/{slug}/", query)
    assert response.status_code == 200
    return [int(n) for n in DATA_QUOTE.findall(response.content.decode())]


# Quotes: the same filters as the event page ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 70),
        ({"speaker": "zhangjunlin"}, 13),
        ({"topic": "10"}, 3),
        ({"speaker": "zhangjunlin", "topic": "10"}, 1),
        ({"tag": "幻觉"}, 5),
    ],
)
def test_quotes_match_the_event_page(client, demo, query, expected):
    data = api_quotes(client, demo.slug, query)
    on_page = page_quote_numbers(client, demo.slug, query)

    assert data["count"] == len(data["results"]) == len(on_page)
    assert [quote["number"] for quote in data["results"]] == on_page
    assert data["count"] == expected
    assert data["problems"] == []


def test_quote_results_say_who_spoke_where_and_link_to_the_permalink(client, demo):
    (quote,) = api_quotes(client, demo.slug, {"speaker": "zhangjunlin", "topic": "10"})["results"]

    assert quote["speaker"] == "zhangjunlin"
    assert quote["speaker_name"] == "张俊林"
    assert quote["role"] == "guest"
    assert quote["topic"] == 10
    assert isinstance(quote["section"], int)
    assert quote["url"] == f"/events/{demo.slug}/q/{quote['number']}/"
    permalink = client.get(quote["url"])
    assert permalink.status_code == 200
    assert quote["text"][:20] in permalink.content.decode()


def test_quotes_say_where_they_start_in_the_recording_and_their_other_language(client):
    event = event_import(transcript=recorded_transcript()).event
    results = api_quotes(client, event.slug, {})["results"]
    assert [(q["start"], q["end"], q["translation"]) for q in results] == [
        (5.0, 9.5, ""),
        (65.25, 70.0, "Thank you, glad to be here."),
        (3725.0, None, ""),
        (None, None, ""),
    ]


def test_demo_quotes_have_no_times_nor_translations(client, demo):
    results = api_quotes(client, demo.slug, {})["results"]
    assert {(q["start"], q["end"], q["translation"]) for q in results} == {(None, None, "")}


def test_tagged_quotes_list_their_tag_names(client, demo):
    data = api_quotes(client, demo.slug, {"tag": "幻觉"})

    assert all("幻觉" in quote["tags"] for quote in data["results"])


@pytest.mark.parametrize(
    "query",
    [{"speaker": "nobody"}, {"topic": "999"}, {"tag": "不存在"}, {"speaker": "x", "topic": "10"}],
)
def test_unknown_filter_values_give_no_quotes_and_say_why(client, demo, query):
    data = api_quotes(client, demo.slug, query)

    assert data["count"] == 0
    assert data["results"] == []
    assert data["problems"]
    assert page_quote_numbers(client, demo.slug, query) == []


@pytest.mark.parametrize("topic", ["abc", "0", "1.5"])
def test_a_topic_that_is_not_a_number_is_a_json_client_error(client, demo, topic):
    response = client.get(f"/api/events/{demo.slug}/quotes", {"topic": topic})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    (problem,) = response.json()["problems"]
    assert "话题" in problem


# Events ----------------------------------------------------------------------------------------


def test_event_list_shows_published_events_with_speakers_and_page_url(client, demo):
    make_event(quotes=5, slug="hidden", published=False)

    events = client.get("/api/events").json()

    assert [event["slug"] for event in events] == [demo.slug]
    (event,) = events
    assert event["title"] == "大模型训练和进化之路"
    assert event["quote_count"] == 70
    assert client.get(event["url"]).status_code == 200
    assert {
        "slug": "zhangjunlin",
        "name": "张俊林",
        "role": "guest",
        "placeholder": False,
    } in event["speakers"]


def test_event_detail_lists_speakers_parts_and_topics(client, demo):
    event = client.get(f"/api/events/{demo.slug}").json()

    zhang = next(s for s in event["speakers"] if s["slug"] == "zhangjunlin")
    assert zhang["name"] == "张俊林"
    assert zhang["bio"]
    topic = next(t for t in event["topics"] if t["number"] == 10)
    assert topic["label"] == "Q3"
    assert topic["title"] == "如何评估基座模型"
    assert topic["section"] in {section["number"] for section in event["sections"]}


def test_unpublished_and_unknown_events_are_404(client, demo):
    make_event(quotes=5, slug="hidden", published=False)

    for url in [
        "/api/events/hidden",
        "/api/events/hidden/quotes",
        "/api/events/no-such-event",
        "/api/events/no-such-event/quotes",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not Found"}


# Speakers and tags -----------------------------------------------------------------------------


def test_speakers_come_with_their_counts(client, demo):
    make_event(quotes=5, slug="hidden", published=False, speakers=2)

    speakers = {s["slug"]: s for s in client.get("/api/speakers").json()}

    assert speakers["zhangjunlin"]["turns"] == 13
    assert speakers["zhangjunlin"]["events"] == 1
    assert speakers["zhangjunlin"]["chars"] > 0
    assert not any(slug.startswith("hidden-") for slug in speakers)


def test_speaker_detail_lists_the_published_events_they_spoke_at(client, demo):
    make_event(quotes=5, slug="hidden", published=False, speakers=2)

    speaker = client.get("/api/speakers/zhangjunlin").json()

    assert speaker["turns"] == 13
    assert [a["event"] for a in speaker["appearances"]] == [demo.slug]
    assert client.get("/api/speakers/hidden-speaker-0").status_code == 404
    assert client.get("/api/speakers/nobody").status_code == 404


def test_tags_keep_chinese_slugs_and_count_their_quotes(client, demo):
    response = client.get("/api/tags")
    tags = {tag["slug"]: tag for tag in response.json()}

    assert "幻觉" in response.content.decode()  # readable, not \u-escaped
    quotes = api_quotes(client, demo.slug, {"tag": "幻觉"})
    assert tags["幻觉"]["count"] == quotes["count"] > 0


# Schema and docs -------------------------------------------------------------------------------


def test_openapi_schema_documents_every_endpoint(client):
    schema = json.loads(client.get("/api/openapi.json").content)

    assert set(schema["paths"]) == {
        "/api/events",
        "/api/events/{slug}",
        "/api/events/{slug}/quotes",
        "/api/speakers",
        "/api/speakers/{slug}",
        "/api/tags",
        "/api/search",
    }
    quotes = schema["paths"]["/api/events/{slug}/quotes"]["get"]
    assert {p["name"] for p in quotes["parameters"]} == {"slug", "speaker", "topic", "tag"}
    assert {"200", "404", "422"} <= set(quotes["responses"])
    quote_fields = schema["components"]["schemas"]["QuoteOut"]["properties"]
    assert set(quote_fields) == {
        "number",
        "speaker",
        "speaker_name",
        "role",
        "section",
        "topic",
        "text",
        "translation",
        "start",
        "end",
        "tags",
        "url",
    }


def test_docs_page_loads_its_assets_locally_not_from_a_cdn(client):
    html = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    assert not [a for a in assets if re.match(r"(https?:)?//", a)]
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset


# Query count -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["demo", "big", "recorded"])
def test_quotes_endpoint_query_count_does_not_grow_with_the_event(
    client, django_assert_num_queries, size
):
    """Protects the API from N+1 queries: 2,500 quotes cost the same 8 queries as 70, and
    times and translations come with the quotes (a deferred field would cost one per quote).
    Event; then event_reading: participations, sections, topics, tags, speaker stats,
    quotes, quote tags."""
    if size == "recorded":
        event = event_import(transcript=recorded_transcript()).event
    else:
        event = import_demo() if size == "demo" else make_event(quotes=2500, slug="big")

    with django_assert_num_queries(8):
        data = api_quotes(client, event.slug, {})

    assert data["count"] == {"demo": 70, "big": 2500, "recorded": 4}[size]
