"""Import from the admin: an editor uploads a transcript, reads the dry-run report (nothing written
yet), confirms, and gets the same event the import command would give; bad files and repeated
imports get a clear message, never a half-written event or a 500."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from transcripts.admin import importing
from transcripts.event_import import event_import
from transcripts.models import Event, PendingUpload, Quote, Section, Speaker, Topic
from transcripts.parsing.transcript import Dropped, Variant

from .conftest import SEED, contains_whole, export_all, run_command
from .factories import recorded_transcript

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/transcripts/event/import/"
CONFIRM = "/admin/transcripts/event/import/confirm/"
SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def seed_file(name: str = "seed.txt", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SEED.read_bytes() if data is None else data, "text/plain")


def upload(client, file, **fields):
    return client.post(UPLOAD, {"file": file, "format": "auto", **fields})


def token_of(response) -> str:
    return response.context["confirm_form"].initial["token"]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def nothing_written() -> bool:
    return not (Event.objects.exists() or Speaker.objects.exists() or Quote.objects.exists())


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=")
    assert client.post(CONFIRM, {"token": "x" * 32}).status_code == 302
    assert nothing_written()


def test_staff_without_the_add_event_permission_are_refused(client):
    user = User.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(user)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, seed_file()).status_code == 403
    assert nothing_written()


def test_the_event_list_has_an_import_button(admin_client):
    html = admin_client.get("/admin/transcripts/event/").content.decode()
    assert f'href="{UPLOAD}"' in html and "导入活动" in html


def test_the_upload_form_offers_format_and_replace(admin_client):
    html = admin_client.get(UPLOAD).content.decode()
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert "自动识别" in html and "知乎文章" in html and "本站导出的 JSON" in html
    assert "替换现有活动" in html


def test_the_report_shows_what_would_be_imported_and_writes_nothing(admin_client):
    response = upload(admin_client, seed_file())
    assert response.status_code == 200
    html = response.content.decode()
    assert "大模型训练和进化之路" in html and SLUG in html
    assert contains_whole(html, "5 个部分、9 个话题、70 段发言、6 位发言人")
    assert "二、现状:行业现象与技术水平百模大战" in html
    assert contains_whole(html, "5. Q1 如何将大模型应用至广告、推荐算法")
    assert html.count('class="import-topic"') == 9
    assert html.count('class="speaker-new"') == 5  # an empty database: everyone named is new
    assert html.count('class="speaker-placeholder"') == 1  # 观众: this event's own audience
    assert contains_whole(html, "6 位发言人(其中 1 位待命名)")
    assert re.search(r"<td>刘知远</td><td>zibuyu9</td><td>嘉宾</td><td>\d+ 段</td>", html)
    assert html.count('data-warning="glued-heading"') == 3
    assert html.count("部分标题可能粘连了小标题") == 3
    assert "还没有写入任何内容" in html and "导入（草稿）" in html
    assert nothing_written()
    assert not Section.objects.exists() and not Topic.objects.exists()


def test_quotes_per_speaker_are_counted(admin_client):
    speakers = upload(admin_client, seed_file()).context["previews"][0].speakers
    assert sum(s.quotes for s in speakers) == 70
    assert {s.name: s.quotes for s in speakers}["观众"] == 5


def test_known_speakers_are_recognised_by_handle_or_name(admin_client):
    Speaker.objects.create(name="刘知远", slug="liuzhiyuan", handle="zibuyu9")
    Speaker.objects.create(name="尤洋", slug="you-yang")  # no handle here: by name
    Speaker.objects.create(name="杨军", slug="yang-jun-2", handle="yangjun-other")  # not him
    Speaker.objects.create(name="观众", slug="audience")  # a generic label names no one
    html = upload(admin_client, seed_file()).content.decode()
    assert html.count('class="speaker-new"') == 3  # 杨军, 张俊林, 溪亭日暮
    assert "刘知远(liuzhiyuan)" in html and "尤洋(you-yang)" in html
    assert "杨军(yang-jun-2)" not in html
    assert "audience" not in html and html.count('class="speaker-placeholder"') == 1


def test_the_preview_and_the_import_agree_on_a_known_speaker_who_now_has_a_handle(admin_client):
    """The preview once kept its own copy of the speaker rule and called 尤洋 (known, without
    a handle; the file gives one) new while the import reused the row: one rule now decides."""
    known = Speaker.objects.create(name="尤洋", slug="you-yang")
    report = upload(admin_client, seed_file())
    (line,) = [s for s in report.context["previews"][0].speakers if s.name == "尤洋"]
    assert line.existing == known
    assert re.search(r"已有:<a [^>]*>尤洋\(you-yang\)</a>", report.content.decode())
    admin_client.post(CONFIRM, {"token": token_of(report)})
    assert Speaker.objects.filter(name="尤洋").count() == 1
    known.refresh_from_db()
    assert known.handle == "尤洋" and known.participations.get().event.slug == SLUG


def test_the_preview_lists_merged_label_variants_and_dropped_lines(admin_client, monkeypatch):
    """What the parser decided beyond the turns is on the page, escaped."""
    (parsed,) = importing.parsing.load(SEED.read_bytes())
    decided = replace(
        parsed,
        variants=(Variant(label="刘知远远", speaker="刘知远", turns=2),),
        dropped=(
            Dropped(line=3, text="图源:<b>网络</b>", reason="caption or credit"),
            Dropped(line=480, text="点击关注我们", reason="promotion after the transcript"),
            Dropped(line=481, text="x", reason="a reason without a translation"),
        ),
    )
    monkeypatch.setattr(importing.parsing, "load", lambda *args, **kwargs: [decided])
    html = upload(admin_client, seed_file()).content.decode()
    assert "刘知远远 → 刘知远(2 段)" in html
    rows = re.findall(r'<tr class="import-dropped-line">(.*?)</tr>', html)
    assert rows == [
        "<td>3</td><td>图源:&lt;b&gt;网络&lt;/b&gt;</td><td>图片说明或署名</td>",
        "<td>480</td><td>点击关注我们</td><td>文末推广</td>",
        "<td>481</td><td>x</td><td>a reason without a translation</td>",
    ]
    assert "<b>网络</b>" not in html


def test_the_upload_form_names_every_kind_of_file_it_takes(admin_client):
    html = admin_client.get(UPLOAD).content.decode()
    for kind in ("纯文本", "Markdown", ".docx", ".html", "SRT/VTT", "语音转写", "WhisperX"):
        assert kind in html, kind


def test_confirming_imports_the_event_once_with_a_message_and_a_log_entry(admin_client):
    token = token_of(upload(admin_client, seed_file()))
    response = admin_client.post(CONFIRM, {"token": token}, follow=True)
    event = Event.objects.get()
    assert event.slug == SLUG and event.quotes.count() == 70 and event.topics.count() == 9
    assert response.redirect_chain[-1][0] == "/admin/transcripts/event/"
    (success, glued) = messages_of(response)
    assert "已导入《" in success and contains_whole(success, "5 个部分、9 个话题、70 段发言")
    assert f'href="/admin/transcripts/event/{event.pk}/change/"' in success
    assert "新发言人:刘知远、" in success
    assert success.endswith(";待命名(仅本场):观众。")
    assert "有 3 个部分的标题可能粘连了小标题" in glued
    assert contains_whole(glued, f"/admin/transcripts/section/?event__id__exact={event.pk}")
    log = LogEntry.objects.get()
    assert log.action_flag == ADDITION and log.object_id == str(event.pk)
    assert "seed.txt" in log.get_change_message()
    # the token is spent: confirming twice imports nothing more and says why
    again = admin_client.post(CONFIRM, {"token": token}, follow=True)
    assert "这次上传已失效" in messages_of(again)[0]
    assert Event.objects.count() == 1 and LogEntry.objects.count() == 1


def test_the_admin_import_gives_what_the_command_gives(admin_client):
    admin_client.post(CONFIRM, {"token": token_of(upload(admin_client, seed_file()))})
    from_admin = export_all()
    Event.objects.all().delete()
    Speaker.objects.all().delete()
    run_command("import_event", str(SEED))
    from_command = export_all()
    for one, other in zip(from_command, from_admin, strict=True):  # imported a moment apart
        one["event"].update(created=other["event"]["created"], updated=other["event"]["updated"])
    assert from_command == from_admin


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (b"   \n\n  ", "the file is empty"),
        ("大模型训练和进化之路\n只有标题,没有发言。".encode(), "无法读取文件 seed.txt"),
    ],
)
def test_a_file_that_is_not_a_transcript_gets_a_clear_message(admin_client, data, problem):
    response = upload(admin_client, seed_file(data=data))
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert message.startswith("无法读取文件 seed.txt:") and problem in message
    assert "导入（草稿）" not in response.content.decode()
    assert nothing_written()


def test_an_empty_file_is_refused_by_the_form(admin_client):
    response = upload(admin_client, seed_file(data=b""))
    html = response.content.decode()
    assert "所提交的是空文件" in html and "导入（草稿）" not in html
    assert nothing_written()


def test_a_file_too_big_is_refused_before_it_is_read(admin_client, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 1000)
    response = upload(admin_client, seed_file())
    html = response.content.decode()
    assert "文件太大" in html and contains_whole(html, "最大 1000")
    assert "导入（草稿）" not in html
    assert nothing_written()


def test_the_same_file_again_is_already_imported(admin_client):
    admin_client.post(CONFIRM, {"token": token_of(upload(admin_client, seed_file()))})
    before = export_all()
    report = upload(admin_client, seed_file("again.txt"))
    assert "这个文件已导入过" in report.content.decode()
    response = admin_client.post(CONFIRM, {"token": token_of(report)}, follow=True)
    (message,) = messages_of(response)
    assert "已导入过(70 段发言),没有改动" in message
    assert export_all() == before and LogEntry.objects.count() == 1


def test_a_changed_source_needs_replace_and_then_replaces_in_place(admin_client):
    admin_client.post(CONFIRM, {"token": token_of(upload(admin_client, seed_file()))})
    event = Event.objects.get()
    changed = SEED.read_bytes().replace(
        "尤老师和刘老师都是学者".encode(), "两位老师都是学者".encode()
    )
    report = upload(admin_client, seed_file("v2.txt", changed))
    assert "已有网址名相同的活动" in report.content.decode()
    refused = admin_client.post(CONFIRM, {"token": token_of(report)}, follow=True)
    assert "没有导入《大模型训练和进化之路》:同一网址名的活动已经存在" in messages_of(refused)[0]
    assert not Quote.objects.filter(text__contains="两位老师都是学者").exists()

    report = upload(admin_client, seed_file("v2.txt", changed), replace="on")
    assert "导入（替换现有活动，发布状态不变）" in report.content.decode()
    replaced = admin_client.post(CONFIRM, {"token": token_of(report)}, follow=True)
    assert "已重新导入《" in messages_of(replaced)[0]
    assert Event.objects.get().pk == event.pk
    assert Quote.objects.filter(text__contains="两位老师都是学者").count() == 1
    assert LogEntry.objects.filter(action_flag=CHANGE, object_id=str(event.pk)).exists()


def test_a_token_works_only_for_the_user_who_uploaded(admin_client, client):
    token = token_of(upload(admin_client, seed_file()))
    other = User.objects.create_superuser("other", password="pw")
    client.force_login(other)
    response = client.post(CONFIRM, {"token": token}, follow=True)
    assert "这次上传已失效" in messages_of(response)[0]
    assert nothing_written()


def test_csrf_is_enforced_on_both_steps():
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("boss", password="pw"))
    assert upload(client, seed_file()).status_code == 403
    page = client.get(UPLOAD)
    csrf = page.cookies["csrftoken"].value
    report = client.post(
        UPLOAD, {"file": seed_file(), "format": "auto", "csrfmiddlewaretoken": csrf}
    )
    assert report.status_code == 200
    assert client.post(CONFIRM, {"token": token_of(report)}).status_code == 403
    assert nothing_written()
    client.post(CONFIRM, {"token": token_of(report), "csrfmiddlewaretoken": csrf})
    assert Event.objects.get().quotes.count() == 70


def test_placeholders_are_this_events_own_in_the_preview(admin_client):
    """A re-import in place keeps the event's own 说话人1 (linked); a new event gets its own."""
    event_import(transcript=recorded_transcript(slug="recorded"))
    (data,) = export_all()
    data["quotes"][0]["text"] = "欢迎大家来到今天的访谈!"
    changed = json.dumps(data, ensure_ascii=False).encode()
    own = Speaker.objects.get(name="说话人1")

    html = upload(admin_client, seed_file("v2.json", changed), replace="on").content.decode()
    row = re.search(
        r'<tr data-speaker-status="placeholder">\s*<td>说话人1</td>.*?</tr>', html, re.S
    )
    assert "待命名" in row.group()
    assert f'href="/admin/transcripts/speaker/{own.pk}/change/"' in row.group()
    assert html.count('data-speaker-status="placeholder"') == 2
    assert html.count('data-speaker-status="existing"') == 1  # 王明

    data["event"].update(slug="another", title="另一场访谈")
    other = json.dumps(data, ensure_ascii=False).encode()
    html = upload(admin_client, seed_file("other.json", other)).content.decode()
    assert html.count('data-speaker-status="placeholder"') == 2
    assert "/admin/transcripts/speaker/" in html  # 王明, known
    assert f'href="/admin/transcripts/speaker/{own.pk}/change/"' not in html


