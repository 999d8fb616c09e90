"""Admin for quotes: the changelist editors curate from, tag suggestions on the change page, and
bulk actions (tags, top suggestions, publishing) that show what they would do and change nothing
until the editor confirms.

Every write goes through `quote.save()` or taggit's manager, so the signal receivers keep the
search index and the cached event pages current (transcripts.signals), and every changed quote
gets a line in its admin history. The admin is for our editors: its strings are plain Chinese.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..models import Quote, QuoteRedirect, Section, TaggedQuote, Topic
from ..slugs import clean_tag_name
from ..suggestions import suggest_for_quotes, suggest_tags
from .history import EventRevisionAdmin
from .quote_tags import (
    TagChangeForm,
    describe,
    name_problem,
    resolve_tags,
    tag_changes,
    tag_objects,
    unique_tags,
)

LABELS = {"event": "活动", "speaker": "发言人", "section": "部分", "topic": "话题"}
TEMPLATES = "admin/transcripts/quote/"
PREVIEW_LENGTH = 60
BULK_SUGGESTIONS = 3


# Filters ---------------------------------------------------------------------------------------


class TaggedFilter(admin.SimpleListFilter):
    title = "标签情况"
    parameter_name = "tagged"

    def lookups(self, request, model_admin):
        return [("no", "还没有标签"), ("yes", "已有标签")]

    def queryset(self, request, queryset):
        tagged = Exists(TaggedQuote.objects.filter(content_object=OuterRef("pk")))
        if self.value() == "no":
            return queryset.filter(~tagged)
        if self.value() == "yes":
            return queryset.filter(tagged)
        return queryset


class LabelledFilter(admin.RelatedFieldListFilter):
    """Our foreign keys have no verbose names: the filter says 活动, not "event"."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = LABELS.get(field_path, self.title)


class SpeakerFilter(LabelledFilter, admin.RelatedOnlyFieldListFilter):
    """Only people who have quotes."""


class WithinEventFilter(LabelledFilter):
    """Parts and topics belong to one event: offered once an event is chosen, and only its own."""

    def field_choices(self, field, request, model_admin):
        event = request.GET.get("event__id__exact", "")
        if not event.isdigit():
            return []
        rows = field.related_model.objects.filter(event_id=event).order_by("number")
        return [(row.pk, str(row)) for row in rows]


# The form --------------------------------------------------------------------------------------


class QuoteForm(forms.ModelForm):
    """A quote's part and topic are its own event's: anything else is a form error."""

    def clean(self):
        data = super().clean()
        event = data.get("event")
        for name in ("section", "topic"):
            heading = data.get(name)
            if event is not None and heading is not None and heading.event_id != event.pk:
                self.add_error(name, f"这个{LABELS[name]}属于另一场活动，请选《{event.title}》的。")
        return data


