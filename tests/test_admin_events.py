"""The event and speaker admin: lists editors can scan, and taking an event down safely."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from transcripts.models import Event

from .conftest import contains_whole
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


# Deleting an event -----------------------------------------------------------------------------


def event_rows(event_id: int) -> dict[str, int]:
    """Rows left that belonged to the event, per kind, and its search index entries."""
    from django.db import connection

    from transcripts.models import Participation, Quote, QuoteRedirect, Section, TaggedQuote, Topic
    from transcripts.search.backends import FTS_TABLE, HIDDEN, PG_PIECES, PG_TABLE

    rows = {
        "quotes": Quote.objects.filter(event_id=event_id).count(),
        "quote tags": TaggedQuote.objects.filter(content_object__event_id=event_id).count(),
        "redirects": QuoteRedirect.objects.filter(event_id=event_id).count(),
        "topics": Topic.objects.filter(event_id=event_id).count(),
        "parts": Section.objects.filter(event_id=event_id).count(),
        "participations": Participation.objects.filter(event_id=event_id).count(),
    }
    tables = [HIDDEN[connection.vendor]]
    tables += [FTS_TABLE] if connection.vendor == "sqlite" else [PG_TABLE, PG_PIECES]
    with connection.cursor() as cursor:
        for table in tables:
            key = "rowid" if table == FTS_TABLE else "quote_id"
            quotes = "SELECT id FROM transcripts_quote"
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {key} NOT IN ({quotes})")
            rows[table] = cursor.fetchone()[0]
    return rows


def test_deleting_an_event_shows_counts_then_removes_everything_that_was_its(admin_client, client):
    """The confirmation page counts what goes (it no longer lists every quote); confirming
    removes the event, its quotes, their tags, redirects and index entries, its topics, parts
    and participations, logs the deletion, and the site forgets the event at once."""
    from django.contrib.admin.models import DELETION

    from transcripts.models import Quote, QuoteRedirect, Speaker

    event = Event.objects.get()
    QuoteRedirect.objects.create(event=event, number=900, target=event.quotes.get(number=5))
    assert "大模型训练和进化之路" in client.get("/").content.decode()  # cached before
    url = f"/admin/transcripts/event/{event.pk}/delete/"
    html = admin_client.get(url).content.decode()
    assert all(contains_whole(html, shown) for shown in ("发言: 70", "话题: 12", "发言重定向: 1"))
    assert f'<a href="/admin/transcripts/event/{event.pk}/change/">大模型训练和进化之路</a>' in html
    first = event.quotes.get(number=1).pk
    assert f"/admin/transcripts/quote/{first}/change/" not in html  # no link per quote
    speakers = Speaker.objects.count()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.exists() and not Quote.objects.exists()
    assert set(event_rows(event.pk).values()) == {0}
    assert Speaker.objects.count() == speakers  # people stay, as with Django's deletion
    assert LogEntry.objects.get(object_id=str(event.pk)).action_flag == DELETION
    assert client.get(EVENT).status_code == 404
    assert "大模型训练和进化之路" not in client.get("/").content.decode()
    assert client.get("/api/search", {"q": "大模型"}).json()["count"] == 0


def test_the_delete_action_removes_several_events_drafts_included(admin_client, monkeypatch):
    """In batches (here of 7 quotes), a published and an unpublished event (whose index
    entries wait aside) in one go; another event's redirect to a deleted quote leads nowhere."""
    from transcripts import event_deletion
    from transcripts.models import QuoteRedirect

    from .factories import make_event

    monkeypatch.setattr(event_deletion, "BATCH", 7)
    draft = make_event(quotes=30, slug="draft", published=False)
    kept = make_event(quotes=10, slug="kept")
    redirect = QuoteRedirect.objects.create(event=kept, number=99, target=draft.quotes.first())
    demo = Event.objects.get(slug="da-mo-xing-xun-lian-he-jin-hua-zhi-lu")
    action = {"action": "delete_selected", "_selected_action": [demo.pk, draft.pk]}
    confirm = admin_client.post("/admin/transcripts/event/", action).content.decode()
    assert all(contains_whole(confirm, shown) for shown in ("发言: 30", "发言: 70", "活动: 2"))
    done = admin_client.post("/admin/transcripts/event/", {**action, "post": "yes"}, follow=True)
    assert done.status_code == 200
    assert list(Event.objects.values_list("slug", flat=True)) == ["kept"]
    assert set(event_rows(demo.pk).values()) == set(event_rows(draft.pk).values()) == {0}
    assert kept.quotes.count() == 10 and Event.objects.get().participations.count() == 6
    redirect.refresh_from_db()
    assert redirect.target is None
    assert LogEntry.objects.filter(object_id__in=[str(demo.pk), str(draft.pk)]).count() == 2


def test_deleting_costs_the_same_queries_for_a_small_and_a_larger_event(
    admin_client, django_assert_max_num_queries
):
    """Quotes go in batches of SQL statements, never one by one: a 300-quote event takes no
    more queries to delete than a 30-quote one (Django's collector took several per quote)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_event

    counts = []
    for size in (3, 30, 300):  # the first loads what Django caches (content types)
        event = make_event(quotes=size, slug=f"size-{size}")
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(
                f"/admin/transcripts/event/{event.pk}/delete/", {"post": "yes"}
            )
        assert response.status_code == 302 and not Event.objects.filter(pk=event.pk).exists()
        counts.append(len(queries))
    assert counts[1] == counts[2] < 50, counts


def test_an_editor_without_delete_permission_on_quotes_cannot_delete_an_event(client):
    """As with Django's own deletion: deleting an event deletes its quotes, so it takes the
    permission to delete quotes too."""
    from django.contrib.auth.models import Permission, User

    event = Event.objects.get()
    user = User.objects.create_user("events-only", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_event", "delete_event"])
    )
    client.force_login(user)
    url = f"/admin/transcripts/event/{event.pk}/delete/"
    assert "发言" in client.get(url).content.decode()  # named among the missing permissions
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_event_deletion_handles_every_relation_to_quotes_and_events():
    """Quotes are deleted in SQL, past Django's collector: a new model that points at a quote
    or an event must be handled in `event_deletion` (then listed here)."""

    def relations(model) -> set[tuple[str, str]]:
        return {
            (r.related_model.__name__, r.on_delete.__name__) for r in model._meta.related_objects
        }

    from transcripts.models import Quote

    assert relations(Quote) == {("TaggedQuote", "CASCADE"), ("QuoteRedirect", "SET_NULL")}
    assert relations(Event) == {
        ("TaggedEvent", "CASCADE"),
        ("Participation", "CASCADE"),
        ("Section", "CASCADE"),
        ("Topic", "CASCADE"),
        ("Quote", "CASCADE"),
        ("QuoteRedirect", "CASCADE"),
        ("SpeakerAlias", "CASCADE"),  # an event's own labels: few, Django's collector takes them
    }
