"""The workbench's heading edits (`transcripts.heading_edits`): parts and topics inserted before a
quote, renamed, moved to start at another quote and removed, numbered again in reading order.

The event: 20 quotes; part 1 holds topics 1 (quotes 1-5) and 2 (6-10), part 2 topics 3 (11-15)
and 4 (16-20)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from reversion.models import Version

from transcripts import heading_edits
from transcripts.event_import import event_import
from transcripts.models import Event, Quote, Section, Topic
from transcripts.quote_edits import EditError
from transcripts.search import service as search

from .factories import make_event, recorded_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password="pw", is_staff=True)


@pytest.fixture
def event() -> Event:
    return make_event(quotes=20, parts=2, topics_per_part=2, speakers=3)


def q(event: Event, number: int) -> Quote:
    return event.quotes.get(number=number)


def topics(event: Event) -> list[tuple[int, str, int | None, list[int]]]:
    """Each topic: number, title, its part's number, its quotes' numbers."""
    return [
        (t.number, t.title, t.section.number if t.section else None, quote_numbers(t))
        for t in event.topics.select_related("section").order_by("number")
    ]


def sections(event: Event) -> list[tuple[int, str, list[int]]]:
    return [(s.number, s.title, quote_numbers(s)) for s in event.sections.order_by("number")]


def quote_numbers(heading: Section | Topic) -> list[int]:
    return list(heading.quotes.order_by("position").values_list("number", flat=True))


def topic(event: Event, number: int) -> Topic:
    return event.topics.get(number=number)


def section(event: Event, number: int) -> Section:
    return event.sections.get(number=number)


def last_comment(event: Event) -> str:
    return Version.objects.get_for_object(event).first().revision.comment


def boosted(word: str) -> set[int]:
    """The quotes found for `word` that rank first because their topic (or tags, speaker) names
    it: their search entries hold their topic's title."""
    hits = search.quote_search(word, page_size=200).hits
    assert hits, f"no quote says {word}"
    return {hit.quote.number for hit in hits if hit.tier == 1}


def saying(word: str, numbers: list[int]) -> set[int]:
    return {n for n in numbers if word in Quote.objects.get(number=n).text}