def test_a_word_file_is_uploaded_as_bytes(admin_client, monkeypatch):
    """.docx is binary: the preview and the import both give the parser the file's bytes."""
    original, seen = importing.parsing.load, []

    def load(data, **kwargs):
        seen.append(data)
        return original(SEED.read_bytes(), **kwargs)

    monkeypatch.setattr(importing.parsing, "load", load)
    word = b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256))
    report = upload(admin_client, seed_file("访谈.docx", word))
    admin_client.post(CONFIRM, {"token": token_of(report)})
    assert seen == [word, word]
    assert Event.objects.get().quotes.count() == 70


# Pending uploads: in the database, not in a worker's memory ------------------------------------


def test_an_upload_waits_in_the_database_not_in_the_cache(admin_client, settings):
    """Issue 12: with several workers and a cache per process, the confirm reached another
    worker 7 times in 10 and failed. A cleared cache, or another process's empty one, is such a
    worker: the confirm still imports."""
    token = token_of(upload(admin_client, seed_file()))
    pending = PendingUpload.objects.get(token=token)
    assert bytes(pending.data) == SEED.read_bytes() and pending.name == "seed.txt"
    cache.clear()
    settings.CACHES = {  # another worker's cache: empty, and its own
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "another-worker",
        }
    }
    response = admin_client.post(CONFIRM, {"token": token}, follow=True)
    assert "已导入《" in messages_of(response)[0]
    assert Event.objects.get().quotes.count() == 70
    assert not PendingUpload.objects.exists()  # spent


