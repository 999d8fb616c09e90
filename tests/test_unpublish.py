"""Unpublishing (consent and takedown requests): a hidden quote or event disappears from every
public place — pages, API, feeds, sitemaps, search — without being deleted."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from transcripts.models import Event, Quote

from .conftest import DEMO, export_all, run_command
from .factories import import_demo

pytestmark = pytest.mark.django_db
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


def hide(number: int) -> Quote:
    quote = Quote.objects.get(number=number)
    quote.published = False
    quote.save()
    return quote


def test_a_hidden_quote_is_gone_from_every_public_place(client):
    client.get(EVENT)  # cached before the takedown
    quote = hide(38)  # 杨老师觉得「幻觉」可以从 AI 底层去解决吗? (tagged 幻觉)
    numbers = [
        int(n) for n in re.findall(r'data-quote="(\d+)"', client.get(EVENT).content.decode())
    ]
    assert 38 not in numbers and len(numbers) == 69
    assert client.get(f"{EVENT}q/38/").status_code == 404
    assert f'href="{EVENT}q/39/"' in client.get(f"{EVENT}q/37/").content.decode()  # next skips it
    api = client.get(f"/api/events/{quote.event.slug}/quotes").json()
    assert api["count"] == 69 and 38 not in [r["number"] for r in api["results"]]
    found = client.get("/api/search", {"q": "幻觉", "page_size": 200}).json()
    assert 38 not in [r["number"] for r in found["results"]] and found["count"] == 4
    assert "/q/38/" not in client.get("/sitemap-quotes.xml").content.decode()
    assert "杨老师觉得" not in client.get("/tags/幻觉/").content.decode()
    assert "杨老师觉得" not in client.get("/speakers/xitingrimu/").content.decode()
    assert re.search(r"(?<!\d)69 段发言", client.get("/").content.decode())
    assert Quote.objects.filter(number=38).exists()  # hidden, not deleted


def test_publishing_it_again_brings_it_back(client):
    quote = hide(38)
    quote.published = True
    quote.save()
    assert client.get(f"{EVENT}q/38/").status_code == 200
    assert client.get("/api/search", {"q": "幻觉"}).json()["count"] == 5


def test_an_unpublished_event_is_gone_from_every_public_place(client):
    event = Event.objects.get()
    event.published = False
    event.save()
    for path in (EVENT, f"{EVENT}q/1/", "/speakers/zhangjunlin/", "/api/events/" + event.slug):
        response = client.get(path)
        assert response.status_code == 404 or "张俊林" not in response.content.decode(), path
    assert "大模型训练和进化之路" not in client.get("/").content.decode()
    assert "大模型训练和进化之路" not in client.get("/feed/").content.decode()
    assert event.slug not in client.get("/sitemap.xml").content.decode()
    assert client.get("/api/search", {"q": "大模型"}).json()["count"] == 0


def test_hidden_quotes_survive_export_import_and_replace(tmp_path):
    hide(38)
    (exported,) = export_all()
    assert [q["published"] for q in exported["quotes"]].count(False) == 1
    path = tmp_path / "event.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    Event.objects.all().delete()
    run_command("import_event", str(path))
    assert not Quote.objects.get(number=38).published
    run_command("import_event", str(DEMO), "--replace")  # the curated file says published
    assert Quote.objects.get(number=38).published


def test_a_raw_reimport_keeps_an_editors_takedown(tmp_path):
    from .conftest import SEED

    Event.objects.all().delete()
    run_command("import_event", str(SEED))
    hide(5)
    run_command("import_event", str(SEED), "--replace")
    assert not Quote.objects.get(number=5).published


def test_taking_an_event_down_in_the_admin_moves_its_quotes_out_of_search_and_back(admin_client):
    """The index holds only what readers may see: the admin's unpublish action moves the
    event's entries aside (nothing is deleted, nothing segmented again); publishing brings
    them back, found exactly as before."""
    from .test_search import index_entries

    before = {h["number"] for h in admin_client.get("/api/search", {"q": "幻觉"}).json()["results"]}
    event = Event.objects.get()
    for action, count in (("unpublish_events", 0), ("publish_events", len(before))):
        admin_client.post(
            "/admin/transcripts/event/",
            {"action": action, "_selected_action": [event.pk], "confirmed": "yes"},
        )
        indexed, aside = index_entries()
        assert len(indexed) == 70 - len(aside) and len(aside) == (70 if count == 0 else 0)
        found = admin_client.get("/api/search", {"q": "幻觉"}).json()
        assert found["count"] == count
    assert {h["number"] for h in found["results"]} == before