def span(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


# Insert ----------------------------------------------------------------------------------------


def test_a_topic_inserted_before_a_quote_heads_it_up_to_the_next_topic(event, editor):
    new = heading_edits.insert_heading(
        before=q(event, 8), kind="topic", title=" 算力 ", user=editor
    )
    assert (new.number, new.title) == (3, "算力")
    assert topics(event) == [
        (1, "话题 1-1", 1, span(1, 5)),
        (2, "话题 1-2", 1, span(6, 7)),
        (3, "算力", 1, span(8, 10)),
        (4, "话题 2-1", 2, span(11, 15)),
        (5, "话题 2-2", 2, span(16, 20)),
    ]
    assert boosted("算力") == saying("算力", span(8, 10)) != set()
    assert last_comment(event) == "插入话题“算力”于第8段前"


def test_a_part_inserted_mid_part_takes_the_rest_of_it_and_its_topics(event, editor):
    new = heading_edits.insert_heading(
        before=q(event, 13), kind="section", title="下半场", user=editor
    )
    assert new.number == 3
    assert sections(event) == [
        (1, "第1部分", span(1, 10)),
        (2, "第2部分", span(11, 12)),
        (3, "下半场", span(13, 20)),
    ]
    # topic 3 started before the new part: its quotes there are left without a topic
    assert topics(event)[2:] == [(3, "话题 2-1", 2, [11, 12]), (4, "话题 2-2", 3, span(16, 20))]
    assert q(event, 13).topic is None


def test_a_part_inserted_before_an_earlier_quote_is_numbered_in_reading_order(event, editor):
    heading_edits.insert_heading(before=q(event, 6), kind="section", title="中场", user=editor)
    assert [(n, title) for n, title, _ in sections(event)] == [
        (1, "第1部分"),
        (2, "中场"),
        (3, "第2部分"),
    ]
    assert topics(event)[1] == (2, "话题 1-2", 2, span(6, 10))


def test_a_part_in_an_event_without_parts(editor):
    event = event_import(transcript=recorded_transcript()).event
    heading_edits.insert_heading(before=q(event, 3), kind="section", title="问答", user=editor)
    assert sections(event) == [(1, "问答", [3, 4])]


@pytest.mark.parametrize(("number", "kind"), [(6, "topic"), (11, "section"), (1, "topic")])
def test_a_heading_where_one_already_starts_is_refused(event, editor, number, kind):
    with pytest.raises(EditError, match="已经有"):
        heading_edits.insert_heading(before=q(event, number), kind=kind, title="新", user=editor)
    assert event.topics.count() == 4 and event.sections.count() == 2


@pytest.mark.parametrize(
    ("title", "message"), [("", "请填写"), ("  ", "请填写"), ("长" * 201, "最多")]
)
def test_empty_or_long_titles_are_refused(event, editor, title, message):
    with pytest.raises(EditError, match=message):
        heading_edits.insert_heading(before=q(event, 8), kind="topic", title=title, user=editor)
    with pytest.raises(EditError, match=message):
        heading_edits.rename_heading(heading=topic(event, 1), title=title, user=editor)


# Rename ----------------------------------------------------------------------------------------


def test_renaming_a_topic_changes_what_search_finds(event, editor):
    heading_edits.rename_heading(heading=topic(event, 2), title="算力", user=editor)
    assert topic(event, 2).title == "算力"
    assert boosted("算力") == saying("算力", span(6, 10)) != set()
    assert last_comment(event) == "话题“话题 1-2”改名为“算力”"


# Move ------------------------------------------------------------------------------------------


def test_a_topic_moved_later_gives_its_first_quotes_to_the_topic_before(event, editor):
    heading_edits.move_heading(heading=topic(event, 2), before=q(event, 8), user=editor)
    assert topics(event)[:2] == [(1, "话题 1-1", 1, span(1, 7)), (2, "话题 1-2", 1, span(8, 10))]
    assert last_comment(event) == "话题“话题 1-2”移到第8段前"


def test_a_topic_moved_earlier_takes_the_last_quotes_of_the_topic_before(event, editor):
    heading_edits.move_heading(heading=topic(event, 2), before=q(event, 4), user=editor)
    assert topics(event)[:2] == [(1, "话题 1-1", 1, span(1, 3)), (2, "话题 1-2", 1, span(4, 10))]


def test_a_topic_never_moves_into_another_part_nor_empties_another_topic(event, editor):
    with pytest.raises(EditError, match="另一个部分"):
        heading_edits.move_heading(heading=topic(event, 3), before=q(event, 8), user=editor)
    with pytest.raises(EditError, match="没有发言"):
        heading_edits.move_heading(heading=topic(event, 2), before=q(event, 1), user=editor)
    heading_edits.insert_heading(before=q(event, 13), kind="topic", title="插入", user=editor)
    with pytest.raises(EditError, match="隔着别的标题"):
        heading_edits.move_heading(heading=topic(event, 5), before=q(event, 12), user=editor)
    assert [t[3] for t in topics(event)] == [
        span(1, 5),
        span(6, 10),
        [11, 12],
        span(13, 15),
        span(16, 20),
    ]


def test_a_part_moved_earlier_takes_quotes_and_leaves_a_split_topic_behind(event, editor):
    heading_edits.move_heading(heading=section(event, 2), before=q(event, 9), user=editor)
    assert sections(event) == [(1, "第1部分", span(1, 8)), (2, "第2部分", span(9, 20))]
    assert topics(event)[1] == (2, "话题 1-2", 1, span(6, 8))
    assert q(event, 9).topic is None


def test_a_part_moved_later_hands_its_first_topic_to_the_part_before(event, editor):
    heading_edits.move_heading(heading=section(event, 2), before=q(event, 16), user=editor)
    assert sections(event) == [(1, "第1部分", span(1, 15)), (2, "第2部分", span(16, 20))]
    assert topics(event)[2] == (3, "话题 2-1", 1, span(11, 15))


def test_a_heading_moves_only_to_a_quote_of_its_event(event, editor):
    other = make_event(quotes=4, parts=1, topics_per_part=1, slug="other")
    with pytest.raises(EditError, match="不属于"):
        heading_edits.move_heading(heading=topic(event, 2), before=q(other, 2), user=editor)


# Remove ----------------------------------------------------------------------------------------


def test_a_removed_topic_gives_its_quotes_to_the_topic_before(event, editor):
    heading_edits.remove_heading(heading=topic(event, 2), user=editor)
    assert [(n, quotes) for n, _, _, quotes in topics(event)] == [
        (1, span(1, 10)),
        (2, span(11, 15)),
        (3, span(16, 20)),
    ]
    assert last_comment(event) == "移除话题“话题 1-2”"


def test_the_first_topic_of_a_part_removed_leaves_its_quotes_without_a_topic(event, editor):
    heading_edits.remove_heading(heading=topic(event, 3), user=editor)
    assert q(event, 11).topic is None and q(event, 11).section.number == 2
    assert [t[0] for t in topics(event)] == [1, 2, 3]


def test_a_removed_part_gives_its_quotes_and_topics_to_the_part_before(event, editor):
    heading_edits.remove_heading(heading=section(event, 2), user=editor)
    assert sections(event) == [(1, "第1部分", span(1, 20))]
    assert [(t[0], t[2], t[3]) for t in topics(event)][2:] == [
        (3, 1, span(11, 15)),
        (4, 1, span(16, 20)),
    ]


def test_the_first_part_removed_leaves_its_quotes_outside_any_part(event, editor):
    heading_edits.remove_heading(heading=section(event, 1), user=editor)
    assert sections(event) == [(1, "第2部分", span(11, 20))]
    assert q(event, 3).section is None
    assert topics(event)[0] == (1, "话题 1-1", None, span(1, 5))
