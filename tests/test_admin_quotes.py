"""The quote admin as editors use it: find quotes by filters, accept tag suggestions, change tags,
apply suggestions and (un)publish in bulk, each bulk change shown first and made only once
confirmed, and every change visible on the public site at once."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from transcripts.models import Quote, Speaker, TagAlias

from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/transcripts/quote/"
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
TAGGED = {7, 9, 12, 13, 20, 33, 35, 36, 37, 38, 52, 53, 54, 60, 64, 65, 67, 68, 69, 70}


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


def quote(number: int) -> Quote:
    return Quote.objects.get(event__slug="da-mo-xing-xun-lian-he-jin-hua-zhi-lu", number=number)


def tags_of(number: int) -> set[str]:
    return set(quote(number).tags.names())


def listed(client, query: str = "") -> set[int]:
    """The quote numbers the changelist shows for these filters (all on one page)."""
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return {q.number for q in response.context["cl"].result_list}


def public_tags(client, number: int) -> list[str]:
    html = client.get(f"{EVENT}q/{number}/").content.decode()
    found = re.search(r'<ul class="tags">(.*?)</ul>', html, flags=re.S)
    return re.findall(r">([^<>]+)</a>", found.group(1)) if found else []


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def run_action(client, action: str, numbers, **data):
    """POST an action from the changelist (the first step) or from its own page (`step`)."""
    payload = {"action": action, "_selected_action": [quote(n).pk for n in numbers], **data}
    if "step" not in data:
        payload["index"] = "0"  # the changelist's action bar sends the index of its button
    return client.post(CHANGELIST, payload, follow="step" in data)


# The changelist --------------------------------------------------------------------------------


def test_filters_find_the_right_quotes(admin_client):
    assert len(listed(admin_client)) == 70
    assert listed(admin_client, "?tagged=no") == set(range(1, 71)) - TAGGED
    assert listed(admin_client, "?tagged=yes") == TAGGED
    hallucination = Tag.objects.get(name="幻觉")
    assert listed(admin_client, f"?tags__id__exact={hallucination.pk}") == {35, 36, 37, 38, 60}
    zhang = Speaker.objects.get(name="张俊林")
    zhang_quotes = {9, 11, 19, 26, 29, 35, 37, 45, 48, 53, 58, 61, 67}
    assert listed(admin_client, f"?speaker__id__exact={zhang.pk}") == zhang_quotes
    untagged = {11, 19, 26, 29, 45, 48, 58, 61}
    assert listed(admin_client, f"?speaker__id__exact={zhang.pk}&tagged=no") == untagged
    assert listed(admin_client, "?published__exact=0") == set()


def test_search_finds_chinese_text_and_speaker_names(admin_client):
    assert listed(admin_client, "?q=幻觉") == {n for n in range(1, 71) if "幻觉" in quote(n).text}
    assert len(listed(admin_client, "?q=张俊林")) == 13


def test_each_row_shows_speaker_tags_publication_and_a_preview(admin_client):
    html = admin_client.get(CHANGELIST + "?tagged=yes").content.decode()
    for label in ("活动", "发言人", "部分", "话题", "标签", "公开", "发言"):
        assert f">{label}</a>" in html or f">{label}</span>" in html, label
    rows = re.findall(r"<tr>.*?</tr>", html[html.find("<tbody>") :], flags=re.S)
    (row,) = [row for row in rows if "我先谈谈刚才的问题" in row]  # quote 9
    assert "AGI、强化学习、算力、通用人工智能" in row  # its tags, sorted
    assert "张俊林" in row and "…" in row  # a preview: the first 60 characters


def test_parts_and_topics_are_offered_once_an_event_is_chosen(admin_client):
    html = admin_client.get(CHANGELIST).content.decode()
    assert 'data-filter-title="发言人"' in html and 'data-filter-title="标签情况"' in html
    assert 'data-filter-title="部分"' not in html and 'data-filter-title="话题"' not in html
    event = Quote.objects.first().event
    html = admin_client.get(f"{CHANGELIST}?event__id__exact={event.pk}").content.decode()
    assert 'data-filter-title="部分"' in html and 'data-filter-title="话题"' in html
    assert "Q1 " in html  # the audience questions are topics of this event


def test_the_changelist_runs_a_fixed_number_of_queries(admin_client):
    """No query per row: speakers, parts, topics come joined, tags prefetched."""

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(queries)

    demo = measure()
    make_event(quotes=300, slug="big")  # a full page of 100 rows with tags
    # session, user, events (filter), speakers with quotes (filter), tags (filter), count,
    # full count, one page of quotes with event/speaker/part/topic, their tags (prefetch)
    assert (demo, measure()) == (9, 9)


# Suggestions on the change page ----------------------------------------------------------------


def accept(client, number: int, tag: str):
    return client.post(f"{CHANGELIST}{quote(number).pk}/accept-tag/", {"tag": tag}, follow=True)


def test_the_change_page_lists_suggestions_known_tags_first(admin_client):
    html = admin_client.get(f"{CHANGELIST}{quote(66).pk}/change/").content.decode()
    panel = html[html.find('id="tag-suggestions-heading"') : html.find("</section>")]
    items = re.findall(r"<li><form.*?</li>", panel, flags=re.S)
    suggested = [
        (re.search(r'name="tag" value="([^"]+)"', item).group(1), ">新</span>" in item)
        for item in items
    ]
    assert len(suggested) == 8
    assert suggested[0] == ("通用人工智能", False)  # an existing tag, first and not "new"
    assert all(new for _, new in suggested[1:])  # 人工智能, ChatGPT...: new tags
    assert "人工智能" in dict(suggested)
    assert f'action="{CHANGELIST}{quote(66).pk}/accept-tag/"' in panel
    assert panel.count('name="csrfmiddlewaretoken"') == 8


def test_accepting_a_suggestion_tags_the_quote_on_the_public_site(admin_client, client):
    assert public_tags(client, 66) == []
    client.get(f"{EVENT}?tag=通用人工智能")  # the event page is cached before the change
    response = accept(admin_client, 66, "通用人工智能")
    assert response.redirect_chain[-1][0] == f"{CHANGELIST}{quote(66).pk}/change/"
    assert "已加上标签「通用人工智能」。" in messages_of(response)
    assert public_tags(client, 66) == ["通用人工智能"]
    assert 'data-quote="66"' in client.get(f"{EVENT}?tag=通用人工智能").content.decode()
    # it is no longer suggested
    html = response.content.decode()
    assert 'name="tag" value="通用人工智能"' not in html


def test_accepting_a_new_keyword_creates_the_tag(admin_client, client):
    assert not Tag.objects.filter(name="隐私").exists()
    response = accept(admin_client, 45, "隐私")
    assert "已加上标签「隐私」。" in messages_of(response)
    assert public_tags(client, 45) == ["隐私"]
    assert client.get("/tags/隐私/").status_code == 200


def test_accepting_an_alias_gives_its_tag(admin_client):
    TagAlias.objects.create(tag=Tag.objects.get(name="通用人工智能"), name="强人工智能")
    accept(admin_client, 66, "强人工智能")
    assert tags_of(66) == {"通用人工智能"}


def test_the_history_records_the_accepted_tag(admin_client):
    accept(admin_client, 66, "通用人工智能")
    entry = LogEntry.objects.get(object_id=str(quote(66).pk))
    assert entry.is_change() and entry.user.username == "admin"
    assert "通用人工智能" in entry.get_change_message()
    history = admin_client.get(f"{CHANGELIST}{quote(66).pk}/history/").content.decode()
    assert "采纳标签建议:加上「通用人工智能」" in history


def test_accepting_a_tag_the_quote_has_changes_nothing(admin_client):
    response = accept(admin_client, 38, "幻觉")
    assert "这段发言已经有标签「幻觉」。" in messages_of(response)
    assert not LogEntry.objects.exists()


def test_accept_only_by_post(admin_client):
    response = admin_client.get(f"{CHANGELIST}{quote(66).pk}/accept-tag/?tag=通用人工智能")
    assert response.status_code == 405
    assert tags_of(66) == set()


def test_a_post_without_csrf_token_is_refused(admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    url = f"{CHANGELIST}{quote(66).pk}/accept-tag/"
    assert browser.post(url, {"tag": "通用人工智能"}).status_code == 403
    unpublish = {"action": "unpublish", "_selected_action": [quote(5).pk], "step": "confirm"}
    assert browser.post(CHANGELIST, unpublish).status_code == 403
    assert tags_of(66) == set() and quote(5).published


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(f"{CHANGELIST}{quote(66).pk}/accept-tag/", {"tag": "通用人工智能"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert tags_of(66) == set()


def test_editors_who_may_only_view_get_no_suggestions_and_cannot_accept(client):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_quote"))
    client.force_login(viewer)
    html = client.get(f"{CHANGELIST}{quote(66).pk}/change/").content.decode()
    assert "标签建议" not in html
    response = client.post(f"{CHANGELIST}{quote(66).pk}/accept-tag/", {"tag": "通用人工智能"})
    assert response.status_code == 403
    assert tags_of(66) == set()


# Bulk: add or remove tags ----------------------------------------------------------------------


def test_changing_tags_asks_then_confirms_then_changes(admin_client, client):
    before = {n: tags_of(n) for n in (35, 36, 45)}
    form = run_action(admin_client, "change_tags", [35, 36, 45])
    assert form.status_code == 200 and "加上这些标签" in form.content.decode()
    assert {n: tags_of(n) for n in before} == before

    data = {"add": "大模型、企业", "remove": "幻觉", "step": "preview"}
    confirm = run_action(admin_client, "change_tags", [35, 36, 45], **data)
    html = confirm.content.decode()
    assert "确认后将修改 <strong>3</strong> 段发言的标签" in html
    assert "将新建标签:企业、大模型" in html
    assert {n: tags_of(n) for n in before} == before
    assert not Tag.objects.filter(name="大模型").exists()  # nothing is created before confirming

    done = run_action(admin_client, "change_tags", [35, 36, 45], **{**data, "step": "confirm"})
    assert "已修改 3 段发言的标签。" in messages_of(done)
    assert tags_of(35) == tags_of(36) == tags_of(45) == {"大模型", "企业"}
    assert sorted(public_tags(client, 35)) == ["企业", "大模型"]
    assert LogEntry.objects.filter(change_message__contains="去掉「幻觉」").count() == 2


def test_only_quotes_that_change_are_counted(admin_client):
    data = {"add": "幻觉", "remove": "", "step": "confirm"}
    done = run_action(admin_client, "change_tags", [35, 36, 45], **data)
    assert "已修改 1 段发言的标签。" in messages_of(done)  # 35 and 36 had it already
    assert tags_of(45) == {"幻觉"}


def test_an_alias_typed_in_the_form_adds_its_tag_once(admin_client):
    quote(1).tags.add("大模型")
    TagAlias.objects.create(tag=Tag.objects.get(name="大模型"), name="LLM")
    data = {"add": "llm, 大模型", "remove": "", "step": "preview"}
    html = run_action(admin_client, "change_tags", [2], **data).content.decode()
    assert "<td>大模型</td>" in html and "将新建标签" not in html
    run_action(admin_client, "change_tags", [2], **{**data, "step": "confirm"})
    assert tags_of(2) == {"大模型"}
    assert Tag.objects.filter(name__iexact="llm").count() == 0


def test_removing_an_unknown_tag_is_explained(admin_client):
    data = {"add": "", "remove": "没有的标签", "step": "preview"}
    response = run_action(admin_client, "change_tags", [35], **data)
    assert "没有这些标签:没有的标签" in response.content.decode()
    response = run_action(admin_client, "change_tags", [35], add="!!!", remove="", step="preview")
    assert "「!!!」里没有可以用在网址里的字符" in response.content.decode()
    response = run_action(admin_client, "change_tags", [35], add="", remove="", step="preview")
    assert "请填写要加上或要去掉的标签。" in response.content.decode()
    assert tags_of(35) == {"幻觉"}


# Bulk: apply top suggestions -------------------------------------------------------------------


def test_apply_suggestions_previews_then_applies_what_stays_ticked(admin_client, client):
    preview = run_action(admin_client, "apply_suggestions", [45, 66])
    rows = {row["quote"].number: row["suggestions"] for row in preview.context["rows"]}
    assert {n: len(s) for n, s in rows.items()} == {45: 3, 66: 3}
    assert rows[66][0].name == "通用人工智能" and rows[66][0].known
    assert f'value="{quote(66).pk}:通用人工智能" checked' in preview.content.decode()
    assert tags_of(45) == tags_of(66) == set()  # a preview changes nothing

    ticked = re.findall(r'name="accept" value="([^"]+)" checked', preview.content.decode())
    unticked = f"{quote(45).pk}:{rows[45][2].name}"
    accepted = [value for value in ticked if value != unticked]
    done = run_action(admin_client, "apply_suggestions", [45, 66], step="confirm", accept=accepted)
    assert "已为 2 段发言加上 5 个标签。" in messages_of(done)
    assert tags_of(45) == {s.name for s in rows[45][:2]}
    assert tags_of(66) == {s.name for s in rows[66]}
    assert "通用人工智能" in public_tags(client, 66)


# Bulk: publish and unpublish -------------------------------------------------------------------


def test_unpublishing_asks_first_then_hides_the_quotes(admin_client, client):
    assert 'data-quote="5"' in client.get(EVENT).content.decode()  # cached now
    confirm = run_action(admin_client, "unpublish", [5, 6])
    assert "确认后将取消发布 <strong>2</strong> 段发言" in confirm.content.decode()
    assert quote(5).published and quote(6).published

    done = run_action(admin_client, "unpublish", [5, 6], step="confirm")
    assert "已取消发布 2 段发言。" in messages_of(done)
    html = client.get(EVENT).content.decode()
    assert 'data-quote="5"' not in html and 'data-quote="6"' not in html
    assert 'data-quote="7"' in html
    assert client.get(f"{EVENT}q/5/").status_code == 404
    assert LogEntry.objects.filter(change_message="取消发布(批量操作)").count() == 2


def test_publishing_again_counts_what_was_already_public(admin_client, client):
    run_action(admin_client, "unpublish", [5, 6], step="confirm")
    done = run_action(admin_client, "publish", [5, 6, 7], step="confirm")
    assert "已发布 2 段发言。另有 1 段已经公开,没有改动。" in messages_of(done)
    assert client.get(f"{EVENT}q/5/").status_code == 200


def test_tags_typed_in_the_bulk_action_are_cleaned_like_every_other_way_in(admin_client):
    """A zero-width character typed (or pasted) into a tag name does not make a look-alike."""
    run_action(admin_client, "change_tags", [35], add="幻\u200b觉", remove="", step="confirm")
    assert tags_of(35) == {"幻觉"}
