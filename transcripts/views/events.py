"""Home, event pages and quote permalinks."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..forms import QuoteFilterForm
from ..models import Event, Quote
from ..reader import Person, attach_details, event_reading, home_events
from .caching import cached_page, published_event_version, site_page, site_version


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
    form = QuoteFilterForm(request.GET)
    reading = event_reading(event, form.filters())
    problems = form.problems() + reading.problems
    return render(
        request,
        "transcripts/event_detail.html",
        {
            "event": event,
            "reading": reading,
            "form": form,
            "problems": problems,
            "filtered": reading.filters.active or bool(form.problems()),
            "chart": _chart(reading.people),
        },
    )


def _chart(people) -> dict:
    """Bars for the "who spoke how much" chart, longest first: a 100-wide SVG, 10 units a bar."""
    speaking = sorted((p for p in people if p.chars), key=lambda p: -p.chars)
    longest = speaking[0].chars if speaking else 1
    bars = [
        {
            "person": p,
            "percent": round(p.share * 100, 1),
            "width": round(p.chars / longest * 100, 2),
            "y": index * 10,
        }
        for index, p in enumerate(speaking)
    ]
    return {"bars": bars, "height": len(bars) * 10, "pixels": len(bars) * 24}


@site_page
def quote_detail(request, slug: str, number: int):
    """One quote by its permalink number; a number a re-import retired answers 301 to the quote
    that took its place (see `event_import`)."""
    event = get_object_or_404(Event.objects.published(), slug=slug)
    quote = (
        Quote.objects.select_related("speaker", "section", "topic")
        .filter(event=event, number=number, published=True)
        .first()
    )
    if quote is None:
        return _retired_quote(event, number)
    participation = event.participations.filter(speaker=quote.speaker).first()
    public = Quote.objects.filter(event=event, published=True).select_related("speaker")
    public = public.only("number", "position", "text", "speaker__name", "event_id")
    previous = public.filter(position__lt=quote.position).order_by("-position").first()
    following = public.filter(position__gt=quote.position).order_by("position").first()
    person = Person.at_event(quote.speaker, participation)
    attach_details(
        [quote],
        [person],
        [quote.section] if quote.section else [],
        [quote.topic] if quote.topic else [],
    )
    return render(
        request,
        "transcripts/quote_detail.html",
        {
            "event": event,
            "quote": quote,
            "previous": previous,
            "next": following,
        },
    )


def _retired_quote(event: Event, number: int):
    """A live number (even of a hidden quote) is never a redirect's: only retired ones move."""
    target = Quote.objects.filter(published=True).redirected_from(event, number).first()
    if target is None:
        raise Http404("no quote with this number")
    return redirect(reverse("quote-detail", args=[event.slug, target.number]), permanent=True)
