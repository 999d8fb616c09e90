"""Home, event pages and quote permalinks."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..forms import QuoteFilterForm
from ..models import Event, Quote
from ..pagecache import cached_page, published_event_version, site_page, site_version
from ..reader import event_reading, home_events, quote_reading
from ..recordings import listening, recording


@site_page
def home(request):
    return render(request, "transcripts/home.html", {"events": home_events()})


def event_detail(request, slug: str):
    version, event = published_event_version(slug)
    if version is None:
        raise Http404("no published event with this slug")
    versions = [version, site_version()]
    return cached_page(request, versions, lambda: _event_page(request, slug, event))


def _event_page(request, slug: str, event: Event | None):
    if event is None:
        event = get_object_or_404(Event.objects.published(), slug=slug)
    form = QuoteFilterForm(request.GET, without=["event"])  # the page is the event's own
    reading = event_reading(event, form.filters())
    filtered = reading.filters.active or bool(form.problems())
    return render(
        request,
        "transcripts/event_detail.html",
        {
            "event": event,
            "reading": reading,
            "form": form,
            "problems": form.problems() + reading.problems,
            "filtered": filtered,
            "turns": _turns(reading.quotes),
            # contents entries jump within the whole transcript: a filtered page has no anchors
            "toc_base": event.get_absolute_url() if filtered else "",
            "chart": _chart(reading.speakers),
            "source_link": _web_link(event.source_url),
            "recording": listening(event, reading.quotes),
        },
    )


def _turns(quotes) -> list[tuple]:
    """Each quote with links to its speaker's previous and next turn on the page (none at
    either end): one pass over the quotes already read, no query, and the links built here
    rather than in the template's loop, which runs once per quote (see bench/render_bench.py)."""
    previous: list[int | None] = []
    following: list[int | None] = [None] * len(quotes)
    last: dict[int, int] = {}  # speaker pk -> index of their latest turn so far
    for index, quote in enumerate(quotes):
        before = last.get(quote.speaker.speaker.pk)
        previous.append(None if before is None else quotes[before].number)
        if before is not None:
            following[before] = quote.number
        last[quote.speaker.speaker.pk] = index
    # built from numbers and escaped labels only: safe as HTML
    labels = (escape(gettext("同一发言人的上一段")), escape(gettext("同一发言人的下一段")))
    return [
        (quote, mark_safe(_step(before, labels[0]) + _step(after, labels[1])))
        for quote, before, after in zip(quotes, previous, following, strict=True)
    ]


def _step(number: int | None, label: str) -> str:
    return f'<a class="turn" href="#q-{number}">{label}</a>' if number is not None else ""


def _web_link(url: str) -> str:
    """The address if it is a web page's (never a javascript: link), else ""."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _chart(speakers) -> dict:
    """Bars for the "who spoke how much" chart, longest first: a 100-wide SVG, 10 units a bar."""
    speaking = sorted((s for s in speakers if s.chars), key=lambda s: -s.chars)
    longest = speaking[0].chars if speaking else 1
    bars = [
        {
            "speaker": s,
            "percent": round(s.share * 100, 1),
            "width": round(s.chars / longest * 100, 2),
            "y": index * 10,
        }
        for index, s in enumerate(speaking)
    ]
    return {"bars": bars, "height": len(bars) * 10, "pixels": len(bars) * 24}


@site_page
def quote_detail(request, slug: str, number: int):
    """One quote by its permalink number; a number a re-import retired answers 301 to the quote
    that took its place (see `event_import`)."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    reading = quote_reading(event, number)
    if reading is None:
        return _retired_quote(event, number)
    return render(
        request,
        "transcripts/quote_detail.html",
        {
            "event": event,
            "quote": reading.quote,
            "previous": reading.previous,
            "next": reading.next,
            "recording": recording(event),
        },
    )


def _retired_quote(event: Event, number: int):
    """A live number (even of a hidden quote) is never a redirect's: only retired ones move."""
    target = Quote.objects.filter(published=True).redirected_from(event, number).first()
    if target is None:
        raise Http404("no quote with this number")
    return redirect(reverse("quote-detail", args=[event.slug, target.number]), permanent=True)