def test_an_expired_upload_is_refused_and_cleaned_up(admin_client):
    token = token_of(upload(admin_client, seed_file()))
    PendingUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = admin_client.post(CONFIRM, {"token": token}, follow=True)
    assert "这次上传已失效" in messages_of(response)[0]
    assert nothing_written()
    fresh = token_of(upload(admin_client, seed_file()))  # any upload removes the expired ones
    assert list(PendingUpload.objects.values_list("token", flat=True)) == [fresh]
    expiry = PendingUpload.objects.get().expires_at - timezone.now()
    assert timedelta(minutes=59) < expiry <= timedelta(hours=1)


def test_a_pending_upload_keeps_the_format_and_the_replace_choice(admin_client):
    token = token_of(upload(admin_client, seed_file(), format="zhihu", replace="on"))
    pending = PendingUpload.objects.get(token=token)
    assert (pending.format, pending.replace) == ("zhihu", True)
    assert pending.user.username == "admin"


def test_a_value_the_database_cannot_hold_is_refused_at_the_upload_with_its_field(admin_client):
    """The preview checks values as the import will: a quote number beyond the column is one
    message naming the quote, before anything is kept, never a 500 at the confirm step."""
    demo = json.loads((SEED.parent / "demo-event.json").read_text(encoding="utf-8"))
    demo["quotes"][0]["number"] = 2**40
    bad = json.dumps(demo, ensure_ascii=False).encode()
    response = upload(admin_client, seed_file("bad.json", bad))
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert "无法读取文件 bad.json" in message and contains_whole(message, "quote 1")
    assert "number" in message
    assert not PendingUpload.objects.exists() and nothing_written()


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (importing.ImportBusy("busy"), "另一次导入正在进行"),
        (importing.parsing.ParseError("event x, quote 1: 'text' holds a NUL"), "holds a NUL"),
    ],
)
def test_an_import_that_fails_at_the_confirm_step_says_why(
    admin_client, monkeypatch, failure, said
):
    token = token_of(upload(admin_client, seed_file()))

    def fails(**kwargs):
        raise failure

    monkeypatch.setattr(importing, "event_import", fails)
    response = admin_client.post(CONFIRM, {"token": token}, follow=True)
    assert response.status_code == 200
    (message,) = messages_of(response)
    assert "没有导入《大模型训练和进化之路》" in message and said in message
    assert nothing_written()
