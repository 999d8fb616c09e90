"""Tag management: renaming, merging, deleting unused tags and aliases, from the service and from
the admin. Old tag URLs keep working (301), search follows the new names, and every change is in
the admin history."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from transcripts import tagging
from transcripts.filters import QuoteFilters
from transcripts.models import Event, Quote, TagAlias, TaggedQuote, TagRedirect
from transcripts.search.service import quote_search

from .conftest import contains_whole
from .factories import import_demo

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/taggit/tag/"
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"


@pytest.fixture(autouse=True)
def demo():
    cache.clear()
    return import_demo()


def tag(name: str) -> Tag:
    return Tag.objects.get(name=name)


def numbers(tag_or_name) -> list[int]:
    quotes = Quote.objects.filter(tags__name=str(tag_or_name)).order_by("number")
    return list(quotes.values_list("number", flat=True))


def ranked(query: str) -> list[int]:
    return [hit.quote.number for hit in quote_search(query, page_size=200).hits]


def tag_url(slug: str) -> str:
    return reverse("tag-detail", args=[slug])


# Renaming --------------------------------------------------------------------------------------


def test_renaming_keeps_the_quotes_and_the_old_url_redirects(client):
    tagged = numbers("幻觉")
    renamed = tagging.rename_tag(tag=tag("幻觉"), new_name="模型幻觉")
    assert renamed.tag.slug == "模型幻觉" and renamed.quotes == len(tagged) == 5
    assert numbers("模型幻觉") == tagged
    assert not Tag.objects.filter(name="幻觉").exists()

    response = client.get("/tags/幻觉/?page=2")
    assert response.status_code == 301
    assert response["Location"] == tag_url("模型幻觉") + "?page=2"  # the query string is kept
    english = client.get("/en/tags/幻觉/")
    assert english.status_code == 301 and english["Location"].startswith("/en/tags/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert len(re.findall(r'data-quote="(\d+)"', page.content.decode())) == 5


def test_an_unknown_tag_slug_is_still_404(client):
    assert client.get("/tags/没有这个标签/").status_code == 404


def test_renaming_twice_keeps_both_old_urls(client):
    tagging.rename_tag(tag=tag("算力"), new_name="计算资源")
    tagging.rename_tag(tag=tag("计算资源"), new_name="GPU")
    for old in ("算力", "计算资源"):
        response = client.get(f"/tags/{old}/")
        assert (response.status_code, response["Location"]) == (301, tag_url("gpu"))


def test_renaming_to_a_name_in_use_is_refused_with_a_hint_to_merge():
    with pytest.raises(tagging.TagError, match="合并"):
        tagging.rename_tag(tag=tag("幻觉"), new_name="agi")  # names compare case-insensitively
    assert numbers("幻觉") == [35, 36, 37, 38, 60]
    assert not TagRedirect.objects.exists()


def test_renaming_updates_search_and_the_cached_event_page(client):
    """The new name is in the index metadata: a quote carrying the tag climbs for that word."""
    assert "推荐系统" in client.get(EVENT).content.decode()  # now cached
    before = ranked("数据")
    assert before.index(53) > 0
    tagging.rename_tag(tag=tag("推荐系统"), new_name="数据")
    after = ranked("数据")
    assert sorted(after) == sorted(before)
    assert after.index(53) < before.index(53)
    found = quote_search("数据", QuoteFilters(tag="数据"))
    assert [hit.quote.number for hit in found.hits] == [53]
    html = client.get(EVENT).content.decode()
    assert ">数据</a>" in html and ">推荐系统</a>" not in html


# Merging ---------------------------------------------------------------------------------------


def test_merging_agi_into_its_chinese_name():
    agi = tag("AGI")
    assert agi.slug == "agi"
    target = tag("通用人工智能")
    merged = tagging.merge_tags(sources=[agi], target=target)
    assert merged.quotes == 5 and merged.sources == ("AGI",)
    assert not Tag.objects.filter(name="AGI").exists()
    assert numbers("通用人工智能") == [9, 67, 68, 69, 70]
    assert TaggedQuote.objects.filter(tag=target).count() == 5  # once per quote
    assert list(target.aliases.values_list("name", flat=True)) == ["AGI"]


def test_a_merged_tag_url_redirects_to_the_target(client):
    tagging.merge_tags(sources=[tag("AGI")], target=tag("通用人工智能"))
    response = client.get("/tags/agi/")
    assert (response.status_code, response["Location"]) == (301, tag_url("通用人工智能"))


def test_merging_moves_quotes_aliases_redirects_and_event_tags_to_a_new_tag(client):
    event = Event.objects.get()
    event.tags.add("算力")
    tagging.add_alias(tag=tag("算力"), name="compute")
    tagging.rename_tag(tag=tag("开源"), new_name="开放源代码")  # /tags/开源/ → 开放源代码
    merged = tagging.merge_tags(sources=[tag("算力"), tag("开放源代码")], target="基础设施")
    assert merged.created and merged.quotes == 5
    assert numbers("基础设施") == [9, 13, 20, 64, 65]
    assert list(event.tags.names()) == ["基础设施"]
    aliases = set(TagAlias.objects.filter(tag__name="基础设施").values_list("name", flat=True))
    assert aliases == {"compute", "算力", "开放源代码"}
    for old in ("算力", "开源", "开放源代码"):
        response = client.get(f"/tags/{old}/")
        assert (response.status_code, response["Location"]) == (301, tag_url("基础设施"))


def test_merging_a_tag_into_itself_is_refused():
    with pytest.raises(tagging.TagError):
        tagging.merge_tags(sources=[tag("幻觉")], target=tag("幻觉"))
    assert numbers("幻觉") == [35, 36, 37, 38, 60]


# Deleting and aliases --------------------------------------------------------------------------


def test_only_unused_tags_are_deleted():
    Tag.objects.create(name="没人用")
    Event.objects.get().tags.add("活动专用")  # on the event only: in use
    asked = [tag("没人用"), tag("幻觉"), tag("活动专用")]
    result = tagging.delete_unused_tags(tags=asked)
    assert result.deleted == ("没人用",)
    assert set(result.kept) == {"幻觉", "活动专用"}
    assert set(Tag.objects.values_list("name", flat=True)) >= {"幻觉", "活动专用"}
    assert not Tag.objects.filter(name="没人用").exists()


def test_an_alias_cannot_repeat_a_tag_name_or_an_alias():
    tagging.add_alias(tag=tag("通用人工智能"), name="Artificial General Intelligence")
    with pytest.raises(tagging.TagError, match="标签"):
        tagging.add_alias(tag=tag("通用人工智能"), name="agi")
    with pytest.raises(tagging.TagError, match="别名"):
        tagging.add_alias(tag=tag("幻觉"), name="artificial general intelligence")
    assert TagAlias.objects.count() == 1


# The admin -------------------------------------------------------------------------------------


def rows(html: str) -> dict[str, str]:
    """Changelist rows by tag name: the row's HTML."""
    found = re.findall(r'<tr>.*?<th class="field-name"><a [^>]*>([^<]+)</a></th>(.*?)</tr>', html)
    return dict(found)


