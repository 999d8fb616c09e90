"""Admin for tags: usage counts, aliases, rename, merge and delete-unused, and the redirects
that keep old tag URLs working.

Every write goes through `transcripts.tagging`, which keeps the search index, the vocabulary,
the cached event pages and old URLs right; each one is recorded in the admin history. taggit's
own Tag admin is replaced: its merge and delete bypass all of that.

Names are cleaned as at every other door (`slugs.clean_tag_name`): `!!!` or a name of invisible
characters is a form error. Editors working at once: the change form carries the name it showed
(`seen_name`), so a rename of a tag someone else renamed meanwhile is a form error that shows the
new name (saving again confirms); what the service still finds under its lock (a name taken a
moment ago, tags an import is using) comes back as a message on the page, never a 500.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Func, OuterRef, Q, QuerySet, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from taggit.models import Tag

from .. import tagging
from ..models import Event, TagAlias, TaggedEvent, TaggedQuote, TagRedirect
from ..slugs import clean_tag_name

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


class TagAliasForm(forms.ModelForm):
    class Meta:
        model = TagAlias
        fields = ["name", "tag"]
        labels = {"name": "别名", "tag": "所属标签"}
        help_texts = {
            "name": "同义词，例如 LLM 是“大模型”的别名；标签建议和搜索把它读作所属的标签。"
        }

    def clean_name(self) -> str:
        name = clean_tag_name(self.cleaned_data["name"])
        if problem := tagging.alias_problem(name, alias=self.instance):
            raise forms.ValidationError(problem)
        return name


class TagAliasInline(admin.TabularInline):
    model = TagAlias
    form = TagAliasForm
    fields = ["name"]
    extra = 0


class TagForm(forms.ModelForm):
    # the name this form showed: a tag renamed by someone else since is not renamed blindly
    seen_name = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Tag
        fields = ["name"]
        labels = {"name": "标签名"}
        help_texts = {"name": "改名后，旧的标签网址会永久跳转到新网址。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_name"].initial = self.instance.name

    def clean_name(self) -> str:
        name = clean_tag_name(self.cleaned_data["name"])
        tag = self.instance if self.instance.pk else None  # as it is now, read for this request
        seen = self.data.get(self.add_prefix("seen_name"))
        if tag is not None and seen and seen != tag.name:
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_name")] = tag.name  # saving again confirms
            raise forms.ValidationError(
                f"这个标签刚被别人改名为「{tag.name}」。如仍要改成「{name}」,请再保存一次。"
            )
        if problem := tagging.tag_name_problem(name, tag=tag):
            raise forms.ValidationError(problem)
        return name


class Moving(NamedTuple):
    """What merging the other selected tags into one would do to it."""

    quotes: int  # quotes that would move to it (they carry one of the others)
    new: int  # of those, quotes that do not carry it yet


class MergeForm(forms.Form):
    """The merge confirmation: one of the selected tags as the target, or a new name."""

    target = forms.ModelChoiceField(
        Tag.objects.none(),
        label="并入这个标签",
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    new_name = forms.CharField(
        label="或并入一个新标签",
        required=False,
        max_length=100,
        help_text="填写新标签的名称；所选标签全部并入它，原名称成为它的别名。",
    )

    def __init__(self, *args, tags: QuerySet, moves: dict[int, Moving], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags
        self.fields["target"].label_from_instance = lambda tag: (
            f"{tag.name}:移入 {moves[tag.pk].quotes} 条发言,"
            f"其中 {moves[tag.pk].new} 条原本没有这个标签"
        )

    def clean(self) -> dict:
        data = super().clean()
        data["new_name"] = data.get("new_name", "").strip()
        if bool(data.get("target")) == bool(data["new_name"]):
            raise forms.ValidationError("请选择一个目标标签,或者填写一个新名称(二者选一)。")
        return data


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "url_name", "quote_count", "event_count", "alias_names"]
    search_fields = ["name", "slug", "aliases__name"]
    search_help_text = "搜索标签名、网址名或别名"
    ordering = ["name"]
    inlines = [TagAliasInline]
    actions = ["merge_selected", "delete_unused"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                quote_count=Count("transcripts_taggedquote_items", distinct=True),
                event_count=events_of_tag(),
            )
            .prefetch_related("aliases")
        )

    def get_readonly_fields(self, request, obj=None):
        return ["url_name", "quote_count", "event_count"] if obj is not None else []

    @admin.display(description="网址名", ordering="slug")
    def url_name(self, tag: Tag) -> str:
        return tag.slug

    def get_actions(self, request):
        """No bulk delete of tags in use: it would leave the search index behind."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="发言数", ordering="quote_count")
    def quote_count(self, tag: Tag) -> int:
        return getattr(tag, "quote_count", 0)

    @admin.display(description="活动数", ordering="event_count")
    def event_count(self, tag: Tag) -> int:
        return getattr(tag, "event_count", 0)

    @admin.display(description="别名")
    def alias_names(self, tag: Tag) -> str:
        return "、".join(alias.name for alias in tag.aliases.all())

    # Rename and delete from the change form -----------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """What the service refuses after the form was valid (another editor was quicker, an
        import holds the tag) is said on the page, which shows the tag as it is now."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except tagging.TagError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj: Tag, form, change: bool) -> None:
        if not change:
            try:
                with transaction.atomic():
                    super().save_model(request, obj, form, change)
            except IntegrityError:  # another editor added it a moment ago
                raise tagging.TagError(
                    tagging.tag_name_problem(obj.name) or f"标签「{obj.name}」刚被别人加上了。"
                ) from None
        elif "name" in form.changed_data:
            form.renamed = tagging.rename_tag(
                tag=Tag.objects.get(pk=obj.pk),
                new_name=obj.name,
                seen_name=form.cleaned_data.get("seen_name") or None,
            )
            obj.slug = form.renamed.tag.slug

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        renamed = getattr(form, "renamed", None)
        if renamed is None:
            return message
        text = (
            f"改名:「{renamed.old_name}」→「{renamed.tag.name}」,"
            f"旧网址 /tags/{renamed.old_slug}/ 跳转到 /tags/{renamed.tag.slug}/。"
        )
        inline_changes = [m for m in message if "object" in next(iter(m.values()))]
        if inline_changes:
            text += LogEntry(change_message=json.dumps(inline_changes)).get_change_message()
        return text

    def delete_model(self, request, obj: Tag) -> None:
        tagging.delete_tag(tag=obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except tagging.TagError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # Actions ---------------------------------------------------------------------------------

    @admin.action(description="合并所选标签", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        tags = queryset.order_by("-quote_count", "name")
        if len(tags) < 2:
            self.message_user(request, "请至少选择两个标签来合并。", messages.WARNING)
            return None
        moves, total = _quotes_moving(list(tags))
        form = MergeForm(
            request.POST if "confirm" in request.POST else None, tags=tags, moves=moves
        )
        if form.is_valid():
            try:
                return self._merge(request, list(tags), form.cleaned_data)
            except tagging.TagError as error:
                form.add_error(None, str(error))
        context = {
            **self.admin_site.each_context(request),
            "title": "合并标签",
            "opts": self.model._meta,
            "tags": tags,
            "form": form,
            "total": total,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/transcripts/tag/merge_confirmation.html", context)

    def _merge(self, request, tags: list[Tag], data: dict) -> None:
        with transaction.atomic():
            merged = tagging.merge_tags(sources=tags, target=data["target"] or data["new_name"])
            sources = "、".join(merged.sources)
            self.log_deletions(request, [t for t in tags if t.pk != merged.target.pk])
            if merged.created:
                self.log_addition(request, merged.target, "合并时新建。")
            self.log_change(
                request, merged.target, f"合并:{sources} 并入此标签,{merged.quotes} 条发言移入。"
            )
        self.message_user(
            request,
            f"{merged.quotes} 条发言已移到标签「{merged.target.name}」(并入:{sources})。",
            messages.SUCCESS,
        )

    @admin.action(description="删除所选标签中未使用的", permissions=["delete"])
    def delete_unused(self, request, queryset) -> None:
        tags = list(queryset.order_by("name"))
        try:
            with transaction.atomic():
                result = tagging.delete_unused_tags(tags=tags)
                self.log_deletions(request, [t for t in tags if t.name in result.deleted])
        except tagging.TagError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        if result.deleted:
            names = "、".join(result.deleted)
            self.message_user(request, f"已删除 {len(result.deleted)} 个未使用的标签:{names}。")
        if result.kept:
            in_use = "、".join(
                f"{t.name}({t.quote_count} 条发言,{t.event_count} 个活动)"
                for t in tags
                if t.name in result.kept
            )
            self.message_user(request, f"这些标签仍在使用,没有删除:{in_use}。", messages.WARNING)


def events_of_tag() -> Subquery:
    """How many events a tag (the outer row) is on: the events of its quotes and the events
    tagged themselves, each event once however many of its quotes carry the tag."""
    tag = OuterRef(OuterRef("pk"))
    quote_events = TaggedQuote.objects.filter(tag=tag).values("content_object__event_id")
    tagged_events = TaggedEvent.objects.filter(tag=tag).values("content_object_id")
    events = Event.objects.filter(Q(pk__in=quote_events) | Q(pk__in=tagged_events)).order_by()
    return Subquery(events.annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


def _quotes_moving(tags: list[Tag]) -> tuple[dict[int, Moving], int]:
    """For each selected tag as the target: how many quotes would move to it (they carry one of
    the others) and how many of those do not carry it yet; and how many quotes would move to a
    new tag (every quote carrying any of them). One query."""
    quotes_of: dict[int, set[int]] = defaultdict(set)
    rows = TaggedQuote.objects.filter(tag__in=[t.pk for t in tags]).values_list(
        "tag_id", "content_object_id"
    )
    for tag_id, quote_id in rows:
        quotes_of[tag_id].add(quote_id)
    moves = {}
    for tag in tags:
        moving = set().union(*(q for pk, q in quotes_of.items() if pk != tag.pk))
        moves[tag.pk] = Moving(quotes=len(moving), new=len(moving - quotes_of[tag.pk]))
    return moves, len(set().union(*quotes_of.values()))


@admin.register(TagRedirect)
class TagRedirectAdmin(admin.ModelAdmin):
    """Old tag slugs and where they lead now; written only by renames and merges."""

    list_display = ["old_slug", "tag", "new_slug"]
    list_select_related = ["tag"]
    search_fields = ["old_slug", "tag__name", "tag__slug"]

    @admin.display(description="新网址名", ordering="tag__slug")
    def new_slug(self, redirect: TagRedirect) -> str:
        return redirect.tag.slug

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TagAlias)
class TagAliasAdmin(admin.ModelAdmin):
    """Synonyms of tags, each read as its tag by suggestions, search and every tag box."""

    form = TagAliasForm
    fields = ["name", "tag"]
    list_display = ["name", "tag"]
    list_select_related = ["tag"]
    search_fields = ["name", "tag__name"]
    search_help_text = "搜索别名或它所属的标签"
    autocomplete_fields = ["tag"]
    ordering = ["name"]
