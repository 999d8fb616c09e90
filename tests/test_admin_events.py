"""The event and speaker admin: lists editors can scan, and taking an event down safely."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from transcripts.models import Event

from .factories import import_demo

pytestmark = pytest.mark.django_db
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"


@pytest.fixture(autouse=True)
def demo():
    return import_demo()


def test_event_changelist_shows_quote_counts_and_finds_chinese(admin_client):
    html = admin_client.get("/admin/transcripts/event/", {"q": "进化"}).content.decode()
    assert "大模型训练和进化之路" in html and ">70<" in html
    assert (
        "大模型训练和进化之路"
        not in admin_client.get("/admin/transcripts/event/", {"q": "不存在的活动"}).content.decode()
    )


def test_event_change_page_has_speakers_parts_and_topics_inline(admin_client):
    event = Event.objects.get()
    html = admin_client.get(f"/admin/transcripts/event/{event.pk}/change/").content.decode()
    for text in ("溪亭日暮", "现状:行业现象与技术水平", "如何评估基座模型"):
        assert text in html


def test_unpublishing_an_event_asks_first_then_takes_it_down(admin_client, client):
    event = Event.objects.get()
    action = {"action": "unpublish_events", "_selected_action": [event.pk]}
    confirm = admin_client.post("/admin/transcripts/event/", action)
    assert "确认撤下" in confirm.content.decode()
    assert Event.objects.get().published  # nothing changed yet
    done = admin_client.post(
        "/admin/transcripts/event/", {**action, "confirmed": "yes"}, follow=True
    )
    assert "已撤下 1 个活动" in done.content.decode()
    assert not Event.objects.get().published
    assert client.get(EVENT).status_code == 404
    assert LogEntry.objects.filter(object_id=str(event.pk)).exists()


def test_speaker_admin_counts_and_search(admin_client):
    html = admin_client.get("/admin/transcripts/speaker/", {"q": "zibuyu9"}).content.decode()
    assert "刘知远" in html and "张俊林" not in html


def test_the_admin_requires_login(client):
    response = client.get("/admin/transcripts/event/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
