"""Admin for events, speakers, participations and topics."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from .. import event_deletion
from ..models import Event, Participation, Section, Speaker, Topic
from .history import EventHistoryViews, EventRevisionAdmin
from .importing import EventImportViews
from .speakers import SpeakerAliasInline, SpeakerMergeActions, SpeakerRedirectInline
from .workbench import WorkbenchViews


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "bio", "order"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0
    fields = ["number", "label", "title", "section"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Only the event's own parts in the topic's part menu (a new event has none yet)."""
        if db_field.name == "section":
            event = request.resolver_match.kwargs.get("object_id")
            ok = event and str(event).isdigit()
            kwargs["queryset"] = Section.objects.filter(event_id=event if ok else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Event)
class EventAdmin(WorkbenchViews, EventHistoryViews, EventImportViews, admin.ModelAdmin):
    """Events, with the import pages (`importing`) and a bulk deletion (`event_deletion`)."""

    list_display = ["title", "series", "date", "published", "quote_count", "public_link"]
    list_filter = ["published", "series", "source_format"]
    search_fields = ["title", "intro", "slug", "series"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["source_checksum", "source_format", "created_at", "updated_at"]
    inlines = [ParticipationInline, SectionInline, TopicInline]
    actions = ["unpublish_events", "publish_events"]
    date_hierarchy = "date"
    # a source URL typed without a scheme is https (Django 6's default, opted into now)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_quotes=Count("quotes", filter=Q(quotes__published=True)))
        )

    @admin.display(description="公开发言", ordering="n_quotes")
    def quote_count(self, event: Event) -> int:
        return event.n_quotes

    @admin.display(description="公开页面")
    def public_link(self, event: Event) -> str:
        if not event.published:
            return "—"
        return format_html('<a href="{}" target="_blank">查看</a>', event.get_absolute_url())

    @admin.action(description="撤下所选活动（不删除）", permissions=["change"])
    def unpublish_events(self, request, queryset):
        return self._set_published(request, queryset, False)

    @admin.action(description="发布所选活动", permissions=["change"])
    def publish_events(self, request, queryset):
        return self._set_published(request, queryset, True)

    def _set_published(self, request, queryset, published: bool):
        """A confirmation page first; on confirmation every event is saved (so caches and
        history follow) and the editor is told how many changed."""
        changing = [event for event in queryset if event.published != published]
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/transcripts/event/confirm_publish.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "确认发布" if published else "确认撤下",
                    "events": changing,
                    "published": published,
                    "selected": queryset.values_list("pk", flat=True),
                    "action": request.POST.get("action"),
                    "opts": self.model._meta,
                },
            )
        for event in changing:
            event.published = published
            event.save(update_fields=["published", "updated_at"])
            self.log_change(request, event, [{"changed": {"fields": ["published"]}}])
        verb = "发布" if published else "撤下"
        self.message_user(request, f"已{verb} {len(changing)} 个活动。", messages.SUCCESS)
        return None

    # Deleting: Django's way loads every row of the event (a 1.7-million-quote event timed
    # out), so the confirmation page counts them and the deletion runs in bulk SQL
    # (`event_deletion`). The delete view and the "delete selected" action both come here.

    def get_deleted_objects(self, objs, request):
        """Each event with a count per kind of row that goes with it (Django lists every row),
        the permissions an editor lacks for them, as Django checks them; nothing protected."""
        deleted, totals = [], Counter()
        summaries = event_deletion.deletion_summary(objs)
        for summary in summaries:
            url = reverse(
                f"{self.admin_site.name}:transcripts_event_change", args=[summary.event.pk]
            )
            deleted.append(
                format_html(
                    '{}: <a href="{}">{}</a>', capfirst(self.opts.verbose_name), url, summary.event
                )
            )
            deleted.append(
                [
                    f"{capfirst(model._meta.verbose_name_plural)}: {n:,}"
                    for model, n in summary.rows.items()
                    if n
                ]
            )
            totals.update(summary.rows)
        perms_needed = {
            model._meta.verbose_name
            for model, n in totals.items()
            if n
            and self.admin_site.is_registered(model)
            and not self.admin_site.get_model_admin(model).has_delete_permission(request)
        }
        model_count = {Event._meta.verbose_name_plural: len(summaries)}
        model_count |= {model._meta.verbose_name_plural: n for model, n in totals.items() if n}
        return deleted, model_count, perms_needed, []

    def delete_model(self, request, obj):
        event_deletion.delete_events([obj])

    def delete_queryset(self, request, queryset):
        event_deletion.delete_events(queryset)


@admin.register(Speaker)
class SpeakerAdmin(SpeakerMergeActions, admin.ModelAdmin):
    actions = ["merge_speakers"]
    inlines = [SpeakerAliasInline, SpeakerRedirectInline]
    list_display = ["name", "slug", "handle", "event_count", "quote_count"]
    search_fields = ["name", "slug", "handle", "bio"]
    readonly_fields = []

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_events=Count("participations", distinct=True),
                n_quotes=Count("quotes", distinct=True),
            )
        )

    @admin.display(description="活动", ordering="n_events")
    def event_count(self, speaker: Speaker) -> int:
        return speaker.n_events

    @admin.display(description="发言", ordering="n_quotes")
    def quote_count(self, speaker: Speaker) -> int:
        return speaker.n_quotes


@admin.register(Participation)
class ParticipationAdmin(EventRevisionAdmin, admin.ModelAdmin):
    list_display = ["speaker", "event", "role", "order"]
    list_filter = ["role", "event"]
    search_fields = ["speaker__name", "event__title", "bio"]
    autocomplete_fields = ["speaker", "event"]
    list_select_related = ["speaker", "event"]


class TopicForm(forms.ModelForm):
    """A topic's part is one of its own event's."""

    def clean(self):
        data = super().clean()
        event, section = data.get("event"), data.get("section")
        if event is not None and section is not None and section.event_id != event.pk:
            self.add_error("section", f"这个部分属于另一场活动，请选《{event.title}》的。")
        return data


@admin.register(Topic)
class TopicAdmin(EventRevisionAdmin, admin.ModelAdmin):
    form = TopicForm
    list_display = ["__str__", "event", "number", "section"]
    list_filter = ["event"]
    search_fields = ["title", "label", "event__title"]
    autocomplete_fields = ["event"]
    list_select_related = ["event", "section"]
    ordering = ["event", "number"]

    def get_autocomplete_fields(self, request):
        """Adding: the part completes as the editor types (every event's parts are many)."""
        if request.resolver_match.kwargs.get("object_id") is None:
            return [*self.autocomplete_fields, "section"]
        return self.autocomplete_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """On a topic's page, its part menu lists its own event's parts."""
        object_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "section" and object_id and str(object_id).isdigit():
            event = Topic.objects.filter(pk=object_id).values("event_id")
            kwargs["queryset"] = Section.objects.filter(event_id__in=event).order_by("number")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