def test_the_changelist_shows_usage_counts_and_sorts_by_them(admin_client):
    html = admin_client.get(CHANGELIST).content.decode()
    table = rows(html)
    assert len(table) == 8
    assert '<td class="field-quote_count">5</td>' in table["幻觉"]
    assert '<td class="field-quote_count">1</td>' in table["开源"]
    most_used_last = list(rows(admin_client.get(CHANGELIST + "?o=3").content.decode()))
    assert most_used_last[0] == "开源" and most_used_last[-1] in {"AGI", "幻觉", "通用人工智能"}


def test_the_changelist_searches_chinese_names_and_aliases(admin_client):
    tagging.add_alias(tag=tag("幻觉"), name="hallucination")
    assert list(rows(admin_client.get(CHANGELIST, {"q": "幻觉"}).content.decode())) == ["幻觉"]
    found = admin_client.get(CHANGELIST, {"q": "halluc"}).content.decode()
    assert list(rows(found)) == ["幻觉"] and "hallucination" in found


def select(*names: str) -> list[str]:
    return [str(tag(name).pk) for name in names]


def test_merge_action_asks_for_confirmation_first(admin_client):
    response = admin_client.post(
        CHANGELIST, {"action": "merge_selected", "_selected_action": select("AGI", "通用人工智能")}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "确认合并" in html and "csrfmiddlewaretoken" in html
    # what moving AGI into it would do: 5 quotes, all of them already tagged with both
    assert "通用人工智能:移入 5 条发言,其中 0 条原本没有这个标签" in html
    assert Tag.objects.filter(name="AGI").exists()  # nothing merged yet
    assert not LogEntry.objects.exists()


def test_confirming_the_merge_moves_the_quotes_and_says_so(admin_client, client):
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            "_selected_action": select("AGI", "通用人工智能"),
            "target": tag("通用人工智能").pk,
            "confirm": "yes",
        },
        follow=True,
    )
    html = response.content.decode()
    assert contains_whole(html, "5 条发言已移到标签「通用人工智能」(并入:AGI)")
    assert "AGI" not in rows(html) and "AGI" in rows(html)["通用人工智能"]  # now an alias
    assert numbers("通用人工智能") == [9, 67, 68, 69, 70]
    assert client.get("/tags/agi/").status_code == 301
    history = admin_client.get(CHANGELIST + f"{tag('通用人工智能').pk}/history/")
    assert "AGI 并入此标签" in history.content.decode()


