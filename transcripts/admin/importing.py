"""Import from the admin: upload a transcript, read the dry-run report, confirm.

The same path as `manage.py import_event`: `parsing.load`, then `event_import`, one transaction per
event. The report shows what the import will decide, from the import's own code: who each speaker
is (`match_speakers`: a new person, someone already known, or a placeholder of this event only),
the label variants the parser merged, and every source line left out of the event, with why.

Between the two steps the uploaded bytes (a .docx is binary: `parsing.load` takes bytes) wait in
the database (`PendingUpload`) for an hour under a random token, for the uploading user only; the
confirm form carries only the token. Not in the cache: the confirm may reach another worker, or
come after the cache was cleared or went down. Confirming spends the token; expired uploads are
deleted whenever someone uploads.

The page hangs off the Event admin (`/admin/transcripts/event/import/`, an "导入活动" button on
the event list) without touching `records.py`: its URL is added in front of the admin site's own,
and the Event admin gets a change-list template with the button.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .. import parsing
from ..event_export import report
from ..event_import import (
    ImportBusy,
    ImportConflict,
    ImportResult,
    event_import,
    same_event,
    same_source_event,
)
from ..import_checks import checked
from ..models import Event, Participation, PendingUpload, Speaker
from ..parsing import notspeech
from ..parsing.vocabulary import chinese_numeral
from ..speaker_matching import SpeakerMatch, match_speakers
from .records import EventAdmin

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 60 * 60
FORMAT_LABELS = {
    "zhihu": "知乎文章(文本)",
    "json": "本站导出的 JSON",
    "markdown": "Markdown",
    "bold": "人名加粗的文本",
    "plaintext": "纯文本",
    "subtitles": "字幕(SRT/VTT)",
    "docx": "Word 文档(.docx)",
    "html": "网页(.html)",
    "asr-json": "语音转写 JSON(WhisperX 等)",
}
FORMATS_HELP = (
    "纯文本(含知乎文章存成的文本)、Markdown、Word 文档 .docx、网页 .html(公众号或知乎文章)、"
    "SRT/VTT 字幕、语音转写导出(讯飞听见、飞书妙记、腾讯会议、通义听悟、Otter 等,"
    "以及 WhisperX 的 JSON),或本站导出的 JSON"
)
WARNING_LABELS = {
    "glued-heading": "部分标题可能粘连了小标题",
    "caption": "略去了图片说明或多余的行",
    "empty-turn": "空发言",
    "missing-title": "文件里没有标题,用了文件名",
    "second-host": "不止一位主持人",
}
# Why the parser left a line out of every quote, in the editors' language (the parser's own
# English words are shown for reasons not listed here).
DROPPED_LABELS = {
    notspeech.CAPTION: "图片说明或署名",
    notspeech.IMAGE: "图片",
    notspeech.LINK: "链接",
    notspeech.SEPARATOR: "分隔线",
    notspeech.END: "结束标记",
    notspeech.AFTER_END: "正文结束之后",
    notspeech.PROMOTION: "文末推广",
    notspeech.HEADER: "语音转写的页头",
    notspeech.KEYWORDS: "语音转写的关键词",
    notspeech.APP_NOTICE: "会议软件的提示",
    "speaker label with no speech": "没有发言内容的发言人标记",
}


class UploadForm(forms.Form):
    file = forms.FileField(label="转录稿文件", help_text=FORMATS_HELP)
    format = forms.ChoiceField(
        label="格式",
        choices=[
            ("auto", "自动识别"),
            *((name, FORMAT_LABELS.get(name, name)) for name in parsing.FORMAT_NAMES),
        ],
        initial="auto",
    )
    replace = forms.BooleanField(
        label="替换现有活动",
        required=False,
        help_text="活动已存在时原地重新导入(网址不变;发言人和原文未变的发言保留编辑加的标签)",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件太大({filesizeformat(upload.size)}),最大 {filesizeformat(MAX_UPLOAD_BYTES)}。"
            )
        return upload


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[A-Za-z0-9_-]{20,64}$", widget=forms.HiddenInput)


# Between the two steps ---------------------------------------------------------------------


def _keep(request, *, name: str, data: bytes, format: str, replace: bool) -> str:
    now = timezone.now()
    PendingUpload.objects.filter(expires_at__lte=now).delete()
    token = secrets.token_urlsafe(24)
    PendingUpload.objects.create(
        token=token,
        user=request.user,
        name=name[:255],
        data=data,
        format=format,
        replace=replace,
        expires_at=now + timedelta(seconds=KEEP_SECONDS),
    )
    return token


def _claim(request, token: str) -> PendingUpload | None:
    """The upload this user left under this token, removed so that it imports once: of two
    confirms at the same moment, the one whose delete removes the row goes on."""
    pending = PendingUpload.objects.filter(
        token=token, user=request.user, expires_at__gt=timezone.now()
    ).first()
    if pending is None or not PendingUpload.objects.filter(pk=pending.pk).delete()[0]:
        return None
    return pending


# The report --------------------------------------------------------------------------------


@dataclass
class SpeakerLine:
    name: str
    handle: str
    role: str
    quotes: int
    existing: Speaker | None  # the row the import will use; None: it creates one
    placeholder: bool  # a speaker of this event only, for an editor to name
    aliases: tuple[str, ...] = ()

    @classmethod
    def of(cls, match: SpeakerMatch, quotes: int) -> SpeakerLine:
        person = match.person
        return cls(
            name=person.name,
            handle=person.handle,
            role=Participation.Role(person.role).label,
            quotes=quotes,
            existing=match.speaker,
            placeholder=match.placeholder,
            aliases=person.aliases,
        )


@dataclass
class EventPreview:
    """What importing one parsed event would do, for the editor to check before confirming."""

    data: dict  # the dry-run report: export JSON plus format, checksum, warnings, dropped...
    parts: list[dict]
    loose_topics: list[dict]
    speakers: list[SpeakerLine]
    warnings: list[dict]
    variants: list[dict]  # labels merged into a speaker: 王王明 → 王明 (2 turns)
    dropped: list[dict]  # source lines in no quote, title or metadata: line, text, reason
    same_source: Event | None = None  # already imported from this very file
    same_slug: Event | None = None
    counts: dict = field(default_factory=dict)
    glued: int = 0  # glued-heading warnings: parts an editor should split after the import


def preview(transcript: parsing.Transcript, *, replace: bool = False) -> EventPreview:
    data = report(transcript)
    topics = [dict(t, label_title=f"{t['label']} {t['title']}".strip()) for t in data["topics"]]
    parts = [dict(s, numeral=chinese_numeral(s["number"]), topics=[]) for s in data["sections"]]
    by_number = {part["number"]: part for part in parts}
    loose = []
    for topic in topics:
        part = by_number.get(topic["section"])
        (part["topics"] if part else loose).append(topic)
    same_source = same_source_event(transcript)
    # the event a replacing import writes into, whose own placeholders it keeps
    target = (same_source or same_event(transcript)) if replace else None
    quotes = Counter(turn.speaker for turn in transcript.turns)
    return EventPreview(
        data=data,
        parts=parts,
        loose_topics=loose,
        speakers=[
            SpeakerLine.of(match, quotes[match.person.name])
            for match in match_speakers(transcript, event=target)
        ],
        warnings=[
            dict(w, label=WARNING_LABELS.get(w["code"], w["code"])) for w in data["warnings"]
        ],
        variants=data["variants"],
        dropped=[
            dict(d, label=DROPPED_LABELS.get(d["reason"], d["reason"])) for d in data["dropped"]
        ],
        same_source=same_source,
        same_slug=None if same_source else Event.objects.filter(slug=data["event"]["slug"]).first(),
        glued=sum(1 for w in transcript.warnings if w.code == "glued-heading"),
        counts={
            "parts": len(transcript.parts),
            "topics": len(transcript.topics),
            "quotes": len(transcript.turns),
            "speakers": len(transcript.speakers),
            "placeholders": sum(1 for s in data["speakers"] if s["placeholder"]),
        },
    )


# The views ---------------------------------------------------------------------------------


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), "opts": Event._meta, **extra}


def _require_import_permission(request) -> None:
    if not request.user.has_perm("transcripts.add_event"):
        raise PermissionDenied


def upload_view(request):
    """Step 1: the upload form; a good file gives the report and the confirm button."""
    _require_import_permission(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, replace = form.cleaned_data["file"], form.cleaned_data["replace"]
        if replace and not request.user.has_perm("transcripts.change_event"):
            form.add_error("replace", "替换现有活动需要“修改活动”的权限。")
        else:
            data = upload.read()
            try:
                transcripts = [  # as the import would store them: mended values warned about
                    checked(t)
                    for t in parsing.load(
                        data, format=form.cleaned_data["format"], name=Path(upload.name).stem
                    )
                ]
            except parsing.ParseError as error:
                messages.error(request, f"无法读取文件 {upload.name}:{error}")
            else:
                token = _keep(
                    request,
                    name=upload.name,
                    data=data,
                    format=form.cleaned_data["format"],
                    replace=replace,
                )
                context = _context(
                    request,
                    title="导入活动:确认",
                    file_name=upload.name,
                    replace=replace,
                    previews=[preview(t, replace=replace) for t in transcripts],
                    confirm_form=ConfirmForm(initial={"token": token}),
                )
                return TemplateResponse(request, "admin/transcripts/import/report.html", context)
    context = _context(request, title="导入活动", form=form, max_bytes=MAX_UPLOAD_BYTES)
    return TemplateResponse(request, "admin/transcripts/import/upload.html", context)


@require_POST
def confirm_view(request):
    """Step 2: import what was uploaded, each event in its own transaction."""
    _require_import_permission(request)
    upload_url = reverse("admin:transcripts_event_import")
    form = ConfirmForm(request.POST)
    pending = _claim(request, form.cleaned_data["token"]) if form.is_valid() else None
    if pending is None:
        messages.error(request, "这次上传已失效(只保留一小时,且只能导入一次),请重新上传。")
        return redirect(upload_url)
    try:
        transcripts = parsing.load(
            bytes(pending.data), format=pending.format, name=Path(pending.name).stem
        )
    except parsing.ParseError as error:
        messages.error(request, f"无法读取文件 {pending.name}:{error}")
        return redirect(upload_url)
    for transcript in transcripts:
        try:
            with transaction.atomic():
                result = event_import(transcript=transcript, replace=pending.replace)
                _log(request, result, pending.name)
        except ImportConflict:
            messages.error(
                request,
                f"没有导入《{transcript.title}》:同一网址名的活动已经存在,来源不同。"
                "要原地替换它,请勾选“替换现有活动”后重新上传。",
            )
        except parsing.ParseError as error:  # a value the database cannot hold
            messages.error(request, f"没有导入《{transcript.title}》:{error}")
        except ImportBusy:
            messages.error(
                request, f"没有导入《{transcript.title}》:另一次导入正在进行,请稍后再试。"
            )
        else:
            _say(request, result)
    return redirect("admin:transcripts_event_changelist")


def _log(request, result: ImportResult, file_name: str) -> None:
    if result.status == "unchanged":
        return
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=[result.event],
        action_flag=ADDITION if result.status == "created" else CHANGE,
        change_message=f"从文件 {file_name} {'导入' if result.status == 'created' else '重新导入'}"
        f":{_counts(result)}",
        single_object=True,
    )


def _counts(result: ImportResult) -> str:
    return f"{result.sections} 个部分、{result.topics} 个话题、{result.quotes} 段发言"


def _say(request, result: ImportResult) -> None:
    event = result.event
    link = reverse("admin:transcripts_event_change", args=[event.pk])
    if result.status == "unchanged":
        messages.warning(
            request,
            format_html(
                '《<a href="{}">{}</a>》已导入过({} 段发言),没有改动。'
                "要重新导入,请勾选“替换现有活动”。",
                link,
                event.title,
                result.quotes,
            ),
        )
        return
    messages.success(
        request,
        format_html(
            '{}《<a href="{}">{}</a>》:{};新发言人:{};已有发言人:{}{}。',
            "已导入" if result.status == "created" else "已重新导入",
            link,
            event.title,
            _counts(result),
            "、".join(result.new_speakers) or "无",
            "、".join(result.existing_speakers) or "无",
            f";待命名(仅本场):{'、'.join(result.placeholders)}" if result.placeholders else "",
        ),
    )
    glued = sum(1 for warning in result.warnings if warning.code == "glued-heading")
    if glued:
        sections = reverse("admin:transcripts_section_changelist")
        messages.warning(
            request,
            format_html(
                '有 {} 个部分的标题可能粘连了小标题:请在<a href="{}?event__id__exact={}">部分</a>'
                "中用“拆分标题”处理。",
                glued,
                sections,
                event.pk,
            ),
        )


# Wiring ------------------------------------------------------------------------------------


def _with_import_urls(get_urls):
    def get_urls_with_import():
        view = admin.site.admin_view
        return [
            path(
                "transcripts/event/import/",
                view(upload_view),
                name="transcripts_event_import",
            ),
            path(
                "transcripts/event/import/confirm/",
                view(confirm_view),
                name="transcripts_event_import_confirm",
            ),
            *get_urls(),
        ]

    return get_urls_with_import


admin.site.get_urls = _with_import_urls(admin.site.get_urls)
EventAdmin.change_list_template = (
    EventAdmin.change_list_template or "admin/transcripts/import/event_change_list.html"
)
