"""History in the admin: every change an editor makes is a revision of its event
(`EventRevisionAdmin`), and an event's history page lists them, shows each one's word-level
diff and restores any of them (`EventHistoryViews`, the event's "历史" button).

A POST to any page of an admin with `EventRevisionAdmin` runs inside `history.revision`: the
events its writes touch are found as they are written (`history.track`), so a form, an inline,
an action over many rows or list_editable all record one revision with the editor and a
Chinese comment. Pages that record their own revision (import, workbench) are left alone.
"""

from __future__ import annotations

import copy
from functools import wraps

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from .. import history
from ..history_diff import Names, compare, read_snapshot
from ..history_restore import RestoreError
from ..models import Event

TEMPLATES = "admin/transcripts/history/"
PER_PAGE = 20
VERBS = {"accept_tag": "采纳标签建议", "split": "拆分标题"}  # custom pages, by URL name


class EventRevisionAdmin:
    """ModelAdmin mixin for models of an event: its POSTs are revisions of the events changed."""

    history_skip = ("_import", "_workbench", "_history")  # they record their own

    @property
    def urls(self):
        return [self._recorded(pattern) for pattern in self.get_urls()]

    def _recorded(self, pattern):
        name = getattr(pattern, "name", None) or ""
        if not isinstance(pattern, URLPattern) or any(s in name for s in self.history_skip):
            return pattern
        view = pattern.callback

        @wraps(view)
        def recorded(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            comment = self.history_comment(request, name, kwargs)
            with history.revision(user=request.user, comment=comment):
                return view(request, *args, **kwargs)

        wrapped = copy.copy(pattern)
        wrapped.callback = recorded
        return wrapped

    def history_comment(self, request, url_name: str, kwargs) -> str:
        noun, prefix = self.opts.verbose_name, f"{self.opts.app_label}_{self.opts.model_name}_"
        kind = url_name.removeprefix(prefix)
        label = self._history_label(request, kwargs.get("object_id"))
        if kind == "add":
            return f"在后台新增{noun}"
        if kind == "delete":
            return f"在后台删除{noun}{label}"
        if kind == "changelist":
            action = self.get_actions(request).get(request.POST.get("action", ""))
            if action:
                return f"在后台对所选{noun}执行「{action[2]}」"
            return f"在后台批量修改{noun}"
        return f"在后台{VERBS.get(kind, '修改')}{noun}{label}"

    def _history_label(self, request, object_id) -> str:
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is None:
            return ""
        if isinstance(obj, Event):
            return f"《{obj.title}》"
        number = getattr(obj, "number", None)
        return f" #{number}" if number is not None else f"「{obj}」"

    def save_model(self, request, obj, form, change):
        if change and "event" in getattr(form, "changed_data", ()):  # moved: the old one too
            history.track(form.initial.get("event"))
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        history.track(getattr(obj, "event_id", None))  # deletions send us no signal
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for event_id in set(queryset.values_list("event_id", flat=True)):
            history.track(event_id)
        super().delete_queryset(request, queryset)

    object_history_template = TEMPLATES + "object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        """The admin's log of this row, with a link to its event's history (the diffs)."""
        obj = self.get_object(request, unquote(object_id))
        event_id = getattr(obj, "event_id", None)
        if event_id is not None:
            url = reverse(f"{self.admin_site.name}:transcripts_event_history", args=[event_id])
            extra_context = {**(extra_context or {}), "event_history_url": url}
        return super().history_view(request, object_id, extra_context)


class EventHistoryViews(EventRevisionAdmin):
    """EventAdmin mixin: the history pages (list, one revision's diff, restore)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/<int:version_id>/",
                view(self.revision_view),
                name="transcripts_event_history_revision",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.restore_view),
                name="transcripts_event_history_restore",
            ),
            *super().get_urls(),
        ]

    def _event(self, request, object_id, *, change: bool = False) -> Event:
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404("没有这个活动。")
        allowed = self.has_change_permission if change else self.has_view_or_change_permission
        if not allowed(request, event):
            raise PermissionDenied
        return event

    def _page(self, request, template: str, event: Event, **context) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "event": event,
            "may_restore": self.has_change_permission(request, event),
            **context,
        }
        return TemplateResponse(request, TEMPLATES + template, context)

    def history_view(self, request, object_id, extra_context=None):
        """The event's revisions, newest first, each with what it changed."""
        event = self._event(request, object_id)
        page = Paginator(history.versions_of(event), PER_PAGE).get_page(request.GET.get("p"))
        versions = list(page)
        older = (
            history.versions_of(event).filter(pk__lt=versions[-1].pk).first() if versions else None
        )
        snapshots = [read_snapshot(v.revision_id, event.pk) for v in [*versions, older] if v]
        snapshots += [None] * (len(versions) + 1 - len(snapshots))
        names = Names.of(*[s for s in snapshots if s])
        rows = [
            {
                "version": version,
                "changes": compare(snapshots[i + 1], snapshots[i], names),
                "newest": page.number == 1 and i == 0,
            }
            for i, version in enumerate(versions)
        ]
        return self._page(
            request, "list.html", event, title=f"历史：{event.title}", rows=rows, page=page
        )

    def revision_view(self, request, object_id, version_id: int):
        """One revision: the word-level diff of every quote and heading it changed."""
        event = self._event(request, object_id)
        version = history.versions_of(event).filter(pk=version_id).first()
        if version is None:
            raise Http404("没有这个版本。")
        previous = history.versions_of(event).filter(pk__lt=version.pk).first()
        new = read_snapshot(version.revision_id, event.pk)
        old = read_snapshot(previous.revision_id, event.pk) if previous else None
        changes = compare(old, new)
        when = timezone.localtime(version.revision.date_created)
        return self._page(
            request,
            "revision.html",
            event,
            title=f"{when:%Y-%m-%d %H:%M} 的版本：{event.title}",
            version=version,
            previous=previous,
            changes=changes,
            is_newest=not history.versions_of(event).filter(pk__gt=version.pk).exists(),
        )

    def restore_view(self, request, object_id, version_id: int):
        """GET: what restoring means; POST: restore, back to the history with a message."""
        event = self._event(request, object_id, change=True)
        version = history.versions_of(event).filter(pk=version_id).first()
        if version is None:
            raise Http404("没有这个版本。")
        if request.method != "POST":
            when = timezone.localtime(version.revision.date_created)
            return self._page(
                request, "restore_confirm.html", event, title="确认恢复", version=version, when=when
            )
        back = reverse(f"{self.admin_site.name}:transcripts_event_history", args=[event.pk])
        try:
            result = history.restore(event=event, version_id=version.pk, user=request.user)
        except RestoreError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        messages.success(request, _restored_message(result))
        return HttpResponseRedirect(back)


def _restored_message(result) -> str:
    when = timezone.localtime(result.restored_from.revision.date_created)
    message = f"已恢复到 {when:%Y-%m-%d %H:%M} 的版本（{result.quotes} 段发言）。"
    if result.redirected:
        message += f"{len(result.redirected)} 个旧发言编号现在转到含有其文字的发言。"
    if result.lost_tags:
        message += f"{result.lost_tags} 个标签已被删除，没有恢复。"
    return message