def test_merging_into_a_typed_new_name(admin_client):
    selected = select("算力", "开源")
    confirmation = admin_client.post(
        CHANGELIST, {"action": "merge_selected", "_selected_action": selected}
    ).content.decode()
    assert "所有 5 条发言都会移入" in confirmation
    response = admin_client.post(
        CHANGELIST,
        {"action": "merge_selected", "_selected_action": selected, "new_name": "基础设施"},
        follow=True,
    )
    assert "确认合并" in response.content.decode()  # no "confirm": still only the question
    response = admin_client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            "_selected_action": selected,
            "new_name": "基础设施",
            "confirm": "yes",
        },
        follow=True,
    )
    assert contains_whole(response.content.decode(), "5 条发言已移到标签「基础设施」")
    assert numbers("基础设施") == [9, 13, 20, 64, 65]


def test_a_merge_without_a_target_is_explained_and_changes_nothing(admin_client):
    response = admin_client.post(
        CHANGELIST,
        {"action": "merge_selected", "_selected_action": select("AGI", "幻觉"), "confirm": "yes"},
    )
    assert "请选择一个目标标签,或者填写一个新名称" in response.content.decode()
    assert numbers("AGI") and numbers("幻觉")


def test_delete_unused_action_keeps_tags_in_use_and_says_which(admin_client):
    Tag.objects.create(name="没人用")
    response = admin_client.post(
        CHANGELIST,
        {"action": "delete_unused", "_selected_action": select("没人用", "开源")},
        follow=True,
    )
    html = response.content.decode()
    assert "已删除 1 个未使用的标签:没人用" in html
    assert "这些标签仍在使用,没有删除:开源(1 条发言" in html
    assert not Tag.objects.filter(name="没人用").exists() and numbers("开源") == [13]
    assert LogEntry.objects.get().object_repr == "没人用"


def test_the_bulk_delete_of_tags_in_use_is_not_offered(admin_client):
    html = admin_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="merge_selected"' in html and 'value="delete_unused"' in html


def change(admin_client, tag: Tag, name: str):
    return admin_client.post(
        CHANGELIST + f"{tag.pk}/change/",
        {"name": name, "aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0},
        follow=True,
    )


def test_renaming_in_the_change_form_records_a_redirect_and_history(admin_client, client):
    hallucination = tag("幻觉")
    change(admin_client, hallucination, "模型幻觉")
    assert numbers("模型幻觉") == [35, 36, 37, 38, 60]
    assert client.get("/tags/幻觉/")["Location"] == tag_url("模型幻觉")
    history = admin_client.get(CHANGELIST + f"{hallucination.pk}/history/").content.decode()
    assert "改名:「幻觉」→「模型幻觉」" in history
    redirects = admin_client.get("/admin/transcripts/tagredirect/").content.decode()
    assert "幻觉" in redirects and "模型幻觉" in redirects


def test_renaming_to_a_name_in_use_shows_an_error_in_the_form(admin_client):
    html = change(admin_client, tag("幻觉"), "AGI").content.decode()
    assert "已有标签「AGI」" in html and "合并" in html
    assert numbers("幻觉") == [35, 36, 37, 38, 60] and not TagRedirect.objects.exists()


def test_an_alias_equal_to_a_tag_name_is_refused_in_the_inline(admin_client):
    response = admin_client.post(
        CHANGELIST + f"{tag('通用人工智能').pk}/change/",
        {
            "name": "通用人工智能",
            "aliases-TOTAL_FORMS": 1,
            "aliases-INITIAL_FORMS": 0,
            "aliases-0-name": "agi",
        },
    )
    assert "已是一个标签的名称" in response.content.decode()
    assert not TagAlias.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    posted = client.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            "_selected_action": select("AGI", "通用人工智能"),
            "target": tag("通用人工智能").pk,
            "confirm": "yes",
        },
    )
    assert posted.status_code == 302 and posted["Location"].startswith("/admin/login/")
    assert Tag.objects.filter(name="AGI").exists()


