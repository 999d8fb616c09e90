"""The editors' workbench: one page per event, the transcript as readers see it, edited in place.

`/admin/transcripts/event/<id>/workbench/` (staff with "change quote"). Every edit is a small
POST made by htmx (`static/js/workbench.js` drives it from the keyboard) that runs one service
(`workbench_ops`) and answers with the fragments that changed: the quote's block, the blocks of a
split or a merge (the merged one deleted out of band), or the whole transcript when headings or
many quotes moved. A mistake the editor can fix is a 422 fragment with a Chinese message, shown
in the page's status line; the page is never reloaded.

The pages hang off the Event admin (a `ModelAdmin` mixin, like `importing.EventImportViews`);
their URLs come before the admin's own, whose catch-all would take them for an event id.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from .. import proposals, quote_edits, speaker_edits, suggestions, tagging
from ..models import Event, Quote, Speaker
from . import workbench_ops as ops
from .workbench_blocks import Lookups, blocks_between, event_blocks
from .workbench_forms import InputError, speaker_options, tag_options

TEMPLATES = "admin/transcripts/workbench/"
PERMISSION = "transcripts.change_quote"
# What an editor can fix, each with a Chinese message: a 422 fragment, never a 500
EDITOR_ERRORS = (
    quote_edits.EditError,  # heading_edits raises it too
    speaker_edits.SpeakerEditError,
    tagging.TagError,
    InputError,
)


class WorkbenchViews:
    """The workbench pages of the Event admin (a `ModelAdmin` mixin)."""

    change_form_template = "admin/transcripts/event/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        base = "<int:event_id>/workbench/"
        urls = [
            path(base, view(self.workbench_view), name="transcripts_event_workbench"),
            path(
                base + "proposals/",
                view(require_GET(self.workbench_proposals_view)),
                name="transcripts_event_workbench_proposals",
            ),
            path(
                base + "q/<int:quote_id>/suggestions/",
                view(require_GET(self.workbench_suggestions_view)),
                name="transcripts_event_workbench_suggestions",
            ),
            path(
                "workbench/speakers/",
                view(require_GET(self.workbench_speaker_choices)),
                name="transcripts_event_workbench_speakers",
            ),
            path(
                "workbench/tags/",
                view(require_GET(self.workbench_tag_choices)),
                name="transcripts_event_workbench_tags",
            ),
        ]
        heading = "heading/<str:kind>/<int:heading_id>/"
        kinds = [
            (ops.QUOTE_OPS, "q/<int:quote_id>/", "", self.workbench_quote_op),
            (ops.HEADING_OPS, heading, "heading_", self.workbench_heading_op),
            (ops.EVENT_OPS, "", "", self.workbench_event_op),
        ]
        for names, route, prefix, handler in kinds:
            urls += [
                path(
                    f"{base}{route}{name}/",
                    view(require_POST(partial(handler, op=name))),
                    name=f"transcripts_event_workbench_{prefix}{name.replace('-', '_')}",
                )
                for name in names
            ]
        return [*urls, *super().get_urls()]

    # Pages -----------------------------------------------------------------------------------

    def _workbench_event(self, request, event_id: int) -> Event:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Event, pk=event_id)

    def workbench_view(self, request, event_id: int):
        event = self._workbench_event(request, event_id)
        lookups = Lookups.read(event)
        blocks = event_blocks(event, lookups)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"编辑稿件：{event.title}",
            "event": event,
            "blocks": blocks,
            **_panels(event, lookups),
        }
        return TemplateResponse(request, TEMPLATES + "page.html", context)

    def workbench_proposals_view(self, request, event_id: int):
        event = self._workbench_event(request, event_id)
        return HttpResponse(render_to_string(TEMPLATES + "_proposals.html", _proposals(event)))

    def workbench_suggestions_view(self, request, event_id: int, quote_id: int):
        event = self._workbench_event(request, event_id)
        quote = get_object_or_404(Quote, pk=quote_id, event=event)
        context = {"quote": quote, "suggestions": suggestions.suggest_tags(quote, limit=8)}
        return HttpResponse(render_to_string(TEMPLATES + "_suggestions.html", context))

    def workbench_speaker_choices(self, request):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return JsonResponse({"options": speaker_options(request.GET.get("q", ""))})

    def workbench_tag_choices(self, request):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return JsonResponse({"options": tag_options(request.GET.get("q", ""))})

    # Operations ------------------------------------------------------------------------------

    def workbench_quote_op(self, request, event_id: int, quote_id: int, *, op: str):
        event = self._workbench_event(request, event_id)
        quote = Quote.objects.filter(pk=quote_id, event=event).first()
        if quote is None:
            return _problem("这段发言已经不在了（可能刚被合并），请刷新页面。", status=404)
        return _run(request, event, partial(ops.QUOTE_OPS[op], request, event, quote))

    def workbench_heading_op(self, request, event_id: int, kind: str, heading_id: int, *, op):
        event = self._workbench_event(request, event_id)
        model = ops.HEADING_MODELS.get(kind)
        heading = model and model.objects.filter(pk=heading_id, event=event).first()
        if heading is None:
            return _problem("这个标题已经不在了，请刷新页面。", status=404)
        return _run(request, event, partial(ops.HEADING_OPS[op], request, event, heading))

    def workbench_event_op(self, request, event_id: int, *, op: str):
        event = self._workbench_event(request, event_id)
        return _run(request, event, partial(ops.EVENT_OPS[op], request, event))


# Answers -------------------------------------------------------------------------------------


def _run(request, event: Event, operation) -> HttpResponse:
    try:
        changed = operation()
    except EDITOR_ERRORS as error:
        return _problem(str(error))
    except Http404:
        return _problem("找不到要改的内容，请刷新页面。", status=404)
    return _fragment(request, event, changed)


def _problem(message: str, *, status: int = 422) -> HttpResponse:
    html = render_to_string(TEMPLATES + "_status.html", {"message": message, "error": True})
    response = HttpResponse(html, status=status)
    return reswap(retarget(response, "#wb-status"), "outerHTML")


def _fragment(request, event: Event, changed: ops.Changed) -> HttpResponse:
    event.refresh_from_db()
    context: dict = {"event": event, "changed": changed, "message": changed.message}
    if changed.whole or changed.panels:
        lookups = Lookups.read(event)
        context |= _panels(event, lookups)
    if changed.whole:
        context["blocks"] = event_blocks(event, lookups)
        target = "#wb-transcript"
    else:
        context["blocks"] = blocks_between(event, changed.first, changed.last)
        context["also"] = [b for p in changed.also for b in blocks_between(event, p, p)]
        target = f"#wb-q-{changed.target}"
    if changed.proposals:
        context |= _proposals(event)
    response = HttpResponse(render_to_string(TEMPLATES + "_fragment.html", context, request))
    response = reswap(retarget(response, target), "outerHTML")
    if changed.focus:
        trigger_client_event(response, "wb:focus", {"quote": changed.focus}, after="settle")
    return response


def _panels(event: Event, lookups: Lookups) -> dict:
    people = lookups.people()
    return {
        "people": people,
        "placeholders": [person for person in people if person.placeholder],
        "base_url": reverse("admin:transcripts_event_workbench", args=[event.pk]),
    }


def _proposals(event: Event) -> dict:
    found = proposals.propose(event)
    quotes = {
        q.pk: q.number
        for q in Quote.objects.filter(
            pk__in=[b.before_quote_id for b in found.boundaries] + [n.quote_id for n in found.names]
        ).only("pk", "number")
    }
    labels = dict(
        Speaker.objects.filter(pk__in=[n.speaker_id for n in found.names]).values_list("pk", "name")
    )
    return {
        "event": event,
        "boundaries": [(b, quotes.get(b.before_quote_id)) for b in found.boundaries],
        "names": [(n, quotes.get(n.quote_id), labels.get(n.speaker_id)) for n in found.names],
        "base_url": reverse("admin:transcripts_event_workbench", args=[event.pk]),
    }
