"""What editors asked of the admin (issue 14): quotes named by event, number and speaker; menus
and completion instead of id boxes, a quote's part and topic limited to its event; every help
text in Chinese; tags in the 转录稿 section; tag event counts without duplicates; "import and
publish" in one step; the import preview showing each speaker's first words."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from taggit.models import Tag

from transcripts.admin import importing
from transcripts.models import Event, Quote, QuoteRedirect, Topic
from transcripts.parsing.transcript import ParseWarning
from transcripts.roles import ensure_editor_group, make_editor

from .conftest import SEED
from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db

DEMO_SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
DEMO_TITLE = "大模型训练和进化之路"
UPLOAD = "/admin/transcripts/event/import/"
CONFIRM = "/admin/transcripts/event/import/confirm/"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def quote(number: int, slug: str = DEMO_SLUG) -> Quote:
    return Quote.objects.select_related("event", "speaker").get(event__slug=slug, number=number)


def options(html: str, name: str) -> list[str]:
    """The labels of a <select name=...>'s options (the empty choice left out)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no menu {name}"
    return [
        label.strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
        if value
    ]


def editor_client(client, **perms) -> User:
    ensure_editor_group()
    user = User.objects.create_user("editor", password="pw")
    make_editor(user)
    client.force_login(user)
    return user


# Titles ------------------------------------------------------------------------------------------


def test_a_quote_is_named_by_its_event_number_and_speaker(admin_client):
    import_demo()
    q = quote(9)
    assert str(q) == f"{DEMO_TITLE} 第 9 段 · 张俊林"
    html = admin_client.get(f"/admin/transcripts/quote/{q.pk}/change/").content.decode()
    assert f"{DEMO_TITLE} 第 9 段 · 张俊林" in html  # the page's title and breadcrumbs
    assert DEMO_SLUG + " #" not in html


def test_a_quote_redirect_is_named_by_its_event_and_numbers(admin_client):
    event = import_demo()
    redirect = QuoteRedirect.objects.create(event=event, number=99, target=quote(9))
    gone = QuoteRedirect.objects.create(event=event, number=98)
    assert str(redirect) == f"{DEMO_TITLE} 旧第 99 段 → 第 9 段"
    assert str(gone) == f"{DEMO_TITLE} 旧第 98 段 → 不再指向任何发言"
    html = admin_client.get("/admin/transcripts/quoteredirect/").content.decode()
    assert "第 9 段 · 张俊林 · " in html and "不再指向任何发言" in html


# Menus instead of id boxes -------------------------------------------------------------------


def test_a_quote_page_has_menus_of_its_own_event_not_id_boxes(admin_client):
    import_demo()
    make_event(quotes=30, slug="other", title="另一场活动")
    html = admin_client.get(f"/admin/transcripts/quote/{quote(9).pk}/change/").content.decode()
    assert "vForeignKeyRawIdAdminField" not in html
    assert re.search(r'<select name="event"[^>]*admin-autocomplete', html)
    assert re.search(r'<select name="speaker"[^>]*admin-autocomplete', html)
    parts = options(html, "section")
    assert len(parts) == 5 and parts[1].startswith("二、现状")
    topics = options(html, "topic")
    assert len(topics) == 12 and not any("话题 1-" in t for t in topics)  # none of the other's


def test_adding_a_quote_completes_parts_and_topics_as_the_editor_types(admin_client):
    html = admin_client.get("/admin/transcripts/quote/add/").content.decode()
    assert "vForeignKeyRawIdAdminField" not in html
    for name in ("event", "speaker", "section", "topic"):
        assert re.search(rf'<select name="{name}"[^>]*admin-autocomplete', html), name


def test_moving_a_quote_to_another_event_asks_for_that_events_part(admin_client):
    import_demo()
    other = make_event(quotes=30, slug="other", title="另一场活动")
    q = quote(35)
    assert q.section and q.topic
    url = f"/admin/transcripts/quote/{q.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(published="on", event=str(other.pk))  # its part and topic are still the demo's
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the errors
    errors = response.context["adminform"].form.errors
    assert errors["section"] == ["这个部分属于另一场活动，请选《另一场活动》的。"]
    assert errors["topic"] == ["这个话题属于另一场活动，请选《另一场活动》的。"]
    assert Quote.objects.get(pk=q.pk).event_id == q.event_id