def test_a_merge_without_csrf_token_is_rejected(admin_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    response = browser.post(
        CHANGELIST,
        {
            "action": "merge_selected",
            "_selected_action": select("AGI", "通用人工智能"),
            "target": tag("通用人工智能").pk,
            "confirm": "yes",
        },
    )
    assert response.status_code == 403
    assert Tag.objects.filter(name="AGI").exists() and numbers("AGI") == [9, 67, 68, 69, 70]


def test_deleting_a_tag_in_use_from_the_admin_untags_its_quotes_everywhere(admin_client, client):
    before = ranked("数据")
    tagging.rename_tag(tag=tag("推荐系统"), new_name="数据")
    assert ranked("数据") != before
    data = tag("数据")
    response = admin_client.post(CHANGELIST + f"{data.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200 and not Tag.objects.filter(name="数据").exists()
    assert ranked("数据") == before  # the index forgot the tag too
    assert client.get("/tags/数据/").status_code == 404
    assert ">数据</a>" not in client.get(EVENT).content.decode()
    assert LogEntry.objects.get().object_repr == "数据"


# Names cleaned at every door (issue 12) ---------------------------------------------------------


def change_form_data(admin_client, url: str) -> dict:
    """What the change form at `url` posts back unchanged (inline formsets empty)."""
    context = admin_client.get(url).context
    form = context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None and name != "tags":
            data[name] = value
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    return data


def test_typing_punctuation_in_a_quote_s_tags_box_is_a_form_error(admin_client, client):
    """Before: `!!!` made a tag with an empty slug, and /tags/, the sitemap and the API 500ed."""
    quote = Quote.objects.get(number=1)
    url = f"/admin/transcripts/quote/{quote.pk}/change/"
    data = change_form_data(admin_client, url)
    for typed in ("!!!", "\u202e", "幻觉, !!!"):
        response = admin_client.post(url, data | {"tags": typed})
        assert response.status_code == 200, typed  # the form again, with the error
        assert "没有可以用在网址里的字符" in response.content.decode() or "不能为空" in (
            response.content.decode()
        ), typed
    assert not Tag.objects.filter(slug="").exists() and not Tag.objects.filter(name="!!!")
    cache.clear()
    for page in ("/tags/", "/sitemap.xml", "/api/tags"):
        assert client.get(page).status_code == 200, page


def test_the_tags_box_cleans_names_and_reads_an_alias_as_its_tag(admin_client):
    tagging.add_alias(tag=tag("幻觉"), name="hallucination")
    quote = Quote.objects.get(number=1)
    url = f"/admin/transcripts/quote/{quote.pk}/change/"
    tags = Tag.objects.count()
    data = change_form_data(admin_client, url)
    response = admin_client.post(url, data | {"tags": "AGI\u200b, Hallucination, ＡＩ"})
    assert response.status_code == 302
    assert sorted(quote.tags.names()) == ["AGI", "AI", "幻觉"]
    assert Tag.objects.count() == tags + 1  # AI; no look-alike AGI, no tag for the alias


def test_a_tag_named_only_with_invisible_characters_is_refused_in_the_tag_form(admin_client):
    response = admin_client.post(
        "/admin/taggit/tag/add/",
        {"name": "\u200b\u202e", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200 and "不能为空" in response.content.decode()
    assert tagging.tag_name_problem("AGI") and not tagging.tag_name_problem("AGI 2")


def test_a_tag_only_on_hidden_quotes_or_drafts_is_as_unknown_as_no_tag(client):
    """Before: 200 with an empty list, where an unknown tag answers 404."""
    assert client.get(tag_url("幻觉")).status_code == 200
    for quote in Quote.objects.filter(tags__name="幻觉"):
        quote.published = False
        quote.save()
    cache.clear()
    assert client.get(tag_url("幻觉")).status_code == 404
    Quote.objects.filter(tags__name="幻觉").update(published=True)
    Event.objects.update(published=False)
    cache.clear()
    assert client.get(tag_url("幻觉")).status_code == 404
