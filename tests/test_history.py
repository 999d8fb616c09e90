"""History with diffs and undo (issue 14): every change through the admin, the import and the
services is a revision with who, when and a word-level diff; any revision can be restored, and
every quote link keeps answering through every change and every restore."""

from __future__ import annotations

import re
from io import StringIO

import pytest
import reversion
from django.contrib.auth.models import Permission, User
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from reversion.models import Revision

from transcripts import history, quote_edits
from transcripts.history_diff import word_diff
from transcripts.history_restore import RestoreError
from transcripts.models import (
    Event,
    Quote,
    QuoteRedirect,
    Speaker,
    SpeakerRedirect,
    TaggedEvent,
    TaggedQuote,
)

from .conftest import DEMO
from .factories import import_demo

pytestmark = pytest.mark.django_db

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
EVENT = f"/events/{SLUG}/"
ADMIN = "/admin/transcripts/"


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


def quote(number: int) -> Quote:
    return Quote.objects.get(event__slug=SLUG, number=number)


def transcript_html(client) -> str:
    """The event page's transcript (speakers, headings, texts, tags), as readers see it."""
    cache.clear()
    html = client.get(EVENT).content.decode()
    return html[html.index('id="transcript-heading"') :]


def history_url(event: Event, *parts) -> str:
    return f"{ADMIN}event/{event.pk}/history/" + "".join(f"{p}/" for p in parts)


def change_quote(admin_client, number: int, **changes):
    """Post the quote's admin change form with `changes` (everything else as it is)."""
    q = quote(number)
    url = f"{ADMIN}quote/{q.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name != "tags"}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["tags"] = ", ".join(sorted(q.tags.names()))
    response = admin_client.post(url, data | changes)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def every_link_answers(client, numbers, texts: dict[int, str]) -> None:
    """Each old number answers 200, or leads to the quote that holds its text."""
    cache.clear()
    for number in numbers:
        response = client.get(f"{EVENT}q/{number}/")
        if response.status_code == 200:
            continue
        assert response.status_code == 301, number
        target = int(re.search(r"/q/(\d+)/$", response["Location"]).group(1))
        assert texts[number] in quote(target).text, (number, target)


# Word diffs -----------------------------------------------------------------------------------


def test_word_diff_marks_whole_chinese_words():
    pieces = word_diff("我们认为大模型的幻觉问题很严重。", "我们认为大模型的对齐问题很严重。")
    assert ("delete", "幻觉") in pieces and ("insert", "对齐") in pieces
    assert "".join(t for op, t in pieces if op != "insert") == "我们认为大模型的幻觉问题很严重。"
    assert "".join(t for op, t in pieces if op != "delete") == "我们认为大模型的对齐问题很严重。"


def test_word_diff_of_equal_and_empty_texts():
    assert word_diff("算力决定上限", "算力决定上限") == [("equal", "算力决定上限")]
    assert word_diff("", "新的发言") == [("insert", "新的发言")]
    assert word_diff("旧的发言", "") == [("delete", "旧的发言")]


# Recording ------------------------------------------------------------------------------------


def test_the_import_is_a_revision_and_a_failed_one_records_nothing(demo, tmp_path):
    (version,) = history.versions_of(demo)
    assert version.revision.comment.startswith("导入 ")
    Event.objects.all().delete()
    Revision.objects.all().delete()
    path = tmp_path / "demo.json"
    path.write_bytes(DEMO.read_bytes())
    call_command("import_event", str(path), stdout=StringIO())
    event = Event.objects.get(slug=SLUG)
    (version,) = history.versions_of(event)
    assert version.revision.comment == "导入 demo.json"
    call_command("import_event", str(path), stdout=StringIO())  # unchanged
    assert Revision.objects.count() == 1


