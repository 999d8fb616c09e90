"""The workbench's quote edits (`transcripts.quote_edits`): text, split, merge, speakers, times
and tags, each one revision of the event, refused with a Chinese message when it cannot be made."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version
from taggit.models import Tag

from transcripts import quote_edits, speaker_edits
from transcripts.event_import import event_import
from transcripts.models import Event, Quote, QuoteRedirect, Speaker, TagAlias
from transcripts.quote_edits import EditError
from transcripts.search import service as search

from .factories import make_event, recorded_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password="pw", is_staff=True)


@pytest.fixture
def event() -> Event:
    return make_event(quotes=20, parts=2, topics_per_part=2, speakers=3, tag_every=5)


@pytest.fixture
def recorded() -> Event:
    return event_import(transcript=recorded_transcript()).event


def q(event: Event, number: int) -> Quote:
    return event.quotes.get(number=number)


def positions(event: Event) -> list[int]:
    return list(event.quotes.order_by("position").values_list("position", flat=True))


def tag_names(quote: Quote) -> set[str]:
    return set(quote.tags.values_list("name", flat=True))


def last_comment(event: Event) -> str:
    return Version.objects.get_for_object(event).first().revision.comment


def found(word: str) -> set[int]:
    return {hit.quote.number for hit in search.quote_search(word, page_size=50).hits}


def boosted(word: str) -> set[int]:
    """The quotes found for `word` that rank first because their tags name it."""
    return {
        hit.quote.number for hit in search.quote_search(word, page_size=50).hits if hit.tier == 1
    }


# Text ------------------------------------------------------------------------------------------


def test_edit_text_changes_the_quote_and_what_search_finds(event, editor):
    quote_edits.edit_text(quote=q(event, 3), text="  我们谈谈蝴蝶效应。 ", user=editor)
    assert q(event, 3).text == "我们谈谈蝴蝶效应。"
    assert found("蝴蝶效应") == {3}
    assert last_comment(event) == "编辑第3段文字"


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_refused_and_nothing_is_recorded(event, editor, text):
    before, versions = q(event, 3).text, Version.objects.get_for_object(event).count()
    with pytest.raises(EditError, match="不能为空"):
        quote_edits.edit_text(quote=q(event, 3), text=text, user=editor)
    assert q(event, 3).text == before
    assert Version.objects.get_for_object(event).count() == versions


# Split -----------------------------------------------------------------------------------------


def test_split_gives_the_second_half_a_never_used_number(recorded, editor):
    QuoteRedirect.objects.create(event=recorded, number=9, target=q(recorded, 1))
    quote = q(recorded, 2)
    first, second = quote_edits.split_quote(quote=quote, at=3, user=editor)
    assert (first.number, first.text, second.text) == (2, "谢谢,", "很高兴来到这里。")
    assert second.number == 10  # above the live 1..4 and the retired 9
    assert positions(recorded) == [1, 2, 3, 4, 5]
    assert [qq.number for qq in recorded.quotes.order_by("position")] == [1, 2, 10, 3, 4]
    first, second = q(recorded, 2), q(recorded, 10)
    assert (first.start_time, first.end_time) == (65.25, None)
    assert (second.start_time, second.end_time) == (None, 70.0)
    assert second.speaker_id == first.speaker_id
    assert first.translation == "Thank you, glad to be here."
    assert last_comment(recorded) == "把第2段拆分为第2段和第10段"


def test_split_copies_part_topic_and_tags_and_search_finds_the_new_half(event, editor):
    quote = q(event, 5)  # tagged 压力测试 (every 5th)
    quote_edits.edit_text(quote=quote, text="第一句讲数据。第二句讲蝴蝶效应。", user=editor)
    _, second = quote_edits.split_quote(quote=q(event, 5), at=7, user=editor)
    second = Quote.objects.get(pk=second.pk)
    assert (second.section_id, second.topic_id) == (quote.section_id, quote.topic_id)
    assert tag_names(second) == tag_names(q(event, 5)) == {"压力测试"}
    assert found("蝴蝶效应") == {second.number}
    assert positions(event) == list(range(1, 22))


@pytest.mark.parametrize("at", [0, -1, 999, 1])
def test_split_at_an_edge_or_leaving_an_empty_half_is_refused(recorded, editor, at):
    quote = q(recorded, 1)
    Quote.objects.filter(pk=quote.pk).update(text=" 欢迎大家来到今天的访谈。")
    with pytest.raises(EditError, match="两半都要有文字"):
        quote_edits.split_quote(quote=quote, at=at, user=editor)
    assert recorded.quotes.count() == 4


# Merge -----------------------------------------------------------------------------------------


def test_merge_joins_texts_tags_and_times_and_redirects_the_old_number(event, editor):
    Quote.objects.filter(number=6, event=event).update(start_time=10.0, end_time=20.0)
    Quote.objects.filter(number=7, event=event).update(start_time=21.0, end_time=30.0)
    quote_edits.add_tags(quotes=[q(event, 7)], names=["蝴蝶"], user=editor)
    texts = q(event, 6).text, q(event, 7).text
    merged = quote_edits.merge_into_previous(quote=q(event, 7), user=editor)
    assert merged.number == 6
    held = q(event, 6)
    assert held.text == texts[0] + texts[1]  # no space between Chinese sentences
    assert (held.start_time, held.end_time) == (10.0, 30.0)
    assert tag_names(held) == {"蝴蝶"}
    assert not event.quotes.filter(number=7).exists()
    assert event.quote_redirects.get(number=7).target_id == held.pk
    assert positions(event) == list(range(1, 20))
    assert last_comment(event) == "第7段并入第6段"


def test_merge_puts_a_space_between_latin_words_and_joins_translations(recorded, editor):
    Quote.objects.filter(pk=q(recorded, 4).pk).update(
        text="see you", translation="再见", speaker=q(recorded, 3).speaker
    )
    Quote.objects.filter(pk=q(recorded, 3).pk).update(text="That is all,", translation="就这些")
    held = quote_edits.merge_into_previous(quote=q(recorded, 4), user=editor)
    held.refresh_from_db()
    assert (held.text, held.translation) == ("That is all, see you", "就这些再见")


def test_merge_repoints_redirects_that_led_to_the_merged_quote(event, editor):
    QuoteRedirect.objects.create(event=event, number=30, target=q(event, 7))
    quote_edits.merge_into_previous(quote=q(event, 7), user=editor)
    assert event.quote_redirects.get(number=30).target_id == q(event, 6).pk


def test_the_first_quote_and_a_quote_starting_a_topic_cannot_be_merged(event, editor):
    with pytest.raises(EditError, match="第一段发言"):
        quote_edits.merge_into_previous(quote=q(event, 1), user=editor)
    starts = event.topics.get(number=2).quotes.order_by("position").first()
    with pytest.raises(EditError, match="请先移动或移除"):
        quote_edits.merge_into_previous(quote=starts, user=editor)
    assert event.quotes.count() == 20


def test_a_hidden_quote_and_a_public_one_are_not_merged(event, editor):
    Quote.objects.filter(pk=q(event, 7).pk).update(published=False)
    with pytest.raises(EditError, match="一个公开、一个隐藏"):
        quote_edits.merge_into_previous(quote=q(event, 7), user=editor)
    assert event.quotes.count() == 20


def test_a_quote_merged_meanwhile_is_a_clear_error(event, editor):
    stale = q(event, 7)
    quote_edits.merge_into_previous(quote=stale, user=editor)
    with pytest.raises(EditError, match="刚被删除或合并"):
        quote_edits.edit_text(quote=stale, text="新的文字", user=editor)


# Speakers --------------------------------------------------------------------------------------


def test_reassign_gives_quotes_to_a_new_person_who_joins_the_event(event, editor):
    wang = speaker_edits.new_person("王明")
    assert wang.slug == "wangming" and not wang.placeholder
    assert speaker_edits.new_person("王明").slug == "wangming-2"
    moved = quote_edits.reassign(quotes=[q(event, 5), q(event, 6)], speaker=wang, user=editor)
    assert moved == 2
    assert set(event.quotes.filter(speaker=wang).values_list("number", flat=True)) == {5, 6}
    assert event.participations.filter(speaker=wang).exists()
    assert last_comment(event) == "第5、6段改由王明发言"
    assert quote_edits.reassign(quotes=[q(event, 5)], speaker=wang, user=editor) == 0


def test_reassign_refuses_another_events_placeholder_and_mixed_events(event, recorded, editor):
    placeholder = Speaker.objects.get(name="说话人1")
    with pytest.raises(EditError, match="另一场活动"):
        quote_edits.reassign(quotes=[q(event, 5)], speaker=placeholder, user=editor)
    with pytest.raises(EditError, match="同一场活动"):
        quote_edits.reassign(quotes=[q(event, 5), q(recorded, 1)], speaker=placeholder, user=editor)


def test_reassign_label_moves_every_quote_and_the_participation(recorded, editor):
    one = Speaker.objects.get(name="说话人1")
    host = recorded.participations.get(speaker=one)
    li = speaker_edits.new_person("李华")
    moved = quote_edits.reassign_label(event=recorded, speaker=one, to=li, user=editor)
    assert moved == 2
    assert not recorded.quotes.filter(speaker=one).exists()
    host.refresh_from_db()
    assert (host.speaker, host.role) == (li, "host")
    with pytest.raises(EditError, match="没有发言"):
        quote_edits.reassign_label(event=recorded, speaker=one, to=li, user=editor)


@pytest.mark.parametrize("name", ["", "   ", "长" * 101])
def test_a_speaker_of_nothing_is_refused(name):
    with pytest.raises(speaker_edits.SpeakerEditError):
        speaker_edits.new_person(name)


# Times -----------------------------------------------------------------------------------------


def test_start_time_is_set_and_cleared(recorded, editor):
    quote_edits.set_start_time(quote=q(recorded, 1), seconds=7, user=editor)
    assert q(recorded, 1).start_time == 7.0
    assert last_comment(recorded) == "第1段开始时间设为 0:07"
    quote_edits.set_start_time(quote=q(recorded, 1), seconds=None, user=editor)
    assert q(recorded, 1).start_time is None


@pytest.mark.parametrize(
    ("seconds", "message"),
    [(-1, "负数"), (10.0, "晚于"), (9e9, "超出"), (float("nan"), "秒数"), ("5", "秒数")],
)
def test_impossible_start_times_are_refused(recorded, editor, seconds, message):
    with pytest.raises(EditError, match=message):
        quote_edits.set_start_time(quote=q(recorded, 1), seconds=seconds, user=editor)
    assert q(recorded, 1).start_time == 5.0


# Tags ------------------------------------------------------------------------------------------


def test_add_tags_reads_aliases_creates_new_tags_and_is_idempotent(event, editor):
    big = Tag.objects.create(name="大模型", slug="大模型")
    TagAlias.objects.create(tag=big, name="LLM")
    quotes = [q(event, 1), q(event, 2)]
    tags = quote_edits.add_tags(quotes=quotes, names=["llm", "幻觉、 新 词"], user=editor)
    assert [t.name for t in tags] == ["大模型", "幻觉", "新 词"]
    assert tag_names(q(event, 1)) == tag_names(q(event, 2)) == {"大模型", "幻觉", "新 词"}
    assert not Tag.objects.filter(name__iexact="llm").exists()
    versions = Version.objects.get_for_object(event).count()
    quote_edits.add_tags(quotes=quotes, names=["大模型"], user=editor)  # already there
    assert Version.objects.get_for_object(event).count() == versions
    assert boosted("幻觉") == {1, 2}  # both say 幻觉, as many others do: their tags rank them


def test_add_tags_to_many_quotes_costs_what_it_costs_for_two(event, editor):
    def cost(numbers: list[int], name: str) -> int:
        quotes = list(event.quotes.filter(number__in=numbers))
        with CaptureQueriesContext(connection) as queries:
            quote_edits.add_tags(quotes=quotes, names=[name], user=editor)
        return len(queries)

    quote_edits.add_tags(quotes=[q(event, 20)], names=["甲", "乙"], user=editor)  # baseline
    assert cost([1, 2], "甲") == cost(list(range(3, 21)), "乙")


@pytest.mark.parametrize("names", [[""], ["  ", "、"], ["!!!"]])
def test_tag_names_that_cannot_be_tags_are_refused(event, editor, names):
    with pytest.raises(EditError):
        quote_edits.add_tags(quotes=[q(event, 1)], names=names, user=editor)


def test_remove_tag(event, editor):
    quote = q(event, 5)
    tag = Tag.objects.get(name="压力测试")
    quote_edits.remove_tag(quote=quote, tag=tag, user=editor)
    assert tag_names(quote) == set()
    assert last_comment(event) == "去掉第5段的标签「压力测试」"
    quote_edits.remove_tag(quote=quote, tag=tag, user=editor)  # gone already: nothing