# The admin -------------------------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(EventRevisionAdmin, admin.ModelAdmin):
    list_display = [
        "number",
        "position",
        "event_title",
        "speaker_name",
        "part",
        "subject",
        "tag_names",
        "published",
        "preview",
    ]
    list_display_links = ["number", "preview"]
    list_filter = [
        ("event", LabelledFilter),
        ("speaker", SpeakerFilter),
        ("section", WithinEventFilter),
        ("topic", WithinEventFilter),
        "tags",
        TaggedFilter,
        "published",
    ]
    list_select_related = ["event", "speaker", "section", "topic"]
    search_fields = ["text", "speaker__name"]
    search_help_text = "搜索发言内容或发言人姓名"
    form = QuoteForm
    # menus, never id boxes: event and speaker complete as the editor types; a quote's part and
    # topic menus list its own event's only (when adding, they complete like the others)
    autocomplete_fields = ["event", "speaker"]
    actions = ["change_tags", "apply_suggestions", "unpublish", "publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_readonly_fields(self, request, obj=None):
        """The number is the quote's permalink and the position its place among the others:
        re-imports set them; an editor changing one would break links or the reading order."""
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "number", "position"]

    def get_autocomplete_fields(self, request):
        if _object_id(request) is None:
            return [*self.autocomplete_fields, "section", "topic"]
        return self.autocomplete_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """On a quote's page, its part and topic menus list its event's, in reading order."""
        if db_field.name in ("section", "topic") and (pk := _object_id(request)) is not None:
            event = Quote.objects.filter(pk=pk).values("event_id")
            model = Section if db_field.name == "section" else Topic
            kwargs["queryset"] = model.objects.filter(event_id__in=event).order_by("number")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs.setdefault("labels", LABELS)
        return super().get_form(request, obj, change, **kwargs)

    # Columns -----------------------------------------------------------------------------------

    @admin.display(description="活动", ordering="event__title")
    def event_title(self, quote: Quote) -> str:
        return quote.event.title

    @admin.display(description="发言人", ordering="speaker__name")
    def speaker_name(self, quote: Quote) -> str:
        return quote.speaker.name

    @admin.display(description="部分", ordering="section__number")
    def part(self, quote: Quote):
        return quote.section

    @admin.display(description="话题", ordering="topic__number")
    def subject(self, quote: Quote):
        return quote.topic

    @admin.display(description="标签")
    def tag_names(self, quote: Quote) -> str:
        return "、".join(sorted(tag.name for tag in quote.tags.all()))  # prefetched

    @admin.display(description="发言")
    def preview(self, quote: Quote) -> str:
        text = " ".join(quote.text.split())
        return text[:PREVIEW_LENGTH] + ("…" if len(text) > PREVIEW_LENGTH else "")

    # Suggestions on the change page ------------------------------------------------------------

    def get_urls(self):
        accept = path(
            "<path:object_id>/accept-tag/",
            self.admin_site.admin_view(self.accept_tag_view),
            name="transcripts_quote_accept_tag",
        )
        return [accept, *super().get_urls()]  # before the admin's catch-all object URL

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            query = request.GET.urlencode()
            url = reverse("admin:transcripts_quote_accept_tag", args=[obj.pk])
            context["tag_suggestions"] = suggest_tags(obj)
            context["accept_tag_url"] = f"{url}?{query}" if query else url
        return super().render_change_form(request, context, add, change, form_url, obj)

    def accept_tag_view(self, request, object_id):
        """POST: give the quote one suggested tag (an existing one, or a new one), then back to
        the change page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        quote = self.get_object(request, unquote(object_id))
        if quote is None:
            raise Http404("没有这段发言")
        if not self.has_change_permission(request, quote):
            raise PermissionDenied
        back = reverse("admin:transcripts_quote_change", args=[quote.pk])
        if request.GET:
            back += "?" + request.GET.urlencode()
        name = clean_tag_name(request.POST.get("tag", ""))
        if problem := name_problem(name):
            self.message_user(request, problem, messages.ERROR)
            return HttpResponseRedirect(back)
        found, _ = resolve_tags([name])
        tag = found.get(name)
        if tag is not None and quote.tags.filter(pk=tag.pk).exists():
            self.message_user(request, f"这段发言已经有标签「{tag.name}」。", messages.INFO)
            return HttpResponseRedirect(back)
        with transaction.atomic():
            (tag,) = tag_objects([tag or name])
            quote.tags.add(tag)
            self.log_change(request, quote, f"采纳标签建议:加上「{tag.name}」")
        self.message_user(request, f"已加上标签「{tag.name}」。", messages.SUCCESS)
        return HttpResponseRedirect(back)

    # Bulk actions ------------------------------------------------------------------------------

    def _action_page(self, request, template: str, title: str, **context) -> TemplateResponse:
        """An intermediate page that posts back to the changelist with the same selection."""
        return TemplateResponse(
            request,
            TEMPLATES + template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "action": request.POST.get("action", ""),
                "select_across": request.POST.get("select_across", "0"),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                **context,
            },
        )

    @admin.action(description="加上或去掉标签", permissions=["change"])
    def change_tags(self, request, queryset):
        step = request.POST.get("step")
        form = TagChangeForm(request.POST if step else None)
        quotes = list(queryset)
        if not step or not form.is_valid():
            return self._action_page(
                request, "tags_form.html", "加上或去掉标签", form=form, quotes=quotes
            )
        add, remove = form.cleaned_data["add"], form.cleaned_data["remove"]
        plan = tag_changes(quotes, add, remove)
        changing = [change for change in plan if change.changes]
        if step != "confirm":
            return self._action_page(
                request,
                "tags_confirm.html",
                "确认修改标签",
                form=form,
                plan=plan,
                changing=len(changing),
                new_tags=[name for name in add if isinstance(name, str)],
            )
        with transaction.atomic():
            needed = any(change.add for change in plan)  # no new tag unless some quote gets it
            created = dict(zip(add, tag_objects(add), strict=True)) if needed else {}
            for change in changing:
                if change.add:
                    change.quote.tags.add(*[created[item] for item in change.add])
                if change.remove:
                    change.quote.tags.remove(*[tag.name for tag in change.remove])
                self.log_change(request, change.quote, change.describe())
        self.message_user(request, f"已修改 {len(changing)} 段发言的标签。", messages.SUCCESS)
        return None

    @admin.action(description="采纳排名靠前的标签建议", permissions=["change"])
    def apply_suggestions(self, request, queryset):
        quotes = list(queryset)
        if request.POST.get("step") != "confirm":
            suggestions = suggest_for_quotes(quotes, limit=BULK_SUGGESTIONS)
            rows = [{"quote": q, "suggestions": suggestions[q.pk]} for q in quotes]
            return self._action_page(request, "suggestions_preview.html", "采纳标签建议", rows=rows)
        by_quote = {q.pk: q for q in quotes}
        chosen: dict[int, list[str]] = {}
        for value in request.POST.getlist("accept"):
            pk, _, name = value.partition(":")
            name = clean_tag_name(name)
            if pk.isdigit() and int(pk) in by_quote and not name_problem(name):
                chosen.setdefault(int(pk), []).append(name)
        changed = added = 0
        with transaction.atomic():
            names = sorted({name for names in chosen.values() for name in names})
            found, missing = resolve_tags(names)
            tags = dict(zip(missing, tag_objects(missing), strict=True)) | found
            for pk, names in chosen.items():
                quote = by_quote[pk]
                have = {tag.pk for tag in quote.tags.all()}
                new = unique_tags(tags[n] for n in names if tags[n].pk not in have)
                if new:
                    quote.tags.add(*new)
                    self.log_change(request, quote, describe(new, []) + "(采纳建议)")
                    changed, added = changed + 1, added + len(new)
        self.message_user(request, f"已为 {changed} 段发言加上 {added} 个标签。", messages.SUCCESS)
        return None

    @admin.action(description="取消发布所选发言", permissions=["change"])
    def unpublish(self, request, queryset):
        return self._set_published(request, queryset, False)

    @admin.action(description="发布所选发言", permissions=["change"])
    def publish(self, request, queryset):
        return self._set_published(request, queryset, True)

    def _set_published(self, request, queryset, published: bool):
        verb = "发布" if published else "取消发布"
        quotes = list(queryset)
        changing = [q for q in quotes if q.published != published]
        if request.POST.get("step") != "confirm":
            return self._action_page(
                request,
                "publish_confirm.html",
                f"确认{verb}",
                verb=verb,
                quotes=quotes,
                changing=changing,
                unchanged=len(quotes) - len(changing),
            )
        with transaction.atomic():
            for quote in changing:
                quote.published = published
                quote.save(update_fields=["published"])
                self.log_change(request, quote, f"{verb}(批量操作)")
        message = f"已{verb} {len(changing)} 段发言。"
        if unchanged := len(quotes) - len(changing):
            state = "已经公开" if published else "本来就未公开"
            message += f"另有 {unchanged} 段{state},没有改动。"
        self.message_user(request, message, messages.SUCCESS)
        return None


def _object_id(request) -> str | None:
    """The quote whose page this is (None when adding)."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return unquote(object_id) if object_id and unquote(object_id).isdigit() else None


@admin.register(QuoteRedirect)
class QuoteRedirectAdmin(admin.ModelAdmin):
    """Quote numbers that re-imports retired, and where their old links lead: written by the
    import service, read-only here."""

    list_display = ["number", "event", "target_quote"]
    list_filter = [("event", LabelledFilter)]
    list_select_related = ["event", "target__speaker"]
    search_fields = ["event__title"]

    @admin.display(description="转到")
    def target_quote(self, redirect: QuoteRedirect) -> str:
        target = redirect.target
        if target is None:
            return "不再指向任何发言"
        return f"第 {target.number} 段 · {target.speaker.name} · {target.text[:PREVIEW_LENGTH]}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