def test_the_import_revision_holds_every_row_as_reversion_itself_stores_it(demo):
    """Every row of the imported event, and each speaker it names, is in the revision, written
    byte for byte as reversion's own json serialization of the row, and reads back."""
    (event_version,) = history.versions_of(demo)
    rows = [
        demo,
        *demo.sections.all(),
        *demo.topics.all(),
        *demo.participations.all(),
        *demo.quote_redirects.all(),
        *TaggedEvent.objects.filter(content_object=demo),
        *demo.quotes.all(),
        *TaggedQuote.objects.filter(content_object__event=demo),
        *Speaker.objects.filter(quotes__event=demo).distinct(),
    ]
    assert any(isinstance(row, TaggedQuote) for row in rows)
    expected = {
        (type(row), str(row.pk)): serializers.serialize(
            "json", [row], fields=reversion.revisions._get_options(type(row)).fields
        )
        for row in rows
    }
    versions = event_version.revision.version_set.select_related("content_type")
    stored = {(v.content_type.model_class(), v.object_id): v.serialized_data for v in versions}
    assert stored == expected
    read_back = {(v.content_type.model_class(), v.field_dict["id"]) for v in versions}
    assert read_back == {(type(row), row.pk) for row in rows}


def test_a_change_in_the_admin_is_a_revision_with_user_and_comment(admin_client, admin_user):
    change_quote(admin_client, 12, text="一段新的发言。")
    newest = history.versions_of(quote(12).event).first().revision
    assert newest.user == admin_user
    assert newest.comment == "在后台修改发言 #12"


def test_an_action_over_two_events_records_both(admin_client, admin_user):
    from .factories import make_event

    other = make_event(quotes=5, slug="other", published=False)
    Event.objects.filter(slug=SLUG).update(published=False)
    events = [Event.objects.get(slug=SLUG), other]
    data = {"action": "publish_events", "_selected_action": [e.pk for e in events]}
    admin_client.post(f"{ADMIN}event/", data | {"confirmed": "yes", "index": "0"})
    first, second = (history.versions_of(e).first().revision for e in events)
    assert first == second and first.user == admin_user
    assert "发布所选活动" in first.comment


# The pages ------------------------------------------------------------------------------------


def test_the_history_lists_who_when_and_what(admin_client, demo):
    change_quote(admin_client, 12, text="一段新的发言。")
    html = admin_client.get(history_url(demo)).content.decode()
    assert "在后台修改发言 #12" in html and "admin" in html
    assert "修改 1 段" in html


def test_the_diff_page_shows_inserted_and_deleted_words_escaped(admin_client, demo):
    old = quote(12).text
    change_quote(admin_client, 12, text=old.replace("百花齐放", "<b>算力</b>", 1))
    version = history.versions_of(demo).first()
    html = admin_client.get(history_url(demo, version.pk)).content.decode()
    assert '<del class="diff-delete" title="删除">百花齐放</del>' in html
    assert '<ins class="diff-insert" title="插入">&lt;b&gt;算力&lt;/b&gt;</ins>' in html
    assert "<b>算力" not in html


def test_the_quote_history_page_links_to_its_event_history(admin_client, demo):
    html = admin_client.get(f"{ADMIN}quote/{quote(3).pk}/history/").content.decode()
    assert f'href="{history_url(demo)}"' in html


def test_a_bad_version_is_a_404(admin_client, demo):
    from .factories import make_event

    other = history.versions_of(make_event(quotes=3, slug="other")).first()
    for version_id in (999999, other.pk):  # unknown, or another event's
        assert admin_client.get(history_url(demo, version_id)).status_code == 404
        assert admin_client.post(history_url(demo, version_id, "restore")).status_code == 404


def test_restoring_needs_the_change_permission(client, demo):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(viewer)
    version = history.versions_of(demo).first()
    assert client.get(history_url(demo)).status_code == 200
    assert "恢复到这个版本" not in client.get(history_url(demo)).content.decode()
    assert client.post(history_url(demo, version.pk, "restore")).status_code == 403


# Restoring ------------------------------------------------------------------------------------