def test_a_topic_page_offers_only_its_events_parts(admin_client):
    import_demo()
    make_event(quotes=30, slug="other", title="另一场活动")
    topic = Topic.objects.get(event__slug=DEMO_SLUG, number=1)
    html = admin_client.get(f"/admin/transcripts/topic/{topic.pk}/change/").content.decode()
    parts = options(html, "section")
    assert len(parts) == 5 and not any("第1部分" in p for p in parts)
    assert re.search(r'<select name="event"[^>]*admin-autocomplete', html)


def test_a_new_events_topic_rows_offer_no_other_events_parts(admin_client):
    import_demo()
    html = admin_client.get("/admin/transcripts/event/add/").content.decode()
    assert "二、现状" not in html


# Help texts ------------------------------------------------------------------------------------


def test_every_help_text_of_our_models_is_chinese():
    english = [
        f"{model.__name__}.{field.name}: {field.help_text}"
        for model in apps.get_app_config("transcripts").get_models()
        for field in model._meta.get_fields()
        if getattr(field, "help_text", "") and not CJK.search(str(field.help_text))
    ]
    assert english == []


def test_the_quote_form_labels_and_help_are_chinese(admin_client):
    import_demo()
    html = admin_client.get(f"/admin/transcripts/quote/{quote(9).pk}/change/").content.decode()
    assert "不勾选：网站、接口、订阅和搜索中都不显示" in html
    assert "unticked" not in html and "seconds into the recording" not in html


# Tags in the editors' section --------------------------------------------------------------------


def test_tags_are_listed_in_the_transcripts_section_of_the_admin_home(admin_client):
    response = admin_client.get("/admin/")
    sections = {app["app_label"]: app for app in response.context["app_list"]}
    assert "taggit" not in sections
    ours = [m["object_name"] for m in sections["transcripts"]["models"]]
    assert {"Tag", "TagAlias", "TagRedirect", "Quote"} <= set(ours)
    assert 'href="/admin/taggit/tag/"' in response.content.decode()


def test_the_transcripts_page_and_the_old_taggit_page_list_the_tags(admin_client):
    for url in ("/admin/transcripts/", "/admin/taggit/"):
        response = admin_client.get(url)
        assert response.status_code == 200
        (section,) = response.context["app_list"]
        assert section["app_label"] == "transcripts"
        assert "Tag" in [m["object_name"] for m in section["models"]]


def test_an_editor_finds_the_tags_among_the_transcripts_too(client):
    editor_client(client)
    sections = client.get("/admin/").context["app_list"]
    assert [app["app_label"] for app in sections] == ["transcripts"]
    assert "Tag" in [m["object_name"] for m in sections[0]["models"]]


def test_aliases_have_their_own_list_where_an_alias_is_checked(admin_client):
    import_demo()
    tag = Tag.objects.get(name="幻觉")
    assert admin_client.get("/admin/transcripts/tagalias/").status_code == 200
    taken = admin_client.post("/admin/transcripts/tagalias/add/", {"name": "幻觉", "tag": tag.pk})
    assert taken.status_code == 200 and taken.context["adminform"].form.errors
    added = admin_client.post(
        "/admin/transcripts/tagalias/add/", {"name": "hallucination", "tag": tag.pk}
    )
    assert added.status_code == 302
    assert tag.aliases.get().name == "hallucination"


# The tag list's event counts -------------------------------------------------------------------


def tag_row(client, name: str) -> str:
    html = client.get("/admin/taggit/tag/", {"q": name}).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    (row,) = [row for row in rows if f">{name}</a></th>" in row]
    return row


def test_the_tag_list_counts_each_event_once(admin_client):
    one = make_event(quotes=20, slug="one", title="第一场", tag_every=100)
    two = make_event(quotes=20, slug="two", title="第二场", tag_every=100)
    for number in (1, 2, 3):
        quote(number, "one").tags.add("同一场")
    quote(1, "one").tags.add("两场")
    quote(5, "two").tags.add("两场")
    one.tags.add("两场")  # the event itself too: still two events
    row = tag_row(admin_client, "同一场")
    assert '<td class="field-quote_count">3</td>' in row
    assert '<td class="field-event_count">1</td>' in row
    row = tag_row(admin_client, "两场")
    assert '<td class="field-quote_count">2</td>' in row
    assert '<td class="field-event_count">2</td>' in row
    two.tags.add("只在活动上")
    assert '<td class="field-event_count">1</td>' in tag_row(admin_client, "只在活动上")


