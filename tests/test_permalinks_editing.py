"""Quote permalinks survive the workbench's edits, as they survive re-imports (test_permalinks):
after splits, merges, new speakers and moved headings, every number the event ever gave a quote
still answers, with the quote or a redirect to the quote that holds its text now; no number
belongs to two quotes; and every edit is a revision of the event, saying what it changed."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from reversion.models import Version

from transcripts import heading_edits, quote_edits, speaker_edits
from transcripts.models import Event, Quote

from .factories import make_event
from .import_race import WAIT, InThread

pytestmark = pytest.mark.django_db


def q(event: Event, number: int) -> Quote:
    return event.quotes.get(number=number)


def url(event: Event, number: int) -> str:
    return f"/events/{event.slug}/q/{number}/"


def comments(event: Event) -> list[str]:
    versions = Version.objects.get_for_object(event).select_related("revision")
    return [v.revision.comment for v in versions.order_by("pk")]


def edit(event: Event, user) -> dict[int, str]:
    """The editors' session; returns the text of every number once the quotes were split."""
    topic2 = event.topics.get(number=2)
    quote_edits.split_quote(quote=q(event, 5), at=19, user=user)  # → 21, after 5
    quote_edits.split_quote(quote=q(event, 12), at=19, user=user)  # → 22, after 12
    texts = dict(event.quotes.values_list("number", "text"))
    quote_edits.merge_into_previous(quote=q(event, 21), user=user)  # 21 → 5
    quote_edits.merge_into_previous(quote=q(event, 7), user=user)  # 7 → 6
    quote_edits.merge_into_previous(quote=q(event, 8), user=user)  # 8 → 6
    quote_edits.reassign(quotes=[q(event, 9)], speaker=speaker_edits.new_person("王明"), user=user)
    heading_edits.move_heading(heading=topic2, before=q(event, 9), user=user)  # 6 joins topic 1
    quote_edits.merge_into_previous(quote=q(event, 6), user=user)  # 6, and 7 and 8 with it → 5
    heading_edits.insert_heading(before=q(event, 14), kind="section", title="下半场", user=user)
    return texts


def test_every_old_quote_url_leads_to_the_quote_holding_its_text(client):
    event = make_event(quotes=20, parts=2, topics_per_part=2, speakers=3)
    texts = edit(event, User.objects.create_user("editor", is_staff=True))
    live = dict(event.quotes.values_list("number", "text"))
    assert set(live) == set(range(1, 23)) - {6, 7, 8, 21}
    for number, text in texts.items():
        page = client.get(url(event, number))
        if number in live:
            assert page.status_code == 200, number
            assert text in live[number]
            continue
        assert page.status_code in (301, 302), number
        holder = event.quote_redirects.get(number=number).target
        assert page["Location"] == url(event, holder.number)
        assert text in holder.text, number
        assert client.get(page["Location"]).status_code == 200
    assert {r.number: r.target.number for r in event.quote_redirects.all()} == {
        6: 5,
        7: 5,
        8: 5,
        21: 5,
    }


def test_no_number_is_used_twice_and_a_retired_number_is_never_given_again(client):
    event = make_event(quotes=20, parts=2, topics_per_part=2, speakers=3)
    user = User.objects.create_user("editor", is_staff=True)
    edit(event, user)
    _, again = quote_edits.split_quote(quote=q(event, 3), at=19, user=user)
    assert again.number == 23  # 21 was given and merged away: it stays retired
    live = list(event.quotes.values_list("number", flat=True))
    retired = list(event.quote_redirects.values_list("number", flat=True))
    assert len(set(live)) == len(live) and not set(live) & set(retired)
    positions = list(event.quotes.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(live) + 1))
    assert client.get(url(event, 23)).status_code == 200


def test_every_edit_is_a_revision_saying_what_changed():
    event = make_event(quotes=20, parts=2, topics_per_part=2, speakers=3)
    before = len(comments(event))
    user = User.objects.create_user("editor", is_staff=True)
    edit(event, user)
    done = comments(event)[before:]
    if done and done[0] == "修改之前的版本":  # imported before history: its state first
        done = done[1:]
    assert done == [
        "把第5段拆分为第5段和第21段",
        "把第12段拆分为第12段和第22段",
        "第21段并入第5段",
        "第7段并入第6段",
        "第8段并入第6段",
        "第9段改由王明发言",
        "话题“话题 1-2”移到第9段前",
        "第6段并入第5段",
        "插入部分“下半场”于第14段前",
    ]
    versions = Version.objects.get_for_object(event).select_related("revision__user")
    assert versions.first().revision.user == user


@pytest.mark.django_db(transaction=True)
def test_two_editors_splitting_at_once_wait_for_each_other_and_get_two_numbers():
    """Editor A's split holds the event until it commits; editor B's split of another quote
    waits, then sees A's new quote: two new numbers, positions still 1..N."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL only (make test-postgres)")
    event = make_event(quotes=6, parts=1, topics_per_part=1, speakers=2)
    written, committing = threading.Event(), threading.Event()

    def editor_a():
        with transaction.atomic():
            _, second = quote_edits.split_quote(quote=q(event, 2), at=19, user=None)
            written.set()
            committing.wait(WAIT)
        return second.number

    a = InThread(editor_a)
    assert written.wait(WAIT)
    b = InThread(lambda: quote_edits.split_quote(quote=q(event, 5), at=19, user=None)[1].number)
    time.sleep(1)
    assert b.thread.is_alive()  # waiting for A's lock on the event
    committing.set()
    assert (a.join(), b.join()) == (7, 8)
    order = list(event.quotes.order_by("position").values_list("number", "position"))
    assert order == [(1, 1), (2, 2), (7, 3), (3, 4), (4, 5), (5, 6), (8, 7), (6, 8)]
