"""Admin for parts (sections), with the "split title" page that fixes a glued heading."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import editing
from ..models import Section
from .history import EventRevisionAdmin

# Splitting shortens a part, creates a topic, moves quotes and renumbers topics.
SPLIT_PERMISSIONS = (
    "transcripts.change_section",
    "transcripts.add_topic",
    "transcripts.change_topic",
    "transcripts.change_quote",
)


class SplitHeadingForm(forms.Form):
    topic_title = forms.CharField(
        label="话题标题",
        max_length=200,
        help_text="部分标题末尾那段其实是第一个小标题的文字，照原样填写，例如“百模大战”。",
    )

    def __init__(self, *args, section: Section, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.section = section

    def clean_topic_title(self) -> str:
        topic_title = self.cleaned_data["topic_title"].strip()
        try:
            editing.remaining_title(self.section.title, topic_title)
        except editing.SplitError as error:
            raise forms.ValidationError(str(error)) from None
        return topic_title


@admin.register(Section)
class SectionAdmin(EventRevisionAdmin, admin.ModelAdmin):
    list_display = ["event_title", "number", "title", "split_link"]
    list_display_links = ["title"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["title", "event__title"]
    autocomplete_fields = ["event"]

    def get_urls(self):
        split = path(
            "<path:object_id>/split/",
            self.admin_site.admin_view(self.split_view),
            name="transcripts_section_split",
        )
        return [split, *super().get_urls()]

    @admin.display(description="活动", ordering="event")
    def event_title(self, section: Section) -> str:
        return section.event.title

    @admin.display(description="拆分标题")
    def split_link(self, section: Section) -> str:
        url = reverse("admin:transcripts_section_split", args=[section.pk])
        return format_html('<a href="{}">拆分标题</a>', url)

    def split_view(self, request, object_id: str):
        section = self.get_object(request, unquote(object_id))
        if section is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not request.user.has_perms(SPLIT_PERMISSIONS):
            raise PermissionDenied
        form = SplitHeadingForm(request.POST or None, section=section)
        if request.method == "POST" and form.is_valid():
            try:
                split = editing.split_heading(
                    section=section, topic_title=form.cleaned_data["topic_title"]
                )
            except editing.SplitError as error:
                form.add_error("topic_title", str(error))
            else:
                return self._split_done(request, split, old_title=section.title)
        leading = editing.leading_quotes(section).select_related("speaker")
        context = {
            **self.admin_site.each_context(request),
            "title": f"拆分标题:{section}",
            "opts": self.opts,
            "original": section,
            "section": section,
            "form": form,
            "leading_count": leading.count(),
            "leading": leading[:3],
            "topics": section.topics.order_by("number"),
        }
        return TemplateResponse(request, "admin/transcripts/section/split.html", context)

    def _split_done(self, request, split: editing.HeadingSplit, *, old_title: str):
        topic = split.topic
        self.log_change(
            request,
            split.section,
            f"拆分标题:“{old_title}” → “{split.section.title}” + 话题“{topic.title}”",
        )
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[topic],
            action_flag=ADDITION,
            change_message=f"从部分标题“{old_title}”拆出,含 {split.quotes} 段发言",
            single_object=True,
        )
        messages.success(
            request,
            f"已拆分:部分标题改为“{split.section.title}”,新话题“{topic.title}”"
            f"(第 {topic.number} 个话题)含 {split.quotes} 段发言;本场话题已按阅读顺序重新编号。",
        )
        changelist = reverse("admin:transcripts_section_changelist")
        return redirect(f"{changelist}?event__id__exact={split.section.event_id}")