# Import and publish ------------------------------------------------------------------------------


def seed_upload(client, data: bytes | None = None):
    file = SimpleUploadedFile("seed.txt", SEED.read_bytes() if data is None else data)
    return client.post(UPLOAD, {"file": file, "format": "auto"})


def test_the_report_offers_a_draft_import_and_import_and_publish(admin_client):
    html = seed_upload(admin_client).content.decode()
    assert re.search(
        r'<button type="submit"[^>]*name="publish" value="">导入（草稿）</button>', html
    )
    assert re.search(r'<button type="submit" name="publish" value="on">导入并发布</button>', html)


def test_the_draft_button_imports_an_unpublished_event(admin_client):
    token = seed_upload(admin_client).context["confirm_form"].initial["token"]
    admin_client.post(CONFIRM, {"token": token, "publish": ""})
    assert not Event.objects.get().published


def test_import_and_publish_publishes_at_once(admin_client, client):
    token = seed_upload(admin_client).context["confirm_form"].initial["token"]
    response = admin_client.post(CONFIRM, {"token": token, "publish": "on"}, follow=True)
    event = Event.objects.get()
    assert event.published and event.quotes.count() == 70
    said = [str(m) for m in response.context["messages"]]
    assert f"《{event.title}》已发布，读者现在可以看到。" in said
    assert client.get(event.get_absolute_url()).status_code == 200
    assert "导入后发布" in [e.get_change_message() for e in event_log(event)]


def event_log(event):
    from django.contrib.admin.models import LogEntry

    return LogEntry.objects.filter(object_id=str(event.pk))


def test_a_failed_import_publishes_nothing(admin_client, monkeypatch):
    token = seed_upload(admin_client).context["confirm_form"].initial["token"]

    def refuse(self, request, event):
        raise importing.parsing.ParseError("发布失败")

    monkeypatch.setattr(importing.EventImportViews, "_publish", refuse)
    response = admin_client.post(CONFIRM, {"token": token, "publish": "on"}, follow=True)
    assert not Event.objects.exists()  # the import went back with the publishing
    assert any("发布失败" in str(m) for m in response.context["messages"])


def test_staff_who_may_not_change_events_get_no_publish_button(client):
    user = User.objects.create_user("importer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_event"))
    client.force_login(user)
    response = seed_upload(client)
    assert "导入并发布" not in response.content.decode()
    token = response.context["confirm_form"].initial["token"]
    refused = client.post(CONFIRM, {"token": token, "publish": "on"}, follow=True)
    assert "导入并发布需要“修改活动”的权限" in str(next(iter(refused.context["messages"])))
    assert not Event.objects.exists()
    client.post(CONFIRM, {"token": token})  # the token was not spent: a draft still imports
    assert not Event.objects.get().published


# The preview -------------------------------------------------------------------------------------


def test_the_preview_shows_each_speakers_first_two_quotes_shortened(admin_client):
    (preview,) = seed_upload(admin_client).context["previews"]
    (host,) = [s for s in preview.speakers if s.role == "主持人"]
    assert len(host.samples) == 2
    assert all(len(text) <= 81 for text in host.samples)
    for speaker in preview.speakers:
        assert 1 <= len(speaker.samples) <= 2
    html = seed_upload(admin_client).content.decode()
    rows = re.findall(r'<li class="import-sample">(.*?)</li>', html)
    assert len(rows) == sum(len(s.samples) for s in preview.speakers)
    assert any(text.endswith("…") for text in rows)  # a long quote is cut


def test_the_preview_names_what_the_parser_noticed_in_chinese(admin_client, monkeypatch):
    (parsed,) = importing.parsing.load(SEED.read_bytes())
    noticed = replace(
        parsed,
        warnings=(ParseWarning("times-in-milliseconds", "times were in milliseconds"),),
    )
    monkeypatch.setattr(importing.parsing, "load", lambda *args, **kwargs: [noticed])
    html = seed_upload(admin_client).content.decode()
    assert "时间以毫秒记，已换算成秒" in html
