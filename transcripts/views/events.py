"""Home, event pages and quote permalinks."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..forms import QuoteFilterForm
from ..models import Event, Quote
from ..pagecache import cached_page, published_event_version, site_page, site_version
from ..reader import event_reading, home_events, quote_reading


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
    return render(
        request,
        "transcripts/event_detail.html",
        {
            "event": event,
            "reading": reading,
            "form": form,
            "problems": form.problems() + reading.problems,
            "filtered": reading.filters.active or bool(form.problems()),
            "chart": _chart(reading.speakers),
            "source_link": _web_link(event.source_url),
        },
    )


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
        },
    )


def _retired_quote(event: Event, number: int):
    """A live number (even of a hidden quote) is never a redirect's: only retired ones move."""
    target = Quote.objects.filter(published=True).redirected_from(event, number).first()
    if target is None:
        raise Http404("no quote with this number")
    return redirect(reverse("quote-detail", args=[event.slug, target.number]), permanent=True)