def test_restore_brings_back_texts_speakers_headings_and_tags(admin_client, client, demo):
    before = transcript_html(client)
    first = history.versions_of(demo).first()
    someone = Speaker.objects.create(name="另一个人", slug="ling-yi-ge-ren")
    tagged = next(q for q in demo.quotes.all() if q.tags.exists())
    change_quote(admin_client, tagged.number, text="改过的文字。", speaker=someone.pk, tags="")
    section = demo.sections.first()
    section.title = "改过的部分标题"
    with history.revision(demo, comment="改标题"):
        section.save()
    assert transcript_html(client) != before
    page = admin_client.get(history_url(demo, first.pk, "restore"))
    assert "确认恢复" in page.content.decode()
    response = admin_client.post(history_url(demo, first.pk, "restore"), follow=True)
    assert "已恢复到" in response.content.decode()
    assert transcript_html(client) == before
    newest = history.versions_of(demo).first().revision
    assert newest.comment.startswith("恢复到 ") and newest.comment.endswith(" 的版本")


def test_restore_after_a_split_keeps_every_link(client, demo):
    texts = {q.number: q.text for q in demo.quotes.all()}
    before = history.versions_of(demo).first()
    first, second = quote_edits.split_quote(quote=quote(10), at=5, user=None)
    assert (first.text, second.text) == (texts[10][:5], texts[10][5:].strip())
    texts[second.number] = second.text
    assert history.versions_of(demo).first().pk != before.pk  # the split is a revision
    history.restore(event=demo, version_id=before.pk, user=None)
    assert quote(10).text == texts[10]
    assert not Quote.objects.filter(pk=second.pk).exists()
    every_link_answers(client, texts, texts)
    assert QuoteRedirect.objects.get(number=second.number).target == quote(10)


def test_restore_after_and_before_a_merge_keeps_every_link(client, demo):
    texts = {q.number: q.text for q in demo.quotes.all()}
    original = history.versions_of(demo).first()
    quote_edits.merge_into_previous(quote=quote(11), user=None)
    merged = history.versions_of(demo).first()
    assert merged.pk != original.pk and texts[11] in quote(10).text
    history.restore(event=demo, version_id=original.pk, user=None)
    assert quote(11).text == texts[11] and not QuoteRedirect.objects.filter(number=11).exists()
    every_link_answers(client, texts, texts)
    history.restore(event=demo, version_id=merged.pk, user=None)
    assert not Quote.objects.filter(event=demo, number=11).exists()
    every_link_answers(client, texts, texts)
    assert [q.position for q in demo.quotes.all()] == list(range(1, 70))


def test_restore_follows_a_merged_speaker_and_explains_a_lost_one(admin_client, demo):
    original = history.versions_of(demo).first()
    gone = quote(5).speaker
    into = Speaker.objects.create(name="合并后的人", slug="he-bing-hou")
    with history.revision(demo, comment="合并发言人"):
        demo.quotes.filter(speaker=gone).update(speaker=into)
        demo.participations.filter(speaker=gone).update(speaker=into)
    slug = gone.slug
    gone.delete()
    redirect = SpeakerRedirect.objects.create(old_slug=slug, speaker=into)
    history.restore(event=demo, version_id=original.pk, user=None)
    assert quote(5).speaker == into
    redirect.delete()
    into.name = "别的名字"
    into.save()
    with pytest.raises(RestoreError, match="已经不存在"):
        history.restore(event=demo, version_id=original.pk, user=None)
    response = admin_client.post(history_url(demo, original.pk, "restore"), follow=True)
    assert response.status_code == 200 and "已经不存在" in response.content.decode()


def test_an_import_that_fails_half_way_records_nothing(monkeypatch):
    from transcripts import event_import

    from .factories import recorded_transcript

    revisions = Revision.objects.count()

    def broken(rows):
        raise RuntimeError("the index is down")

    monkeypatch.setattr(event_import.search, "index_new_quotes", broken)
    with pytest.raises(RuntimeError):
        event_import.event_import(transcript=recorded_transcript(slug="half"))
    assert Revision.objects.count() == revisions and not Event.objects.filter(slug="half")
