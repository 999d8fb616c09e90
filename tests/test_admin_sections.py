"""Splitting a glued heading: the raw seed's three parts whose first sub-heading the dump glued
onto the title become, after three splits, exactly the curated demo's parts and topics; the
split is checked, renumbers topics in reading order, refreshes pages and search, and works
from the Section admin."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.management import call_command

from transcripts.editing import SplitError, split_heading
from transcripts.filters import QuoteFilters
from transcripts.models import Event, Section, Topic
from transcripts.search.service import quote_search

from .conftest import DEMO, SEED, export_all

pytestmark = pytest.mark.django_db

PART_2 = "现状:行业现象与技术水平百模大战"
SPLITS = {2: "百模大战", 3: "大模型与小模型能否结合", 4: "大模型的未来趋势"}


@pytest.fixture
def event() -> Event:
    cache.clear()
    call_command("import_event", str(SEED), stdout=None)
    return Event.objects.get()


def part(number: int) -> Section:
    return Section.objects.get(number=number)


def split_url(section: Section) -> str:
    return f"/admin/transcripts/section/{section.pk}/split/"


def test_splitting_part_two_gives_its_first_topic_back(event):
    first_six = list(part(2).quotes.order_by("number").values_list("number", flat=True)[:6])
    split = split_heading(section=part(2), topic_title="百模大战")
    assert part(2).title == "现状:行业现象与技术水平"
    assert split.topic.number == 1 and split.quotes == 6
    topic = Topic.objects.get(number=1)
    assert topic.title == "百模大战" and topic.section == part(2) and topic.label == ""
    assert list(topic.quotes.order_by("number").values_list("number", flat=True)) == first_six
    assert Topic.objects.get(number=2).title == "国内大模型的水平"
    assert list(event.topics.values_list("number", flat=True)) == list(range(1, 11))
    assert not part(2).quotes.filter(topic__isnull=True).exists()


def test_three_splits_give_exactly_the_curated_demo(event):
    for number, title in SPLITS.items():
        split_heading(section=part(number), topic_title=title)
    (split,) = export_all()
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    demo = demo[0] if isinstance(demo, list) else demo
    assert split["sections"] == demo["sections"]

    def topics(data):
        return [(t["number"], t["title"], t["section"], t["label"]) for t in data["topics"]]

    def quotes(data):
        return [(q["number"], q["section"], q["topic"]) for q in data["quotes"]]

    assert topics(split) == sorted(topics(demo))
    assert quotes(split) == quotes(demo)


def test_the_topic_title_must_end_the_part_title(event):
    for wrong, problem in [
        ("百模", "不是部分标题"),  # not its end
        ("  ", "请填写话题标题"),
        (PART_2, "部分标题不能为空"),
    ]:
        with pytest.raises(SplitError, match=problem):
            split_heading(section=part(2), topic_title=wrong)
    assert part(2).title == PART_2 and event.topics.count() == 9


def test_a_part_already_split_cannot_be_split_again(event):
    split_heading(section=part(2), topic_title="百模大战")
    with pytest.raises(SplitError, match="第一个话题之前没有发言"):
        split_heading(section=part(2), topic_title="技术水平")
    assert part(2).title == "现状:行业现象与技术水平" and event.topics.count() == 10


def test_a_topic_without_quotes_keeps_its_place(event):
    Topic.objects.create(event=event, section=part(5), number=10, title="补充问题", label="Q6")
    split_heading(section=part(2), topic_title="百模大战")
    assert Topic.objects.get(title="补充问题").number == 11
    assert Topic.objects.get(label="Q5").number == 10


def test_readers_see_the_split_at_once_in_the_page_and_in_search(event, client):
    event.published = True
    event.save()
    page = f"/events/{event.slug}/"
    assert ">百模大战<" not in client.get(page).content.decode()  # now cached
    updated = Event.objects.get().updated_at

    split_heading(section=part(2), topic_title="百模大战")

    assert Event.objects.get().updated_at > updated
    html = client.get(page).content.decode()
    assert "百模大战" in html and "现状:行业现象与技术水平百模大战" not in html


def ranking(words: str) -> list[int]:
    return [hit.quote.number for hit in quote_search(words, QuoteFilters()).hits]


def test_search_ranks_the_moved_quotes_by_their_new_topic(event):
    """A quote's topic title counts in search ranking: after the split, quotes under 大模型与小模型
    能否结合 outrank a quote elsewhere that says 结合 as strongly."""
    event.published = True
    event.save()
    before = ranking("结合")
    assert before.index(41) < before.index(30)  # 41 is under a later topic, 30 opens part 3
    split_heading(section=part(3), topic_title="大模型与小模型能否结合")
    after = ranking("结合")
    assert sorted(after) == sorted(before)  # the same quotes are found
    assert after.index(30) < after.index(41)


# The admin ---------------------------------------------------------------------------------


def test_the_section_list_filters_by_event_and_links_to_the_split(event, admin_client):
    html = admin_client.get(f"/admin/transcripts/section/?event__id__exact={event.pk}").content
    html = html.decode()
    assert PART_2 in html and "从业者的感悟" in html
    assert html.count(">拆分标题</a>") == 5
    assert split_url(part(2)) in html
    searched = admin_client.get("/admin/transcripts/section/?q=百模").content.decode()
    assert PART_2 in searched and "从业者的感悟" not in searched
    change = admin_client.get(f"/admin/transcripts/section/{part(2).pk}/change/").content
    assert split_url(part(2)).encode() in change


def test_the_split_page_splits_end_to_end(event, admin_client):
    page = admin_client.get(split_url(part(2))).content.decode()
    assert PART_2 in page and "第一个话题之前有 <strong>6</strong> 段发言" in page
    assert "国内大模型的水平" in page  # the part's existing topics

    response = admin_client.post(split_url(part(2)), {"topic_title": "百模大战"}, follow=True)
    assert response.redirect_chain[-1][0] == (
        f"/admin/transcripts/section/?event__id__exact={event.pk}"
    )
    (message,) = [str(m) for m in response.context["messages"]]
    assert "部分标题改为“现状:行业现象与技术水平”" in message
    assert "新话题“百模大战”(第 1 个话题)含 6 段发言" in message
    assert Topic.objects.get(number=1).title == "百模大战"
    assert LogEntry.objects.filter(action_flag=CHANGE, object_id=str(part(2).pk)).exists()
    assert LogEntry.objects.filter(action_flag=ADDITION, object_repr="百模大战").exists()


def test_a_wrong_title_is_shown_on_the_form_and_changes_nothing(event, admin_client):
    response = admin_client.post(split_url(part(2)), {"topic_title": "行业现象"})
    assert response.status_code == 200
    assert "“行业现象”不是部分标题“现状:行业现象与技术水平百模大战”的结尾" in (
        response.content.decode()
    )
    assert part(2).title == PART_2 and event.topics.count() == 9


def test_only_editors_who_may_change_topics_and_quotes_can_split(event, client):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(viewer)
    assert client.get(split_url(part(2))).status_code == 403
    assert client.post(split_url(part(2)), {"topic_title": "百模大战"}).status_code == 403
    assert part(2).title == PART_2
