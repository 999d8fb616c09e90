"""Editors' work on speakers: naming an event's placeholders (说话人1 is 王明) in one step, merging
two speakers across events, and finding a speaker as one types. The editor's decision stays: a
re-import of the same event maps 说话人1 to 王明 again, a merged name maps to the kept speaker in
any later import, and the merged speaker's old address leads to the kept one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from reversion.models import Version

from transcripts.event_import import event_import
from transcripts.models import Event, Participation, Quote, Speaker, SpeakerAlias, SpeakerRedirect
from transcripts.parsing import Speaker as ParsedSpeaker
from transcripts.parsing import Turn
from transcripts.roles import EDITOR_GROUP
from transcripts.search.service import quote_search
from transcripts.speaker_edits import (
    SpeakerEditError,
    map_speakers,
    merge_speakers,
    speaker_choices,
)

from .factories import recorded_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_cache():
    cache.clear()


def speaker_of(event: Event) -> dict[int, str]:
    return dict(event.quotes.values_list("number", "speaker__name"))


def row(event: Event, name: str) -> Speaker:
    return Speaker.objects.get(participations__event=event, name=name)


def first_tier(query: str) -> set[int]:
    """The quotes found whose speaker (or topic, tags) names the query: ranked first."""
    return {hit.quote.number for hit in quote_search(query).hits if hit.tier == 1}


# Naming an event's placeholders -----------------------------------------------------------


def test_naming_a_placeholder_moves_its_quotes_and_keeps_one_participation(client):
    event = event_import(transcript=recorded_transcript()).event
    placeholder, wang = row(event, "说话人1"), row(event, "王明")
    moved = map_speakers(event=event, mapping={placeholder: wang}, user=None)
    assert moved == 2
    assert speaker_of(event) == {1: "王明", 2: "说话人2", 3: "王明", 4: "王明"}
    assert not Speaker.objects.filter(pk=placeholder.pk).exists()
    kept = Participation.objects.get(event=event, speaker=wang)
    assert kept.role == "host"  # 说话人1 hosted: the better role stays
    assert event.participations.count() == 2
    assert SpeakerAlias.objects.get(name="说话人1", event=event).speaker == wang
    page = client.get(event.get_absolute_url()).content.decode()
    assert "说话人1" not in page and page.count("王明") >= 3
    assert Version.objects.get_for_object(event).first().revision.comment.startswith("命名发言人")


def test_the_search_index_knows_the_quotes_new_speaker():
    said = (Turn(1, "说话人1", "王明老师好。"), Turn(2, "王明", "大家好，我是王明。"))
    people = (ParsedSpeaker(name="说话人1", placeholder=True), ParsedSpeaker(name="王明"))
    event = event_import(transcript=recorded_transcript(speakers=people, turns=said)).event
    assert first_tier("王明") == {2}
    map_speakers(event=event, mapping={row(event, "说话人1"): "王明"}, user=None)
    assert first_tier("王明") == {1, 2}


def test_naming_with_a_new_name_creates_the_person_or_finds_them():
    event = event_import(transcript=recorded_transcript()).event
    one, two = row(event, "说话人1"), row(event, "说话人2")
    map_speakers(event=event, mapping={one: "李华", two: " 王明 "}, user=None)
    li = Speaker.objects.get(name="李华")
    assert not li.placeholder and li.slug == "lihua"
    assert speaker_of(event) == {1: "李华", 2: "王明", 3: "王明", 4: "李华"}
    assert Speaker.objects.filter(name="王明").count() == 1  # found, not created again
    assert not Speaker.objects.filter(placeholder=True).exists()


def test_naming_refuses_what_it_cannot_do_and_changes_nothing():
    event = event_import(transcript=recorded_transcript()).event
    other = event_import(transcript=recorded_transcript(slug="other")).event
    one = row(event, "说话人1")
    with pytest.raises(SpeakerEditError, match="不是这场活动的发言人"):
        map_speakers(event=event, mapping={row(other, "说话人1"): "李华"}, user=None)
    with pytest.raises(SpeakerEditError, match="请填写"):
        map_speakers(event=event, mapping={one: "  "}, user=None)
    assert speaker_of(event)[1] == "说话人1" and not Speaker.objects.filter(name="李华").exists()


def test_a_reimport_maps_the_named_placeholder_the_same_way():
    transcript = recorded_transcript()
    event = event_import(transcript=transcript).event
    wang = row(event, "王明")
    map_speakers(event=event, mapping={row(event, "说话人1"): wang}, user=None)
    numbers_before = dict(event.quotes.values_list("number", "pk"))
    result = event_import(transcript=transcript, replace=True)
    assert result.status == "replaced" and result.kept == 4
    assert speaker_of(event) == {1: "王明", 2: "说话人2", 3: "王明", 4: "王明"}
    assert dict(event.quotes.values_list("number", "pk")) == numbers_before
    assert not Speaker.objects.filter(name="说话人1").exists()  # no new placeholder
    assert result.placeholders == ["说话人2"]
    assert event.participations.filter(speaker=wang).count() == 1


def test_another_events_placeholder_of_the_same_label_stays_someone_else():
    event = event_import(transcript=recorded_transcript()).event
    map_speakers(event=event, mapping={row(event, "说话人1"): row(event, "王明")}, user=None)
    other = event_import(transcript=recorded_transcript(slug="other")).event
    assert speaker_of(other)[1] == "说话人1" and row(other, "说话人1").placeholder


# Merging two speakers -----------------------------------------------------------------------


def two_people() -> tuple[Event, Event, Speaker, Speaker]:
    """王王明 (a typo, with a bio) speaks in one event; 王明 in another."""
    first = event_import(
        transcript=recorded_transcript(
            slug="first",
            speakers=(ParsedSpeaker(name="王王明", bio="研究员"), ParsedSpeaker(name="李华")),
            turns=(Turn(1, "王王明", "大模型的幻觉。"), Turn(2, "李华", "我同意。")),
        )
    ).event
    second = event_import(transcript=recorded_transcript(slug="second")).event
    return first, second, Speaker.objects.get(name="王王明"), Speaker.objects.get(name="王明")


def test_merging_moves_quotes_bio_and_leaves_an_alias_and_a_redirect(client):
    first, second, typo, wang = two_people()
    old_url = typo.get_absolute_url()
    result = merge_speakers(source=typo, into=wang, user=None)
    assert result.quotes == 1 and result.events == ["first"] and result.into.bio == "研究员"
    assert speaker_of(first)[1] == "王明" and speaker_of(second)[3] == "王明"
    assert not Speaker.objects.filter(name="王王明").exists()
    assert SpeakerAlias.objects.get(name="王王明", event=None).speaker == wang
    assert SpeakerRedirect.objects.get(old_slug=typo.slug).speaker == wang
    moved = client.get(old_url)
    assert moved.status_code == 301 and moved["Location"] == wang.get_absolute_url()
    page = client.get(wang.get_absolute_url()).content.decode()
    assert "大模型的幻觉" in page and "我补充一句" in page
    listing = client.get("/speakers/").content.decode()
    assert "王王明" not in listing and "王明" in listing
    assert Version.objects.get_for_object(first).first().revision.comment == (
        "合并发言人：王王明 → 王明"
    )


def test_the_merged_name_maps_to_the_kept_speaker_in_a_later_import():
    _, _, typo, wang = two_people()
    merge_speakers(source=typo, into=wang, user=None)
    third = event_import(
        transcript=recorded_transcript(
            slug="third",
            speakers=(ParsedSpeaker(name="王王明"), ParsedSpeaker(name="李华")),
            turns=(Turn(1, "王王明", "又见面了。"), Turn(2, "李华", "是啊。")),
        )
    ).event
    assert speaker_of(third) == {1: "王明", 2: "李华"}
    assert not Speaker.objects.filter(name="王王明").exists()


def test_merging_where_both_spoke_keeps_one_participation_and_the_handle():
    event = event_import(transcript=recorded_transcript()).event
    wang = row(event, "王明")
    twin = Speaker.objects.create(name="Wang Ming", slug="wang-ming", handle="wm2020")
    Participation.objects.create(event=event, speaker=twin, role="audience", bio="观众")
    Quote.objects.filter(event=event, number=2).update(speaker=twin)
    Speaker.objects.filter(pk=wang.pk).update(handle="")
    merge_speakers(source=twin, into=wang, user=None)
    assert event.participations.filter(speaker=wang).count() == 1
    assert Speaker.objects.get(pk=wang.pk).handle == "wm2020"
    assert speaker_of(event)[2] == "王明"


def test_merging_a_placeholder_leaves_an_alias_of_its_own_event_only():
    event = event_import(transcript=recorded_transcript()).event
    placeholder, wang = row(event, "说话人1"), row(event, "王明")
    merge_speakers(source=placeholder, into=wang, user=None)
    assert list(SpeakerAlias.objects.values_list("name", "event")) == [("说话人1", event.pk)]


def test_merging_a_speaker_into_itself_is_refused():
    event = event_import(transcript=recorded_transcript()).event
    wang = row(event, "王明")
    with pytest.raises(SpeakerEditError, match="不能把发言人合并到自己"):
        merge_speakers(source=wang, into=wang, user=None)
    assert Speaker.objects.filter(pk=wang.pk).exists()


def test_a_redirect_chain_follows_the_second_merge(client):
    _, _, typo, wang = two_people()
    merge_speakers(source=typo, into=wang, user=None)
    li = Speaker.objects.get(name="李华")
    merge_speakers(source=wang, into=li, user=None)
    assert client.get(f"/speakers/{typo.slug}/")["Location"] == li.get_absolute_url()
    assert client.get("/speakers/nobody-ever/").status_code == 404


# Finding a speaker --------------------------------------------------------------------------


def test_choices_match_name_pinyin_initials_handle_and_aliases_named_first():
    event = event_import(transcript=recorded_transcript()).event
    Speaker.objects.create(name="王小明", slug="wangxiaoming")
    SpeakerAlias.objects.create(name="小王", speaker=row(event, "王明"))
    names = lambda query: [s.name for s in speaker_choices(query)]  # noqa: E731
    assert names("王明") == ["王明"]
    assert names("王") == ["王明", "王小明"]
    assert names("wangm") == ["王明"]
    assert names("wxm") == ["王小明"]
    assert names("@wangming") == ["王明"]
    assert names("小王") == ["王明"]
    assert names("说话") == ["说话人1", "说话人2"]
    Speaker.objects.create(name="说话大王", slug="shuohuadawang")
    assert names("说话") == ["说话大王", "说话人1", "说话人2"]  # named people first
    assert names("") == [] and len(speaker_choices("王", limit=1)) == 1


# The admin action ---------------------------------------------------------------------------


def post_merge(client, speakers, **extra):
    data = {"action": "merge_speakers", "_selected_action": [s.pk for s in speakers], **extra}
    return client.post("/admin/transcripts/speaker/", data)


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)
    return client


def test_the_merge_action_asks_which_to_keep_then_merges(editor_client):
    _, _, typo, wang = two_people()
    offered = editor_client.get("/admin/transcripts/speaker/").content.decode()
    assert '<option value="merge_speakers">合并发言人</option>' in offered
    asked = post_merge(editor_client, [typo, wang])
    assert asked.status_code == 200 and "保留哪一位" in asked.content.decode()
    assert Speaker.objects.filter(pk=typo.pk).exists()
    done = post_merge(editor_client, [typo, wang], confirm="yes", into=wang.pk)
    assert done.status_code == 302
    assert not Speaker.objects.filter(pk=typo.pk).exists()
    assert SpeakerRedirect.objects.get(old_slug=typo.slug).speaker == wang
    editor_client.get(done["Location"])  # the message is shown (and said once)
    listing = editor_client.get("/admin/transcripts/speaker/").content.decode()
    assert "王王明" not in listing and "王明" in listing


def test_the_merge_action_needs_two_speakers(editor_client):
    _, _, typo, _ = two_people()
    response = post_merge(editor_client, [typo], confirm="yes", into=typo.pk)
    assert response.status_code == 302 and Speaker.objects.filter(pk=typo.pk).exists()


def test_a_user_who_may_not_change_speakers_cannot_merge(client):
    _, _, typo, wang = two_people()
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name=EDITOR_GROUP).permissions.filter(codename="view_speaker")
    )
    client.force_login(viewer)
    response = post_merge(client, [typo, wang], confirm="yes", into=wang.pk)
    assert "保留哪一位" not in response.content.decode()  # the action is not offered
    assert Speaker.objects.filter(pk=typo.pk).exists()
    assert "合并发言人" not in client.get("/admin/transcripts/speaker/").content.decode()


def test_aliases_are_edited_on_the_speakers_page(editor_client):
    _, _, _, wang = two_people()
    page = editor_client.get(f"/admin/transcripts/speaker/{wang.pk}/change/")
    assert page.status_code == 200 and "导入时，这些名字都算作这位发言人" in page.content.decode()
