"""The editors' workbench (transcripts/admin/workbench.py): the page, each operation's effect and
the fragment it answers with, errors as a 422 with a Chinese message, permissions."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse

from transcripts.event_import import event_import
from transcripts.models import Event, Quote, QuoteRedirect, Section, Speaker, Topic
from transcripts.roles import make_editor

from .factories import import_demo, recorded_transcript

pytestmark = pytest.mark.django_db

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"


@pytest.fixture(autouse=True)
def demo() -> Event:
    cache.clear()
    return import_demo()


@pytest.fixture
def editor(client) -> User:
    user = User.objects.create_user("bianji", password="pw", is_staff=True)
    make_editor(user)
    client.force_login(user)
    return user


def q(number: int, slug: str = SLUG) -> Quote:
    return Quote.objects.get(event__slug=slug, number=number)


def page_url(event: Event) -> str:
    return reverse("admin:transcripts_event_workbench", args=[event.pk])


def op(client, quote: Quote, operation: str, **data):
    url = f"{page_url(quote.event)}q/{quote.pk}/{operation}/"
    return client.post(url, data, headers={"HX-Request": "true"})


def focus_of(response) -> int:
    return json.loads(response["HX-Trigger-After-Settle"])["wb:focus"]["quote"]


# The page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_transcript_as_readers_see_it(client, editor, demo):
    response = client.get(page_url(demo))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="quote wb-quote"') == 70
    assert html.count('class="part"') == Section.objects.filter(event=demo).count()
    assert 'id="q-44"' in html and q(44).text[:20] in html
    assert "hx-headers" in html and "X-CSRFToken" in html
    assert "<script>" not in html and " onclick=" not in html  # the CSP allows no inline code


def test_the_page_reads_a_fixed_number_of_queries(client, editor, demo, django_assert_num_queries):
    """Session, user, the user's and the group's permissions; the event, its participations,
    parts, topics, quotes and quote tags: 10, whatever the size of the event (next test)."""
    client.get(page_url(demo))  # warm: content types
    with django_assert_num_queries(10):
        client.get(page_url(demo))


def test_the_event_change_page_links_to_the_workbench(client, editor, demo):
    html = client.get(reverse("admin:transcripts_event_change", args=[demo.pk])).content.decode()
    assert f'href="{page_url(demo)}">编辑稿件</a>' in html


def test_anonymous_readers_go_to_the_login_page(client, demo):
    response = client.get(page_url(demo))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_quote_rights_are_refused(client, demo):
    user = User.objects.create_user("gongzuo", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(page_url(demo)).status_code == 403
    assert op(client, q(3), "text", text="改掉").status_code == 403
    assert q(3).text != "改掉"


# Quotes ------------------------------------------------------------------------------------------


def test_editing_a_quote_answers_with_its_block(client, editor):
    quote = q(5)
    response = op(client, quote, "text", text="新的文字，改好了。")
    html = response.content.decode()
    assert response.status_code == 200
    assert q(5).text == "新的文字，改好了。"
    assert f'id="wb-q-{quote.pk}"' in html and "新的文字，改好了。" in html
    assert response["HX-Retarget"] == f"#wb-q-{quote.pk}"
    assert "已保存第 5 段发言" in html
    assert focus_of(response) == quote.pk


def test_an_empty_text_is_a_422_with_a_message(client, editor):
    before = q(5).text
    response = op(client, q(5), "text", text="   ")
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#wb-status"
    assert "errornote" in response.content.decode()
    assert q(5).text == before


def test_splitting_keeps_the_number_and_gives_the_second_half_a_new_one(client, editor):
    quote = q(10)
    text = quote.text
    response = op(client, quote, "split", at="6")
    assert response.status_code == 200, response.content.decode()
    first = q(10)
    second = Quote.objects.get(event=first.event, position=first.position + 1)
    assert first.text == text[:6].strip() and second.text.strip() == text[6:].strip()
    assert second.number > 70
    html = response.content.decode()
    assert f'id="wb-q-{first.pk}"' in html and f'id="wb-q-{second.pk}"' in html
    assert focus_of(response) == second.pk


def test_a_split_at_the_end_is_refused(client, editor):
    quote = q(10)
    response = op(client, quote, "split", at=str(len(quote.text)))
    assert response.status_code == 422
    assert "光标" in response.content.decode()


def mergeable() -> tuple[Quote, Quote]:
    """A quote and the one before it, under the same headings."""
    quotes = list(Quote.objects.filter(event__slug=SLUG).order_by("position"))
    return next(
        (b, a)
        for a, b in pairwise(quotes)
        if (a.section_id, a.topic_id) == (b.section_id, b.topic_id)
    )


def test_merging_joins_the_previous_and_redirects_the_number(client, editor):
    quote, previous = mergeable()
    response = op(client, quote, "merge")
    assert response.status_code == 200, response.content.decode()
    assert not Quote.objects.filter(pk=quote.pk).exists()
    redirect = QuoteRedirect.objects.get(event=previous.event, number=quote.number)
    assert redirect.target_id == previous.pk
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#wb-q-{previous.pk}"
    assert f'<div id="wb-q-{quote.pk}" hx-swap-oob="delete">' in html
    assert focus_of(response) == previous.pk


def test_merging_the_first_quote_is_refused(client, editor):
    response = op(client, q(1), "merge")
    assert response.status_code == 422


def test_reassigning_to_an_existing_speaker(client, editor):
    liu = Speaker.objects.get(slug="liuzhiyuan")
    response = op(client, q(44), "reassign", speaker=str(liu.pk))
    assert response.status_code == 200, response.content.decode()
    assert q(44).speaker == liu
    assert "刘知远" in response.content.decode()


def test_reassigning_to_a_new_person(client, editor):
    response = op(client, q(44), "reassign", name="王小明")
    assert response.status_code == 200, response.content.decode()
    assert q(44).speaker.name == "王小明"


def test_reassigning_every_quote_of_a_label(client, editor):
    old = q(44).speaker
    count = Quote.objects.filter(speaker=old).count()
    response = op(client, q(44), "reassign", name="张某", scope="label")
    assert response.status_code == 200, response.content.decode()
    assert Quote.objects.filter(speaker__name="张某").count() == count
    assert response["HX-Retarget"] == "#wb-transcript"


@pytest.mark.parametrize(
    ("typed", "seconds"), [("1:23:45", 5025.0), ("12:34", 754.0), ("75.5", 75.5), ("", None)]
)
def test_setting_a_start_time(client, editor, typed, seconds):
    response = op(client, q(7), "time", time=typed)
    assert response.status_code == 200, response.content.decode()
    assert q(7).start_time == seconds


def test_a_bad_time_is_a_422(client, editor):
    response = op(client, q(7), "time", time="一点半")
    assert response.status_code == 422
    assert "1:23:45" in response.content.decode()


def test_adding_and_removing_tags(client, editor):
    response = op(client, q(3), "tag", tags="对齐，幻觉")
    assert response.status_code == 200, response.content.decode()
    assert {"对齐", "幻觉"} <= set(q(3).tags.names())
    tag = q(3).tags.get(name="对齐")
    response = op(client, q(3), "untag", tag=str(tag.pk))
    assert response.status_code == 200
    assert "对齐" not in set(q(3).tags.names())


def test_inserting_a_topic_heading(client, editor):
    response = op(client, q(20), "heading", kind="topic", title="新话题")
    assert response.status_code == 200, response.content.decode()
    assert q(20).topic.title == "新话题"
    assert "新话题" in response.content.decode()


def test_renaming_moving_and_removing_a_heading(client, editor, demo):
    topic = next(t for t in Topic.objects.filter(event=demo) if t.quotes.count() > 1)
    first = topic.quotes.order_by("position").first()
    base = f"{page_url(demo)}heading/topic/{topic.pk}/"
    assert client.post(base + "rename/", {"title": "改过的话题"}).status_code == 200
    topic.refresh_from_db()
    assert topic.title == "改过的话题"
    response = client.post(base + "move/", {"direction": "down"})
    assert response.status_code == 200, response.content.decode()
    assert topic.quotes.order_by("position").first().position == first.position + 1
    assert "标题已移到" in response.content.decode()
    assert client.post(base + "remove/").status_code == 200
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_a_heading_cannot_move_before_the_first_quote(client, editor, demo):
    first = q(1)
    section = first.section
    response = client.post(
        f"{page_url(demo)}heading/section/{section.pk}/move/", {"direction": "up"}
    )
    assert response.status_code == 422
    assert "不能再往这个方向移" in response.content.decode()


def test_a_gone_quote_is_a_404_fragment(client, editor, demo):
    response = client.post(f"{page_url(demo)}q/999999/text/", {"text": "x"})
    assert response.status_code == 404
    assert "不在了" in response.content.decode()


# Many quotes, speakers ---------------------------------------------------------------------------


def test_bulk_tagging_the_selected_quotes(client, editor, demo):
    quotes = list(Quote.objects.filter(event=demo, speaker__slug="zhangjunlin"))
    response = client.post(
        f"{page_url(demo)}bulk-tags/", {"quotes": [x.pk for x in quotes], "tags": "推荐系统"}
    )
    assert response.status_code == 200, response.content.decode()
    assert all("推荐系统" in x.tags.names() for x in quotes)
    assert f"已给 {len(quotes)} 段发言" in response.content.decode()


def test_bulk_tagging_nothing_selected_is_a_422(client, editor, demo):
    response = client.post(f"{page_url(demo)}bulk-tags/", {"tags": "推荐系统"})
    assert response.status_code == 422


def test_naming_placeholders_in_one_step(client, editor):
    event = event_import(transcript=recorded_transcript(slug="recorded")).event
    one = Speaker.objects.get(participations__event=event, name="说话人1")
    two = Speaker.objects.get(participations__event=event, name="说话人2")
    html = client.get(page_url(event)).content.decode()
    assert f'name="name-{one.pk}"' in html and f'name="name-{two.pk}"' in html
    wang = Speaker.objects.get(name="王明")
    response = client.post(
        f"{page_url(event)}speakers/",
        {f"name-{one.pk}": "李主持", f"name-{two.pk}": "王明", f"id-{two.pk}": str(wang.pk)},
    )
    assert response.status_code == 200, response.content.decode()
    names = set(Quote.objects.filter(event=event).values_list("speaker__name", flat=True))
    assert names == {"李主持", "王明"}
    assert "本场没有待命名的发言人" in response.content.decode()


def test_naming_nobody_is_a_422(client, editor):
    event = event_import(transcript=recorded_transcript(slug="recorded")).event
    assert client.post(f"{page_url(event)}speakers/", {}).status_code == 422


def test_completion_lists(client, editor):
    speakers = client.get(reverse("admin:transcripts_event_workbench_speakers"), {"q": "liu"})
    assert "刘知远" in [o["label"] for o in speakers.json()["options"]]
    op(client, q(3), "tag", tags="强化学习")
    tags = client.get(reverse("admin:transcripts_event_workbench_tags"), {"q": "强化"})
    assert "强化学习" in [o["label"] for o in tags.json()["options"]]


def test_tag_suggestions_for_a_quote(client, editor, demo):
    quote = q(44)
    response = client.get(f"{page_url(demo)}q/{quote.pk}/suggestions/")
    assert response.status_code == 200
    assert 'class="wb-suggestion"' in response.content.decode()


# The public page ---------------------------------------------------------------------------------


def test_the_public_page_links_staff_to_the_workbench_and_never_caches_it(client, editor, demo):
    html = client.get(f"/events/{SLUG}/").content.decode()
    assert f'href="{page_url(demo)}#q-44"' in html
    client.logout()
    for _ in range(2):  # rendered, then served from the page cache
        anonymous = client.get(f"/events/{SLUG}/").content.decode()
        assert "/workbench/" not in anonymous


# Import proposals --------------------------------------------------------------------------------


def test_the_proposals_panel_and_accepting_a_topic_boundary(client, editor, demo):
    html = client.get(f"{page_url(demo)}proposals/").content.decode()
    assert 'id="wb-proposals"' in html and "导入建议" in html
    quote = q(30)
    response = client.post(
        f"{page_url(demo)}accept-boundary/", {"quote": str(quote.pk), "title": "建议的话题"}
    )
    assert response.status_code == 200, response.content.decode()
    assert q(30).topic.title == "建议的话题"
    assert 'id="wb-proposals"' in response.content.decode()  # the panel, again (OOB)


def test_accepting_a_name(client, editor):
    event = event_import(transcript=recorded_transcript(slug="recorded")).event
    one = Speaker.objects.get(participations__event=event, name="说话人1")
    response = client.post(
        f"{page_url(event)}accept-name/", {"speaker": str(one.pk), "name": "李主持"}
    )
    assert response.status_code == 200, response.content.decode()
    assert set(Quote.objects.filter(event=event).values_list("speaker__name", flat=True)) == {
        "李主持",
        "说话人2",
        "王明",
    }


def test_the_page_costs_the_same_for_a_bigger_event(client, editor, django_assert_num_queries):
    from .factories import make_event

    event = make_event(quotes=300)
    client.get(page_url(event))
    with django_assert_num_queries(10):
        html = client.get(page_url(event)).content.decode()
    assert html.count('class="quote wb-quote"') == 300


def test_tag_completion_reads_aliases_as_their_tag(client, editor):
    from taggit.models import Tag

    from transcripts.models import TagAlias

    tag = Tag.objects.create(name="大模型", slug="da-mo-xing")
    TagAlias.objects.create(tag=tag, name="LLM")
    options = client.get(reverse("admin:transcripts_event_workbench_tags"), {"q": "ll"}).json()
    assert [(o["label"], o["value"]) for o in options["options"]] == [("LLM", "大模型")]
    response = op(client, q(3), "tag", tags="LLM")
    assert response.status_code == 200, response.content.decode()
    assert "大模型" in q(3).tags.names() and "LLM" not in q(3).tags.names()
