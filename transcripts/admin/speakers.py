"""Admin for speakers' identities: merging two or more speakers into one ("合并发言人"), the
aliases a later import maps to them, and the old addresses of merged speakers.

The merge goes through `speaker_edits.merge_speakers` (quotes, participations, bio, handle and
aliases move; the old address redirects; each event changed gets a revision). Aliases and old
addresses belong to a speaker: whoever may change speakers may edit them, on the speaker's page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.template.response import TemplateResponse

from .. import speaker_edits
from ..models import Speaker, SpeakerAlias, SpeakerRedirect


class _OfTheSpeaker:
    """An inline that follows the speaker's own permissions (editors may change speakers)."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("transcripts.view_speaker") or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("transcripts.change_speaker")

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class SpeakerAliasInline(_OfTheSpeaker, admin.TabularInline):
    model = SpeakerAlias
    extra = 0
    fields = ["name", "event"]
    autocomplete_fields = ["event"]
    verbose_name_plural = "别名（导入时，这些名字都算作这位发言人）"


class SpeakerRedirectInline(_OfTheSpeaker, admin.TabularInline):
    model = SpeakerRedirect
    extra = 0
    fields = ["old_slug"]
    readonly_fields = ["old_slug"]
    verbose_name_plural = "旧网址（合并前的网址名，永久跳转到这里）"

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by merges only


class MergeForm(forms.Form):
    """Which of the selected speakers stays; the others are merged into it."""

    into = forms.ModelChoiceField(
        Speaker.objects.none(), widget=forms.RadioSelect, empty_label=None, label="保留"
    )

    def __init__(self, *args, speakers: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = speakers
        self.fields["into"].label_from_instance = lambda s: (
            f"{s.name}（{s.slug}{'，待命名' if s.placeholder else ''}）："
            f"{s.n_events} 场活动，{s.n_quotes} 条发言"
        )


class SpeakerMergeActions:
    """The "合并发言人" action for `SpeakerAdmin` (its queryset annotates n_events, n_quotes)."""

    @admin.action(description="合并发言人", permissions=["change", "delete"])
    def merge_speakers(self, request, queryset):
        speakers = queryset.order_by("placeholder", "-n_quotes", "name")
        if len(speakers) < 2:
            self.message_user(request, "请至少选择两位发言人来合并。", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "confirm" in request.POST else None,
            speakers=speakers,
            initial={"into": speakers[0].pk},
        )
        if form.is_valid():
            try:
                return self._merge(request, list(speakers), form.cleaned_data["into"])
            except speaker_edits.SpeakerEditError as error:
                form.add_error(None, str(error))
        context = {
            **self.admin_site.each_context(request),
            "title": "合并发言人",
            "opts": self.model._meta,
            "speakers": speakers,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/transcripts/speaker/merge_confirmation.html", context
        )

    def _merge(self, request, speakers: list[Speaker], into: Speaker) -> None:
        results = []
        with transaction.atomic():
            for source in speakers:
                if source.pk != into.pk:
                    results.append(
                        speaker_edits.merge_speakers(source=source, into=into, user=request.user)
                    )
            self.log_deletions(request, [s for s in speakers if s.pk != into.pk])
            names = "、".join(r.source_name for r in results)
            moved = sum(r.quotes for r in results)
            self.log_change(request, into, f"合并：{names} 并入此发言人，{moved} 条发言移入。")
        self.message_user(
            request,
            f"已把 {names} 合并到「{into.name}」：{moved} 条发言移入，旧网址跳转到这里。",
            messages.SUCCESS,
        )
