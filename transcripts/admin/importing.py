"""Import from the admin: upload a transcript, read the dry-run report, confirm.

The same path as `manage.py import_event`: `parsing.load`, then `event_import`, one transaction per
event. The report (`import_report.preview`) shows what the import will decide, from the import's
own code.

Between the two steps the uploaded bytes (a .docx is binary: `parsing.load` takes bytes) wait in
the database (`PendingUpload`) for an hour under a random token, for the uploading user only; the
confirm form carries only the token. Not in the cache: the confirm may reach another worker, or
come after the cache was cleared or went down. Confirming spends the token; expired uploads are
deleted whenever someone uploads.

The pages hang off the Event admin, wired through its own URLs (`EventImportViews.get_urls`, as
django-taggit wires its merge view): `/admin/transcripts/event/import/`, and an "导入活动" button
on the event list (its change-list template).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django import forms
from django.contrib import messages
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
from ..event_import import ImportBusy, ImportConflict, ImportResult, event_import
from ..import_checks import checked
from ..models import PendingUpload
from .import_report import preview

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
    # which button: "导入（草稿）" sends nothing, "导入并发布" sends publish=1
    publish = forms.BooleanField(required=False, widget=forms.HiddenInput)


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


# The views ---------------------------------------------------------------------------------


class EventImportViews:
    """The import pages of the Event admin (a `ModelAdmin` mixin): their URLs come before the
    admin's own, whose catch-all would take `import/` for an event id."""

    change_list_template = "admin/transcripts/import/event_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="transcripts_event_import"),
            path(
                "import/confirm/",
                view(require_POST(self.import_confirm_view)),
                name="transcripts_event_import_confirm",
            ),
            *super().get_urls(),
        ]

    def _import_page(self, request, template: str, **context) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(request, f"admin/transcripts/import/{template}", context)

    def import_view(self, request):
        """Step 1: the upload form; a good file gives the report and the confirm button."""
        _require_import_permission(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            replace = form.cleaned_data["replace"]
            if replace and not request.user.has_perm("transcripts.change_event"):
                form.add_error("replace", "替换现有活动需要“修改活动”的权限。")
            elif report := self._report(request, form):
                return report
        return self._import_page(
            request, "upload.html", title="导入活动", form=form, max_bytes=MAX_UPLOAD_BYTES
        )

    def _report(self, request, form: UploadForm) -> TemplateResponse | None:
        """The dry-run report of a valid upload, or None (and a message) if it cannot be read."""
        upload, replace = form.cleaned_data["file"], form.cleaned_data["replace"]
        file_format, data = form.cleaned_data["format"], upload.read()
        try:
            transcripts = [  # as the import would store them: mended values warned about
                checked(t)
                for t in parsing.load(data, format=file_format, name=Path(upload.name).stem)
            ]
        except parsing.ParseError as error:
            messages.error(request, f"无法读取文件 {upload.name}:{error}")
            return None
        token = _keep(request, name=upload.name, data=data, format=file_format, replace=replace)
        return self._import_page(
            request,
            "report.html",
            title="导入活动:确认",
            file_name=upload.name,
            replace=replace,
            previews=[preview(t, replace=replace) for t in transcripts],
            confirm_form=ConfirmForm(initial={"token": token}),
            may_publish=request.user.has_perm("transcripts.change_event"),
        )

    def import_confirm_view(self, request):
        """Step 2: import what was uploaded, each event in its own transaction."""
        _require_import_permission(request)
        upload_url = reverse(f"{self.admin_site.name}:transcripts_event_import")
        form = ConfirmForm(request.POST)
        valid = form.is_valid()
        publish = valid and form.cleaned_data["publish"]
        if publish and not request.user.has_perm("transcripts.change_event"):
            messages.error(
                request, "导入并发布需要“修改活动”的权限；可以只导入草稿，再请编辑发布。"
            )
            return redirect(upload_url)
        pending = _claim(request, form.cleaned_data["token"]) if valid else None
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
            self._import_one(request, transcript, pending, publish=publish)
        return redirect(f"{self.admin_site.name}:transcripts_event_changelist")

    def _import_one(
        self, request, transcript: parsing.Transcript, pending: PendingUpload, *, publish: bool
    ):
        """Import one event; with `publish`, publish it in the same transaction (both or
        neither)."""
        title = transcript.title
        try:
            with transaction.atomic():
                result = event_import(
                    transcript=transcript,
                    replace=pending.replace,
                    user=request.user,
                    source=pending.name,
                )
                self._log(request, result, pending.name)
                published = publish and self._publish(request, result.event)
        except ImportConflict:
            messages.error(
                request,
                f"没有导入《{title}》:同一网址名的活动已经存在,来源不同。"
                "要原地替换它,请勾选“替换现有活动”后重新上传。",
            )
        except parsing.ParseError as error:  # a value the database cannot hold
            messages.error(request, f"没有导入《{title}》:{error}")
        except ImportBusy:
            messages.error(request, f"没有导入《{title}》:另一次导入正在进行,请稍后再试。")
        else:
            _say(request, result)
            if published:
                messages.success(request, f"《{result.event.title}》已发布，读者现在可以看到。")

    def _publish(self, request, event) -> bool:
        """Publish the event just imported (saved, so the cached pages follow); False if it
        was public already."""
        if event.published:
            return False
        event.published = True
        event.save(update_fields=["published", "updated_at"])
        self.log_change(request, event, "导入后发布")
        return True

    def _log(self, request, result: ImportResult, file_name: str) -> None:
        if result.status == "created":
            self.log_addition(request, result.event, f"从文件 {file_name} 导入:{_counts(result)}")
        elif result.status == "replaced":
            message = f"从文件 {file_name} 重新导入:{_counts(result)}"
            self.log_change(request, result.event, message)


def _require_import_permission(request) -> None:
    if not request.user.has_perm("transcripts.add_event"):
        raise PermissionDenied


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
    if result.glued:
        sections = reverse("admin:transcripts_section_changelist")
        messages.warning(
            request,
            format_html(
                '有 {} 个部分的标题可能粘连了小标题:请在<a href="{}?event__id__exact={}">部分</a>'
                "中用“拆分标题”处理。",
                result.glued,
                sections,
                event.pk,
            ),
        )
